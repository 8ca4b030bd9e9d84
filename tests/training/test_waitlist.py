"""The waitlist: waiting → offered (SMS, expiry) → accepted / declined / expired; never re-offered to a leaver."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from matching.models import SmsOutbox
from training import services
from training.models import Program, Referral, WaitlistEntry
from training.tasks import run_waitlist

from ..jobseekers.factories import make_archive
from .factories import make_program, make_provider

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_program(world):
    """A one-seat program, its seat taken."""
    program = make_program(make_provider(world["station_a"]), capacity=1, title="中式烹调师培训")
    first = services.referral_create(actor=None, archive=make_archive(world["station_a"]), program=program)
    services.referral_enrol(actor=None, referral=first)
    program.first_referral = first
    return program


def _join(world, program, **archive_fields):
    archive = make_archive(world["station_a"], phone="13900001111", **archive_fields)
    return services.waitlist_join(actor=world["staff"], archive=archive, program=program)


def test_a_freed_seat_is_offered_to_the_first_waiting_person_by_sms_within_one_run(world, full_program):
    first, second = _join(world, full_program), _join(world, full_program)
    assert run_waitlist() == {"expired": 0, "offered": 0}  # no free seat yet
    services.referral_drop(actor=world["staff"], referral=full_program.first_referral, reason="搬家")
    assert run_waitlist()["offered"] == 1
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == WaitlistEntry.Status.OFFERED and second.status == WaitlistEntry.Status.WAITING
    assert first.offer_expires_at > timezone.now()
    sms = SmsOutbox.objects.get(archive=first.archive)
    assert "中式烹调师培训" in sms.body and "有名额了" in sms.body
    full_program.refresh_from_db()
    assert full_program.seats_taken == 1  # the offer holds the seat


def test_accepting_an_offer_enrols_the_person(world, full_program):
    entry = _join(world, full_program)
    services.referral_drop(actor=world["staff"], referral=full_program.first_referral, reason="搬家")
    run_waitlist()
    referral = services.waitlist_accept(actor=world["staff"], entry=entry)
    entry.refresh_from_db()
    full_program.refresh_from_db()
    assert (entry.status, referral.status, full_program.seats_taken) == ("accepted", "enrolled", 1)


def test_a_declined_offer_goes_to_the_next_person_and_never_back(world, full_program):
    first, second = _join(world, full_program), _join(world, full_program)
    services.referral_drop(actor=world["staff"], referral=full_program.first_referral, reason="搬家")
    run_waitlist()
    services.waitlist_leave(actor=world["staff"], entry=first)
    run_waitlist()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("declined", "offered")
    with pytest.raises(ValidationError) as exc:
        services.waitlist_join(actor=world["staff"], archive=first.archive, program=full_program)
    assert "曾退出这个培训项目" in exc.value.messages[0]
    assert WaitlistEntry.objects.filter(archive=first.archive).count() == 1


def test_an_expired_offer_frees_the_seat_for_the_next_in_the_same_run(world, full_program):
    first, second = _join(world, full_program), _join(world, full_program)
    services.referral_drop(actor=world["staff"], referral=full_program.first_referral, reason="搬家")
    run_waitlist()
    later = timezone.now() + dt.timedelta(hours=services.OFFER_HOURS + 1)
    assert services.waitlist_run(now=later) == {"expired": 1, "offered": 1}
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("expired", "offered")
    with pytest.raises(ValidationError):
        services.waitlist_accept(actor=world["staff"], entry=first)
    assert Program.objects.get(pk=full_program.pk).seats_taken == 1


def test_someone_who_withdrew_while_waiting_is_skipped(world, full_program):
    first, second = _join(world, full_program), _join(world, full_program)
    services.waitlist_leave(actor=world["staff"], entry=first)
    services.referral_drop(actor=world["staff"], referral=full_program.first_referral, reason="搬家")
    run_waitlist()
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == ("withdrawn", "offered")
    assert not SmsOutbox.objects.filter(archive=first.archive).exists()


def test_someone_who_dropped_out_of_the_program_cannot_join_its_waitlist(world, full_program):
    dropped = full_program.first_referral
    services.referral_drop(actor=world["staff"], referral=dropped, reason="时间冲突")
    with pytest.raises(ValidationError):
        services.waitlist_join(actor=world["staff"], archive=dropped.archive, program=full_program)
    assert not WaitlistEntry.objects.exists()
    assert Referral.objects.filter(archive=dropped.archive).count() == 1


def test_the_same_person_cannot_wait_twice(world, full_program):
    entry = _join(world, full_program)
    with pytest.raises(ValidationError) as exc:
        services.waitlist_join(actor=world["staff"], archive=entry.archive, program=full_program)
    assert "已在这个项目的候补名单中" in exc.value.messages[0]
