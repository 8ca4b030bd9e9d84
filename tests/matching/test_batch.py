"""The nightly batch: equal to exhaustive scoring, idempotent, resumable after an interruption."""

import random

import numpy as np
import pytest
from django.utils import timezone

from matching import scoring
from matching.batch import batch_refresh
from matching.models import BatchRun, PushRecord, StoredRecommendation
from matching.selectors import recommend_exhaustive
from tests.matching.test_scoring import _random_world

pytestmark = pytest.mark.django_db


def _stored():
    return sorted(StoredRecommendation.objects.values_list("archive_id", "posting_id", "rank", "score"))


def test_batch_stores_the_exhaustive_top_20_of_every_active_archive(a_station):
    archives = _random_world(a_station, random.Random(11), n_postings=250, n_archives=20)
    closed = archives[-1]
    closed.is_open, closed.closed_reason = False, "迁出本市"
    closed.save()
    now = timezone.now()
    run = batch_refresh(chunk_size=7, now=now)
    assert run.status == BatchRun.Status.DONE and run.processed == 19 and run.percent == 100
    for archive in archives[:-1]:
        stored = list(StoredRecommendation.objects.filter(archive=archive).order_by("rank")
                      .values_list("posting_id", flat=True))
        expected = [m.posting_id for m in recommend_exhaustive(scoring.Profile.of(archive), now=now)]
        assert stored == expected, archive
    assert not StoredRecommendation.objects.filter(archive=closed).exists()


def test_batch_is_idempotent_and_keeps_first_seen(a_station):
    _random_world(a_station, random.Random(12), n_postings=120, n_archives=10)
    now = timezone.now()
    batch_refresh(chunk_size=4, now=now)
    first = _stored()
    seen = dict(StoredRecommendation.objects.values_list("pk", "first_seen_at"))
    batch_refresh(chunk_size=4, now=now)
    assert _stored() == first
    assert dict(StoredRecommendation.objects.values_list("pk", "first_seen_at")) == seen
    assert BatchRun.objects.filter(status=BatchRun.Status.DONE).count() == 2


def test_interrupted_batch_resumes_where_it_stopped(a_station):
    _random_world(a_station, random.Random(13), n_postings=120, n_archives=10)
    now = timezone.now()
    run = batch_refresh(chunk_size=3, max_chunks=2, now=now)  # "killed" after two chunks
    assert run.status == BatchRun.Status.RUNNING and run.processed == 6
    resumed = batch_refresh(chunk_size=3, now=now)
    assert resumed.pk == run.pk and resumed.status == BatchRun.Status.DONE and resumed.processed == 10
    partial_then_resumed = _stored()
    batch_refresh(chunk_size=50, now=now)
    assert _stored() == partial_then_resumed


def test_batch_leaves_out_declined_postings(a_station, world):
    archives = _random_world(a_station, random.Random(14), n_postings=80, n_archives=3)
    now = timezone.now()
    batch_refresh(now=now)
    top = StoredRecommendation.objects.filter(archive=archives[0]).order_by("rank").first()
    PushRecord.objects.create(archive=archives[0], posting=top.posting, channel="phone", outcome="declined",
                              outcome_date=timezone.localdate())
    batch_refresh(now=now)
    assert not StoredRecommendation.objects.filter(archive=archives[0], posting=top.posting).exists()
    assert StoredRecommendation.objects.filter(archive=archives[0]).count() == 20


def test_batch_scores_are_the_scoring_functions_for_every_pair(a_station):
    """The batch's in-memory scorer gives `scoring.score` for every archive and published posting."""
    from matching.selectors import all_published_facts
    from matching.vector import PostingIndex

    archives = _random_world(a_station, random.Random(15), n_postings=150, n_archives=12)
    now = timezone.now()
    facts = all_published_facts()
    index = PostingIndex(facts)
    by_id = {f.posting_id: f for f in facts}
    with_certificate = 0
    for archive in archives:
        profile = scoring.Profile.of(archive)
        rows = np.arange(index.n)
        for pid, s in zip(index.ids[rows], index.score_rows(profile, rows, now), strict=True):
            match = scoring.score(profile, by_id[int(pid)], now)
            assert s == match.score, (archive, pid)
            with_certificate += any(key == "certificate" for key, _pts, _text in match.parts)
    assert with_certificate  # certificates in the posting's occupation were scored too


def test_batch_ranking_is_exact_when_bounded_and_when_every_posting_is_ranked(a_station):
    from matching.selectors import all_published_facts
    from matching.vector import PostingIndex

    archives = _random_world(a_station, random.Random(16), n_postings=300, n_archives=25)
    now = timezone.now()
    facts = all_published_facts()
    index = PostingIndex(facts)
    bounded_seen = set()
    for archive in archives:
        profile = scoring.Profile.of(archive)
        ranked, bounded = index.rank(profile, now=now, exclude=[facts[0].posting_id])
        bounded_seen.add(bounded)
        expected = recommend_exhaustive(profile, now=now, facts=facts, exclude=[facts[0].posting_id])
        assert [pid for pid, _s in ranked] == [m.posting_id for m in expected], archive
    assert bounded_seen == {True, False}


def test_fast_path_seeded_by_last_nights_batch_still_equals_exhaustive(a_station):
    """Yesterday's stored top 20 only seeds the threshold: after postings close and new ones appear,
    the live top 20 is still exactly exhaustive scoring's."""
    from jobs.models import JobPosting
    from matching.selectors import recommend_fast
    from tests.matching.factories import make_posting

    archives = _random_world(a_station, random.Random(17), n_postings=200, n_archives=12)
    now = timezone.now()
    batch_refresh(now=now)
    for archive in archives[:4]:  # some of last night's best are gone, a better one is new
        top = StoredRecommendation.objects.filter(archive=archive).order_by("rank")[:3]
        JobPosting.objects.filter(pk__in=[r.posting_id for r in top]).update(status="withdrawn")
        codes = [o.code for o in archive.desired_occupations.all()]
        make_posting(a_station, occupation_code=codes[0] if codes else None, lat=archive.lat, lng=archive.lng,
                     salary_min=9000, salary_max=12000, hours_type=archive.desired_hours,
                     friendly_to=list(archive.key_groups), published_days_ago=0)
    for archive in archives:
        profile = scoring.Profile.of(archive)
        assert StoredRecommendation.objects.filter(archive=archive).exists() or not archive.is_open
        fast, _bounded = recommend_fast(profile, now=now)
        expected = recommend_exhaustive(profile, now=now)
        assert [r.posting.pk for r in fast] == [m.posting_id for m in expected], archive
