"""Writes to the station registry: stations, their hours and staff, 片区 and grids. Each records an audit event."""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record, diff
from core.scoping import require_visible, scope_of
from core.versioning import check_version

from . import events
from .models import Area, Grid, StaffTransfer, Station, StationHours, StationMembership, Street

STATION_FIELDS = (
    "code", "name", "street", "area", "host_type", "address", "lat", "lng", "phone", "floor_area",
    "facilities", "services", "service_flow", "status", "opened_on", "status_since", "suspended_on",
)

# (weekday, opens, closes) for each open day; a day missing from the list is closed.
Hours = Iterable[tuple[int, datetime.time, datetime.time]]


# District admins manage their own district only, city admins any; station staff write none of the registry.
STREET_OUT_OF_SCOPE = "只能选择本区的街镇：该街镇不在您的管理范围内（区级管理员只能维护本区的站点和区划）。"


def _snapshot(station: Station) -> dict:
    return {f: (getattr(station, f"{f}_id") if f in {"street", "area"} else getattr(station, f))
            for f in STATION_FIELDS}


def _validate_hours(hours: list[tuple[int, datetime.time, datetime.time]]) -> None:
    errors = []
    seen = set()
    for weekday, opens, closes in hours:
        label = StationHours.Weekday(weekday).label
        if weekday in seen:
            errors.append(f"{label}重复填写了开放时间。")
        seen.add(weekday)
        if closes <= opens:
            errors.append(f"{label}的关门时间（{closes:%H:%M}）必须晚于开门时间（{opens:%H:%M}）。")
    if errors:
        raise ValidationError({"hours": errors})


def _replace_hours(station: Station, hours: list) -> None:
    station.hours.all().delete()
    StationHours.objects.bulk_create(
        [StationHours(station=station, weekday=w, opens=o, closes=c) for w, o, c in sorted(hours)]
    )


def _hours_text(hours: list) -> str:
    return "；".join(f"{StationHours.Weekday(w).label} {o:%H:%M}-{c:%H:%M}" for w, o, c in sorted(hours))


def _stamp_status_dates(station: Station) -> None:
    """Fill the dates a status implies when the form left them empty (today)."""
    today = datetime.date.today()
    if station.status == Station.Status.OPERATING and station.opened_on is None:
        station.opened_on = today
    if station.status == Station.Status.SUSPENDED and station.suspended_on is None:
        station.suspended_on = today


def _save_station(station: Station) -> None:
    station.full_clean()
    try:
        with transaction.atomic():
            station.save()
    except IntegrityError as exc:  # a concurrent insert of the same code slipped past full_clean
        raise ValidationError({"code": _("站点编码已被使用，请换一个。")}) from exc


@transaction.atomic
def station_create(*, actor, hours: Hours | None = None, **fields) -> Station:
    """Create a station (district admins: in their own district) with its weekly hours."""
    hours = list(hours or [])
    station = Station(**{k: v for k, v in fields.items() if k in STATION_FIELDS})
    if station.street_id:
        require_visible(actor, street=station.street, message=STREET_OUT_OF_SCOPE)
    elif not scope_of(actor).is_admin:  # no street yet: full_clean names the missing field, for admins
        raise PermissionDenied(STREET_OUT_OF_SCOPE)
    _validate_hours(hours)
    if station.status_since is None:
        station.status_since = datetime.date.today()
    _stamp_status_dates(station)
    _save_station(station)
    _replace_hours(station, hours)
    audit_record(actor=actor, action=events.STATION_CREATE, obj=station,
                 summary=f"新建站点 {station.code}（{Station.Status(station.status).label}）",
                 changes={"hours": _hours_text(hours)})
    return station


@transaction.atomic
def station_update(*, actor, station: Station, hours: Hours | None = None, expected_version: int | None = None,
                   **fields) -> Station:
    """Update a station's registry data; `hours` (when given) replaces the weekly hours."""
    station = Station.objects.select_for_update().get(pk=station.pk)
    require_visible(actor, street=station.street, message=STREET_OUT_OF_SCOPE)
    check_version(station, expected_version)
    before = _snapshot(station)
    old_hours = [(h.weekday, h.opens, h.closes) for h in station.hours.all()]
    for key, value in fields.items():
        if key in STATION_FIELDS:
            setattr(station, key, value)
    if station.street_id != before["street"]:
        require_visible(actor, street=Street.objects.get(pk=station.street_id), message=STREET_OUT_OF_SCOPE)
    if station.status != before["status"]:
        if fields.get("status_since") in (None, before["status_since"]):
            station.status_since = datetime.date.today()
        _stamp_status_dates(station)
    changes = diff(before, _snapshot(station))
    if hours is not None:
        hours = list(hours)
        _validate_hours(hours)
        if sorted(hours) != sorted(old_hours):
            changes["hours"] = [_hours_text(old_hours), _hours_text(hours)]
    _save_station(station)
    if hours is not None:
        _replace_hours(station, hours)
    if "status" in changes:
        old, new = (Station.Status(v).label for v in (before["status"], station.status))
        audit_record(actor=actor, action=events.STATION_STATUS_CHANGE, obj=station,
                     summary=f"站点状态：{old} → {new}", changes={"status": changes["status"]})
    audit_record(actor=actor, action=events.STATION_UPDATE, obj=station, summary=f"修改站点 {station.code}",
                 changes=changes)
    return station


def _check_grids(station: Station, grids) -> list[Grid]:
    grids = list(grids or [])
    foreign = [g.name for g in grids if g.street_id != station.street_id]
    if foreign:
        raise ValidationError({"grids": f"网格不属于本站点所在街镇：{'、'.join(foreign)}。"})
    return grids


@transaction.atomic
def membership_add(*, actor, station: Station, user, role: str, grids=None) -> StationMembership:
    """Add a staff member to a station with a role and the grids they cover; twice is refused."""
    require_visible(actor, street=station.street, message=STREET_OUT_OF_SCOPE)
    if StationMembership.objects.filter(station=station, user=user).exists():
        raise ValidationError({"user": _("该人员已在本站点，不能重复添加。")})
    elsewhere = _other_district_of(user, station)
    if elsewhere is not None and not scope_of(actor).is_city:
        raise TransferRequired(elsewhere)
    return _membership_create(actor=actor, station=station, user=user, role=role, grids=grids)


class TransferRequired(ValidationError):
    """The user works in another district: only a transfer that district confirms can enlist them."""

    def __init__(self, district):
        self.district = district
        super().__init__({"user": f"该人员在{district.name}的站点任职，不能直接添加，须由{district.name}管理员确认调动。"})


def _other_district_of(user, station: Station):
    """The district of one of `user`'s active memberships outside `station`'s district, or None."""
    other = (StationMembership.objects.filter(user=user, is_active=True)
             .exclude(station__street__district_id=station.street.district_id)
             .select_related("station__street__district").first())
    return other.station.street.district if other else None


def _membership_create(*, actor, station: Station, user, role: str, grids=None) -> StationMembership:
    membership = StationMembership(station=station, user=user, role=role)
    membership.full_clean()
    grids = _check_grids(station, grids)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as exc:
        raise ValidationError({"user": _("该人员已在本站点，不能重复添加。")}) from exc
    membership.grids.set(grids)
    audit_record(actor=actor, action=events.STATION_STAFF_ADD, obj=station,
                 summary=f"添加人员 {user.get_username()}（{StationMembership.StaffRole(membership.role).label}）",
                 changes={"grids": "、".join(g.name for g in grids)})
    return membership


@transaction.atomic
def membership_update(*, actor, membership: StationMembership, role: str, is_active: bool,
                      grids=None) -> StationMembership:
    """Change a staff member's role, active flag or covered grids."""
    station = membership.station
    require_visible(actor, street=station.street, message=STREET_OUT_OF_SCOPE)
    before = {"role": membership.role, "is_active": membership.is_active,
              "grids": "、".join(sorted(g.name for g in membership.grids.all()))}
    grids = _check_grids(station, grids)
    membership.role, membership.is_active = role, is_active
    membership.full_clean(validate_unique=False)
    membership.save(update_fields=["role", "is_active", "updated_at"])
    membership.grids.set(grids)
    after = {"role": role, "is_active": is_active, "grids": "、".join(sorted(g.name for g in grids))}
    audit_record(actor=actor, action=events.STATION_STAFF_UPDATE, obj=station,
                 summary=f"修改人员 {membership.user.get_username()}", changes=diff(before, after))
    return membership


@transaction.atomic
def membership_remove(*, actor, membership: StationMembership) -> None:
    """Remove a staff member from a station."""
    station = membership.station
    require_visible(actor, street=station.street, message=STREET_OUT_OF_SCOPE)
    username = membership.user.get_username()
    membership.delete()
    audit_record(actor=actor, action=events.STATION_STAFF_REMOVE, obj=station, summary=f"移除人员 {username}")


def _save_geo(obj, *, actor, action: str, label: str, before: dict | None = None) -> None:
    require_visible(actor, street=obj.street, message=STREET_OUT_OF_SCOPE)
    obj.full_clean()
    try:
        with transaction.atomic():
            obj.save()
    except IntegrityError as exc:
        # archives, grids and stations name a 片区/grid together with their own street (composite keys,
        # stations 0003 / jobseekers 0005): one in use cannot move to another street
        if "_in_street" not in str(exc):
            raise
        raise ValidationError({"street": f"该{obj._meta.verbose_name}已被档案、网格或站点使用，不能改到其他街镇；"
                                         f"请新建一个{obj._meta.verbose_name}。"}) from None
    after = {"name": obj.name, "code": obj.code, "street": obj.street_id}
    if hasattr(obj, "area_id"):
        after["area"] = obj.area_id
    if hasattr(obj, "lat"):
        after.update(lat=obj.lat, lng=obj.lng)
    audit_record(actor=actor, action=action, obj=obj, summary=f"{label} {obj}", changes=diff(before or {}, after))


@transaction.atomic
def area_create(*, actor, street: Street, name: str, code: str = "", lat=None, lng=None) -> Area:
    """Create a 片区 in a street/town."""
    area = Area(street=street, name=name, code=code, lat=lat, lng=lng)
    _save_geo(area, actor=actor, action=events.AREA_CREATE, label="新建片区")
    return area


@transaction.atomic
def area_update(*, actor, area: Area, **fields) -> Area:
    """Edit a 片区 (district admins cannot move it to another district)."""
    require_visible(actor, street=area.street, message=STREET_OUT_OF_SCOPE)
    before = {"name": area.name, "code": area.code, "street": area.street_id, "lat": area.lat, "lng": area.lng}
    for key in ("street", "name", "code", "lat", "lng"):
        if key in fields:
            setattr(area, key, fields[key])
    _save_geo(area, actor=actor, action=events.AREA_UPDATE, label="修改片区", before=before)
    return area


@transaction.atomic
def grid_create(*, actor, street: Street, name: str, code: str = "", area: Area | None = None) -> Grid:
    """Create a grid (网格) in a street/town, optionally inside one of its 片区."""
    grid = Grid(street=street, name=name, code=code, area=area)
    _save_geo(grid, actor=actor, action=events.GRID_CREATE, label="新建网格")
    return grid


@transaction.atomic
def grid_update(*, actor, grid: Grid, **fields) -> Grid:
    """Edit a grid."""
    require_visible(actor, street=grid.street, message=STREET_OUT_OF_SCOPE)
    before = {"name": grid.name, "code": grid.code, "street": grid.street_id, "area": grid.area_id}
    for key in ("street", "name", "code", "area"):
        if key in fields:
            setattr(grid, key, fields[key])
    _save_geo(grid, actor=actor, action=events.GRID_UPDATE, label="修改网格", before=before)
    return grid


@transaction.atomic
def transfer_request(*, actor, station: Station, user, role: str) -> StaffTransfer:
    """Ask the user's current district to let them join `station` (in the actor's district)."""
    require_visible(actor, street=station.street, message=STREET_OUT_OF_SCOPE)
    district = _other_district_of(user, station)
    if district is None:
        raise ValidationError({"user": "该人员不在其他区任职，可直接添加。"})
    transfer = StaffTransfer(user=user, to_station=station, role=role, from_district=district, requested_by=actor)
    try:
        transfer.full_clean()
        with transaction.atomic():
            transfer.save()
    except (IntegrityError, ValidationError):
        raise ValidationError({"user": "已有待确认的调动申请，请等待对方区管理员处理。"}) from None
    audit_record(actor=actor, action=events.STATION_TRANSFER_REQUEST, obj=station,
                 summary=f"申请调入 {user.get_username()}（现属{district.name}）")
    return transfer


def _require_from_district(actor, transfer: StaffTransfer) -> None:
    scope = scope_of(actor)
    if not (scope.is_city or (scope.is_district and scope.district_id == transfer.from_district_id)):
        raise ValidationError("只有调出区的管理员或市级管理员可以处理该调动申请。")


@transaction.atomic
def transfer_decide(*, actor, transfer: StaffTransfer, confirm: bool) -> StaffTransfer:
    """The user's current district confirms (they join the new station and leave that district's
    stations) or declines the transfer."""
    from django.utils import timezone

    transfer = StaffTransfer.objects.select_for_update().select_related("user", "to_station__street").get(
        pk=transfer.pk)
    _require_from_district(actor, transfer)
    if transfer.status != StaffTransfer.Status.PENDING:
        raise ValidationError("该调动申请已处理。")
    transfer.status = StaffTransfer.Status.CONFIRMED if confirm else StaffTransfer.Status.DECLINED
    transfer.decided_by, transfer.decided_at = actor, timezone.now()
    transfer.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    if confirm:
        StationMembership.objects.filter(user=transfer.user, is_active=True,
                                         station__street__district_id=transfer.from_district_id).update(
            is_active=False)
        if not StationMembership.objects.filter(user=transfer.user, station=transfer.to_station).exists():
            _membership_create(actor=actor, station=transfer.to_station, user=transfer.user, role=transfer.role)
    audit_record(actor=actor, action=events.STATION_TRANSFER_CONFIRM if confirm else events.STATION_TRANSFER_DECLINE,
                 obj=transfer.to_station,
                 summary=f"{'确认' if confirm else '拒绝'}调动 {transfer.user.get_username()}",
                 district_id=transfer.from_district_id)
    return transfer
