"""Real browser: staff create an archive, record a visit, add a certificate, and the follow-up appears in the
worklist when due."""

import datetime as dt

import pytest
from django.utils import timezone

from jobseekers.models import JobseekerArchive
from jobseekers.tasks import followups_create_due_task
from tests.conftest import browser_login

from .factories import make_id_number

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_create_archive_record_visit_and_follow_up_appears_when_due(page, live_server, world, reference_data):
    browser_login(page, live_server, "staff_a", "pw-for-tests-123")
    page.goto(f"{live_server.url}/jobseekers/new/")
    number = make_id_number(dt.date(1975, 3, 8), lower_x=True)
    page.fill("#id_name", "周阿姨")
    page.fill("#id_id_number", number)
    page.fill("#id_phone", "13998765432")
    page.check("input[name=key_groups][value='4050']")
    page.fill("#id_desired_occupations", "保洁")
    page.locator(".occupation-results button").first.click()
    assert page.locator(".occupation-chosen .occupation-chip").count() == 1
    page.select_option("#id_consent_scope", "service")
    page.click("[data-testid=archive-save]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=archive-name]").inner_text().startswith("周阿姨")
    masked = page.locator("[data-testid=id-masked]").inner_text()
    assert masked == number.upper()[:6] + "********" + number.upper()[-4:]
    assert number.upper() not in page.content()

    # reveal through htmx shows the full number (and is audited: see test_views)
    page.click("[data-testid=reveal]")
    assert page.locator("[data-testid=id-full]").inner_text() == number.upper()

    page.click("[data-testid=visit-create]")
    page.select_option("#id_method", "door")
    page.fill("#id_findings", "上门走访，有意向从事保洁工作")
    page.check("input[name=needs][value='job']")
    page.click("[data-testid=visit-save]")
    page.wait_for_load_state("networkidle")
    archive = JobseekerArchive.objects.get()
    today = timezone.localdate()
    assert archive.next_survey_due == today + dt.timedelta(days=30)  # key group, unemployed
    assert "有意向从事保洁工作" in page.locator("[data-testid=visits]").inner_text()

    # a certificate, its occupation chosen with the same picker, shows on the archive page
    page.click("[data-testid=certificate-create]")
    page.fill("#id_name", "保洁员专项职业能力证书")
    page.fill("#id_occupation", "保洁员")
    page.locator(".occupation-results button").first.click()
    page.select_option("#id_level", "special")
    page.click("[data-testid=certificate-save]")
    page.wait_for_load_state("networkidle")
    assert "保洁员专项职业能力证书" in page.locator("[data-testid=certificates]").inner_text()
    assert archive.certificates.get().occupation_code.startswith("4-")

    # the day before it is due: nothing; on the due day the beat task creates the follow-up
    followups_create_due_task(today=(archive.next_survey_due - dt.timedelta(days=1)).isoformat())
    page.goto(f"{live_server.url}/jobseekers/worklist/")
    assert "周阿姨" not in page.locator("[data-testid=worklist]").inner_text()
    followups_create_due_task(today=archive.next_survey_due.isoformat())
    page.goto(f"{live_server.url}/jobseekers/worklist/")
    assert "周阿姨" in page.locator("[data-testid=worklist]").inner_text()
    page.goto(f"{live_server.url}/")
    assert "周阿姨" in page.locator("[data-testid=worklist]").inner_text()
