"""The daily re-survey job: creates due follow-up tasks once per cycle, even run twice or by two workers at once."""

import datetime as dt
import threading

import pytest
from django.conf import settings
from django.db import connection
from django.utils import timezone

from jobseekers import services
from jobseekers.models import FollowUpTask
from jobseekers.tasks import followups_create_due_task

from .factories import make_archive


def test_beat_schedule_runs_the_task_daily():
    entry = settings.CELERY_BEAT_SCHEDULE["jobseekers-followups-create-due"]
    assert entry["task"] == "jobseekers.tasks.followups_create_due_task"


@pytest.mark.django_db
def test_running_twice_creates_each_due_task_once_and_skips_closed_and_not_yet_due(world):
    today = timezone.localdate()
    due = make_archive(world["station_a"], key_groups=["4050"])  # due in 30 days
    later = make_archive(world["station_a"])  # due in 60 days
    closed = make_archive(world["station_a"], key_groups=["4050"])
    services.archive_update(actor=None, archive=closed, expected_version=1, is_open=False, closed_reason="迁出")
    day = (today + dt.timedelta(days=30)).isoformat()
    assert followups_create_due_task.delay(day).get() == 1
    assert followups_create_due_task.delay(day).get() == 0
    assert followups_create_due_task(today=(today + dt.timedelta(days=31)).isoformat()) == 0
    assert list(FollowUpTask.objects.values_list("archive_id", flat=True)) == [due.pk]
    assert not FollowUpTask.objects.filter(archive__in=[later, closed]).exists()
    # a visit closes the task; the next cycle gets its own task
    services.visit_create(actor=world["staff"], archive=due, visit_date=today, method="phone", findings="已联系",
                          next_follow_up=today + dt.timedelta(days=45))
    assert followups_create_due_task(today=(today + dt.timedelta(days=44)).isoformat()) == 0
    assert followups_create_due_task(today=(today + dt.timedelta(days=45)).isoformat()) == 1
    assert FollowUpTask.objects.filter(archive=due).count() == 2
    assert FollowUpTask.objects.open().count() == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_never_create_a_task_twice(world):
    archives = [make_archive(world["station_a"], key_groups=["4050"]) for _ in range(20)]
    day = timezone.localdate() + dt.timedelta(days=30)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def worker():
        try:
            barrier.wait()
            results.append(services.followups_create_due(today=day))
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(results) == [0, len(archives)]
    assert FollowUpTask.objects.count() == len(archives)
