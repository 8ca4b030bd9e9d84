"""Station list and Excel export (same FilterSet and scope), 片区 and grid management pages."""

from io import BytesIO

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from core.models import AuditEvent
from stations.models import Area, Grid, Station
from tests.factories import StationFactory, street

from .factories import AreaFactory, GridFactory, weekday_hours

pytestmark = pytest.mark.django_db


def _rows(response):
    sheet = load_workbook(BytesIO(response.content)).active
    return [[c.value for c in row] for row in sheet.iter_rows()]


def test_list_is_scoped_and_filtered(client, world):
    StationFactory(code="XH-PLAN", street=street("310104003"), status="planned", host_type="social_work")
    client.force_login(world["district"])
    page = client.get("/stations/")
    assert [s.code for s in page.context["object_list"]] == ["XH-PLAN", "B-001", "A-001"]  # by street code
    filtered = client.get("/stations/", {"status": "planned", "host_type": "social_work"})
    assert [s.code for s in filtered.context["object_list"]] == ["XH-PLAN"]
    assert "筹建中" in filtered.content.decode()
    # the filter form only offers the admin's own district
    assert list(page.context["filter"].form.fields["district"].queryset.values_list("code", flat=True)) == ["310104"]
    client.force_login(world["staff"])
    assert [s.code for s in client.get("/stations/").context["object_list"]] == ["A-001"]


def test_list_query_count_does_not_grow_with_stations(client, world):
    client.force_login(world["city"])
    with CaptureQueriesContext(connection) as few:
        client.get("/stations/")
    for i in range(8):
        weekday_hours(StationFactory(code=f"L-{i}"))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/stations/").context["object_list"]) == 11
    assert len(many) == len(few)


def test_export_uses_the_same_filters_and_scope(client, world):
    weekday_hours(world["station_a"], days=[0])
    Station.objects.filter(pk=world["station_a"].pk).update(facilities=["service_desk"])
    client.force_login(world["district"])
    response = client.get("/stations/export.xlsx", {"street": world["station_a"].street_id})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = _rows(response)
    assert rows[0][:2] == ["站点编码", "站点名称"] and len(rows) == 2
    assert rows[1][0] == "A-001" and rows[1][13] == "周一 09:00–17:00" and rows[1][14] == "服务台"
    assert len(_rows(client.get("/stations/export.xlsx"))) == 3  # A and B, not 浦东's C
    client.force_login(world["staff_far"])
    assert [r[0] for r in _rows(client.get("/stations/export.xlsx"))[1:]] == ["C-001"]


def test_export_query_count_does_not_grow(client, world):
    client.force_login(world["city"])
    with CaptureQueriesContext(connection) as few:
        client.get("/stations/export.xlsx")
    for i in range(5):
        weekday_hours(StationFactory(code=f"E-{i}"))
    with CaptureQueriesContext(connection) as many:
        client.get("/stations/export.xlsx")
    assert len(many) == len(few)


def test_district_admin_creates_and_edits_areas_and_grids_in_own_district(client, world):
    client.force_login(world["district"])
    response = client.post("/stations/areas/new/", {"street": street("310104014").pk, "name": "汇站片区",
                                                    "code": "P01", "lat": "31.19", "lng": "121.43"})
    assert response.status_code == 302
    area = Area.objects.get(name="汇站片区")
    response = client.post("/stations/grids/new/", {"street": area.street_id, "area": area.pk, "name": "一网格"})
    assert response.status_code == 302 and Grid.objects.get(name="一网格").area == area
    response = client.post(f"/stations/areas/{area.pk}/edit/", {"street": area.street_id, "name": "汇站新片区",
                                                                "code": "P01", "lat": "", "lng": ""})
    assert response.status_code == 302
    event = AuditEvent.objects.filter(action="area.update").get()
    assert event.changes["name"] == ["汇站片区", "汇站新片区"]
    assert set(AuditEvent.objects.values_list("action", flat=True)) == {"area.create", "grid.create", "area.update"}
    body = client.get("/stations/areas/").content.decode()
    assert "汇站新片区" in body and "无站点" in body


@pytest.mark.parametrize("url, data, message", [
    ("/stations/areas/new/", {"street": "PD", "name": "x"}, "所选街镇不在您的管理范围内"),
    ("/stations/areas/new/", {"street": "XH", "name": "重名片区"}, "该街镇下已有同名片区。"),
    ("/stations/areas/new/", {"street": "XH", "name": "y", "lat": "40", "lng": "116"}, "坐标不在上海市范围内"),
    ("/stations/grids/new/", {"street": "PD", "name": "x"}, "所选街镇不在您的管理范围内"),
    ("/stations/grids/new/", {"street": "XH2", "area": "AREA", "name": "x"}, "所选片区不属于该街镇。"),
])
def test_bad_area_and_grid_input_is_refused(client, world, url, data, message):
    area = AreaFactory(name="重名片区")
    streets = {"PD": street("310115005").pk, "XH": street("310104014").pk, "XH2": street("310104004").pk}
    data = {k: streets.get(v, area.pk if v == "AREA" else v) for k, v in data.items()}
    client.force_login(world["district"])
    before = (Area.objects.count(), Grid.objects.count(), AuditEvent.objects.count())
    response = client.post(url, data)
    assert response.status_code == 200 and message in response.content.decode()
    assert (Area.objects.count(), Grid.objects.count(), AuditEvent.objects.count()) == before


def test_area_and_grid_lists_are_scoped(client, world):
    AreaFactory(name="徐汇片区")
    AreaFactory(name="浦东片区", street=street("310115005"))
    GridFactory(name="浦东网格", street=street("310115005"))
    client.force_login(world["district"])
    assert [a.name for a in client.get("/stations/areas/").context["object_list"]] == ["徐汇片区"]
    assert list(client.get("/stations/grids/").context["object_list"]) == []
    client.force_login(world["city"])
    assert len(client.get("/stations/areas/").context["object_list"]) == 2


def test_django_admin_station_page_shows_hours_and_staff_inlines(client, world):
    world["city"].is_staff = world["city"].is_superuser = True
    world["city"].save()
    weekday_hours(world["station_a"], days=[0])
    client.force_login(world["city"])
    response = client.get(f"/admin/stations/station/{world['station_a'].pk}/change/")
    assert response.status_code == 200 and "开放时间" in response.content.decode()
