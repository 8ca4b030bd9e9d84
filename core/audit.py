"""Writing audit events. Services call `audit_record` inside their transaction."""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.utils.functional import Promise

from .middleware import current_client_ip
from .models import AuditEvent


def _owner(obj) -> tuple[int | None, int | None]:
    """(district_id, station_id) of the object, for scoping the audit trail."""
    station = None
    if obj is None:
        return None, None
    if obj.__class__.__name__ == "Station":
        station = obj
    elif getattr(obj, "station_id", None):
        station = obj.station
    if station is not None:
        return station.street.district_id, station.pk
    if obj.__class__.__name__ == "District":
        return obj.pk, None
    if getattr(obj, "district_id", None):
        return obj.district_id, None
    if getattr(obj, "street_id", None):
        return obj.street.district_id, None
    return None, None


def in_chinese():
    """Context for text that is stored (audit summaries, object names): in the source language, whatever
    language the acting user reads the site in."""
    from django.conf import settings
    from django.utils import translation

    return translation.override(settings.LANGUAGE_CODE)


def audit_record(*, actor, action: str, obj=None, summary: str | Promise = "", changes: dict | None = None,
                 district_id: int | None = None, station_id: int | None = None) -> AuditEvent:
    """Record one audit event (`action`: a constant from the app's `events.py`).

    The summary and the object's name are rendered here, in Chinese whatever language the actor reads the
    site in: pass choice labels lazily, e.g. `format_lazy("{} → {}", Status(old).label, Status(new).label)`,
    never through an f-string. Never put unmasked personal data in `summary` or `changes`.
    """
    owner_district, owner_station = _owner(obj)
    with in_chinese():
        summary, object_repr = str(summary), (str(obj) if obj is not None else "")
    return AuditEvent.objects.create(
        actor=actor if getattr(actor, "pk", None) else None,
        actor_name=(actor.get_username() if getattr(actor, "pk", None) else "系统"),
        action=action,
        content_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
        object_id=str(obj.pk) if obj is not None else "",
        object_repr=object_repr[:200],
        summary=summary[:500],
        changes=changes or {},
        district_id=district_id or owner_district,
        station_id=station_id or owner_station,
        client_ip=current_client_ip(),
    )


def diff(before: dict, after: dict) -> dict:
    """{field: [old, new]} for the fields that changed (values as strings)."""
    return {k: [str(before.get(k, "")), str(v)] for k, v in after.items() if str(before.get(k, "")) != str(v)}
