"""The outcome funnel (推送 → 有意向 → 已面试 → 已录用): page and API, scoped, each figure opening its list."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from matching.models import PushRecord
from tests.matching.factories import make_archive, make_posting
from tests.matrix import ANY_INTERNAL, assert_matrix

pytestmark = pytest.mark.django_db

Outcome = PushRecord.Outcome


def _pushes(station, outcomes, *, days_ago=3):
    posting = make_posting(station)
    on = timezone.localdate() - timedelta(days=days_ago)
    for outcome in outcomes:
        PushRecord.objects.create(archive=make_archive(station), posting=posting, channel="phone", pushed_on=on,
                                  outcome=outcome, outcome_date=on if outcome else None)


@pytest.fixture
def pushes(world):
    _pushes(world["station_a"], [Outcome.PENDING, Outcome.DECLINED, Outcome.INTERESTED, Outcome.INTERVIEW, Outcome.HIRED, Outcome.HIRED])
    _pushes(world["station_b"], [Outcome.INTERESTED, Outcome.PENDING])
    _pushes(world["station_c"], [Outcome.HIRED])
    _pushes(world["station_a"], [Outcome.HIRED], days_ago=200)  # outside the default 90 days


def _figures(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'data-testid="stage-(\w+)">(\d+)<', html)}


def test_permission_matrix(client, world):
    assert_matrix(client, world, "/matching/pushes/funnel/", ANY_INTERNAL)
    assert_matrix(client, world, "/api/pushes/funnel/", ANY_INTERNAL, api=True)


def test_each_stage_counts_the_pushes_that_reached_it_within_the_users_scope(client, world, pushes):
    client.force_login(world["staff"])
    html = client.get("/matching/pushes/funnel/").content.decode()
    assert _figures(html) == {"pushed": 6, "interested": 4, "interviewed": 3, "hired": 2}
    client.force_login(world["district"])
    html = client.get("/matching/pushes/funnel/").content.decode()
    assert _figures(html) == {"pushed": 8, "interested": 5, "interviewed": 3, "hired": 2}
    rows = html.split('data-testid="funnel-rows"')[1]
    assert world["station_a"].name in rows and world["station_b"].name in rows and world["station_c"].name not in rows
    client.force_login(world["city"])
    data = client.get("/api/pushes/funnel/").json()
    assert data["by"] == "district" and [s["count"] for s in data["stages"]] == [9, 6, 4, 3]
    assert {r["name"]: r["stages"][3]["count"] for r in data["rows"]} == {"徐汇区": 2, "浦东新区": 1}


def test_every_figure_opens_the_push_list_with_the_same_count(client, world, pushes):
    client.force_login(world["district"])
    html = client.get("/matching/pushes/funnel/").content.decode()
    links = re.findall(r'<a[^>]*href="([^"]+)"[^>]*>(\d+)</a>', html)
    assert len(links) >= 4 + 2 * 4
    for url, figure in links:
        listed = client.get(url.replace("&amp;", "&")).content.decode()
        body = listed.split("<tbody>")[1].split("</tbody>")[0]
        rows = 0 if "没有推送记录" in body else body.count("<tr>")
        assert rows == int(figure), url


def test_funnel_follows_the_chosen_period_and_channel(client, world, pushes):
    client.force_login(world["staff"])
    long_ago = (timezone.localdate() - timedelta(days=365)).isoformat()
    data = client.get("/api/pushes/funnel/", {"pushed_after": long_ago}).json()
    assert data["stages"][0]["count"] == 7 and data["stages"][3]["count"] == 3
    data = client.get("/api/pushes/funnel/", {"channel": "sms"}).json()
    assert [s["count"] for s in data["stages"]] == [0, 0, 0, 0] and data["stages"][1]["of_previous"] is None


def test_bad_filters_are_refused_with_a_message(client, world, pushes):
    client.force_login(world["staff"])
    today = timezone.localdate()
    bad = {"pushed_after": today.isoformat(), "pushed_before": (today - timedelta(days=5)).isoformat()}
    response = client.get("/matching/pushes/funnel/", bad)
    assert response.status_code == 400 and "推送日期起不能晚于推送日期止" in response.content.decode()
    response = client.get("/api/pushes/funnel/", bad)
    assert response.status_code == 400 and "推送日期起不能晚于推送日期止" in response.content.decode()
    response = client.get("/api/pushes/funnel/", {"pushed_after": "2026-13-40"})
    assert response.status_code == 400
    response = client.get("/api/pushes/funnel/", {"channel": "pigeon"})
    assert response.status_code == 400


def test_another_stations_pushes_cannot_be_counted_through_the_station_filter(client, world, pushes):
    client.force_login(world["staff"])
    data = client.get("/api/pushes/funnel/", {"station": world["station_c"].pk}).json()
    assert data["stages"][0]["count"] == 0
