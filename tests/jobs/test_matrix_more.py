"""The permission matrix for the job pages and endpoints not yet run through it: posting transitions (POST),
lead follow-up (POST), the import error report, /api/job-leads/{id}/ and the API's publish action.

A write is checked one role at a time on a fresh object, so each role's answer and its effect (or the
absence of one) are both asserted."""

from __future__ import annotations

import io
import itertools

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import AuditEvent
from jobs.imports import COLUMNS
from jobs.models import JobPosting, Lead
from jobs.services import lead_create
from tests.jobs.factories import make_employer, make_posting, post_import
from tests.matrix import OWNED_BY_A, ROLES, assert_matrix

pytestmark = pytest.mark.django_db

# A POST on an object of station A: allowed roles are sent back to a page (302), others get 404.
POST_OWNED_BY_A = {"anonymous": "login", "staff": 302, "staff_other": 404, "staff_far": 404,
                   "district": 302, "district_other": 404, "city": 302}
# The same through the API (200 with the new state).
API_POST_OWNED_BY_A = {**POST_OWNED_BY_A, "staff": 200, "district": 200, "city": 200}
INTERNAL_405 = {"anonymous": "login", **{r: 405 for r in ROLES if r != "anonymous"}}
INTERNAL_404 = {"anonymous": "login", **{r: 404 for r in ROLES if r != "anonymous"}}

_phones = itertools.count(13800000100)


@pytest.fixture
def employer(world):
    return make_employer(world["station_a"], actor=world["staff"])


def _draft(world, employer) -> JobPosting:
    return make_posting(employer, actor=world["staff"], publish=False, title="待发布岗位")


def _lead(world, employer) -> Lead:
    a = world["station_a"]
    posting = make_posting(employer, actor=world["staff"], lat=a.lat, lng=a.lng)
    phone = str(next(_phones))
    lead = lead_create(posting=posting, name="王阿姨", phone=phone, consent=True)
    assert lead.station == a
    lead.clear_phone = phone  # for asserting it never leaks
    return lead


def test_posting_transition_matrix_and_effect(client, world, employer):
    for role, wanted in POST_OWNED_BY_A.items():
        draft = _draft(world, employer)
        url = reverse("jobs:posting_transition", args=[draft.pk, "publish"])
        assert_matrix(client, world, url, {role: wanted}, method="post")
        draft.refresh_from_db()
        if wanted == 302 and role != "staff":  # staff drafted it: review is a second person's (test_review.py)
            assert draft.status == JobPosting.Status.PUBLISHED, role
            assert AuditEvent.objects.filter(action="posting.publish", object_id=str(draft.pk),
                                             actor=world[role]).exists(), role
        else:
            assert draft.status == JobPosting.Status.DRAFT, role
            assert not AuditEvent.objects.filter(action="posting.publish", object_id=str(draft.pk)).exists(), role


def test_posting_transition_redirects_allowed_roles_to_the_posting(client, world, employer):
    for role in ("staff", "district", "city"):
        draft = _draft(world, employer)
        client.force_login(world[role])
        response = client.post(reverse("jobs:posting_transition", args=[draft.pk, "publish"]))
        assert response.status_code == 302 and response["Location"] == reverse("jobs:posting_detail", args=[draft.pk])
        client.logout()


def test_posting_transition_other_actions_matrix(client, world, employer):
    posting = make_posting(employer, actor=world["staff"])
    url = reverse("jobs:posting_transition", args=[posting.pk, "withdraw"])
    # refused roles first: they must leave the posting published for the next ones
    assert_matrix(client, world, url, {r: v for r, v in POST_OWNED_BY_A.items() if v != 302}, method="post",
                  data={"reason": "单位已招到人"})
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PUBLISHED
    assert_matrix(client, world, url, {"district": 302}, method="post", data={"reason": "单位已招到人"})
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.WITHDRAWN and posting.status_note == "单位已招到人"
    # an action that does not exist, and GET, are refused for everyone (anonymous: login first)
    assert_matrix(client, world, reverse("jobs:posting_transition", args=[posting.pk, "delete"]), INTERNAL_404,
                  method="post")
    assert_matrix(client, world, url, INTERNAL_405)


def test_lead_update_matrix_and_effect(client, world, employer):
    for role, wanted in POST_OWNED_BY_A.items():
        lead = _lead(world, employer)
        url = reverse("jobs:lead_update", args=[lead.pk])
        assert_matrix(client, world, url, {role: wanted}, method="post",
                      data={"status": "contacted", "note": "已电话联系，约周三面试"})
        lead.refresh_from_db()
        if wanted == 302:
            assert (lead.status, lead.note, lead.handled_by) == ("contacted", "已电话联系，约周三面试", world[role]), role
        else:
            assert (lead.status, lead.note, lead.handled_by) == ("new", "", None), role


def test_lead_update_goes_back_to_the_worklist_and_refuses_a_bad_status(client, world, employer):
    lead = _lead(world, employer)
    url = reverse("jobs:lead_update", args=[lead.pk])
    assert_matrix(client, world, url, INTERNAL_405)
    client.force_login(world["staff"])
    response = client.post(url, {"status": "married"}, follow=True)
    assert response.redirect_chain == [(reverse("jobs:lead_list"), 302)]
    assert "状态无效" in response.content.decode()
    lead.refresh_from_db()
    assert lead.status == "new"


def _upload(name: str) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append([label for _key, label in COLUMNS])
    ws.append([name, "理货员", "", "", "", 9000, 5000, "元/月", 1, "全职", "", "", "", ""])  # floor above ceiling
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "postings.xlsx"
    return buffer


def test_import_error_report_is_only_for_the_uploader(client, world, employer, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    response = post_import(client, django_capture_on_commit_callbacks, {"station": world["station_a"].pk,
                                                            "file": _upload(employer.name)})
    report_url = response.context["report_url"]
    assert report_url and "1 行有错误" in response.content.decode()
    client.logout()
    # The job and its report are kept under the uploader's account: nobody else, admins included, sees them.
    for url in (report_url, response.status_url):
        assert_matrix(client, world, url,
                      {"anonymous": "login", "staff": 200, "staff_other": 404, "staff_far": 404, "district": 404,
                       "district_other": 404, "city": 404})
    client.force_login(world["staff"])
    response = client.get(report_url)
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2, values_only=True))
    assert len(rows) == 1 and "最低薪资不能高于最高薪资" in rows[0][-1]
    assert client.get(reverse("jobs:posting_import_errors", args=["0" * 32])).status_code == 404


def test_api_job_lead_detail_matrix(client, world, employer):
    lead = _lead(world, employer)
    url = f"/api/job-leads/{lead.pk}/"
    assert_matrix(client, world, url, OWNED_BY_A, api=True)
    client.force_login(world["staff"])
    response = client.get(url)
    data = response.json()
    assert data["id"] == lead.pk and data["phone_masked"] == lead.phone_masked and "****" in data["phone_masked"]
    assert "phone" not in data and lead.clear_phone not in response.content.decode()
    # read-only: no update, no delete
    assert client.patch(url, {"status": "closed"}, content_type="application/json").status_code == 405
    assert client.delete(url).status_code == 405
    lead.refresh_from_db()
    assert lead.status == "new"


def test_api_posting_publish_matrix_and_effect(client, world, employer):
    # staff drafted it: the author is refused (400), review is a second person's (test_review.py)
    for role, wanted in {**API_POST_OWNED_BY_A, "staff": 400}.items():
        draft = _draft(world, employer)
        assert_matrix(client, world, f"/api/postings/{draft.pk}/publish/", {role: wanted}, api=True, method="post")
        draft.refresh_from_db()
        assert draft.status == (JobPosting.Status.PUBLISHED if wanted == 200 else JobPosting.Status.DRAFT), role
