"""Archive services: identity from the ID number, city-wide uniqueness, encryption, timeline, locking, visits."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.utils import timezone

from core.models import AuditEvent
from jobseekers import services
from jobseekers.models import (
    EmploymentStatus,
    FollowUpTask,
    JobseekerArchive,
    ResurveyRule,
    StatusEntry,
    Visit,
)

from .factories import make_archive, make_id_number

pytestmark = pytest.mark.django_db


def test_lower_case_x_is_stored_upper_case_and_birth_date_and_sex_are_derived(world):
    number = make_id_number(dt.date(1990, 2, 28), male=False, lower_x=True)
    archive = make_archive(world["station_a"], id_number=number)
    assert archive.id_number == number.upper() and archive.id_number.endswith("X")
    assert archive.birth_date == dt.date(1990, 2, 28) and archive.sex == "F"
    assert archive.id_number_last4 == number.upper()[-4:]


def test_id_number_and_phone_are_not_in_the_database_in_clear(world):
    number = make_id_number()
    archive = make_archive(world["station_a"], id_number=number, phone="13912345678")
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM jobseekers_jobseekerarchive WHERE id = %s", [archive.pk])
        row = " ".join(str(v) for v in cur.fetchone())
    assert number not in row and "13912345678" not in row
    assert archive.id_number_masked == number[:6] + "********" + number[-4:]
    assert archive.phone_masked == "139****5678"
    event = AuditEvent.objects.get(action="jobseeker.create")
    assert number not in event.summary + str(event.changes)


def test_second_registration_anywhere_in_the_city_names_the_station_not_the_person(world):
    number = make_id_number()
    make_archive(world["station_c"], id_number=number, name="李四")
    with pytest.raises(ValidationError) as exc:
        make_archive(world["station_a"], id_number=number.lower())
    message = exc.value.message_dict["id_number"][0]
    assert world["station_c"].name in message and "李四" not in message and number[-4:] not in message
    assert JobseekerArchive.objects.count() == 1


@pytest.mark.parametrize("bad, text", [
    ("wrong_check", "校验位错误"),
    ("31010419850230001", "18位"),
    ("310104198502300012", "出生日期不存在"),
    ("future", "未来"),
])
def test_bad_id_numbers_are_refused_and_nothing_is_saved(world, bad, text):
    if bad == "wrong_check":
        good = make_id_number()
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    elif bad == "future":
        future = timezone.localdate() + dt.timedelta(days=400)
        bad = make_id_number(future)
    with pytest.raises(ValidationError) as exc:
        make_archive(world["station_a"], id_number=bad)
    assert text in " ".join(exc.value.message_dict["id_number"])
    assert not JobseekerArchive.objects.exists() and not StatusEntry.objects.exists()


def test_missing_consent_and_bad_phone_are_refused(world):
    with pytest.raises(ValidationError) as exc:
        make_archive(world["station_a"], consent_date=None, consent_scope="", phone="1381234567")
    errors = exc.value.message_dict
    assert "同意" in errors["consent_date"][0] and "同意" in errors["consent_scope"][0]
    assert "11位" in errors["phone"][0]
    assert not JobseekerArchive.objects.exists()


def test_helper_must_work_at_the_archive_station(world):
    with pytest.raises(ValidationError) as exc:
        make_archive(world["station_a"], helper=world["staff_other"])
    assert "帮办员" in exc.value.message_dict["helper"][0]


def test_status_history_is_kept_and_current_status_follows_the_latest_effective_entry(world, archive_a):
    today = timezone.localdate()
    services.status_add(actor=world["staff"], archive=archive_a, status=EmploymentStatus.EMPLOYED,
                        effective_date=today, source=StatusEntry.Source.PHONE)
    # a back-dated entry is kept in history but does not replace the newer status
    services.status_add(actor=world["staff"], archive=archive_a, status=EmploymentStatus.TRAINING,
                        effective_date=today - dt.timedelta(days=10), source=StatusEntry.Source.SELF_REPORT)
    archive_a.refresh_from_db()
    assert archive_a.current_status == EmploymentStatus.EMPLOYED
    assert list(archive_a.status_entries.values_list("status", flat=True)) == ["employed", "unemployed", "training"]


def test_stale_version_is_refused_and_the_first_save_survives(world, archive_a):
    first = JobseekerArchive.objects.get(pk=archive_a.pk)
    second = JobseekerArchive.objects.get(pk=archive_a.pk)
    services.archive_update(actor=world["staff"], archive=first, expected_version=first.version, name="张阿姨甲")
    with pytest.raises(services.StaleVersionError) as exc:
        services.archive_update(actor=world["staff"], archive=second, expected_version=second.version, name="乙")
    assert "已被其他人修改" in exc.value.messages[0]
    archive_a.refresh_from_db()
    assert archive_a.name == "张阿姨甲" and archive_a.version == 2


@pytest.mark.parametrize("key_groups, status, days", [
    (["4050"], EmploymentStatus.UNEMPLOYED, 30),
    ([], EmploymentStatus.UNEMPLOYED, 60),
    ([], EmploymentStatus.EMPLOYED, 180),
])
def test_visit_sets_next_survey_date_by_rule_and_closes_open_tasks(world, key_groups, status, days):
    archive = make_archive(world["station_a"], key_groups=key_groups, initial_status=status)
    today = timezone.localdate()
    FollowUpTask.objects.create(archive=archive, due_date=today)
    visit = services.visit_create(actor=world["staff"], archive=archive, visit_date=today, method="phone",
                                  findings="电话了解近况", needs=["job"])
    archive.refresh_from_db()
    assert archive.next_survey_due == today + dt.timedelta(days=days)
    task = FollowUpTask.objects.get(archive=archive)
    assert task.status == FollowUpTask.Status.DONE and task.visit == visit


def test_edited_rule_applies_to_the_next_visit_and_explicit_follow_up_wins(world, archive_a):
    services.resurvey_rules_seed()
    rule = ResurveyRule.objects.get(is_key_group=True, status=EmploymentStatus.UNEMPLOYED)
    services.resurvey_rules_update(actor=world["city"], intervals={rule.pk: 14})
    today = timezone.localdate()
    services.visit_create(actor=world["staff"], archive=archive_a, visit_date=today, method="door", findings="上门")
    archive_a.refresh_from_db()
    assert archive_a.next_survey_due == today + dt.timedelta(days=14)
    services.visit_create(actor=world["staff"], archive=archive_a, visit_date=today, method="door", findings="再访",
                          next_follow_up=today + dt.timedelta(days=3))
    archive_a.refresh_from_db()
    assert archive_a.next_survey_due == today + dt.timedelta(days=3)


def test_visit_with_observed_status_adds_a_timeline_entry(world, archive_a):
    services.visit_create(actor=world["staff"], archive=archive_a, visit_date=timezone.localdate(),
                          method="station", findings="已找到工作", status_observed=EmploymentStatus.EMPLOYED)
    archive_a.refresh_from_db()
    assert archive_a.current_status == EmploymentStatus.EMPLOYED
    assert archive_a.status_entries.filter(source=StatusEntry.Source.VISIT).count() == 1


def test_bad_visit_is_refused_and_nothing_changes(world, archive_a):
    before = archive_a.next_survey_due
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        services.visit_create(actor=world["staff"], archive=archive_a, visit_date=today, method="carrier-pigeon",
                              findings="", next_follow_up=today - dt.timedelta(days=1))
    assert {"method", "findings"} <= set(exc.value.message_dict)
    archive_a.refresh_from_db()
    assert archive_a.next_survey_due == before and not Visit.objects.exists()


def test_closing_an_archive_needs_a_reason_and_cancels_open_tasks(world, archive_a):
    FollowUpTask.objects.create(archive=archive_a, due_date=timezone.localdate())
    with pytest.raises(ValidationError):
        services.archive_update(actor=world["staff"], archive=archive_a, expected_version=1, is_open=False,
                                closed_reason="")
    services.archive_update(actor=world["staff"], archive=archive_a, expected_version=1, is_open=False,
                            closed_reason="迁出本市")
    assert FollowUpTask.objects.get().status == FollowUpTask.Status.CANCELLED


def test_demo_data_has_about_thirty_valid_archives_and_is_idempotent(reference_data):
    from django.core.management import call_command

    from core.validators import parse_id_number

    call_command("load_demo_data", verbosity=0)
    counts = (JobseekerArchive.objects.count(), Visit.objects.count(), StatusEntry.objects.count(),
              FollowUpTask.objects.count())
    call_command("load_demo_data", verbosity=0)
    assert counts == (JobseekerArchive.objects.count(), Visit.objects.count(), StatusEntry.objects.count(),
                      FollowUpTask.objects.count())
    assert counts[0] == 30 and counts[3] > 0
    assert JobseekerArchive.objects.values("station").distinct().count() == 6
    for archive in JobseekerArchive.objects.all():
        assert parse_id_number(archive.id_number)[1] == archive.birth_date


@pytest.mark.django_db(transaction=True)
def test_two_simultaneous_registrations_of_one_id_number_create_one_archive(world):
    import threading

    number = make_id_number()
    barrier = threading.Barrier(2)
    outcomes = []

    def register(station):
        try:
            barrier.wait()
            make_archive(station, id_number=number)
            outcomes.append("created")
        except ValidationError as exc:
            outcomes.append(exc.message_dict["id_number"][0])
        finally:
            connection.close()

    threads = [threading.Thread(target=register, args=(world[s],)) for s in ("station_a", "station_c")]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert outcomes.count("created") == 1 and any("已在" in o and "建档" in o for o in outcomes)
    assert JobseekerArchive.objects.count() == 1


def test_city_admin_edits_a_rule_in_the_django_admin_and_it_is_audited(client, world):
    from tests.factories import UserFactory

    services.resurvey_rules_seed()
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    rule = ResurveyRule.objects.get(is_key_group=False, status=EmploymentStatus.EMPLOYED)
    url = f"/admin/jobseekers/resurveyrule/{rule.pk}/change/"
    assert client.get(url).status_code == 200
    response = client.post(url, {"is_key_group": "", "status": "employed", "interval_days": 120})
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.interval_days == 120 and AuditEvent.objects.filter(action="jobseeker.rule_update").exists()
    assert client.get("/admin/jobseekers/jobseekerarchive/").status_code == 200
