"""The "申请创业补贴" button on the consultation record page and the appointments list (POST, CSRF)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from assistance.models import Case, Policy
from consulting import services as consulting
from consulting.models import Appointment
from tests.assistance.factories import make_person, make_policy
from tests.matrix import assert_matrix

pytestmark = pytest.mark.django_db

BUTTON = 'data-testid="startup-subsidy"'


@pytest.fixture(autouse=True)
def _no_seeded_policies(db):
    Policy.objects.update(is_active=False)


def _record(world, slot, archive, advice="可申请一次性创业补贴"):
    appointment = consulting.appointment_book(actor=world["staff"], slot=slot, name="创业者", phone="13800001111",
                                              topic="开店", consent=True, archive=archive)
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - dt.timedelta(minutes=1))
    appointment.refresh_from_db()
    return consulting.record_create(actor=world["staff"], appointment=appointment, advice=advice, archive=archive)


def _url(record):
    return f"/consulting/staff/records/{record.pk}/startup-subsidy/"


def test_the_button_opens_a_prefilled_draft_and_a_second_click_is_refused(client, world, slots, reference_data):
    archive = make_person(world["station_a"], name="创业者")
    policy = make_policy(rule={"all": []}, amount="8000.00", name="一次性创业补贴")
    record = _record(world, slots[0], archive)
    client.force_login(world["staff"])
    page = client.get(f"/consulting/staff/appointments/{record.appointment_id}/record/").content.decode()
    assert BUTTON in page and _url(record) in page
    assert _url(record) in client.get("/consulting/staff/appointments/").content.decode()

    response = client.post(_url(record), follow=True)
    case = Case.objects.get()
    assert response.redirect_chain[-1][0] == case.get_absolute_url()
    assert "已根据咨询记录起草创业补贴申请" in response.content.decode()
    assert (case.archive, case.policy, case.kind, case.state) == (archive, policy, Case.Kind.STARTUP, Case.State.DRAFT)
    assert "可申请一次性创业补贴" in case.note

    page = client.get(f"/consulting/staff/appointments/{record.appointment_id}/record/").content.decode()
    assert BUTTON not in page  # an open 创业补贴 case exists: no button
    assert _url(record) not in client.get("/consulting/staff/appointments/").content.decode()
    again = client.post(_url(record), follow=True)  # a second click (an old tab): refused, nothing new
    assert "办理中案件" in again.content.decode()
    assert again.redirect_chain[-1][0] == f"/consulting/staff/appointments/{record.appointment_id}/record/"
    assert Case.objects.count() == 1


def test_no_button_without_an_archive_and_a_post_is_refused_with_the_reason(client, world, slots, reference_data):
    make_policy(rule={"all": []}, name="一次性创业补贴")
    record = _record(world, slots[0], None)
    client.force_login(world["staff"])
    assert BUTTON not in client.get(f"/consulting/staff/appointments/{record.appointment_id}/record/").content.decode()
    response = client.post(_url(record), follow=True)
    assert "未关联就业服务档案" in response.content.decode()
    assert not Case.objects.exists()


def test_no_startup_policy_is_refused_with_a_message(client, world, slots, reference_data):
    record = _record(world, slots[0], make_person(world["station_a"]))
    client.force_login(world["staff"])
    response = client.post(_url(record), follow=True)
    assert "没有适用于该求职者所在区的创业补贴政策" in response.content.decode()
    assert not Case.objects.exists()


def test_the_post_follows_the_permission_matrix_and_needs_csrf(client, world, slots, reference_data):
    make_policy(rule={"all": []}, name="一次性创业补贴")
    record = _record(world, slots[0], make_person(world["station_a"]))
    client.force_login(world["district"])  # admins see no button: only station staff draft cases
    assert BUTTON not in client.get(f"/consulting/staff/appointments/{record.appointment_id}/record/").content.decode()
    csrf = Client(enforce_csrf_checks=True)
    csrf.force_login(world["staff"])
    assert csrf.post(_url(record)).status_code == 403
    assert not Case.objects.exists()
    # outside the scope: 404; admins are refused with a message (302 back to the record), staff of A: 302 to the case
    assert_matrix(client, world, _url(record), {"anonymous": "login", "staff_other": 404, "staff_far": 404,
                                                "district_other": 404, "district": 302, "city": 302}, method="post")
    assert not Case.objects.exists()
    assert_matrix(client, world, _url(record), {"staff": 302}, method="post")
    assert Case.objects.count() == 1
