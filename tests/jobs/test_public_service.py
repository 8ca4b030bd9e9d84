"""公益性岗位: the quota limits hires (refused beyond it, by the database too), the expiry job closes a post whose
term has ended, and the staff posting page shows both."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from jobs import services
from jobs.models import Employer, JobPosting
from matching.models import PushRecord
from tests.jobs.factories import make_employer, make_posting
from tests.matching.factories import make_archive

pytestmark = pytest.mark.django_db


@pytest.fixture
def post(world):
    today = timezone.localdate()
    employer = make_employer(world["station_a"], actor=world["staff"], kind=Employer.Kind.COMMUNITY)
    return make_posting(employer, actor=world["staff"], title="社区网格员", headcount=5, is_public_service=True,
                        public_service_quota=2, public_service_term_start=today - dt.timedelta(days=30),
                        public_service_term_end=today + dt.timedelta(days=60), expires_on=today + dt.timedelta(days=90))


def _hire(client, world, posting, name):
    archive = make_archive(world["station_a"], name=name)
    push = PushRecord.objects.create(archive=archive, posting=posting, channel="phone", pushed_on=timezone.localdate())
    response = client.post(f"/matching/pushes/{push.pk}/outcome/",
                           {"outcome": "hired", "outcome_date": timezone.localdate().isoformat()}, follow=True)
    return [str(m) for m in response.context["messages"]], archive


def test_hires_beyond_the_quota_are_refused(client, world, post):
    client.force_login(world["staff"])
    for name in ("甲", "乙"):
        messages, _ = _hire(client, world, post, name)
        assert "已登记反馈：已录用。" in messages
    post.refresh_from_db()
    assert post.filled_count == 2 and post.status == JobPosting.Status.FILLED  # quota reached, headcount 5
    post.status = JobPosting.Status.PUBLISHED  # even if someone re-opened it
    post.save(update_fields=["status"])
    messages, archive = _hire(client, world, post, "丙")
    assert any("公益性岗位名额已满（2/2）" in m for m in messages), messages
    post.refresh_from_db()
    archive.refresh_from_db()
    assert post.filled_count == 2 and archive.current_status == "unemployed"
    assert not PushRecord.objects.filter(archive=archive, outcome="hired").exists()


def test_database_refuses_a_filled_count_above_the_quota(post):
    with pytest.raises(IntegrityError), transaction.atomic():
        JobPosting.objects.filter(pk=post.pk).update(filled_count=3)


def test_hire_after_the_term_ended_is_refused(client, world, post):
    post.public_service_term_end = timezone.localdate() - dt.timedelta(days=1)
    post.save(update_fields=["public_service_term_end"])
    client.force_login(world["staff"])
    messages, archive = _hire(client, world, post, "丁")
    assert any("公益性岗位期限已于" in m for m in messages), messages
    post.refresh_from_db()
    assert post.filled_count == 0


def test_expiry_job_closes_a_post_whose_term_ended(post):
    today = timezone.localdate()
    assert services.postings_expire_due(today=post.public_service_term_end) == 0  # the last day still counts
    assert services.postings_expire_due(today=post.public_service_term_end + dt.timedelta(days=1)) == 1
    post.refresh_from_db()
    assert post.status == JobPosting.Status.EXPIRED and "公益性岗位期限" in post.status_note
    assert services.postings_expire_due(today=today + dt.timedelta(days=365)) == 0  # idempotent


def test_publishing_a_post_whose_term_ended_is_refused(world):
    today = timezone.localdate()
    employer = make_employer(world["station_a"], actor=world["staff"], kind=Employer.Kind.COMMUNITY)
    draft = make_posting(employer, actor=world["staff"], publish=False, is_public_service=True,
                         public_service_quota=1, public_service_term_start=today - dt.timedelta(days=90),
                         public_service_term_end=today - dt.timedelta(days=1))
    with pytest.raises(Exception, match="公益性岗位期限已于"):
        services.posting_publish(actor=world["district"], posting=draft)
    draft.refresh_from_db()
    assert draft.status == JobPosting.Status.DRAFT


def test_staff_posting_page_shows_quota_and_term(client, world, post):
    client.force_login(world["staff"])
    html = client.get(reverse("jobs:posting_detail", args=[post.pk])).content.decode()
    assert 'data-testid="public-service"' in html
    assert "名额 2（已录用 0）" in html
    assert f"{post.public_service_term_start:%Y-%m-%d} 至 {post.public_service_term_end:%Y-%m-%d}" in html


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_hires_for_the_last_quota_place_record_one(world):
    import threading

    from django.core.exceptions import ValidationError
    from django.db import connection

    from matching.services import push_record_outcome

    today = timezone.localdate()
    employer = make_employer(world["station_a"], actor=world["staff"], kind=Employer.Kind.COMMUNITY)
    post = make_posting(employer, actor=world["staff"], title="社区助餐员", headcount=5, is_public_service=True,
                        public_service_quota=1, public_service_term_start=today,
                        public_service_term_end=today + dt.timedelta(days=60))
    pushes = [PushRecord.objects.create(archive=make_archive(world["station_a"]), posting=post, channel="phone",
                                        pushed_on=today) for _ in range(2)]
    barrier = threading.Barrier(2)
    outcomes = []

    def hire(push):
        try:
            barrier.wait()
            push_record_outcome(actor=world["staff"], push=push, outcome="hired", outcome_date=today)
            outcomes.append("hired")
        except ValidationError as exc:
            outcomes.append(" ".join(exc.messages))
        finally:
            connection.close()

    threads = [threading.Thread(target=hire, args=(p,)) for p in pushes]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("hired") == 1 and any("已招满" in o or "名额已满" in o for o in outcomes), outcomes
    post.refresh_from_db()
    assert post.filled_count == 1
