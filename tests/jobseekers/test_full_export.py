"""Full exports (clear ID numbers and phones): a posted reason and confirmation, the allowed roles only, audited
with station and district, never cached, a volume warning on the admin home; the import error report likewise."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from core.models import AuditEvent
from jobseekers.models import ImportJob
from tests.factories import make_staff
from tests.matrix import assert_matrix

from .factories import make_archive

pytestmark = pytest.mark.django_db

URL = reverse("jobseekers:archive_export_full")
CONFIRMED = {"reason": "报送区就业促进中心核对名单", "confirm": "on", "query": ""}
# Station staff get the masked export only; admins see the confirmation page for their scope.
FULL_EXPORT = {"anonymous": "login", "staff": 403, "staff_other": 403, "staff_far": 403,
               "district": 200, "district_other": 200, "city": 200}


def test_full_export_page_matrix(client, world):
    assert_matrix(client, world, URL, FULL_EXPORT)
    assert_matrix(client, world, URL, {**FULL_EXPORT, "district": 400, "district_other": 400, "city": 400},
                  method="post", data={"reason": ""})


def test_the_list_offers_a_confirmation_page_not_a_download_link(client, world):
    make_archive(world["station_a"])
    client.force_login(world["district"])
    body = client.get(reverse("jobseekers:archive_list"), {"status": "unemployed"}).content.decode()
    assert f'href="{URL}?status=unemployed"' in body and "full=1" not in body
    page = client.get(URL, {"status": "unemployed"}).content.decode()
    assert "导出事由" in page and 'method="post"' in page and 'value="status=unemployed"' in page
    assert not AuditEvent.objects.filter(action="jobseeker.export_full").exists()
    client.force_login(world["staff"])
    assert "导出（完整信息）" not in client.get(reverse("jobseekers:archive_list")).content.decode()


@pytest.mark.parametrize("data, message", [
    ({"confirm": "on"}, "请填写导出事由。"),
    ({"reason": "核对", "confirm": "on"}, "导出事由至少 4 个字。"),
    ({"reason": "报送区就业促进中心核对名单"}, "请勾选确认后再导出。"),
])
def test_a_full_export_without_reason_or_confirmation_exports_nothing(client, world, data, message):
    make_archive(world["station_a"])
    client.force_login(world["district"])
    response = client.post(URL, data)
    assert response.status_code == 400
    assert message in response.content.decode() and "未导出" in response.content.decode()
    assert response["Content-Type"].startswith("text/html")
    assert not AuditEvent.objects.filter(action="jobseeker.export_full").exists()


def test_full_export_is_audited_with_station_district_and_reason_and_never_cached(client, world):
    archive = make_archive(world["station_a"])
    make_archive(world["station_c"])
    head = make_staff("head_a", world["station_a"], role="head")
    client.force_login(head)
    response = client.post(URL, CONFIRMED)
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    event = AuditEvent.objects.get(action="jobseeker.export_full")
    assert event.station == world["station_a"] and event.district == world["station_a"].street.district
    assert event.changes == {"rows": 1, "reason": CONFIRMED["reason"]} and "事由：报送区就业促进中心核对名单" in event.summary
    assert archive.id_number not in event.summary
    # The district admin's audit page lists it; the other district's does not.
    client.force_login(world["district"])
    assert "导出档案 1 份（含完整身份证号和手机号）" in client.get(reverse("audit_list")).content.decode()
    client.force_login(world["district_other"])
    assert "导出档案 1 份" not in client.get(reverse("audit_list")).content.decode()
    # The masked export is not cached either.
    client.force_login(world["staff"])
    assert client.get(reverse("jobseekers:archive_export"))["Cache-Control"] == "no-store"


def test_a_district_admins_export_carries_the_district_even_when_empty(client, world):
    client.force_login(world["district"])
    client.post(URL, CONFIRMED)
    event = AuditEvent.objects.get(action="jobseeker.export_full")
    assert event.district == world["station_a"].street.district and event.changes["rows"] == 0


def test_a_full_export_keeps_the_list_filters(client, world):
    make_archive(world["station_a"], name="已就业者", initial_status="employed")
    make_archive(world["station_a"], name="失业者")
    client.force_login(world["district"])
    from tests.jobseekers.test_views import _sheet

    rows = _sheet(client.post(URL, {**CONFIRMED, "query": "status=employed"}))
    assert [r[0] for r in rows[1:]] == ["已就业者"]


def test_unusual_full_export_volume_warns_the_district_and_city_home(client, world, settings):
    settings.FULL_EXPORT_WARN_ROWS = 2
    for i in range(3):
        make_archive(world["station_a"], name=f"甲{i}")
    head = make_staff("head_a", world["station_a"], role="head")
    client.force_login(head)
    client.post(URL, {**CONFIRMED, "query": ""})
    for role in ("district", "city"):
        client.force_login(world[role])
        body = client.get("/").content.decode()
        assert 'data-testid="export-volume-panel"' in body and "head_a" in body, role
    client.force_login(world["district_other"])
    assert 'data-testid="export-volume-panel"' not in client.get("/").content.decode()
    # Older than 24 hours: no longer unusual.
    AuditEvent.objects.filter(action="jobseeker.export_full").update(created_at=timezone.now() - dt.timedelta(hours=25))
    client.force_login(world["district"])
    assert 'data-testid="export-volume-panel"' not in client.get("/").content.decode()


def test_below_the_threshold_there_is_no_warning(client, world, settings):
    settings.FULL_EXPORT_WARN_ROWS = 5
    make_archive(world["station_a"])
    client.force_login(world["district"])
    client.post(URL, CONFIRMED)
    assert 'data-testid="export-volume-panel"' not in client.get("/").content.decode()


def _job(world, uploader):
    job = ImportJob(station=world["station_a"], created_by=uploader, file_name="a.xlsx",
                    status=ImportJob.Status.DONE,
                    errors=[{"row": 2, "reason": "x"}], failed_rows=1)
    job.set_report(b"PK report")
    job.save()
    return job


def test_import_error_report_only_for_uploader_station_head_and_admins(client, world):
    colleague = make_staff("colleague_a", world["station_a"])
    head = make_staff("head_a", world["station_a"], role="head")
    job = _job(world, world["staff"])
    url = reverse("jobseekers:import_errors", args=[job.pk])
    client.force_login(colleague)
    assert client.get(url).status_code == 403
    assert 'data-testid="error-report"' not in client.get(
        reverse("jobseekers:import_detail", args=[job.pk])).content.decode()
    assert not AuditEvent.objects.filter(action="jobseeker.import_report").exists()
    for user in (world["staff"], head, world["district"], world["city"]):
        client.force_login(user)
        response = client.get(url)
        assert response.status_code == 200 and "no-store" in response["Cache-Control"], user
    assert AuditEvent.objects.filter(action="jobseeker.import_report").count() == 4
    event = AuditEvent.objects.filter(action="jobseeker.import_report").first()
    assert event.station == world["station_a"] and event.district == world["station_a"].street.district
