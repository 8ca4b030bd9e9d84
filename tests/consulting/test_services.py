"""Slot generation, booking refusals, cancel links, attendance, SMS notices sent once, the case-opener hook."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import override_settings
from django.utils import timezone

from consulting import services
from consulting.models import Appointment, AppointmentNotice, Session, Slot
from consulting.services import (
    appointment_book,
    appointment_cancel_by_token,
    appointment_mark,
    cancel_token,
    reminders_send,
    session_cancel,
    slot_cancel,
    slots_generate,
)
from core.errors import ConflictError
from matching.models import SmsOutbox
from tests.consulting.conftest import PHONE

pytestmark = pytest.mark.django_db


def book(slot, phone=PHONE, **kw):
    return appointment_book(actor=kw.pop("actor", None), slot=slot, name=kw.pop("name", "陈小明"), phone=phone,
                            topic=kw.pop("topic", "想开一家奶茶店，咨询证照"), consent=kw.pop("consent", True), **kw)


def test_slot_generation_cuts_the_rule_into_slots_and_a_second_run_adds_nothing(session):
    created = slots_generate()
    weeks = Slot.objects.filter(session=session).dates("start", "day").count()
    assert created == 6 * weeks and weeks >= 4
    first = Slot.objects.filter(session=session).order_by("start").first()
    assert timezone.localtime(first.start).time() == dt.time(14) and first.end - first.start == dt.timedelta(minutes=30)
    assert slots_generate() == 0
    assert Slot.objects.filter(session=session).count() == created


def test_booking_sends_one_confirmation_with_a_signed_cancel_link(slots):
    appointment = book(slots[0])
    assert appointment.status == Appointment.Status.BOOKED and appointment.phone == PHONE
    msg = SmsOutbox.objects.get()
    assert msg.archive is None and msg.station_id == appointment.station_id
    assert "/consulting/cancel/" in msg.body and "王创业" in msg.body
    assert SmsOutbox.objects.visible_to(appointment.station.memberships.first().user).count() == 1


@pytest.mark.parametrize("bad, message", [
    ({"name": " "}, "请填写姓名"), ({"phone": "1391234"}, "11位手机号"), ({"topic": ""}, "咨询的问题"),
    ({"consent": False}, "须同意"),
])
def test_bad_booking_input_is_refused_and_nothing_is_booked(slots, bad, message):
    kw = {"phone": PHONE, **bad}
    with pytest.raises(ValidationError, match=message):
        book(slots[0], **kw)
    assert not Appointment.objects.exists() and not SmsOutbox.objects.exists()


def test_a_taken_slot_is_refused_as_already_booked_offering_the_next_free_slots(slots):
    book(slots[0])
    with pytest.raises(ConflictError, match="已被预约") as caught:
        book(slots[0], phone="13800000001")
    assert [o["slot"] for o in caught.value.offer] == [s.pk for s in slots[1:4]]
    assert Appointment.objects.count() == 1


def test_cancelled_and_past_slots_cannot_be_booked(world, slots):
    slot_cancel(actor=world["staff"], slot=slots[0])
    with pytest.raises(ValidationError, match="该时段已取消"):
        book(slots[0])
    Slot.objects.filter(pk=slots[1].pk).update(start=timezone.now() - dt.timedelta(hours=1),
                                               end=timezone.now() - dt.timedelta(minutes=30))
    with pytest.raises(ValidationError, match="已开始或已过去"):
        book(slots[1])
    assert not Appointment.objects.exists()


def test_a_second_active_booking_of_the_same_phone_with_the_same_expert_is_refused(slots):
    book(slots[0])
    with pytest.raises(ValidationError, match="已预约了这位专家"):
        book(slots[3], phone="139 1234 5678")
    assert Appointment.objects.count() == 1


@override_settings(CONSULTING_NO_SHOW_LIMIT=2)
def test_repeated_no_shows_are_asked_to_book_through_the_station_but_staff_may_book(world, slots):
    for slot in slots[:2]:
        a = book(slot)
        Appointment.objects.filter(pk=a.pk).update(status=Appointment.Status.NO_SHOW)
    with pytest.raises(ValidationError, match="请到社区就业服务站"):
        book(slots[2])
    assert book(slots[2], actor=world["staff"]).channel == Appointment.Channel.STAFF


def test_cancel_link_cancels_once_then_says_it_was_used_and_a_tampered_one_is_refused(slots):
    appointment = book(slots[0])
    token = cancel_token(appointment)
    with pytest.raises(ValidationError, match="链接无效"):
        appointment_cancel_by_token(token=token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:])
    forged = signing.dumps({"a": appointment.pk, "n": "0" * 32}, salt="other", compress=True)
    with pytest.raises(ValidationError, match="链接无效"):
        appointment_cancel_by_token(token=forged)
    assert Appointment.objects.get().status == Appointment.Status.BOOKED
    appointment_cancel_by_token(token=token)
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED
    with pytest.raises(ValidationError, match="已使用过"):
        appointment_cancel_by_token(token=token)
    assert book(slots[0], phone="13800000002").status == Appointment.Status.BOOKED  # the slot is free again


@override_settings(CONSULTING_CANCEL_LINK_DAYS=0)
def test_an_expired_cancel_link_is_refused(slots):
    appointment = book(slots[0])
    token = cancel_token(appointment)
    with pytest.raises(ValidationError, match="已过期"):
        appointment_cancel_by_token(token=token)
    assert Appointment.objects.get().status == Appointment.Status.BOOKED


def test_cancelling_a_slot_or_a_session_tells_booked_residents_by_sms(world, session, slots):
    a1, a2 = book(slots[0]), book(slots[1], phone="13800000003")
    slot_cancel(actor=world["staff"], slot=slots[0])
    assert Appointment.objects.get(pk=a1.pk).status == Appointment.Status.CANCELLED
    assert SmsOutbox.objects.filter(body__contains="很抱歉").count() == 1
    told = session_cancel(actor=world["staff"], session=session)
    assert told == 1 and Appointment.objects.get(pk=a2.pk).status == Appointment.Status.CANCELLED
    assert not Slot.objects.open().filter(session=session).exists()
    assert Session.objects.get().status == Session.Status.CANCELLED
    assert AppointmentNotice.objects.filter(kind="cancelled").count() == 2


def test_another_station_cannot_cancel_a_slot(world, slots):
    with pytest.raises(PermissionDenied):
        slot_cancel(actor=world["staff_other"], slot=slots[0])
    assert Slot.objects.get(pk=slots[0].pk).status == Slot.Status.OPEN


def test_reminder_the_day_before_is_sent_once_even_when_the_task_runs_twice(slots):
    appointment = book(slots[0])  # tomorrow's first slot
    assert reminders_send() == 1
    assert reminders_send() == 0
    assert services.notice_send(appointment=appointment, kind="reminder", body="x") is None
    assert AppointmentNotice.objects.filter(appointment=appointment).count() == 2  # confirmation + reminder
    assert SmsOutbox.objects.filter(body__contains="提醒").count() == 1


def test_attendance_is_recorded_after_the_start_only_by_the_station_or_the_expert(world, expert, slots):
    appointment = book(slots[0])
    with pytest.raises(ValidationError, match="预约时间未到"):
        appointment_mark(actor=world["staff"], appointment=appointment, status="attended")
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - dt.timedelta(minutes=5))
    with pytest.raises(PermissionDenied):
        appointment_mark(actor=world["staff_other"], appointment=appointment, status="attended")
    assert appointment_mark(actor=expert.user, appointment=appointment, status="no_show").status == "no_show"
    assert appointment_mark(actor=world["staff"], appointment=appointment, status="attended").status == "attended"


def test_a_registered_case_opener_gets_the_record_details(world, slots, monkeypatch):
    from consulting.services import record_create

    appointment = book(slots[0])
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - dt.timedelta(minutes=1))
    appointment.refresh_from_db()
    record = record_create(actor=world["staff"], appointment=appointment, advice="可申请一次性创业补贴",
                           topics=["补贴"])
    got = {}
    monkeypatch.setattr(services, "CASE_OPENERS", {})
    with pytest.raises(ValidationError, match="尚未开通"):
        services.case_open(actor=world["staff"], kind="startup_subsidy", record=record)
    services.case_opener_register("startup_subsidy", lambda *, actor, details: got.update(details) or "case")
    assert services.case_open(actor=world["staff"], kind="startup_subsidy", record=record) == "case"
    assert got["name"] == "陈小明" and got["phone"] == PHONE and got["topic"].startswith("想开")
    assert got["station"] == world["station_a"].pk and got["expert"] == "王创业"
    assert got["advice"] == "可申请一次性创业补贴" and got["topics"] == ["补贴"] and got["record"] == record.pk
