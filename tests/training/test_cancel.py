"""Cancelling a program: in one transaction the waitlist closes, active referrals are dropped (培训项目取消) and each
affected person with a phone is texted once through the outbox; a second cancel is refused and texts nobody."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from core.models import AuditEvent, QueuedTask
from matching.models import SmsOutbox
from tests.matrix import assert_matrix
from training import events, services
from training.models import Program, Referral, WaitlistEntry
from training.tasks import offer_freed_places, run_waitlist

from ..jobseekers.factories import make_archive
from .factories import make_program, make_provider

pytestmark = pytest.mark.django_db

POST_OWNED_BY_A = {"anonymous": "login", "staff": 302, "staff_other": 404, "staff_far": 404,
                   "district": 302, "district_other": 404, "city": 302}


@pytest.fixture
def people(world):
    """A two-seat program: one enrolled (phone), one referred (no phone), one completed, one waiting who is
    also referred (phone: texted once), one holding a waitlist offer (phone)."""
    station = world["station_a"]
    program = make_program(make_provider(station), title="中式面点师培训", capacity=3)
    enrolled = services.referral_create(actor=None, program=program,
                                        archive=make_archive(station, name="甲", phone="13900000001"))
    services.referral_enrol(actor=None, referral=enrolled)
    completed = services.referral_create(actor=None, program=program,
                                         archive=make_archive(station, name="丙", phone="13900000003"))
    services.referral_enrol(actor=None, referral=completed)
    services.referral_complete(actor=None, referral=completed)
    referred = services.referral_create(actor=None, program=program, archive=make_archive(station, name="乙"))
    both_archive = make_archive(station, name="丁", phone="13900000004")
    both = services.referral_create(actor=None, program=program, archive=both_archive)
    offered = services.waitlist_join(actor=None, program=program,
                                     archive=make_archive(station, name="戊", phone="13900000005"))
    services.waitlist_offer_next(program_id=program.pk)  # the third seat is offered to 戊
    waiting = services.waitlist_join(actor=None, program=program, archive=both_archive)
    offered.refresh_from_db()
    assert offered.status == WaitlistEntry.Status.OFFERED
    SmsOutbox.objects.all().delete()
    return {"program": program, "enrolled": enrolled, "completed": completed, "referred": referred, "both": both,
            "offered": offered, "waiting": waiting}


def _status(obj):
    obj.refresh_from_db()
    return obj.status


def test_cancelling_closes_the_waitlist_drops_referrals_and_texts_each_person_once(
        world, people, django_capture_on_commit_callbacks):
    program = people["program"]
    with django_capture_on_commit_callbacks(execute=True):
        done = services.program_cancel(actor=world["staff"], program=program)
    assert done == {"waitlist": 2, "referrals": 3, "sms": 3}
    assert _status(program) == Program.Status.CANCELLED
    for key in ("enrolled", "referred", "both"):
        referral = people[key]
        assert _status(referral) == Referral.Status.DROPPED
        assert referral.drop_reason == services.CANCEL_REASON and referral.dropped_at
    assert _status(people["completed"]) == Referral.Status.COMPLETED
    assert _status(people["offered"]) == _status(people["waiting"]) == WaitlistEntry.Status.WITHDRAWN
    program.refresh_from_db()
    assert program.seats_taken == 1  # only the completed person keeps a seat
    texts = SmsOutbox.objects.order_by("archive__name")
    assert [m.archive.name for m in texts] == sorted(["甲", "丁", "戊"])
    assert all("中式面点师培训" in m.body and "已取消" in m.body for m in texts)
    assert all(m.status != SmsOutbox.Status.PENDING for m in texts)  # the send_sms task ran on commit
    assert all(m.station_id == world["station_a"].pk for m in texts)
    # the archives' timelines show the drop like any other, the program its cancellation
    drop = AuditEvent.objects.filter(action=events.REFERRAL_DROP, object_id=str(people["enrolled"].archive_id)).get()
    assert services.CANCEL_REASON in drop.summary
    assert AuditEvent.objects.filter(action=events.WAITLIST_CANCEL).count() == 2
    cancel = AuditEvent.objects.get(action=events.PROGRAM_CANCEL, object_id=str(program.pk))
    assert cancel.changes["sms"] == 3


def test_a_cancelled_program_is_never_offered_again_and_a_second_cancel_texts_nobody(
        world, people, django_capture_on_commit_callbacks):
    program = people["program"]
    with django_capture_on_commit_callbacks(execute=True):
        services.program_cancel(actor=world["staff"], program=program)
    queued = QueuedTask.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        assert run_waitlist() == {"expired": 0, "offered": 0}
        assert offer_freed_places(program.pk) == 0
        with pytest.raises(ValidationError) as exc:
            services.program_cancel(actor=world["staff"], program=program)
    assert "已经取消，不能再次取消" in exc.value.messages[0]
    assert SmsOutbox.objects.count() == 3 and QueuedTask.objects.count() == queued
    assert AuditEvent.objects.filter(action=events.PROGRAM_CANCEL).count() == 1
    with pytest.raises(ValidationError):
        services.waitlist_join(actor=None, program=program, archive=make_archive(world["station_a"]))


def test_a_finished_program_cannot_be_cancelled(world, people):
    program = people["program"]
    Program.objects.filter(pk=program.pk).update(status=Program.Status.FINISHED)
    with pytest.raises(ValidationError) as exc:
        services.program_cancel(actor=world["staff"], program=program)
    assert "已结束，不能取消" in exc.value.messages[0]
    assert _status(people["enrolled"]) == Referral.Status.ENROLLED and not SmsOutbox.objects.exists()


def test_the_cancel_button_cancels_once_and_says_so_the_second_time(client, world, people):
    program = people["program"]
    client.force_login(world["staff"])
    html = client.get(program.get_absolute_url()).content.decode()
    assert reverse("training:program_cancel", args=[program.pk]) in html
    response = client.post(reverse("training:program_cancel", args=[program.pk]), follow=True)
    page = response.content.decode()
    assert "已取消培训项目" in page and "发送短信 3 条" in page
    assert reverse("training:program_cancel", args=[program.pk]) not in page  # no button any more
    response = client.post(reverse("training:program_cancel", args=[program.pk]), follow=True)
    assert "已经取消，不能再次取消" in response.content.decode()
    assert SmsOutbox.objects.count() == 3
    archive_page = client.get(people["enrolled"].archive.get_absolute_url()).content.decode()
    assert "已退出" in archive_page and services.CANCEL_REASON in archive_page


def test_the_api_cancels_and_refuses_a_second_cancel_with_the_reason(client, world, people):
    program = people["program"]
    client.force_login(world["staff"])
    url = reverse("training-program-cancel", args=[program.pk])
    response = client.post(url)
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    response = client.post(url)
    assert response.status_code == 400 and "已经取消，不能再次取消" in str(response.json())
    assert SmsOutbox.objects.count() == 3


def test_setting_the_status_to_cancelled_in_the_edit_api_cancels_too_and_cannot_be_undone(client, world, people):
    program = people["program"]
    client.force_login(world["staff"])
    url = reverse("training-program-detail", args=[program.pk])
    response = client.patch(url, {"status": "cancelled"}, content_type="application/json")
    assert response.status_code == 200
    assert _status(people["enrolled"]) == Referral.Status.DROPPED and SmsOutbox.objects.count() == 3
    response = client.patch(url, {"status": "enrolling"}, content_type="application/json")
    assert response.status_code == 400 and "不能恢复" in str(response.json())
    assert _status(program) == Program.Status.CANCELLED


def test_cancel_matrix_page_and_api(client, world):
    for role, wanted in POST_OWNED_BY_A.items():
        program = make_program(make_provider(world["station_a"]))
        assert_matrix(client, world, reverse("training:program_cancel", args=[program.pk]), {role: wanted},
                      method="post")
        assert (_status(program) == Program.Status.CANCELLED) == (wanted == 302), role
        program = make_program(make_provider(world["station_a"]))
        api_wanted = 200 if wanted == 302 else wanted
        assert_matrix(client, world, reverse("training-program-cancel", args=[program.pk]), {role: api_wanted},
                      method="post", api=True)
        assert (_status(program) == Program.Status.CANCELLED) == (api_wanted == 200), role
