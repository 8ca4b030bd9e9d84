"""/api/stations/ (same FilterSet and scope as the page), /api/areas/, /api/grids/ and the public nearest endpoint."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.models import AuditEvent
from stations.models import Station, StationHours
from tests.factories import StationFactory, street

from .factories import AreaFactory, GridFactory, weekday_hours

pytestmark = pytest.mark.django_db


def _payload(**overrides):
    data = {"code": "API-1", "name": "天平路街道测试社区就业服务站", "street": street("310104003").pk,
            "host_type": "social_work", "address": "天平路 1 号", "lat": 31.204, "lng": 121.4385,
            "status": "pilot", "facilities": ["service_desk"], "services": ["job_info"],
            "hours": [{"weekday": 0, "opens": "09:00", "closes": "17:00"},
                      {"weekday": 5, "opens": "09:00", "closes": "12:00"}]}
    data.update(overrides)
    return data


def test_district_admin_creates_a_station_through_the_api(client, world):
    client.force_login(world["district"])
    response = client.post("/api/stations/", _payload(), content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["code"] == "API-1" and body["district_name"] == "徐汇区" and len(body["hours"]) == 2
    station = Station.objects.get(code="API-1")
    assert station.hours.count() == 2 and AuditEvent.objects.filter(action="station.create").count() == 1


@pytest.mark.parametrize("overrides, field, message", [
    ({"lat": 39.9, "lng": 116.4}, "lat", "坐标不在上海市范围内"),
    ({"code": "A-001"}, "code", "站点编码已被使用，请换一个。"),
    ({"hours": [{"weekday": 1, "opens": "17:00", "closes": "09:00"}]}, "hours", "周二的关门时间必须晚于开门时间。"),
])
def test_bad_api_input_is_refused_in_chinese_and_nothing_saved(client, world, overrides, field, message):
    if overrides.get("street") == "PD":
        overrides = {"street": street("310115005").pk}
    client.force_login(world["district"])
    before = (Station.objects.count(), StationHours.objects.count(), AuditEvent.objects.count())
    response = client.post("/api/stations/", _payload(**overrides), content_type="application/json")
    assert response.status_code == 400
    assert message in str(response.json()["errors"][field])
    assert (Station.objects.count(), StationHours.objects.count(), AuditEvent.objects.count()) == before


def test_api_update_replaces_hours_and_is_audited(client, world):
    a = world["station_a"]
    weekday_hours(a)
    client.force_login(world["city"])
    response = client.patch(f"/api/stations/{a.pk}/", {"hours": [{"weekday": 6, "opens": "10:00",
                                                                    "closes": "16:00"}], "version": 1},
                            content_type="application/json")
    assert response.status_code == 200, response.json()
    assert [h["weekday"] for h in response.json()["hours"]] == [6]
    assert AuditEvent.objects.get(action="station.update").changes["hours"][1] == "周日 10:00-16:00"


def test_api_list_is_scoped_and_filtered_like_the_page(client, world):
    StationFactory(code="XH-PLAN", street=street("310104003"), status="planned", host_type="social_work")
    client.force_login(world["district"])
    codes = {s["code"] for s in client.get("/api/stations/").json()["results"]}
    assert codes == {"A-001", "B-001", "XH-PLAN"}
    assert [s["code"] for s in client.get("/api/stations/", {"status": "planned"}).json()["results"]] == ["XH-PLAN"]
    assert [s["code"] for s in client.get("/api/stations/", {"host_type": "social_work"}).json()["results"]] == [
        "XH-PLAN"]
    assert [s["code"] for s in client.get("/api/stations/", {"street": street("310104004").pk}).json()[
        "results"]] == ["B-001"]
    client.force_login(world["city"])
    pudong = street("310115005").district_id
    assert [s["code"] for s in client.get("/api/stations/", {"district": pudong}).json()["results"]] == ["C-001"]
    client.force_login(world["staff"])
    assert [s["code"] for s in client.get("/api/stations/").json()["results"]] == ["A-001"]


def test_api_list_query_count_does_not_grow_with_stations(client, world):
    client.force_login(world["city"])
    for s in Station.objects.all():
        weekday_hours(s)
    with CaptureQueriesContext(connection) as few:
        client.get("/api/stations/")
    for i in range(6):
        weekday_hours(StationFactory(code=f"MORE-{i}"))
    with CaptureQueriesContext(connection) as many:
        assert len(client.get("/api/stations/").json()["results"]) == 9
    assert len(many) == len(few)


def test_areas_and_grids_api_scoped_to_district(client, world):
    area = AreaFactory()
    GridFactory(area=area)
    AreaFactory(street=street("310115005"))
    client.force_login(world["district"])
    assert [a["id"] for a in client.get("/api/areas/").json()["results"]] == [area.pk]
    assert len(client.get("/api/grids/").json()["results"]) == 1
    client.force_login(world["staff_far"])
    assert client.get("/api/grids/").json()["results"] == []


def test_public_nearest_endpoint(client, world):
    Station.objects.filter(pk=world["station_c"].pk).update(status="planned")
    response = client.get("/api/public/stations/nearest/", {"lat": 31.2345, "lng": 121.5060, "limit": 3})
    assert response.status_code == 200
    names = [r["name"] for r in response.json()["results"]]
    assert world["station_c"].name not in names and len(names) == 2
    first = response.json()["results"][0]
    assert first["walk_minutes"] >= 1 and first["distance_m"] > 0
    assert client.get("/api/public/stations/nearest/", {"lat": 39.9, "lng": 116.4}).json()["detail"] == \
        "该位置不在上海市范围内。"
    assert client.get("/api/public/stations/nearest/", {"lat": "abc", "lng": "1"}).status_code == 400
    by_street = client.get("/api/public/stations/nearest/", {"street": street("310104014").pk}).json()
    assert by_street["approximate_from"] == "stations" and by_street["results"][0]["name"] == world["station_a"].name
