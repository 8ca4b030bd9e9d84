"""The public finder: nearest stations from a point or a street, walking minutes, open now, public pages."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.geo import SHANGHAI_BOUNDS
from stations.models import Station
from stations.selectors import stations_nearest
from tests.factories import StationFactory, street

from .factories import weekday_hours

pytestmark = pytest.mark.django_db

FINDER = "/stations/finder/"


def _names(response):
    return [r.station.name for r in response.context["results"]]


def test_point_gives_nearest_stations_first_with_walk_minutes_phone_and_services(client, world):
    a = world["station_a"]
    Station.objects.filter(pk=a.pk).update(phone="021-64001111", services=["job_info", "policy"])
    response = client.get(FINDER, {"lat": 31.1936, "lng": 121.4371})
    assert response.status_code == 200
    names = _names(response)
    assert names[0] == a.name and names[1] == world["station_b"].name and names[2] == world["station_c"].name
    first = response.context["results"][0]
    assert first.distance_m < 100 and first.walk_minutes == 1
    body = response.content.decode()
    assert "步行约 1 分钟" in body and "021-64001111" in body and "政策咨询与补贴申领" in body
    assert "绕行系数 1.3" in body and "4.5 公里/小时" in body


def test_planned_and_suspended_stations_are_not_offered_pilot_ones_are(client, world):
    Station.objects.filter(pk=world["station_a"].pk).update(status="planned")
    Station.objects.filter(pk=world["station_b"].pk).update(status="pilot")
    Station.objects.filter(pk=world["station_c"].pk).update(status="suspended")
    response = client.get(FINDER, {"lat": 31.1940, "lng": 121.4375})
    assert _names(response) == [world["station_b"].name]
    assert "试运行" in response.content.decode()


def test_open_now_follows_the_weekly_hours(client, world):
    weekday_hours(world["station_a"], opens=datetime.time(0, 0), closes=datetime.time(23, 59, 59))
    response = client.get(FINDER, {"lat": 31.1940, "lng": 121.4375})
    results = {r.station.pk: r.open_now for r in response.context["results"]}
    assert results[world["station_a"].pk] is True and results[world["station_b"].pk] is False


def test_station_open_at_respects_weekday_and_time(world):
    a = world["station_a"]
    weekday_hours(a, days=[0])  # Monday 9–17
    a = Station.objects.prefetch_related("hours").get(pk=a.pk)
    monday = datetime.datetime(2026, 11, 23, 10, 0)
    assert a.is_open_at(monday)
    assert not a.is_open_at(monday.replace(hour=17))
    assert not a.is_open_at(monday + datetime.timedelta(days=1))


def test_street_with_stations_uses_their_centroid_and_says_it_is_approximate(client, world):
    s = street("310104014")
    response = client.get(FINDER, {"district": s.district_id, "street": s.pk})
    assert _names(response)[0] == world["station_a"].name
    body = response.content.decode()
    assert 'data-testid="approximate"' in body and "徐家汇街道已有站点的中心位置估算" in body


def test_street_without_stations_falls_back_to_the_district_point(client, world):
    s = street("310104103")  # 华泾镇, no station
    response = client.get(FINDER, {"district": s.district_id, "street": s.pk})
    assert response.context["point"]["source"] == "district"
    assert len(response.context["results"]) == 3
    assert "华泾镇暂无站点坐标，按徐汇区的代表位置估算" in response.content.decode()


def test_location_outside_shanghai_is_refused_with_a_chinese_message(client, world):
    response = client.get(FINDER, {"lat": 39.9042, "lng": 116.4074})
    assert "您的位置不在上海市范围内" in response.content.decode() and "results" not in response.context


def test_district_choice_loads_its_streets_as_an_htmx_fragment(client, world):
    district = street("310104014").district
    response = client.get(FINDER, {"district": district.pk, "partial": "streets"}, HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert "<html" not in body and "徐家汇街道" in body and "陆家嘴街道" not in body


@pytest.mark.parametrize("lat, lng", [
    (31.23, 121.47), (31.62, 121.40), (30.74, 121.34),
    (SHANGHAI_BOUNDS["lat_min"], SHANGHAI_BOUNDS["lng_min"]), (SHANGHAI_BOUNDS["lat_max"], SHANGHAI_BOUNDS["lng_max"]),
])
def test_finder_answers_for_any_point_in_shanghai_nearest_first(client, world, lat, lng):
    response = client.get(FINDER, {"lat": lat, "lng": lng})
    distances = [r.distance_m for r in response.context["results"]]
    assert len(distances) == 3 and distances == sorted(distances)


def test_finder_query_count_does_not_grow_with_results(client, world):
    with CaptureQueriesContext(connection) as few:
        client.get(FINDER, {"lat": 31.19, "lng": 121.43})
    for i in range(5):
        weekday_hours(StationFactory(code=f"N-{i}", lat=31.19 + i / 1000))
    with CaptureQueriesContext(connection) as many:
        response = client.get(FINDER, {"lat": 31.19, "lng": 121.43})
    assert len(response.context["results"]) == 8 and len(many) == len(few)


def test_nearest_within_radius_is_exact_and_ordered(world):
    found = stations_nearest(lat=31.1935, lng=121.4370, within_m=2000)
    assert [f.station.pk for f in found] == [world["station_a"].pk, world["station_b"].pk]
    assert all(f.distance_m <= 2000 for f in found)


def test_public_station_page_shows_hours_phone_and_a_way_back(client, world):
    a = world["station_a"]
    Station.objects.filter(pk=a.pk).update(phone="021-64002222")
    weekday_hours(a, days=[0, 1])
    body = client.get(reverse("stations:public_station", args=[a.pk])).content.decode()
    assert a.name in body and "021-64002222" in body and "09:00–17:00" in body and "查看附近其他服务站" in body


def test_district_alone_gives_an_approximate_answer(client, world):
    district = street("310115005").district
    response = client.get(FINDER, {"district": district.pk})
    assert response.context["point"]["source"] == "district_only"
    assert "按浦东新区的代表位置估算距离" in response.content.decode()


def test_a_finder_card_shows_todays_hours(client, world):
    weekday_hours(world["station_a"])
    body = client.get(FINDER, {"lat": 31.1936, "lng": 121.4371}).content.decode()
    assert "今日 09:00–17:00" in body and "今日休息" in body  # A has hours every day, B none
