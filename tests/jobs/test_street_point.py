""""I am in street X" puts the resident at one point, whichever public page asks: the job search and the station
finder use stations.selectors.street_point (the centroid of the street's located stations when the street has no
coordinate of its own)."""

from __future__ import annotations

import re

import pytest

from stations.models import Station
from stations.selectors import street_point
from tests.factories import StationFactory
from tests.jobs.factories import make_employer, make_posting

pytestmark = pytest.mark.django_db

WALK = re.compile(r'data-testid="walk-minutes">步行约 (\d+) 分钟')


@pytest.fixture
def two_stations(world):
    """徐家汇街道 gets a second operating station 0.006° (~667 m) north of A: the street's centroid is between them."""
    a = world["station_a"]
    north = StationFactory(code="A-002", street=a.street, lat=a.lat + 0.006, lng=a.lng, status=Station.Status.OPERATING)
    return a, north


def test_street_point_is_the_centroid_of_the_streets_stations(two_stations):
    a, north = two_stations
    point = street_point(a.street)
    assert point == pytest.approx((a.lat + 0.003, a.lng))
    assert point.basis == "stations"
    lat, lng = point  # unpacks as a plain pair
    assert (lat, lng) == (point.lat, point.lng)


def test_job_search_and_station_finder_place_the_resident_at_the_same_point(client, two_stations):
    a, north = two_stations
    # a posting exactly at station A's door: its walking time from the street must equal the finder's for A
    posting = make_posting(make_employer(a, name="徐家汇站门口便利店"), title="门店理货员", lat=a.lat, lng=a.lng)

    finder = client.get("/stations/finder/", {"district": a.street.district_id, "street": a.street_id})
    cards = {r.station.pk: r for r in finder.context["results"]}
    finder_minutes = cards[a.pk].walk_minutes

    search = client.get("/jobs/search/", {"near_street": a.street_id})
    body = search.content.decode()
    card = re.search(rf'<a href="/jobs/{posting.pk}/"[^>]*data-testid="result">(.*?)</a>', body, re.S).group(1)
    search_minutes = int(WALK.search(card).group(1))

    # ~333 m from the centroid: 6 minutes; the old job-search rule (the first operating station) said 1 or 12
    assert finder_minutes == search_minutes == 6
    assert finder.context["point"]["lat"] == pytest.approx(a.lat + 0.003)
