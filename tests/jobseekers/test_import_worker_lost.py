"""A real Celery worker killed mid-import (OOM, deploy): the job does not stay "校验中" for ever."""

import datetime as dt
import io
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from celery import current_app
from django.conf import settings
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from jobseekers.imports import HEADERS, LOST_WORKER, sweep
from jobseekers.models import ImportJob, JobseekerArchive

from .test_import import row

ROOT = Path(__file__).resolve().parent.parent.parent
ROWS = 3000


def _workbook(n: int) -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for i in range(n):
        ws.append(row(f"人员{i}"))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _wait(predicate, seconds: float, what: str, worker_log: Path):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}; the worker printed:\n{worker_log.read_text()[-3000:]}")


@pytest.mark.filterwarnings("ignore:task_always_eager has no effect")
@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_a_failed_job_with_a_retry(client, world, tmp_path):
    job = ImportJob(station=world["station_a"], created_by=world["staff"], file_name="big.xlsx")
    job.set_source(_workbook(ROWS))
    job.save()
    queue = f"test-import-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "DATABASE_URL": _database_url(), "DJANGO_SETTINGS_MODULE": "config.settings.test"}
    log = (tmp_path / "worker.log").open("wb")
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "-Q", queue, "-l", "warning",
         "--without-heartbeat", "--without-mingle", "--without-gossip"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        current_app.send_task("jobseekers.tasks.import_run_task", args=[job.pk], queue=queue)
        _wait(lambda: ImportJob.objects.filter(pk=job.pk, processed_rows__gte=200).exists(), 120,
              "the worker to start validating", worker_log=tmp_path / "worker.log")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.RUNNING and job.processed_rows < ROWS  # stuck, as the probe found
    assert not JobseekerArchive.objects.exists()

    assert sweep() == 0  # a job still within the stale window is left alone
    assert sweep(now=timezone.now() + dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES + 1)) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.message == LOST_WORKER and job.can_retry

    client.force_login(world["staff"])
    page = client.get(reverse("jobseekers:import_detail", args=[job.pk])).content.decode()
    assert "导入中断" in page and 'data-testid="import-retry"' in page
    client.post(reverse("jobseekers:import_retry", args=[job.pk]))  # eager in tests: runs here
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.imported_rows == ROWS and bytes(job.source) == b""


@pytest.mark.django_db
def test_kept_uploads_and_reports_are_deleted_by_the_retention_rule(world):
    job = ImportJob(station=world["station_a"], created_by=world["staff"], file_name="a.xlsx",
                    status=ImportJob.Status.FAILED)
    job.set_source(b"PK...")
    job.set_report(b"PK...")
    job.save()
    sweep(now=timezone.now() + dt.timedelta(hours=settings.IMPORT_RETENTION_HOURS - 1))
    job.refresh_from_db()
    assert job.can_retry
    sweep(now=timezone.now() + dt.timedelta(hours=settings.IMPORT_RETENTION_HOURS + 1))
    job.refresh_from_db()
    assert bytes(job.source) == b"" and bytes(job.report) == b"" and not job.can_retry


def _database_url() -> str:
    """The test database as a URL; the embedded server's host is a socket directory, percent-encoded."""
    s = connection.settings_dict
    host, password = quote(s["HOST"] or "127.0.0.1", safe=""), quote(s["PASSWORD"] or "", safe="")
    return f"postgres://{s['USER']}:{password}@{host}:{s['PORT'] or 5432}/{s['NAME']}"
