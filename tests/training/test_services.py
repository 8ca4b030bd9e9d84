"""Referral transitions, scope, audit, the seat count under concurrency and the subsidy-claim hook."""

import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from core.models import AuditEvent
from jobseekers.models import Certificate
from jobseekers.services import archive_update
from training import events, services
from training.models import Program, Referral

from ..jobseekers.factories import make_archive
from .factories import make_program, make_provider


@pytest.fixture
def program(world):
    return make_program(make_provider(world["station_a"], actor=world["staff"]), actor=world["staff"], capacity=2,
                        policy_code="SH-PX-2026")


@pytest.mark.django_db
def test_a_referral_goes_referred_enrolled_completed_certified_each_step_audited(world, program):
    staff = world["staff"]
    archive = make_archive(world["station_a"], actor=staff)
    referral = services.referral_create(actor=staff, archive=archive, program=program)
    referral = services.referral_enrol(actor=staff, referral=referral)
    referral = services.referral_complete(actor=staff, referral=referral)
    cert = services.referral_certify(actor=staff, referral=referral, number="3101202600001")
    referral.refresh_from_db()
    program.refresh_from_db()
    assert referral.status == Referral.Status.CERTIFIED and program.seats_taken == 1
    assert (cert.archive, cert.occupation_code, cert.level, cert.number) == (
        archive, program.occupation.code, program.skill_level, "3101202600001")
    assert cert.issuer == program.provider.name
    # the certificate is the archive's own row (what matching scores), linked back to its referral
    assert list(archive.certificates.all()) == [cert] and referral.certificate == cert
    assert cert.name == f"{program.occupation.name}（{program.get_skill_level_display()}）"
    actions = list(AuditEvent.objects.filter(object_id=str(archive.pk), content_type__model="jobseekerarchive",
                                             action__startswith="training.")
                   .order_by("id").values_list("action", flat=True))
    assert actions == [events.REFERRAL_CREATE, events.REFERRAL_ENROL, events.REFERRAL_COMPLETE, events.REFERRAL_CERTIFY]


@pytest.mark.django_db
def test_removing_a_training_certificate_from_the_archive_keeps_the_referral_certified(world, program):
    from jobseekers.services import certificate_delete

    staff = world["staff"]
    referral = services.referral_create(actor=staff, archive=make_archive(world["station_a"], actor=staff),
                                        program=program)
    services.referral_complete(actor=staff, referral=services.referral_enrol(actor=staff, referral=referral))
    cert = services.referral_certify(actor=staff, referral=referral)
    certificate_delete(actor=staff, certificate=cert)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.CERTIFIED and referral.certificate is None
    assert not Certificate.objects.exists()


@pytest.mark.django_db
def test_a_second_referral_of_the_same_archive_to_the_program_is_refused(world, program):
    archive = make_archive(world["station_a"])
    services.referral_create(actor=world["staff"], archive=archive, program=program)
    with pytest.raises(ValidationError) as exc:
        services.referral_create(actor=world["staff"], archive=archive, program=program)
    assert "已被推荐到这个培训项目" in exc.value.messages[0]
    assert Referral.objects.count() == 1


@pytest.mark.django_db
def test_a_closed_archive_cannot_be_referred(world, program):
    archive = make_archive(world["station_a"])
    archive = archive_update(actor=world["staff"], archive=archive, expected_version=archive.version, is_open=False,
                             closed_reason="迁出本市")
    with pytest.raises(ValidationError) as exc:
        services.referral_create(actor=world["staff"], archive=archive, program=program)
    assert exc.value.message_dict["archive"] == ["该档案已关闭，不能推荐培训。"]
    assert not Referral.objects.exists()


@pytest.mark.django_db
def test_another_stations_staff_cannot_refer_or_move_a_referral(world, program):
    archive = make_archive(world["station_a"])
    with pytest.raises(PermissionDenied):
        services.referral_create(actor=world["staff_other"], archive=archive, program=program)
    referral = services.referral_create(actor=world["staff"], archive=archive, program=program)
    with pytest.raises(PermissionDenied):
        services.referral_enrol(actor=world["staff_far"], referral=referral)
    with pytest.raises(PermissionDenied):
        services.program_update(actor=world["staff_other"], program=program, capacity=5)
    referral.refresh_from_db()
    assert referral.status == Referral.Status.REFERRED


@pytest.mark.django_db
def test_a_full_program_refuses_enrolment_and_a_drop_frees_the_seat(world, program):
    referrals = [services.referral_create(actor=None, archive=make_archive(world["station_a"]), program=program)
                 for _ in range(3)]
    services.referral_enrol(actor=None, referral=referrals[0])
    services.referral_enrol(actor=None, referral=referrals[1])
    with pytest.raises(ValidationError) as exc:
        services.referral_enrol(actor=None, referral=referrals[2])
    assert exc.value.messages == [services.FULL_MESSAGE]
    with pytest.raises(ValidationError):
        services.referral_drop(actor=world["staff"], referral=referrals[0], reason="  ")
    services.referral_drop(actor=world["staff"], referral=referrals[0], reason="找到工作")
    services.referral_enrol(actor=None, referral=referrals[2])
    program.refresh_from_db()
    assert program.seats_taken == 2
    assert Referral.objects.filter(status="enrolled").count() == 2


@pytest.mark.django_db
def test_a_step_out_of_order_is_refused_with_the_current_state(world, program):
    referral = services.referral_create(actor=None, archive=make_archive(world["station_a"]), program=program)
    with pytest.raises(ValidationError) as exc:
        services.referral_complete(actor=world["staff"], referral=referral)
    assert "当前为“已推荐”" in exc.value.messages[0]


@pytest.mark.django_db(transaction=True)
def test_100_concurrent_enrolments_into_10_places_enrol_exactly_10(world):
    """25 threads, each its own PostgreSQL connection, make 100 enrolments at once (the machine's
    max_connections is shared, so not 100 connections)."""
    program = make_program(make_provider(world["station_a"]), capacity=10)
    referrals = [services.referral_create(actor=None, archive=make_archive(world["station_a"]), program=program)
                 for _ in range(100)]
    barrier = threading.Barrier(25)
    outcomes: list[str] = []
    lock = threading.Lock()

    def worker(batch):
        try:
            barrier.wait()
            for referral in batch:
                try:
                    services.referral_enrol(actor=world["staff"], referral=referral)
                    result = "enrolled"
                except ValidationError as exc:
                    result = exc.messages[0]
                with lock:
                    outcomes.append(result)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(referrals[i::25],)) for i in range(25)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("enrolled") == 10
    assert outcomes.count(services.FULL_MESSAGE) == 90
    program.refresh_from_db()
    assert program.seats_taken == 10 == Referral.objects.filter(program=program, status="enrolled").count()


@pytest.mark.django_db
def test_a_certified_completion_is_handed_to_every_registered_claim_opener(world, program, monkeypatch):
    seen = []
    monkeypatch.setattr(services, "CLAIM_OPENERS", [])
    services.register_claim_opener(lambda completion: seen.append(completion) or "case-1")
    staff = world["staff"]
    referral = services.referral_create(actor=staff, archive=make_archive(world["station_a"]), program=program)
    with pytest.raises(ValidationError):
        services.subsidy_claim_open(actor=staff, referral=referral)
    services.referral_enrol(actor=staff, referral=referral)
    services.referral_complete(actor=staff, referral=referral)
    cert = services.referral_certify(actor=staff, referral=referral)
    assert services.subsidy_claim_open(actor=staff, referral=referral) == ["case-1"]
    (completion,) = seen
    assert (completion.referral_id, completion.archive_id, completion.program_id, completion.policy_code,
            completion.certificate_id, completion.actor) == (
        referral.pk, referral.archive_id, program.pk, "SH-PX-2026", cert.pk, staff)
    with pytest.raises(PermissionDenied):
        services.subsidy_claim_open(actor=world["staff_other"], referral=referral)
    assert Certificate.objects.count() == 1 and Program.objects.get().seats_taken == 1


@pytest.mark.django_db
def test_the_catalog_keyword_finds_title_occupation_and_provider_and_follows_a_rename(world, program):
    from training.selectors import catalog_search

    def titles(q):
        return [p.title for p in catalog_search(data={"q": q}).programs]

    provider = program.provider
    assert titles(program.occupation.name[:2]) == [program.title]
    assert titles("ＡＢＣ") == []
    services.provider_update(actor=world["staff"], provider=provider, name="ABC职业培训学校")
    assert titles("abc") == [program.title]  # full-width and case folded like the job search
