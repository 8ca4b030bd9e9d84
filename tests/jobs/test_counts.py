"""The count above the job list agrees with the list: exact below the exact-count limit (an estimate, "约 N",
only above it), and invalidated whenever the list is (a hire that fills a posting included)."""

import pytest
from django.db import connection
from django.utils import timezone

from jobs.models import JobPosting
from jobs.search import reset_gram_frequencies
from jobs.selectors import posting_search
from matching.models import PushRecord
from tests.jobs.factories import make_employer, make_posting
from tests.matching.factories import make_archive

pytestmark = pytest.mark.django_db


def _all_ids(data, page_size=5):
    seen, data = [], dict(data)
    while True:
        page = posting_search(data=data, page_size=page_size)
        seen += [r["id"] for r in page.rows]
        if not page.next_cursor:
            return seen
        data["cursor"] = page.next_cursor


@pytest.fixture
def analyzed():
    yield lambda: (connection.cursor().execute("ANALYZE jobs_jobposting"), reset_gram_frequencies())
    reset_gram_frequencies()


def test_common_keyword_below_the_limit_is_counted_exactly(world, analyzed):
    employer = make_employer(world["station_a"])
    for i in range(14):
        make_posting(employer, title="保洁员" if i % 2 else "保洁主管", description="小区保洁")
    for _ in range(5):
        make_posting(employer, title="收银员", description="超市收银")
    analyzed()
    page = posting_search(data={"q": "保洁"}, page_size=5)
    assert not page.count_estimated and not page.count_capped
    assert page.count == len(_all_ids({"q": "保洁"})) == 14


def test_count_follows_a_hire_that_fills_a_posting(client, world, django_capture_on_commit_callbacks, settings):
    settings.JOBS_SEARCH_CACHE_SECONDS = 30
    employer = make_employer(world["station_a"])
    with django_capture_on_commit_callbacks(execute=True):
        filled, other = make_posting(employer, title="面点师"), make_posting(employer, title="中式面点师")
    first = posting_search(data={"q": "面点"})
    assert (first.count, len(first.rows)) == (2, 2)
    archive = make_archive(world["station_a"])
    push = PushRecord.objects.create(archive=archive, posting=filled, channel="phone", pushed_on=timezone.localdate())
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/matching/pushes/{push.pk}/outcome/",
                    {"outcome": "hired", "outcome_date": timezone.localdate().isoformat()})
    assert JobPosting.objects.get(pk=filled.pk).status == JobPosting.Status.FILLED
    after = posting_search(data={"q": "面点"})
    assert [r["id"] for r in after.rows] == [other.pk] and after.count == 1


def test_count_is_invalidated_without_the_page_cache_too(world, django_capture_on_commit_callbacks, settings):
    from jobs.services import posting_withdraw

    settings.JOBS_SEARCH_CACHE_SECONDS = 0
    employer = make_employer(world["station_a"])
    with django_capture_on_commit_callbacks(execute=True):
        first, _second = make_posting(employer, title="理货员"), make_posting(employer, title="理货组长")
    assert posting_search(data={"q": "理货"}).count == 2
    with django_capture_on_commit_callbacks(execute=True):
        posting_withdraw(actor=world["city"], posting=first)
    page = posting_search(data={"q": "理货"})
    assert (page.count, len(page.rows)) == (1, 1)



def test_common_keyword_above_the_limit_is_estimated(world, analyzed, monkeypatch):
    import jobs.selectors

    monkeypatch.setattr(jobs.selectors, "COUNT_CAP", 5)  # the limit, small enough for a test
    employer = make_employer(world["station_a"])
    for _ in range(9):
        make_posting(employer, title="保洁员", description="小区保洁")
    analyzed()
    page = posting_search(data={"q": "保洁"})
    assert page.count_estimated and page.count >= 5
