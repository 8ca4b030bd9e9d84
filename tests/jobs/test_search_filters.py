"""Public job search through real requests: occupation category, hours, public-service posts, "我在（街镇）"
with walking minutes and the 15-minute filter, distance sort with cursor paging; the same on /api/jobs/;
the public job detail page (map links, nearest operating station, a posting without coordinates)."""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import Occupation
from jobs.models import Employer, Lead
from stations.models import Station
from tests.factories import StationFactory, street
from tests.jobs.factories import make_employer, make_posting

pytestmark = pytest.mark.django_db

SEARCH = "/jobs/search/"
API = "/api/jobs/"
# One result card on the search page: its link and its inner HTML.
RESULT = re.compile(r'<a href="/jobs/(\d+)/"[^>]*data-testid="result">(.*?)</a>', re.S)
WALK = re.compile(r'data-testid="walk-minutes">步行约 (\d+) 分钟<')
NEXT = re.compile(r'<a class="btn btn-primary" href="([^"]+)" data-testid="next-page">')


def haversine_m(lat1, lng1, lat2, lng2) -> float:
    """Written out here, independent of core.geo, as the oracle for the minutes the page shows."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (math.sin((p2 - p1) / 2) ** 2
         + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lng2 - lng1) / 2) ** 2)
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def expected_minutes(metres: float) -> int:
    """Straight line × detour 1.3 at 4.5 km/h (75 m/min), rounded up: the model the page footer states."""
    return max(1, math.ceil(metres * 1.3 / 75))


def shown(response) -> list[tuple[int, int | None]]:
    """(posting id, walking minutes shown or None) for each result card, in page order."""
    assert response.status_code == 200
    body = response.content.decode()
    assert 'data-testid="search-errors"' not in body, body.split('data-testid="search-errors"')[1][:300]
    out = []
    for pk, inner in RESULT.findall(body):
        walk = WALK.search(inner)
        out.append((int(pk), int(walk.group(1)) if walk else None))
    return out


def shown_ids(client, **params) -> set[int]:
    return {pk for pk, _ in shown(client.get(SEARCH, params))}


def api_ids(client, **params) -> set[int]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


@pytest.fixture
def board(world):
    """Five published postings around station A (31.1935, 121.4370), the origin of 徐家汇街道:

    near  111 m north   2 min   full time   4-01-02-04 收银员
    mid   556 m north  10 min   part time   4-10-01-03 保育师, public-service post
    edge 1112 m north  20 min   flexible    6-01-01-01 制米工
    far   at station C (浦东, ~8 km)  full time, no occupation
    nocoord  no coordinates at all (employer has none, no street)  part time
    """
    a = world["station_a"]
    shop = make_employer(a, name="上海徐家汇便利连锁有限公司")
    community = make_employer(a, name="徐家汇街道社区公益服务社", kind=Employer.Kind.COMMUNITY)
    today = timezone.localdate()
    return {
        "near": make_posting(shop, title="便利店收银员", lat=a.lat + 0.001, lng=a.lng, hours_type="full_time",
                             occupation=occupation("4-01-02-04")),
        "mid": make_posting(community, title="社区托育保育员", lat=a.lat + 0.005, lng=a.lng, hours_type="part_time",
                            occupation=occupation("4-10-01-03"), is_public_service=True, public_service_quota=2,
                            public_service_term_start=today, public_service_term_end=today + dt.timedelta(days=365)),
        "edge": make_posting(shop, title="粮油制米工", lat=a.lat + 0.010, lng=a.lng, hours_type="flexible",
                             occupation=occupation("6-01-01-01")),
        "far": make_posting(make_employer(world["station_c"], name="上海陆家嘴快递服务有限公司"), title="快递派送员",
                            hours_type="full_time"),
        "nocoord": make_posting(make_employer(a, name="无坐标保洁服务部", lat=None, lng=None, street=None),
                                title="楼道保洁员", street=None, lat=None, lng=None, hours_type="part_time"),
    }


def pks(board, *names) -> set[int]:
    return {board[n].pk for n in names}


# --- filters on the page ---------------------------------------------------------------------------------

def test_occupation_filter_takes_a_major_or_middle_category_code(client, board):
    assert board["nocoord"].lat is None  # the fixture really has a posting without coordinates
    assert shown_ids(client) == pks(board, "near", "mid", "edge", "far", "nocoord")
    assert shown_ids(client, occupation="4") == pks(board, "near", "mid")  # 大类 4: 社会生产服务和生活服务人员
    assert shown_ids(client, occupation="4-01") == pks(board, "near")  # 中类 4-01: 批发与零售服务人员
    assert shown_ids(client, occupation="4-10") == pks(board, "mid")
    assert shown_ids(client, occupation="6") == pks(board, "edge")
    assert shown_ids(client, occupation="3") == set()
    body = client.get(SEARCH, {"occupation": "4-01"}).content.decode()
    assert '<option value="4-01" selected>' in body  # the choice stays selected on the result page
    assert 'data-testid="no-results"' in client.get(SEARCH, {"occupation": "3"}).content.decode()


@pytest.mark.parametrize("bad", ["4-01-02-04", "abc", "4-1", "44"])
def test_occupation_filter_refuses_anything_but_a_category_code(client, board, bad):
    body = client.get(SEARCH, {"occupation": bad}).content.decode()
    assert 'data-testid="search-errors"' in body and "职业类别代码无效" in body
    assert RESULT.findall(body) == []


def test_hours_type_filter(client, board):
    assert shown_ids(client, hours_type="full_time") == pks(board, "near", "far")
    assert shown_ids(client, hours_type="part_time") == pks(board, "mid", "nocoord")
    assert shown_ids(client, hours_type="flexible") == pks(board, "edge")
    body = client.get(SEARCH, {"hours_type": "night"}).content.decode()
    assert 'data-testid="search-errors"' in body and RESULT.findall(body) == []


def test_public_service_posts_only(client, board):
    response = client.get(SEARCH, {"public_service": "true"})
    assert {pk for pk, _ in shown(response)} == pks(board, "mid")
    card = dict(RESULT.findall(response.content.decode()))[str(board["mid"].pk)]
    assert "公益性岗位" in card
    assert shown_ids(client, public_service="false") == pks(board, "near", "mid", "edge", "far", "nocoord")
    # combined with the other filters
    assert shown_ids(client, public_service="true", hours_type="full_time") == set()
    assert shown_ids(client, public_service="true", occupation="4-10") == pks(board, "mid")


def test_near_street_shows_walking_minutes_from_the_street(client, world, board):
    a = world["station_a"]
    response = client.get(SEARCH, {"near_street": a.street_id})
    rows = dict(shown(response))
    assert set(rows) == pks(board, "near", "mid", "edge", "far", "nocoord")
    # 徐家汇街道 has no coordinates of its own: its operating station A is the origin.
    for name in ("near", "mid", "edge", "far"):
        p = board[name]
        assert rows[p.pk] == expected_minutes(haversine_m(a.lat, a.lng, p.lat, p.lng)), name
    assert (rows[board["near"].pk], rows[board["mid"].pk], rows[board["edge"].pk]) == (2, 10, 20)
    assert rows[board["nocoord"].pk] is None  # no position, no minutes (and no error)
    assert "已按所选街镇计算步行时间" in response.content.decode()
    assert f'<option value="{a.street_id}" selected>' in response.content.decode().split('id="id_near_street"')[1]


def test_within_15_minutes_keeps_only_near_postings(client, world, board):
    street_id = world["station_a"].street_id
    response = client.get(SEARCH, {"near_street": street_id, "within": "15"})
    rows = dict(shown(response))
    assert set(rows) == pks(board, "near", "mid")  # edge is 20 min away, far ~2 h, nocoord has no position
    assert all(minutes is not None and minutes <= 15 for minutes in rows.values())
    assert 'id="id_within" checked' in response.content.decode()
    assert shown_ids(client, near_street=street_id, within="15", hours_type="part_time") == pks(board, "mid")
    assert shown_ids(client, near_street=street_id, within="30") == pks(board, "near", "mid", "edge")


def test_within_15_minutes_from_another_street(client, world, board):
    """From 湖南路街道 (its station B, ~1.7 km north of A) only the northernmost posting is within 15 minutes."""
    b = world["station_b"]
    rows = dict(shown(client.get(SEARCH, {"near_street": b.street_id, "within": "15"})))
    assert set(rows) == pks(board, "edge")
    p = board["edge"]
    assert rows[p.pk] == expected_minutes(haversine_m(b.lat, b.lng, p.lat, p.lng)) == 12
    rows = dict(shown(client.get(SEARCH, {"near_street": b.street_id})))
    p = board["near"]
    assert rows[p.pk] == expected_minutes(haversine_m(b.lat, b.lng, p.lat, p.lng)) > 15


def test_distance_sort_from_a_street_nearest_first(client, world, board):
    response = client.get(SEARCH, {"near_street": world["station_a"].street_id, "sort": "distance"})
    rows = shown(response)
    # the distance sort looks up to 60 minutes away: far (~8 km) and nocoord drop out
    assert [pk for pk, _ in rows] == [board["near"].pk, board["mid"].pk, board["edge"].pk]
    assert "按距离" in response.content.decode()


def test_unknown_near_street_is_refused_with_a_message(client, board):
    body = client.get(SEARCH, {"near_street": "99999999"}).content.decode()
    assert 'data-testid="search-errors"' in body and "所选街镇不存在" in body
    assert RESULT.findall(body) == []


# --- distance sort with cursor paging ------------------------------------------------------------------

@pytest.fixture
def many_near(world):
    """25 postings north of station A, three at each spot (equal distances straddle the page boundary)."""
    a = world["station_a"]
    employer = make_employer(a)
    return [make_posting(employer, title=f"附近岗位{i:02d}", lat=a.lat + 0.0004 * (i // 3), lng=a.lng).pk
            for i in range(25)]


def test_distance_sort_pages_continue_nearest_first_without_repeats(client, world, many_near):
    first = client.get(SEARCH, {"near_street": world["station_a"].street_id, "sort": "distance"})
    page1 = shown(first)
    assert len(page1) == 20
    link = NEXT.search(first.content.decode())
    assert link, "a next-page link after 20 of 25 results"
    second = client.get(SEARCH + html.unescape(link.group(1)))
    page2 = shown(second)
    assert "第 2 页" in second.content.decode() and not NEXT.search(second.content.decode())
    ids = [pk for pk, _ in page1 + page2]
    minutes = [m for _, m in page1 + page2]
    assert len(ids) == len(set(ids)) == 25 and set(ids) == set(many_near)
    assert None not in minutes and minutes == sorted(minutes)
    assert minutes[-1] == expected_minutes(0.0032 * math.pi / 180 * 6_371_000)


def test_api_distance_sort_pages_by_cursor_in_nondecreasing_distance(client, world, many_near):
    url = f"{API}?near_street={world['station_a'].street_id}&sort=distance"
    pages = []
    while url:
        data = client.get(url).json()
        assert data["sort"] == "distance"
        pages.append(data["results"])
        url = data["next"]
    assert [len(p) for p in pages] == [20, 5] and pages[0] and pages[1]
    rows = [row for page in pages for row in page]
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == 25 and set(ids) == set(many_near)
    keys = [(row["distance_m"], row["id"]) for row in rows]
    assert keys == sorted(keys)  # nondecreasing distance, ties by id, across the page boundary
    assert rows[0]["distance_m"] == 0.0 and rows[-1]["distance_m"] == pytest.approx(0.0032 * math.pi / 180 * 6_371_000,
                                                                                    abs=1)


# --- the same filters through the public API ------------------------------------------------------------

def test_api_supports_the_same_filters(client, world, board):
    assert api_ids(client, occupation="4") == pks(board, "near", "mid")
    assert api_ids(client, occupation="4-01") == pks(board, "near")
    assert api_ids(client, hours_type="part_time") == pks(board, "mid", "nocoord")
    assert api_ids(client, public_service="true") == pks(board, "mid")
    data = client.get(API, {"public_service": "true"}).json()
    assert data["count"] == 1 and data["results"][0]["is_public_service"] is True


def test_api_near_street_and_within_15(client, world, board):
    street_id = world["station_a"].street_id
    data = client.get(API, {"near_street": street_id, "within": "15"}).json()
    rows = {r["id"]: r for r in data["results"]}
    assert set(rows) == pks(board, "near", "mid") and data["count"] == 2
    assert rows[board["near"].pk]["walk_minutes"] == 2 and rows[board["mid"].pk]["walk_minutes"] == 10
    assert rows[board["near"].pk]["distance_m"] == pytest.approx(111.2, abs=1)
    data = client.get(API, {"near_street": street_id, "sort": "distance"}).json()
    assert [r["id"] for r in data["results"]] == [board["near"].pk, board["mid"].pk, board["edge"].pk]
    assert [r["walk_minutes"] for r in data["results"]] == [2, 10, 20]


@pytest.mark.parametrize("origin", ["street", "point"])
def test_api_location_without_limit_lists_postings_without_coordinates(client, world, board, origin):
    a = world["station_a"]
    params = {"near_street": a.street_id} if origin == "street" else {"lat": a.lat, "lng": a.lng}
    response = client.get(API, params)
    assert response.status_code == 200
    rows = {r["id"]: r for r in response.json()["results"]}
    assert set(rows) == pks(board, "near", "mid", "edge", "far", "nocoord")
    assert rows[board["edge"].pk]["walk_minutes"] == 20
    assert rows[board["nocoord"].pk].get("walk_minutes") is None


@pytest.mark.parametrize("params, field", [({"occupation": "4-01-02-04"}, "occupation"),
                                           ({"hours_type": "night"}, "hours_type"),
                                           ({"near_street": "99999999"}, "near_street"),
                                           ({"within": "20"}, "within")])
def test_api_refuses_bad_filter_values(client, board, params, field):
    response = client.get(API, params)
    assert response.status_code == 400 and field in response.json()["errors"]


# --- the public job detail page -------------------------------------------------------------------------

# 黄浦区's centre from reference_data/shanghai_districts.csv, both in WGS-84 and (Tencent's) GCJ-02.
HUANGPU_WGS = (31.233619, 121.479917)
HUANGPU_GCJ = (31.231661, 121.484420)
HUANGPU_STREET = "310101013"  # 外滩街道


def _links(body: str) -> dict[str, str]:
    found = {}
    for href, label in re.findall(r'<a href="([^"]+)" target="_blank" rel="noopener">([^<]+)</a>', body):
        found[label] = html.unescape(href)
    return found


def test_detail_has_map_links_and_the_nearest_operating_station(client, world):
    employer = make_employer(world["station_a"], name="上海外滩餐饮管理有限公司")
    lat, lng = HUANGPU_WGS
    posting = make_posting(employer, title="外滩西餐厅服务员", lat=lat, lng=lng, street=street(HUANGPU_STREET))
    # A suspended station right at the workplace must not be offered.
    StationFactory(code="S-001", name="外滩暂停服务测试站", street=street("310115005"), lat=lat, lng=lng,
                   status=Station.Status.SUSPENDED)
    response = client.get(reverse("jobs:job_detail", args=[posting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    links = _links(body)
    osm = urlsplit(links["OpenStreetMap"])
    assert osm.netloc == "www.openstreetmap.org"
    assert parse_qs(osm.query) == {"mlat": ["31.233619"], "mlon": ["121.479917"]}
    amap = urlsplit(links["高德地图"])
    assert amap.netloc == "uri.amap.com"
    query = parse_qs(amap.query)
    glng, glat = (float(x) for x in query["position"][0].split(","))
    # the link is in GCJ-02 (what 高德 expects), not the stored WGS-84
    assert glat == pytest.approx(HUANGPU_GCJ[0], abs=2e-5) and glng == pytest.approx(HUANGPU_GCJ[1], abs=2e-5)
    assert query["name"] == [posting.title]
    card = body.split('data-testid="nearest-station"')[1].split("</div>")[0]
    c = world["station_c"]  # 陆家嘴 (~2.5 km) is nearer than A or B (~4–6 km)
    assert c.name in card and "外滩暂停服务测试站" not in body
    assert world["station_a"].name not in card
    minutes = expected_minutes(haversine_m(lat, lng, c.lat, c.lng))
    assert f"距岗位步行约 {minutes} 分钟" in card


def test_detail_nearest_station_follows_the_workplace_not_the_collecting_station(client, world):
    employer = make_employer(world["station_a"])
    b = world["station_b"]
    posting = make_posting(employer, title="湖南路保安员", lat=b.lat + 0.0005, lng=b.lng)
    body = client.get(reverse("jobs:job_detail", args=[posting.pk])).content.decode()
    card = body.split('data-testid="nearest-station"')[1].split("</div>")[0]
    assert b.name in card and world["station_a"].name not in card


def test_detail_of_a_posting_without_coordinates_still_renders(client, world, board):
    posting = board["nocoord"]
    assert (posting.lat, posting.lng, posting.street_id) == (None, None, None)
    response = client.get(reverse("jobs:job_detail", args=[posting.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert posting.title in body and "无坐标保洁服务部" in body
    assert "高德地图" not in body and "openstreetmap.org" not in body
    assert 'data-testid="nearest-station"' not in body
    assert 'data-testid="interest-form"' in body
    # and a resident can still say "我感兴趣": the collecting station gets the lead
    response = client.post(reverse("jobs:job_interest", args=[posting.pk]), {"name": "李阿姨", "phone": "13712345678",
                                                                             "consent": "on"})
    assert response.status_code == 200 and "137****5678" in response.content.decode()
    assert Lead.objects.get(posting=posting).station == world["station_a"]

