"""The hooks wired after the merges: 申领培训补贴 (training) and 申请创业补贴 (consulting) open assistance drafts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from assistance.models import Case, Policy
from consulting import services as consulting
from consulting.models import Appointment
from tests.assistance.factories import make_person, make_policy
from tests.training.factories import make_program, make_provider
from training import services as training

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_seeded_policies(db):
    Policy.objects.update(is_active=False)


def _certified(world, archive, policy_code):
    staff = world["staff"]
    program = make_program(make_provider(world["station_a"], actor=staff), actor=staff, capacity=2,
                           policy_code=policy_code)
    referral = training.referral_create(actor=staff, archive=archive, program=program)
    for step in (training.referral_enrol, training.referral_complete, training.referral_certify):
        step(actor=staff, referral=referral)
    return referral


def test_a_certified_completion_opens_a_claim_draft_for_the_programs_policy(world, reference_data):
    policy = make_policy(rule={"all": []}, amount="600.00", code="SH-PX-2026", name="职业技能培训补贴")
    archive = make_person(world["station_a"], name="培训人")
    referral = _certified(world, archive, "SH-PX-2026")
    (case,) = training.subsidy_claim_open(actor=world["staff"], referral=referral)
    assert (case.archive, case.policy, case.kind, case.state) == (archive, policy, Case.Kind.CLAIM, Case.State.DRAFT)
    with pytest.raises(ValidationError, match="办理中案件"):  # a second click: the open case already exists
        training.subsidy_claim_open(actor=world["staff"], referral=referral)
    assert Case.objects.count() == 1


def test_no_matching_training_policy_is_refused_and_creates_nothing(world, reference_data):
    referral = _certified(world, make_person(world["station_a"]), "NO-SUCH-CODE")
    with pytest.raises(ValidationError, match="没有设置适用且已启用的补贴政策"):
        training.subsidy_claim_open(actor=world["staff"], referral=referral)
    assert not Case.objects.exists()


def _record(world, slot, archive):
    appointment = consulting.appointment_book(actor=world["staff"], slot=slot, name="创业者", phone="13800001111",
                                              topic="开店", consent=True, archive=archive)
    Appointment.objects.filter(pk=appointment.pk).update(start=timezone.now() - dt.timedelta(minutes=1))
    appointment.refresh_from_db()
    return consulting.record_create(actor=world["staff"], appointment=appointment, advice="可申请一次性创业补贴")


def test_a_consultation_record_opens_a_startup_subsidy_draft(world, slots, reference_data):
    archive = make_person(world["station_a"], name="创业者")
    policy = make_policy(rule={"all": []}, amount="8000.00", name="一次性创业补贴")
    record = _record(world, slots[0], archive)
    case = consulting.case_open(actor=world["staff"], kind="startup_subsidy", record=record)
    assert (case.archive, case.policy, case.kind, case.state) == (archive, policy, Case.Kind.STARTUP, Case.State.DRAFT)
    assert "可申请一次性创业补贴" in case.note


def test_no_startup_policy_is_refused_and_creates_nothing(world, slots, reference_data):
    record = _record(world, slots[0], make_person(world["station_a"]))
    with pytest.raises(ValidationError, match="没有适用于该求职者所在区的创业补贴政策"):
        consulting.case_open(actor=world["staff"], kind="startup_subsidy", record=record)
    assert not Case.objects.exists()
