"""API for follow-up tasks, import jobs, guidance sessions and insurance help (issue 12 item 18)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from core.models import AuditEvent
from jobseekers import events
from jobseekers.models import FollowUpTask, ImportJob
from matching.models import GuidanceSession, InsuranceHelp
from tests.jobseekers.factories import make_archive
from tests.matrix import ANY_INTERNAL, OWNED_BY_A, assert_matrix

# A write on an archive of station A (require_visible): its staff and the admins in scope; others do not see it.
A_SCOPE_WRITES = {"anonymous": "login", "staff": 201, "staff_other": 404, "staff_far": 404,
                  "district": 201, "district_other": 404, "city": 201}
# An action on an object of station A that every user in scope may try (here refused for the object's state).
A_SCOPE_REFUSED = {"anonymous": "login", "staff": 400, "staff_other": 404, "staff_far": 404,
                   "district": 400, "district_other": 404, "city": 400}


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.fixture
def archive(world):
    return make_archive(world["station_a"], actor=world["staff"])


@pytest.fixture
def tasks(archive):
    today = timezone.localdate()
    late = FollowUpTask.objects.create(archive=archive, due_date=today - dt.timedelta(days=3))
    done = FollowUpTask.objects.create(archive=archive, due_date=today - dt.timedelta(days=40),
                                       status=FollowUpTask.Status.DONE)
    return late, done


def _import_job(world, **fields):
    job = ImportJob(station=world["station_a"], created_by=world["staff"], file_name="a.xlsx", **fields)
    job.set_source(b"PK upload")
    job.save()
    return job


@pytest.mark.parametrize("url", ["/api/follow-ups/", "/api/import-jobs/"])
def test_new_lists_are_open_to_every_internal_user(client, world, url):
    assert_matrix(client, world, url, ANY_INTERNAL, api=True)


def test_objects_of_station_a_are_seen_only_within_its_scope(client, world, archive, tasks):
    job = _import_job(world, status=ImportJob.Status.DONE)
    for url in (f"/api/follow-ups/{tasks[0].pk}/", f"/api/import-jobs/{job.pk}/",
                f"/api/archives/{archive.pk}/guidance/", f"/api/archives/{archive.pk}/insurance/"):
        assert_matrix(client, world, url, OWNED_BY_A, api=True)


def test_follow_ups_list_the_open_worklist_scoped_and_filtered(world, archive, tasks):
    late, done = tasks
    rows = _api(world["staff"]).get("/api/follow-ups/").json()["results"]
    assert [r["id"] for r in rows] == [late.pk] and rows[0]["archive_name"] == archive.name
    assert _api(world["staff_other"]).get("/api/follow-ups/").json()["results"] == []
    assert [r["id"] for r in _api(world["staff"]).get("/api/follow-ups/?status=done").json()["results"]] == [done.pk]
    assert _api(world["staff"]).get("/api/follow-ups/?overdue=false").json()["results"] == []
    assert len(_api(world["district"]).get("/api/follow-ups/?overdue=true").json()["results"]) == 1


def test_follow_ups_refuse_a_bad_filter(world, tasks):
    response = _api(world["staff"]).get("/api/follow-ups/?status=nonsense&due_before=yesterday")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {"status", "due_before"}


def test_import_jobs_hide_the_upload_and_report_and_list_only_the_scope(world):
    job = _import_job(world, status=ImportJob.Status.DONE, errors=[{"row": 2, "reason": "身份证号有误"}])
    rows = _api(world["staff"]).get("/api/import-jobs/").json()["results"]
    assert [r["id"] for r in rows] == [job.pk] and rows[0]["errors"][0]["row"] == 2
    assert "source" not in rows[0] and "report" not in rows[0] and rows[0]["can_retry"] is False
    assert _api(world["staff_far"]).get("/api/import-jobs/").json()["results"] == []


def test_retry_requeues_a_failed_import_and_is_audited(world):
    job = _import_job(world, status=ImportJob.Status.FAILED, message="导入进程中断", processed_rows=5)
    response = _api(world["staff"]).post(f"/api/import-jobs/{job.pk}/retry/")
    assert response.status_code == 200 and response.json()["status"] == "pending"
    job.refresh_from_db()
    assert (job.status, job.processed_rows, job.message) == ("pending", 0, "")
    assert AuditEvent.objects.filter(action=events.JOBSEEKER_IMPORT_RETRY).count() == 1


def test_retry_of_an_import_that_cannot_be_retried_is_refused_and_changes_nothing(client, world):
    job = _import_job(world, status=ImportJob.Status.DONE, imported_rows=7)
    assert_matrix(client, world, f"/api/import-jobs/{job.pk}/retry/", A_SCOPE_REFUSED, api=True, method="post")
    response = _api(world["staff"]).post(f"/api/import-jobs/{job.pk}/retry/")
    assert "不能重试" in response.json()["detail"]
    job.refresh_from_db()
    assert (job.status, job.imported_rows) == ("done", 7)
    assert not AuditEvent.objects.filter(action=events.JOBSEEKER_IMPORT_RETRY).exists()


def test_guidance_is_created_by_the_station_and_listed(client, world, archive):
    body = {"held_on": str(timezone.localdate()), "kind": "career", "topics": "职业规划", "advice": "先参加培训"}
    assert_matrix(client, world, f"/api/archives/{archive.pk}/guidance/", A_SCOPE_WRITES, api=True,
                  method="post", data=body, content_type="application/json")
    rows = _api(world["district"]).get(f"/api/archives/{archive.pk}/guidance/").json()
    assert [r["topics"] for r in rows] == ["职业规划"] * 3
    assert {r["counsellor"] for r in rows} == {world["staff"].pk, world["district"].pk, world["city"].pk}


@pytest.mark.parametrize("body, field", [
    ({"held_on": "2999-01-01", "kind": "career", "topics": "x"}, "held_on"),
    ({"held_on": "2024-05-01", "kind": "astrology", "topics": "x"}, "kind"),
    ({"held_on": "2024-05-01", "kind": "career"}, "topics"),
    ({"held_on": "2024-05-10", "kind": "career", "topics": "x", "follow_up_on": "2024-05-01"}, None),
])
def test_bad_guidance_is_refused_and_nothing_is_saved(world, archive, body, field):
    response = _api(world["staff"]).post(f"/api/archives/{archive.pk}/guidance/", body, format="json")
    assert response.status_code == 400, response.json()
    if field:
        assert field in response.json()["errors"]
    assert not GuidanceSession.objects.exists()


def test_insurance_starts_empty_then_updates_with_its_version(world, archive):
    url = f"/api/archives/{archive.pk}/insurance/"
    api = _api(world["staff"])
    empty = api.get(url).json()
    assert (empty["status"], empty["version"]) == ("not_started", 0)
    saved = api.put(url, {"status": "collecting", "checklist": ["id_card"], "version": 0}, format="json")
    assert saved.status_code == 200 and saved.json()["version"] == 1
    again = api.put(url, {"status": "collecting", "checklist": ["id_card", "bank"], "version": 1}, format="json")
    assert again.json()["checklist"] == ["bank", "id_card"] and again.json()["version"] == 2
    stale = api.put(url, {"status": "submitted", "checklist": [], "version": 1}, format="json")
    assert stale.status_code == 409
    assert InsuranceHelp.objects.get(archive=archive).status == "collecting"


@pytest.mark.parametrize("body, field", [
    ({"status": "registered", "checklist": ["id_card"], "version": 0}, "checklist"),
    ({"status": "submitted", "checklist": ["passport"], "version": 0}, "checklist"),
    ({"status": "collecting", "registered_on": "2999-01-01", "version": 0}, "registered_on"),
    ({"status": "collecting"}, "version"),
])
def test_bad_insurance_update_is_refused_and_nothing_is_saved(world, archive, body, field):
    response = _api(world["staff"]).put(f"/api/archives/{archive.pk}/insurance/", body, format="json")
    assert response.status_code == 400 and field in response.json()["errors"], response.json()
    assert not InsuranceHelp.objects.exists()


def test_insurance_is_written_only_within_the_scope(client, world, archive):
    url = f"/api/archives/{archive.pk}/insurance/"
    expect = {"anonymous": "login", "staff_other": 404, "staff_far": 404, "district_other": 404}
    assert_matrix(client, world, url, expect, api=True, method="put", data={"status": "collecting", "version": 0},
                  content_type="application/json")
    assert not InsuranceHelp.objects.exists()
    assert _api(world["district"]).put(url, {"status": "collecting", "version": 0}, format="json").status_code == 200


def test_follow_ups_filter_by_a_station_in_scope_only(world, tasks):
    api = _api(world["district"])
    assert len(api.get(f"/api/follow-ups/?station={world['station_a'].pk}").json()["results"]) == 1
    assert api.get(f"/api/follow-ups/?station={world['station_b'].pk}").json()["results"] == []
    far = api.get(f"/api/follow-ups/?station={world['station_c'].pk}")
    assert far.status_code == 400 and "station" in far.json()["errors"]
