"""Providers and programs: bad input refused with a clear message, nothing saved; the database guards."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from training.models import Program, Provider, Referral
from training.services import program_update, referral_create

from ..jobseekers.factories import make_archive
from .factories import make_program, make_provider

pytestmark = pytest.mark.django_db


def test_a_provider_with_a_bad_credit_code_is_refused_and_not_saved(world):
    with pytest.raises(ValidationError) as exc:
        make_provider(world["station_a"], actor=world["staff"], credit_code="91310000MA1FL0XX0X")
    assert "credit_code" in exc.value.message_dict
    assert not Provider.objects.exists()


def test_a_designated_provider_needs_its_validity(world):
    with pytest.raises(ValidationError) as exc:
        make_provider(world["station_a"], actor=world["staff"], designated_until=None)
    assert "定点资格有效期" in " ".join(exc.value.message_dict["designated_until"])


def test_a_program_ending_before_it_starts_is_refused(world):
    provider = make_provider(world["station_a"], actor=world["staff"])
    with pytest.raises(ValidationError) as exc:
        make_program(provider, actor=world["staff"], start_date=dt.date(2026, 5, 10), end_date=dt.date(2026, 5, 1))
    assert exc.value.message_dict["end_date"] == ["结业日期不能早于开班日期。"]
    assert not Program.objects.exists()


def test_the_database_refuses_an_end_before_start_and_seats_above_capacity(world):
    program = make_program(make_provider(world["station_a"]), capacity=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(end_date=program.start_date - dt.timedelta(days=1))
    with pytest.raises(IntegrityError), transaction.atomic():
        Program.objects.filter(pk=program.pk).update(seats_taken=3)


def test_capacity_below_the_enrolled_count_is_refused(world):
    from training.services import referral_enrol

    program = make_program(make_provider(world["station_a"]), capacity=3)
    for _ in range(2):
        referral_enrol(actor=None, referral=referral_create(actor=None, archive=make_archive(world["station_a"]),
                                                            program=program))
    with pytest.raises(ValidationError) as exc:
        program_update(actor=world["staff"], program=program, capacity=1)
    assert "名额不能少于已报名" in exc.value.message_dict["capacity"][0]
    program.refresh_from_db()
    assert (program.capacity, program.seats_taken) == (3, 2)


def test_the_database_allows_one_active_referral_per_archive_and_program(world):
    program = make_program(make_provider(world["station_a"]))
    archive = make_archive(world["station_a"])
    Referral.objects.create(archive=archive, program=program)
    with pytest.raises(IntegrityError), transaction.atomic():
        Referral.objects.create(archive=archive, program=program)
    Referral.objects.filter(archive=archive).update(status="dropped", drop_reason="时间冲突")
    Referral.objects.create(archive=archive, program=program)  # a dropped one does not count
