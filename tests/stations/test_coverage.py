"""Coverage: streets without an operating station first, 片区 without a station, the archives' 15-minute share."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from core.geo import walk_radius_m
from stations.models import Station
from stations.selectors import archive_coverage
from tests.factories import StationFactory, street

from .factories import AreaFactory, archive

pytestmark = pytest.mark.django_db

URL = "/stations/coverage/"


def archive_share(response):
    """The archives' 15-minute share, which jobseekers adds to the coverage page as a panel."""
    [panel] = [p for p in response.context["coverage"].panels if p["template"] == "jobseekers/_coverage_panel.html"]
    return panel["context"]["archives"]


def test_district_admin_sees_own_streets_with_uncovered_ones_first(client, world):
    client.force_login(world["district"])
    response = client.get(URL)
    coverage = response.context["coverage"]
    names = [s.name for s in coverage.streets]
    assert all(s.district.code == "310104" for s in coverage.streets)
    assert len(names) == 13 and coverage.streets_without == 11
    assert names[-2:] == ["湖南路街道", "徐家汇街道"]  # the covered ones come last
    assert all(s.operating == 0 for s in coverage.streets[:11])
    assert [s.name for s in coverage.similar_units] == ["漕河泾新兴技术开发区"]
    body = response.content.decode()
    assert body.index("华泾镇") < body.index("徐家汇街道</td>")
    assert 'class="table-danger" data-street="310104103"' in body


def test_only_operating_stations_count_as_coverage(client, world):
    StationFactory(code="XH-PLAN", street=street("310104103"), status=Station.Status.PLANNED)
    client.force_login(world["district"])
    coverage = client.get(URL).context["coverage"]
    huajing = next(s for s in coverage.streets if s.code == "310104103")
    assert huajing.operating == 0 and huajing.other == 1 and coverage.streets_without == 11


def test_city_admin_sees_every_street_and_can_narrow_to_a_district(client, world):
    client.force_login(world["city"])
    coverage = client.get(URL).context["coverage"]
    assert len(coverage.streets) == 216 and len(coverage.similar_units) == 19
    assert coverage.streets_without == 216 - 3
    pudong = street("310115005").district_id
    coverage = client.get(URL, {"district": pudong}).context["coverage"]
    assert {s.district_id for s in coverage.streets} == {pudong}


def test_areas_without_an_operating_station_are_listed(client, world):
    covered = AreaFactory(name="汇站片区")
    Station.objects.filter(pk=world["station_a"].pk).update(area=covered)
    AreaFactory(name="乐山片区")
    AreaFactory(name="浦东片区", street=street("310115005"))
    client.force_login(world["district"])
    response = client.get(URL)
    assert [a.name for a in response.context["coverage"].areas_without] == ["乐山片区"]
    assert "乐山片区" in response.content.decode()


def test_share_of_archived_jobseekers_within_a_15_minute_walk(client, world):
    a = world["station_a"]  # 31.1935, 121.4370
    radius = walk_radius_m()
    assert round(radius) == 865  # 15 min × 75 m/min ÷ 1.3
    archive(a, 31.1935 + 0.007, 121.4370)  # ~780 m north: covered
    archive(a, 31.1935, 121.4370 + 0.009)  # ~857 m east: covered
    archive(a, 31.1935 + 0.0085, 121.4370 - 0.006)  # ~1.1 km: not covered
    archive(a, 31.30, 121.30)  # far away
    archive(a, None, None)  # no position: not counted in the share
    archive(a, 31.1935, 121.4370, is_open=False)  # closed: not counted at all
    archive(world["station_c"], 31.2345, 121.5060)  # other district
    client.force_login(world["district"])
    response = client.get(URL)
    result = archive_share(response)
    assert (result.total, result.located, result.covered) == (5, 4, 2)
    body = response.content.decode()
    assert "50.0%" in body and "绕行系数 1.3" in body and "步行速度 4.5 公里/小时" in body and "865 米" in body
    client.force_login(world["city"])
    result = archive_share(client.get(URL))
    assert (result.total, result.located, result.covered) == (6, 5, 3)


def test_an_archive_next_to_a_station_of_another_district_counts_as_covered(world):
    from jobseekers.models import JobseekerArchive

    archive(world["station_a"], 31.2345, 121.5061)  # lives by station C (浦东)
    result = archive_coverage(archives=JobseekerArchive.objects.all(), radius_m=walk_radius_m())
    assert result.covered == 1


def test_coverage_is_one_set_based_query_whatever_the_number_of_archives(client, world):
    client.force_login(world["district"])
    archive(world["station_a"], 31.19, 121.43)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for i in range(30):
        archive(world["station_a"], 31.19 + i / 1000, 121.43)
    with CaptureQueriesContext(connection) as many:
        client.get(URL)
    assert len(many) == len(few)
    assert any("EXISTS" in q["sql"] and "ASIN" in q["sql"] for q in many.captured_queries)


def test_admin_home_shows_the_coverage_panel(client, world):
    client.force_login(world["district"])
    body = client.get("/").content.decode()
    assert 'data-testid="coverage-panel"' in body and "13 个街镇中有 <strong class=\"text-danger\">11</strong>" in body
