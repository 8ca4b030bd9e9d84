"""Matching targets only jobseekers who are looking: open archives whose current status is a looking one.

A hire takes the person out of every list at once: a posting's candidates, the archive's recommendations,
the nightly batch's stored rows and the home page's "新优质匹配" panel.
"""

import pytest
from django.utils import timezone

from jobseekers.models import EmploymentStatus
from matching.batch import batch_refresh
from matching.models import PushRecord, StoredRecommendation
from tests.matching.factories import make_archive, make_posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(world):
    a = world["station_a"]
    seeker = make_archive(a, name="张找工")
    employed = make_archive(a, name="李在岗", current_status=EmploymentStatus.EMPLOYED)
    postings = [make_posting(a, headcount=3) for _ in range(3)]
    return {"seeker": seeker, "employed": employed, "postings": postings}


def _candidate_ids(client, posting):
    return [c["archive"] for c in client.get(f"/api/postings/{posting.pk}/candidates/").json()["results"]]


def _hire(client, archive, posting):
    push = PushRecord.objects.create(archive=archive, posting=posting, channel="phone",
                                     pushed_on=timezone.localdate())
    response = client.post(f"/matching/pushes/{push.pk}/outcome/",
                           {"outcome": "hired", "outcome_date": timezone.localdate().isoformat()}, follow=True)
    assert "已登记反馈：已录用。" in [str(m) for m in response.context["messages"]]


def test_an_employed_archive_is_no_candidate_and_gets_no_recommendations(client, world, setup):
    client.force_login(world["staff"])
    posting = setup["postings"][0]
    assert _candidate_ids(client, posting) == [setup["seeker"].pk]
    page = client.get(f"/matching/postings/{posting.pk}/candidates/").content.decode()
    assert "张找工" in page and "李在岗" not in page
    employed = setup["employed"]
    assert client.get(f"/api/archives/{employed.pk}/recommendations/").json()["results"] == []
    html = client.get(f"/matching/archives/{employed.pk}/recommendations/").content.decode()
    assert 'data-testid="recommendation"' not in html
    assert "当前就业状态为“已就业”，不再推荐岗位" in html


@pytest.mark.parametrize("status", ["self_employed", "not_seeking"])
def test_people_not_looking_are_no_candidates(client, world, setup, status):
    setup["seeker"].current_status = status
    setup["seeker"].save()
    client.force_login(world["staff"])
    assert _candidate_ids(client, setup["postings"][0]) == []


@pytest.mark.parametrize("status", ["unemployed", "flexible", "training", "in_school"])
def test_people_looking_are_candidates(client, world, setup, status):
    setup["seeker"].current_status = status
    setup["seeker"].save()
    client.force_login(world["staff"])
    assert _candidate_ids(client, setup["postings"][0]) == [setup["seeker"].pk]


def test_nightly_batch_ranks_only_people_looking(world, setup):
    run = batch_refresh(chunk_size=10)
    assert run.total == 1 and run.processed == 1
    assert set(StoredRecommendation.objects.values_list("archive_id", flat=True)) == {setup["seeker"].pk}


def test_batch_drops_stored_rows_of_someone_who_stopped_looking(world, setup):
    batch_refresh(chunk_size=10)
    seeker = setup["seeker"]
    seeker.current_status = EmploymentStatus.NOT_SEEKING
    seeker.save()
    batch_refresh(chunk_size=10)
    assert not StoredRecommendation.objects.exists()


def test_a_hire_removes_the_person_from_every_list_at_once(client, world, setup):
    seeker, postings = setup["seeker"], setup["postings"]
    batch_refresh(chunk_size=10)
    StoredRecommendation.objects.update(score=90)  # good matches, first seen just now
    client.force_login(world["staff"])
    assert seeker.name in client.get("/").content.decode()
    assert seeker.pk in _candidate_ids(client, postings[1])
    assert client.get(f"/api/archives/{seeker.pk}/recommendations/").json()["results"]

    _hire(client, seeker, postings[0])

    assert not StoredRecommendation.objects.filter(archive=seeker).exists()  # same transaction as the hire
    assert seeker.pk not in _candidate_ids(client, postings[1])
    assert client.get(f"/api/archives/{seeker.pk}/recommendations/").json()["results"] == []
    home = client.get("/").content.decode()
    assert seeker.name not in home


def test_panel_ignores_stored_rows_of_someone_no_longer_looking(client, world, setup):
    seeker = setup["seeker"]
    batch_refresh(chunk_size=10)
    StoredRecommendation.objects.update(score=90)
    # a status recorded on a visit (no hire, stored rows left in place until the next batch)
    seeker.current_status = EmploymentStatus.EMPLOYED
    seeker.save()
    client.force_login(world["staff"])
    assert seeker.name not in client.get("/").content.decode()


def test_pushing_a_job_to_someone_not_looking_is_refused(client, world, setup):
    client.force_login(world["staff"])
    employed = setup["employed"]
    response = client.post(f"/matching/archives/{employed.pk}/push/",
                           {"postings": [setup["postings"][0].pk], "channel": "phone"}, follow=True)
    assert any("当前就业状态为“已就业”，不再推送岗位" in str(m) for m in response.context["messages"])
    assert not PushRecord.objects.filter(archive=employed).exists()
