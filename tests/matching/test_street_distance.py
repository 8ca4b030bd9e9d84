"""Distance without archive coordinates: the resident's street point, by the station finder's own function,
said in the explanation ("按居住街镇估算"); pages, API, pushes and the nightly batch all use it."""

import pytest
from django.utils import timezone

from matching import scoring
from matching.batch import batch_refresh
from matching.models import PushRecord, StoredRecommendation
from matching.selectors import facts_of, recommend_exhaustive
from stations.selectors import street_point
from tests.matching.factories import make_archive, make_posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def unlocated(a_station):
    """An archive of someone living in station A's street, without coordinates; a posting next to the station."""
    archive = make_archive(a_station, lat=None, lng=None, street=a_station.street)
    posting = make_posting(a_station, lat=a_station.lat + 0.002, lng=a_station.lng)
    return archive, posting


def test_profile_takes_the_finders_street_point(unlocated):
    archive, _posting = unlocated
    profile = scoring.Profile.of(archive)
    point = street_point(archive.street)
    assert point is not None and (profile.lat, profile.lng) == tuple(point)
    assert profile.located_by == "street"


def test_explanation_says_the_distance_is_estimated_from_the_street(unlocated):
    archive, posting = unlocated
    match = scoring.score(scoring.Profile.of(archive), facts_of(posting), timezone.now())
    assert match.walk_minutes is not None
    assert f"步行约 {match.walk_minutes} 分钟（按居住街镇估算）" in match.explanation


def test_archive_coordinates_win_and_say_nothing_of_an_estimate(a_station):
    archive = make_archive(a_station, lat=a_station.lat, lng=a_station.lng)
    posting = make_posting(a_station)
    match = scoring.score(scoring.Profile.of(archive), facts_of(posting), timezone.now())
    assert "步行约" in match.explanation and "估算" not in match.explanation


def test_no_street_no_distance(a_station):
    archive = make_archive(a_station, lat=None, lng=None, street=None)
    match = scoring.score(scoring.Profile.of(archive), facts_of(make_posting(a_station)), timezone.now())
    assert match.walk_minutes is None and "步行" not in match.explanation


def test_pages_api_and_pushes_use_the_street_point(client, world, unlocated):
    archive, posting = unlocated
    client.force_login(world["staff"])
    rec = client.get(f"/api/archives/{archive.pk}/recommendations/").json()["results"][0]
    assert rec["posting"] == posting.pk and "（按居住街镇估算）" in rec["explanation"]
    cand = client.get(f"/api/postings/{posting.pk}/candidates/").json()["results"][0]
    assert "（按居住街镇估算）" in cand["explanation"]
    assert "按居住街镇估算" in client.get(f"/matching/archives/{archive.pk}/").content.decode()
    client.post(f"/matching/archives/{archive.pk}/push/", {"postings": [posting.pk], "channel": "phone"})
    assert "按居住街镇估算" in PushRecord.objects.get(archive=archive).explanation


def test_batch_ranks_an_unlocated_archive_by_its_street_point(a_station, unlocated):
    archive, posting = unlocated
    far = make_posting(a_station, lat=a_station.lat + 0.2, lng=a_station.lng)
    now = timezone.now()
    batch_refresh(chunk_size=10, now=now)
    stored = list(StoredRecommendation.objects.filter(archive=archive).order_by("rank")
                  .values_list("posting_id", "score"))
    expected = recommend_exhaustive(scoring.Profile.of(archive), now=now)
    assert [pid for pid, _s in stored] == [m.posting_id for m in expected] == [posting.pk, far.pk]
    assert stored[0][1] == expected[0].score and stored[0][1] > stored[1][1]  # the walk counted
