"""SMS outbox (retry with backoff, failures visible), the logging sender, and the home panels."""

import logging
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from matching.batch import batch_refresh
from matching.models import SmsOutbox, StoredRecommendation
from matching.services import SMS_MAX_ATTEMPTS, sms_send_due
from matching.tasks import send_pending_sms
from tests.matching.factories import make_archive, make_posting
from tests.matching.senders import FailOnceSender

pytestmark = pytest.mark.django_db


def _sms_push(client, world, django_capture_on_commit_callbacks):
    a = world["station_a"]
    archive = make_archive(a, phone="13912345678")
    posting = make_posting(a)
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/matching/archives/{archive.pk}/push/", {"postings": [posting.pk], "channel": "sms"})
    return SmsOutbox.objects.get()


@override_settings(SMS_SENDER="tests.matching.senders.FailOnceSender")
def test_failed_sms_is_kept_visible_and_retried_with_backoff(client, world, django_capture_on_commit_callbacks):
    FailOnceSender.failures_left, FailOnceSender.calls = 1, []
    msg = _sms_push(client, world, django_capture_on_commit_callbacks)
    assert (msg.status, msg.attempts) == ("pending", 1)
    assert "网关超时" in msg.last_error and msg.next_attempt_at > timezone.now()
    assert send_pending_sms.delay().get() == 0  # not due yet: backoff
    client.force_login(world["staff"])
    assert "网关超时" in client.get("/matching/outbox/").content.decode()
    assert sms_send_due(now=msg.next_attempt_at + timedelta(seconds=1)) == 1
    msg.refresh_from_db()
    assert (msg.status, msg.attempts, msg.last_error) == ("sent", 2, "")
    assert FailOnceSender.calls == ["13912345678", "13912345678"]


@override_settings(SMS_SENDER="tests.matching.senders.AlwaysFailSender")
def test_sms_that_keeps_failing_is_marked_failed_and_can_be_requeued(client, world,
                                                                      django_capture_on_commit_callbacks):
    msg = _sms_push(client, world, django_capture_on_commit_callbacks)
    later = timezone.now()
    for _ in range(SMS_MAX_ATTEMPTS):
        later += timedelta(days=1)
        sms_send_due(now=later)
    msg.refresh_from_db()
    assert (msg.status, msg.attempts) == ("failed", SMS_MAX_ATTEMPTS)
    client.force_login(world["city"])
    assert "发送失败的短信：1 条" in client.get("/").content.decode()
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/matching/outbox/{msg.pk}/retry/")
    msg.refresh_from_db()
    assert msg.status == "pending" and msg.attempts == 1  # a fresh round of attempts, the first failed again
    client.force_login(world["staff_other"])
    assert client.post(f"/matching/outbox/{msg.pk}/retry/").status_code == 404


def test_logging_sender_never_logs_the_phone_in_clear(client, world, django_capture_on_commit_callbacks, caplog):
    with caplog.at_level(logging.INFO, logger="matching.sms"):
        msg = _sms_push(client, world, django_capture_on_commit_callbacks)
    assert msg.status == "unsent"
    assert "139****5678" in caplog.text and "13912345678" not in caplog.text


def test_staff_home_shows_new_good_matches_since_yesterday(client, world):
    a = world["station_a"]
    archive = make_archive(a, name="王新匹配")
    make_posting(a, title="新岗位保洁员")
    other = make_archive(world["station_b"], name="李别站")
    make_posting(world["station_b"])
    batch_refresh()
    StoredRecommendation.objects.filter(archive=other).update(first_seen_at=timezone.now() - timedelta(days=3))
    client.force_login(world["staff"])
    html = client.get("/").content.decode()
    assert "昨日以来的新优质匹配" in html and "王新匹配" in html and "新岗位保洁员" in html
    assert "李别站" not in html
    StoredRecommendation.objects.filter(archive=archive).update(first_seen_at=timezone.now() - timedelta(days=2))
    assert "王新匹配" not in client.get("/").content.decode()


def test_admin_sees_batch_progress(client, world):
    make_archive(world["station_a"])
    batch_refresh()
    client.force_login(world["district"])
    assert "夜间匹配" in client.get("/").content.decode()
    html = client.get("/matching/batch/").content.decode()
    assert "已完成" in html and "100%" in html


def test_beat_schedule_registers_the_nightly_batch(settings):
    assert settings.CELERY_BEAT_SCHEDULE["matching-refresh-recommendations"]["task"] == \
        "matching.tasks.refresh_recommendations"


def test_refresh_task_runs_the_batch(world):
    from matching.models import BatchRun
    from matching.tasks import refresh_recommendations

    make_archive(world["station_a"])
    make_posting(world["station_a"])
    run_id = refresh_recommendations.delay().get()
    assert BatchRun.objects.get(pk=run_id).status == "done"
    assert StoredRecommendation.objects.count() == 1
