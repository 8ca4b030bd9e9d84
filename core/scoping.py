"""One scope decision for reads and writes.

A user's scope is computed once per request (cached on the user object): city admins see everything,
district admins their district, station staff their stations, experts (Role.EXPERT) only what names their
own expert record (`ScopedQuerySet.expert_path`), anonymous users nothing of the internal data. `Scope.allows(station_id=…, district_id=…)` is the one predicate:

* reads: `Model.objects.visible_to(user)` (`ScopedQuerySet`, the only implementation; subclasses name the
  paths to the owning station and district) on every queryset a page, API or export reads;
* writes: every service calls `require_visible(actor, station=…)` / `(actor, street=…)` before it writes
  something that names a station or street. A refusal is always `PermissionDenied`: 403 in the API (one
  body shape, core/api/exceptions.py) and a 403 page or a form error on pages. Objects a user cannot see
  are looked up through `visible_to` first, so another station's object is a 404, never a 403.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import models


@dataclass(frozen=True)
class Scope:
    level: str  # "anonymous" | "staff" | "district" | "city" | "expert"
    station_ids: frozenset[int] = field(default_factory=frozenset)
    district_id: int | None = None
    expert_id: int | None = None  # level "expert": the consulting expert record the login belongs to

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
    def is_expert(self) -> bool:
        return self.level == "expert"

    @property
    def is_admin(self) -> bool:
        return self.level in {"city", "district"}

    @property
    def is_internal(self) -> bool:
        return self.level in {"staff", "district", "city"}

    def allows(self, *, station_id: int | None = None, district_id: int | None = None,
               expert_id: int | None = None) -> bool:
        """Whether something owned by this station (and/or in this district, or of this expert) is inside the scope.

        City admins: anything. District admins: their district (`district_id` must be given). Station staff:
        their stations (`station_id` must be given; a district alone is not theirs). Experts: what names their
        own expert record (`expert_id` must be given). Everyone else: nothing.
        """
        if self.is_city:
            return True
        if self.is_district:
            return district_id is not None and district_id == self.district_id
        if self.is_staff_member:
            return station_id is not None and station_id in self.station_ids
        if self.is_expert:
            return expert_id is not None and expert_id == self.expert_id
        return False


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
    elif role == "expert":  # the expert record's reverse accessor (consulting.Expert.user): core names no app
        expert = getattr(user, "consulting_expert", None)
        scope = Scope("expert", expert_id=expert.pk if expert is not None else None)
    else:  # "city": the role's value is the scope's level
        scope = Scope(role)
    user._portal_scope = scope
    return scope


OUT_OF_SCOPE = "不在您的管理范围内：只能操作本人所在站点（区级管理员：本区）的数据。"


def require_visible(user, *, station=None, street=None, expert=None, message: str = OUT_OF_SCOPE) -> None:
    """Refuse, with PermissionDenied (403), a write by `user` that names `station` or `street` outside their scope.

    Pass the station the written object belongs to (staff: one of theirs; district admins: in their district),
    or, for registry data owned by a street (片区, grids, a station's street), the street (district and city
    admins only). Services call it before writing; the same decision as `visible_to` for reads. Writes
    by the system (imports, tasks, demo data: `actor=None`) skip the call at the service. `expert`: the expert
    record the written object belongs to, for the expert role (an expert writes only their own).
    """
    scope = scope_of(user)
    if scope.is_expert:
        allowed = expert is not None and scope.allows(expert_id=expert.pk)
    elif station is not None:  # the station's district is read only when it decides (district admins)
        allowed = scope.allows(station_id=station.pk,
                               district_id=station.street.district_id if scope.is_district else None)
    elif street is not None:
        allowed = scope.allows(district_id=street.district_id)
    else:  # nothing named yet: the model's full_clean reports the missing field
        return
    if not allowed:
        raise PermissionDenied(message)


class ScopedQuerySet(models.QuerySet):
    """The one read-side scope: `visible_to(user)` keeps the rows `Scope.allows`.

    Subclasses name `station_path` (the owning station's key, from this model) and, when it is not
    `<station_path>__street__district`, `district_path`. `station_path = None`: station staff see none of
    these rows (audit events). `staff_distinct = True` when the station path crosses a to-many relation.
    `expert_path` (the owning consulting expert's key): experts see the rows that name them; None: none.
    """

    station_path: str | None = "station"
    district_path: str | None = None
    expert_path: str | None = None
    staff_distinct: bool = False

    def visible_to(self, user):
        scope = scope_of(user)
        if scope.is_city:
            return self.all()
        if scope.is_district:
            district_path = self.district_path or f"{self.station_path}__street__district"
            return self.filter(**{district_path: scope.district_id})
        if scope.is_staff_member and self.station_path is not None:
            qs = self.filter(**{f"{self.station_path}__in": scope.station_ids})
            return qs.distinct() if self.staff_distinct else qs
        if scope.is_expert and self.expert_path is not None and scope.expert_id is not None:
            return self.filter(**{self.expert_path: scope.expert_id})
        return self.none()
