"""The API resources added for issue 12 item 18: reference data, the audit log, the SMS outbox, batch runs."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from core.models import AuditEvent
from matching.models import BatchRun, SmsOutbox
from tests.jobseekers.factories import make_archive
from tests.matrix import ADMINS_ONLY, ANY_INTERNAL, OWNED_BY_A, PUBLIC, assert_matrix


@pytest.fixture
def outbox(world):
    archive = make_archive(world["station_a"], actor=world["staff"])
    return SmsOutbox.objects.create(archive=archive, station=archive.station, phone_encrypted="x",
                                    body="您好，有新岗位", status="failed", attempts=3, last_error="网关超时")


@pytest.mark.parametrize("url, expect", [
    ("/api/districts/", PUBLIC), ("/api/streets/?district=1", PUBLIC),
    ("/api/occupations/?q=保洁", ANY_INTERNAL), ("/api/sms-outbox/", ANY_INTERNAL),
    ("/api/batch-runs/", ADMINS_ONLY), ("/api/audit-events/", ADMINS_ONLY),
])
def test_new_lists_follow_the_pages_roles(client, world, url, expect):
    assert_matrix(client, world, url, expect, api=True)


def test_an_outbox_row_is_seen_only_within_its_scope(client, world, outbox):
    assert_matrix(client, world, f"/api/sms-outbox/{outbox.pk}/", OWNED_BY_A, api=True)


def test_an_audit_event_of_station_a_is_seen_by_its_district_and_the_city(client, world, outbox):
    event = AuditEvent.objects.filter(station=world["station_a"]).latest("id")
    expect = {**ADMINS_ONLY, "district_other": 404}
    assert_matrix(client, world, f"/api/audit-events/{event.pk}/", expect, api=True)


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_outbox_lists_scoped_rows_without_the_phone_and_filters_by_status(world, outbox):
    rows = _api(world["staff"]).get("/api/sms-outbox/?status=failed").json()["results"]
    assert [r["id"] for r in rows] == [outbox.pk] and "phone_encrypted" not in rows[0]
    assert _api(world["staff_other"]).get("/api/sms-outbox/").json()["results"] == []
    assert _api(world["staff"]).get("/api/sms-outbox/?status=sent").json()["results"] == []


def test_retry_requeues_a_failed_sms_once_and_is_audited(world, outbox, django_capture_on_commit_callbacks):
    assert _api(world["staff_other"]).post(f"/api/sms-outbox/{outbox.pk}/retry/").status_code == 404
    with django_capture_on_commit_callbacks():
        ok = _api(world["staff"]).post(f"/api/sms-outbox/{outbox.pk}/retry/")
    assert ok.status_code == 200 and ok.json()["status"] in ("pending", "sent", "unsent")
    assert AuditEvent.objects.filter(action="matching.sms_retry").count() == 1
    outbox.refresh_from_db()
    before = (outbox.status, outbox.attempts)
    again = _api(world["staff"]).post(f"/api/sms-outbox/{outbox.pk}/retry/")
    assert again.status_code == 400 and again.json()["detail"] == "只有发送失败的短信可以重新发送。"
    outbox.refresh_from_db()
    assert (outbox.status, outbox.attempts) == before


def test_batch_runs_show_progress_to_admins(world):
    BatchRun.objects.create(total=200, processed=50)
    rows = _api(world["district"]).get("/api/batch-runs/").json()["results"]
    assert rows[0]["percent"] == 25 and rows[0]["status"] == "running"


def test_audit_log_filters_by_action_within_scope(world, outbox):
    rows = _api(world["district"]).get("/api/audit-events/?action=jobseeker").json()["results"]
    assert rows and all("jobseeker" in r["action"] for r in rows)
    assert _api(world["district_other"]).get("/api/audit-events/?action=jobseeker").json()["results"] == []


def test_reference_data_is_public_and_streets_filter_by_district(client, world):
    districts = client.get("/api/districts/").json()
    assert len(districts) == 16
    xuhui = next(d for d in districts if d["code"] == "310104")
    streets = client.get(f"/api/streets/?district={xuhui['id']}").json()
    assert streets and all(s["district"] == xuhui["id"] for s in streets)
    bad = client.get("/api/streets/?district=徐汇")
    assert bad.status_code == 400 and bad.json()["errors"]["district"] == ["区须为数字编号。"]


def test_occupation_search_matches_names_and_refuses_nothing_odd(world):
    api = _api(world["staff"])
    rows = api.get("/api/occupations/?q=保洁&level=4").json()["results"]
    assert rows and all("保洁" in r["name"] and r["level"] == 4 for r in rows)
    assert api.get("/api/occupations/?q=%00").status_code == 200
