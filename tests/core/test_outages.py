"""Redis down: the cache is optional (search, throttles, "我感兴趣" keep working) and work queued on commit
waits in the outbox until the broker is back, without a 500 or a long hang."""

import socket
import time
from contextlib import contextmanager

import pytest
from celery import current_app
from django.core.cache import cache
from django.test import override_settings
from django.urls import reverse

from core import queue
from core.models import QueuedTask
from matching.models import SmsOutbox
from tests.jobs import factories as jobs_factories
from tests.matching.factories import make_archive, make_posting

pytestmark = pytest.mark.django_db


def _dead_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when we return: connections are refused, as with a stopped Redis


def _dead_cache(settings):
    dead = {**settings.CACHES["default"], "LOCATION": f"redis://127.0.0.1:{_dead_port()}/0"}
    return override_settings(CACHES={"default": dead})


@contextmanager
def broker_down():
    conf = current_app.conf
    saved = conf.task_always_eager, conf.broker_url
    conf.task_always_eager, conf.broker_url = False, f"redis://127.0.0.1:{_dead_port()}/0"
    _fresh_connections()
    try:
        yield
    finally:
        conf.task_always_eager, conf.broker_url = saved
        _fresh_connections()


def _fresh_connections():
    # Celery keeps a connection pool and a producer pool made from the broker URL of their time.
    current_app._pool = None
    current_app.amqp._producer_pool = None


def test_public_search_and_interest_work_without_redis(client, world, settings):
    employer = jobs_factories.make_employer(world["station_a"], actor=world["staff"])
    posting = jobs_factories.make_posting(employer, actor=world["staff"], title="超市理货员")
    with _dead_cache(settings):
        started = time.monotonic()
        page = client.get(reverse("jobs:job_search"), {"q": "理货"})
        api = client.get("/api/jobs/", {"q": "理货"})
        interest = client.post(reverse("jobs:job_interest", args=[posting.pk]),
                               {"name": "李阿姨", "phone": "13712345678", "consent": "on"})
        elapsed = time.monotonic() - started
        assert cache.get("anything", "missing") == "missing"
    assert page.status_code == 200 and "超市理货员" in page.content.decode()
    assert api.status_code == 200 and api.json()["results"][0]["title"] == "超市理货员"
    assert interest.status_code == 200 and posting.leads.count() == 1
    assert elapsed < 10  # short socket timeouts: no request waits tens of seconds on a dead Redis


@pytest.mark.django_db(transaction=True)  # real commits: on_commit publishes inside the request, as in production
def test_sms_push_with_the_broker_down_is_kept_and_sent_once_it_is_back(client, world):
    archive = make_archive(world["station_a"], phone="13912345678")
    posting = make_posting(world["station_a"])
    client.force_login(world["staff"])
    with broker_down():
        started = time.monotonic()
        response = client.post(f"/matching/archives/{archive.pk}/push/",
                               {"postings": [posting.pk], "channel": "sms"}, follow=True)
        elapsed = time.monotonic() - started
    assert response.status_code == 200 and elapsed < 8
    assert "已提交，稍后处理" in response.content.decode()
    msg = SmsOutbox.objects.get()
    assert msg.status == "pending" and msg.attempts == 0  # committed, not yet tried
    [row] = QueuedTask.objects.all()
    assert row.task == "matching.tasks.send_sms" and row.attempts == 1 and row.last_error

    QueuedTask.objects.update(created_at=row.created_at - queue.SWEEP_AFTER)
    from core.tasks import publish_queued

    assert publish_queued.delay().get() == 1  # broker back (eager here): the sweeper hands it over
    msg.refresh_from_db()
    assert msg.status == "unsent" and msg.attempts == 1 and not QueuedTask.objects.exists()


def test_the_sweeper_leaves_calls_in_place_while_the_broker_is_still_down(world, django_capture_on_commit_callbacks):
    with broker_down(), django_capture_on_commit_callbacks(execute=True):
        queue.enqueue("matching.tasks.send_pending_sms")
    row = QueuedTask.objects.get()
    QueuedTask.objects.update(created_at=row.created_at - queue.SWEEP_AFTER)
    with broker_down():
        assert queue.publish_due() == 0
    row.refresh_from_db()
    assert row.attempts == 2


def test_beat_runs_the_sweeper_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["core-publish-queued-tasks"]
    assert entry["task"] == "core.tasks.publish_queued" and entry["schedule"] == 60.0
