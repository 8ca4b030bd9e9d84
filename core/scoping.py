"""One scoping mechanism: `Model.objects.visible_to(user)` on every queryset a page, API or export reads.

A user's scope is computed once per request (cached on the user object):
city admins see everything, district admins their district, station staff their stations,
anonymous users and experts nothing of the internal data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db import models


@dataclass(frozen=True)
class Scope:
    level: str  # "anonymous" | "staff" | "district" | "city" | "expert"
    station_ids: frozenset[int] = field(default_factory=frozenset)
    district_id: int | None = None

    @property
    def is_city(self) -> bool:
        return self.level == "city"

    @property
    def is_district(self) -> bool:
        return self.level == "district"

    @property
    def is_staff_member(self) -> bool:
        return self.level == "staff"

    @property
    def is_admin(self) -> bool:
        return self.level in {"city", "district"}

    @property
    def is_internal(self) -> bool:
        return self.level in {"staff", "district", "city"}


ANONYMOUS = Scope("anonymous")


def scope_of(user) -> Scope:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, "_portal_scope", None)
    if cached is not None:
        return cached
    # Read through the reverse accessors (UserProfile.user, StationMembership.user): core names no app.
    profile = getattr(user, "profile", None)  # no profile: RelatedObjectDoesNotExist, an AttributeError
    role = profile.role if profile is not None else None
    if user.is_superuser and role != "district":
        scope = Scope("city")
    elif role is None:
        scope = ANONYMOUS
    elif role == "district":
        scope = Scope("district", district_id=profile.district_id)
    elif role == "staff":
        ids = user.station_memberships.filter(is_active=True).values_list("station_id", flat=True)
        scope = Scope("staff", station_ids=frozenset(ids))
    else:  # "city", "expert": the role's value is the scope's level
        scope = Scope(role)
    user._portal_scope = scope
    return scope


class ScopedQuerySet(models.QuerySet):
    """Querysets of station-owned data. Subclasses name the paths to the owning station and district."""

    station_path: str = "station"
    district_path: str = "station__street__district"

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_city:
            return self.all()
        if scope.is_district:
            return self.filter(**{self.district_path: scope.district_id})
        if scope.is_staff_member:
            return self.filter(**{f"{self.station_path}__in": scope.station_ids})
        return self.none()
