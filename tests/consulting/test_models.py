"""The database refuses double bookings and overlapping sessions; the expert role's scope is its own rows."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from consulting.models import Appointment, Session, Slot
from consulting.services import session_create
from core.crypto import encrypt
from core.scoping import require_visible, scope_of
from tests.consulting.conftest import make_expert

pytestmark = pytest.mark.django_db


def _raw_appointment(slot: Slot, **kw) -> Appointment:
    fields = {"slot": slot, "expert_id": slot.expert_id, "station_id": slot.station_id, "start": slot.start,
              "end": slot.end, "name": "李四", "phone_encrypted": encrypt("13900000000"), "phone_hash": "x",
              "topic": "开店", "consent": True, "cancel_nonce": uuid.uuid4()}
    fields.update(kw)
    return Appointment.objects.create(**fields)


def test_overlapping_session_for_one_expert_is_refused_with_a_clear_message(world, session):
    with pytest.raises(ValidationError, match="时间重叠"):
        session_create(actor=world["district"], expert=session.expert, station=world["station_b"],
                       weekday=session.weekday, start_time=dt.time(16), end_time=dt.time(18),
                       valid_from=session.valid_from + dt.timedelta(days=30))
    assert Session.objects.count() == 1


def test_adjacent_or_other_weekday_sessions_are_allowed_and_a_cancelled_one_blocks_nothing(world, session):
    staff, a = world["staff"], world["station_a"]
    session_create(actor=staff, expert=session.expert, station=a, weekday=session.weekday,
                   start_time=dt.time(17), end_time=dt.time(18), valid_from=session.valid_from)
    session_create(actor=staff, expert=session.expert, station=a, weekday=(session.weekday + 1) % 7,
                   start_time=dt.time(14), end_time=dt.time(17), valid_from=session.valid_from)
    Session.objects.filter(pk=session.pk).update(status=Session.Status.CANCELLED)
    session_create(actor=staff, expert=session.expert, station=a, weekday=session.weekday,
                   start_time=dt.time(15), end_time=dt.time(16), valid_from=session.valid_from)
    assert Session.objects.active().count() == 3


def test_the_database_itself_refuses_overlapping_sessions(world, session):
    with pytest.raises(IntegrityError), transaction.atomic():
        Session.objects.create(expert=session.expert, station=world["station_a"], weekday=session.weekday,
                               start_time=dt.time(13), end_time=dt.time(15), valid_from=session.valid_from)


def test_bad_session_times_are_refused(world, expert):
    with pytest.raises(ValidationError, match="结束时间必须晚于开始时间"):
        session_create(actor=world["staff"], expert=expert, station=world["station_a"], weekday=1,
                       start_time=dt.time(15), end_time=dt.time(14), valid_from=timezone.localdate())
    assert not Session.objects.exists()


def test_the_database_refuses_a_second_active_appointment_of_a_slot(slots):
    _raw_appointment(slots[0])
    with pytest.raises(IntegrityError, match="consulting_one_active_appointment_per_slot"), transaction.atomic():
        _raw_appointment(slots[0])
    _raw_appointment(slots[1], status=Appointment.Status.CANCELLED)
    _raw_appointment(slots[1])  # a cancelled one frees the slot
    assert Appointment.objects.active().count() == 2


def test_the_database_refuses_overlapping_appointments_of_one_expert_across_slots(world, session, slots):
    other = Session.objects.create(expert=session.expert, station=world["station_b"], weekday=session.weekday,
                                   start_time=dt.time(14), end_time=dt.time(17), valid_from=session.valid_from,
                                   status=Session.Status.CANCELLED)
    twin = Slot.objects.create(session=other, expert=session.expert, station=world["station_b"],
                               start=slots[0].start + dt.timedelta(minutes=10), end=slots[0].end)
    _raw_appointment(slots[0])
    with pytest.raises(IntegrityError, match="consulting_appointment_no_overlap"), transaction.atomic():
        _raw_appointment(twin)


def test_expert_login_sees_only_their_own_sessions_slots_and_appointments(world, session, slots):
    _raw_appointment(slots[0])
    mine = session.expert.user
    other_expert = make_expert(name="赵律师", login="expert_zhao")
    assert scope_of(mine).expert_id == session.expert_id
    for model in (Session, Slot, Appointment):
        assert model.objects.visible_to(mine).count() == model.objects.count() > 0
        assert model.objects.visible_to(other_expert.user).count() == 0
        assert model.objects.visible_to(world["staff"]).count() > 0
        assert model.objects.visible_to(world["staff_other"]).count() == 0
        assert model.objects.visible_to(world["district_other"]).count() == 0
    require_visible(mine, station=world["station_c"], expert=session.expert)  # the expert decides, not the station
    with pytest.raises(Exception, match="管理范围"):
        require_visible(other_expert.user, station=world["station_a"], expert=session.expert)
    with pytest.raises(Exception, match="管理范围"):
        require_visible(mine, station=world["station_a"])
