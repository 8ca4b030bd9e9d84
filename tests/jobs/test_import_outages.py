"""The posting import's state lives in the database (an ImportJob of kind "postings"), not in Redis: with
Redis down the upload is kept and queued, never a 500, and a job whose worker was lost is reported failed."""

import datetime as dt

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.models import QueuedTask
from jobs.imports import LABELS
from jobs.models import JobPosting
from jobseekers.imports import LOST_WORKER_POSTINGS, sweep
from jobseekers.models import ImportJob
from tests.core.test_outages import _dead_cache, broker_down
from tests.jobs.factories import make_employer


def _csv(employer_name: str) -> SimpleUploadedFile:
    text = ",".join(LABELS) + "\n" + f"{employer_name},收银员,,,,4000,5000,元/月,1,全职,,,,\n" \
        + f"{employer_name},理货员,,,,9000,5000,元/月,1,全职,,,,\n"
    return SimpleUploadedFile("postings.csv", text.encode("utf-8"))


@pytest.mark.django_db(transaction=True)  # real commits: the task is queued on commit, as in production
def test_posting_import_with_redis_down_is_kept_and_runs_once_redis_is_back(client, world, settings):
    employer = make_employer(world["station_a"], actor=world["staff"])
    client.force_login(world["staff"])
    with _dead_cache(settings), broker_down():
        response = client.post(reverse("jobs:posting_import"),
                               {"station": world["station_a"].pk, "file": _csv(employer.name)})
        assert response.status_code == 302
        page = client.get(response.url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "已提交，稍后处理" in body and "排队中" in body
    job = ImportJob.objects.get(kind=ImportJob.Kind.POSTINGS)
    assert job.status == ImportJob.Status.PENDING and job.get_source().startswith(",".join(LABELS[:2]).encode())
    [row] = QueuedTask.objects.all()
    assert row.task == "jobs.tasks.posting_import_task" and row.kwargs == {"job_id": job.pk}
    assert not JobPosting.objects.filter(title="收银员").exists()

    QueuedTask.objects.update(created_at=row.created_at - dt.timedelta(minutes=1))
    from core.tasks import publish_queued

    assert publish_queued.delay().get() == 1  # broker back (eager here): the sweeper hands the import over
    page = client.get(response.url).content.decode()
    assert "成功导入 1 行" in page and "1 行有错误" in page
    assert JobPosting.objects.get(title="收银员").source == JobPosting.Source.IMPORT
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and bytes(job.source) == b"" and job.get_report()
    report = client.get(reverse("jobs:posting_import_errors", args=[job.pk]))
    assert report.status_code == 200 and report["Content-Type"].startswith("application/vnd.openxmlformats")


@pytest.mark.django_db
def test_a_posting_import_whose_worker_was_lost_is_reported_failed(client, world):
    job = ImportJob(kind=ImportJob.Kind.POSTINGS, station=world["station_a"], created_by=world["staff"],
                    file_name="postings.xlsx", status=ImportJob.Status.RUNNING, phase=ImportJob.Phase.VALIDATE,
                    total_rows=500, processed_rows=150)
    job.set_source(b"PK...")
    job.save()
    client.force_login(world["staff"])
    url = reverse("jobs:posting_import_status", args=[job.pk])
    assert "校验并写入中" in client.get(url, headers={"HX-Request": "true"}).content.decode()

    later = timezone.now() + dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES + 1)
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(
        minutes=settings.IMPORT_STALE_MINUTES + 1))
    assert "导入中断" in client.get(url).content.decode()  # said at once, before the sweeper runs
    assert sweep(now=later) == 1
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.message == LOST_WORKER_POSTINGS
    assert "导入中断" in client.get(url).content.decode()
    # the archive import's pages list archive imports only
    assert client.get(reverse("jobseekers:import_detail", args=[job.pk])).status_code == 404
    assert "postings.xlsx" not in client.get(reverse("jobseekers:import")).content.decode()


@pytest.mark.django_db
def test_a_posting_import_is_only_for_its_uploader(client, world):
    job = ImportJob.objects.create(kind=ImportJob.Kind.POSTINGS, station=world["station_a"],
                                   created_by=world["staff"], file_name="p.xlsx")
    client.force_login(world["staff_other"])
    assert client.get(reverse("jobs:posting_import_status", args=[job.pk])).status_code == 404
    assert client.get(reverse("jobs:posting_import_status", args=["abc"])).status_code == 404
    client.force_login(world["staff"])
    assert client.get(reverse("jobs:posting_import_status", args=[job.pk])).status_code == 200
