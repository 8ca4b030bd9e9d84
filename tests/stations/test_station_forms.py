"""Creating and editing stations and their staff through the pages; every bad input refused, nothing saved."""

import datetime

import pytest
from django.urls import reverse

from core.models import AuditEvent
from stations.models import Station, StationHours, StationMembership
from tests.factories import make_staff, street

from .factories import GridFactory, station_post, weekday_hours

pytestmark = pytest.mark.django_db


def _counts():
    return (Station.objects.count(), StationHours.objects.count(), StationMembership.objects.count(),
            AuditEvent.objects.count())


def test_district_admin_creates_a_station_with_hours_and_an_audit_event(client, world):
    client.force_login(world["district"])
    response = client.post(reverse("stations:station_create"), station_post(street("310104003")))
    station = Station.objects.get(code="NEW-001")
    assert response.status_code == 302 and response["Location"] == reverse("stations:station_detail",
                                                                          args=[station.pk])
    assert station.street.code == "310104003" and station.facilities == ["service_desk", "notice_board"]
    assert [(h.weekday, h.opens, h.closes) for h in station.hours.all()] == [
        (d, datetime.time(9), datetime.time(17)) for d in range(5)]
    assert station.status_since == datetime.date.today()
    event = AuditEvent.objects.get(action="station.create")
    assert event.station_id == station.pk and event.actor == world["district"]


@pytest.mark.parametrize("overrides, field, message", [
    ({"lat": "39.9042", "lng": "116.4074"}, "lat", "坐标不在上海市范围内"),
    ({"lat": "31.2", "lng": ""}, None, "经纬度须同时填写"),
    ({"street": "PD"}, "street", "所选街镇不在您的管理范围内"),
    ({"code": "A-001"}, "code", "站点编码已被使用，请换一个。"),
    ({"opens_0": "18:00", "closes_0": "09:00"}, "closes_0", "周一的关门时间必须晚于开门时间。"),
    ({"opens_2": "09:00", "closes_2": "09:00"}, "closes_2", "周三的关门时间必须晚于开门时间。"),
    ({"opens_3": "09:00", "closes_3": ""}, "closes_3", "周四请同时填写开门和关门时间"),
    ({"floor_area": "-5"}, "floor_area", "确保该值大于或等于0"),
    ({"phone": "12345"}, "phone", "请输入有效的手机号（11位）或固定电话"),
    ({"street": ""}, "street", "请选择所属街镇。"),
])
def test_bad_station_input_is_refused_in_chinese_and_nothing_saved(client, world, overrides, field, message):
    if overrides.get("street") == "PD":
        overrides = {**overrides, "street": street("310115005").pk}  # 陆家嘴 (浦东) for a 徐汇 admin
    client.force_login(world["district"])
    before = _counts()
    response = client.post(reverse("stations:station_create"), station_post(street("310104003"), **overrides))
    assert response.status_code == 200
    body = response.content.decode()
    assert message in body and "本次未保存任何数据" in body
    if field:
        assert message in " ".join(str(e) for e in response.context["form"].errors.get(field, []))
    assert _counts() == before


def test_city_admin_may_use_any_district_and_district_admin_cannot_move_a_station_out(client, world):
    client.force_login(world["city"])
    response = client.post(reverse("stations:station_create"), station_post(street("310115005"), code="PD-9"))
    assert response.status_code == 302 and Station.objects.get(code="PD-9").street.district.code == "310115"
    client.force_login(world["district"])
    a = world["station_a"]
    before = _counts()
    response = client.post(reverse("stations:station_update", args=[a.pk]),
                           station_post(street("310115005"), code=a.code))
    assert "所选街镇不在您的管理范围内" in response.content.decode()
    a.refresh_from_db()
    assert a.street.code == "310104014" and _counts() == before


def test_editing_a_station_replaces_hours_and_records_the_status_change(client, world):
    a = world["station_a"]
    weekday_hours(a)
    client.force_login(world["district"])
    data = station_post(a.street, code=a.code, name=a.name, status="suspended", opens_5="", closes_5="",
                        version=a.version)
    response = client.post(reverse("stations:station_update", args=[a.pk]), data)
    assert response.status_code == 302
    a.refresh_from_db()
    assert a.status == "suspended" and a.suspended_on == datetime.date.today()
    assert sorted(a.hours.values_list("weekday", flat=True)) == [0, 1, 2, 3, 4]
    change = AuditEvent.objects.get(action="station.status_change")
    assert change.summary == "站点状态：运行中 → 暂停服务"
    update = AuditEvent.objects.get(action="station.update")
    assert "hours" in update.changes and "status" in update.changes


def test_edit_form_shows_existing_hours(client, world):
    a = world["station_a"]
    weekday_hours(a, opens=datetime.time(8, 30), days=[0])
    client.force_login(world["district"])
    body = client.get(reverse("stations:station_update", args=[a.pk])).content.decode()
    assert 'name="opens_0" value="08:30"' in body


def test_staff_see_their_station_read_only(client, world):
    client.force_login(world["staff"])
    body = client.get(reverse("stations:station_detail", args=[world["station_a"].pk])).content.decode()
    assert world["station_a"].name in body and 'data-testid="edit-station"' not in body and "添加人员" not in body
    before = _counts()
    response = client.post(reverse("stations:station_update", args=[world["station_a"].pk]),
                           station_post(world["station_a"].street, code="X"))
    assert response.status_code == 403 and _counts() == before


def test_name_suggestion_uses_the_standard_pattern(client, world):
    client.force_login(world["district"])
    body = client.get(reverse("stations:name_suggestion"),
                      {"street": street("310104014").pk, "community": "汇站社区"}).content.decode()
    assert "徐家汇街道汇站社区就业服务站" in body and "采用" in body
    body = client.get(reverse("stations:name_suggestion"), {"street": street("310104103").pk}).content.decode()
    assert "华泾镇XX社区就业服务站" in body


def test_add_staff_with_grids_then_adding_them_twice_is_refused(client, world):
    a = world["station_a"]
    grid = GridFactory(street=a.street)
    newcomer = make_staff("newcomer")
    client.force_login(world["district"])
    url = reverse("stations:membership_add", args=[a.pk])
    response = client.post(url, {"user": newcomer.pk, "role": "grid", "grids": [grid.pk]})
    assert response.status_code == 302
    membership = StationMembership.objects.get(user=newcomer, station=a)
    assert membership.role == "grid" and list(membership.grids.all()) == [grid]
    assert AuditEvent.objects.filter(action="station.staff_add").count() == 1
    before = _counts()
    response = client.post(url, {"user": newcomer.pk, "role": "head"})
    assert response.status_code == 200 and "该人员已在本站点，不能重复添加。" in response.content.decode()
    assert _counts() == before
    membership.refresh_from_db()
    assert membership.role == "grid"


def test_grid_of_another_street_is_refused_for_a_staff_member(client, world):
    from django.core.exceptions import ValidationError

    from stations.services import membership_add

    other = GridFactory(street=street("310104004"))
    newcomer = make_staff("newcomer2")
    with pytest.raises(ValidationError, match="网格不属于本站点所在街镇"):
        membership_add(actor=world["district"], station=world["station_a"], user=newcomer, role="grid",
                       grids=[other])
    assert not StationMembership.objects.filter(user=newcomer).exists()


def test_edit_and_remove_staff_are_audited(client, world):
    membership = StationMembership.objects.get(user=world["staff"], station=world["station_a"])
    grid = GridFactory(street=world["station_a"].street)
    client.force_login(world["city"])
    response = client.post(reverse("stations:membership_update", args=[membership.pk]),
                           {"role": "head", "is_active": "on", "grids": [grid.pk]})
    assert response.status_code == 302
    membership.refresh_from_db()
    assert membership.role == "head" and list(membership.grids.all()) == [grid]
    assert AuditEvent.objects.get(action="station.staff_update").changes["role"] == ["specialist", "head"]
    client.post(reverse("stations:membership_remove", args=[membership.pk]))
    assert not StationMembership.objects.filter(pk=membership.pk).exists()
    assert AuditEvent.objects.filter(action="station.staff_remove").count() == 1
