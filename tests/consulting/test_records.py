"""Consultation records: follow-ups join the worklist, attachments checked by content and encrypted, archives."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from consulting.models import Appointment, ConsultationRecord, FollowUpAction, RecordAttachment
from consulting.services import appointment_book, attachment_add, record_create
from core.models import AuditEvent
from core.validators import id_number_check_char
from tests.consulting.conftest import PHONE

pytestmark = pytest.mark.django_db

BOOK = {"name": "陈小明", "phone": PHONE, "topic": "开店", "consent": True}
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 100


def _begun(slot) -> Appointment:
    a = appointment_book(actor=None, slot=slot, **BOOK)
    Appointment.objects.filter(pk=a.pk).update(start=timezone.now() - dt.timedelta(minutes=5))
    a.refresh_from_db()
    return a


def test_a_record_with_follow_ups_shows_them_on_the_station_worklist_only(client, world, slots):
    a = _begun(slots[0])
    client.force_login(world["staff"])
    due = timezone.localdate() + dt.timedelta(days=3)
    response = client.post(f"/consulting/staff/appointments/{a.pk}/record/", {
        "topics": "证照、选址", "advice": "先办个体工商户营业执照", "actions": f"{due} 提交营业执照材料",
        "file": SimpleUploadedFile("照片.png", PNG, content_type="image/png")})
    assert response.status_code == 302
    record = ConsultationRecord.objects.get()
    assert record.topics == ["证照", "选址"] and Appointment.objects.get().status == "attended"
    assert "提交营业执照材料" in client.get("/").content.decode()
    client.force_login(world["staff_other"])
    assert "提交营业执照材料" not in client.get("/").content.decode()


def test_a_record_before_the_start_or_with_a_past_due_date_is_refused_and_nothing_saved(client, world, slots):
    a = appointment_book(actor=None, slot=slots[0], **BOOK)
    with pytest.raises(ValidationError, match="预约时间未到"):
        record_create(actor=world["staff"], appointment=a, advice="x")
    Appointment.objects.filter(pk=a.pk).update(start=timezone.now() - dt.timedelta(minutes=1))
    a.refresh_from_db()
    client.force_login(world["staff"])
    response = client.post(f"/consulting/staff/appointments/{a.pk}/record/", {
        "advice": "x", "actions": f"{timezone.localdate() - dt.timedelta(days=1)} 过期事项"})
    assert response.status_code == 400 and "不能早于今天" in response.content.decode()
    assert not ConsultationRecord.objects.exists() and not FollowUpAction.objects.exists()


def test_attachments_are_checked_by_content_limited_in_size_and_encrypted_at_rest(world, slots):
    record = record_create(actor=world["staff"], appointment=_begun(slots[0]), advice="建议")
    with pytest.raises(ValidationError, match="PDF、JPEG 或 PNG"):
        attachment_add(actor=world["staff"], record=record, name="合同.pdf", content=b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError, match="5 MB"):
        attachment_add(actor=world["staff"], record=record, name="大.pdf", content=b"%PDF-" + b"0" * (5 * 1024 * 1024))
    assert not RecordAttachment.objects.exists()
    attachment = attachment_add(actor=world["staff"], record=record, name="../../营业执照.png", content=PNG)
    assert attachment.name == "营业执照.png" and attachment.content_type == "image/png"
    assert "PNG" not in attachment.data_encrypted


def test_attachments_download_only_in_scope_and_each_download_is_audited(client, world, slots):
    record = record_create(actor=world["staff"], appointment=_begun(slots[0]), advice="建议")
    attachment = attachment_add(actor=world["staff"], record=record, name="a.png", content=PNG)
    client.force_login(world["staff_other"])
    assert client.get(f"/consulting/staff/attachments/{attachment.pk}/").status_code == 404
    client.force_login(world["staff"])
    response = client.get(f"/consulting/staff/attachments/{attachment.pk}/")
    assert response.status_code == 200 and response.content == PNG and "attachment" in response["Content-Disposition"]
    assert AuditEvent.objects.filter(action="consulting.attachment_download").count() == 1


def test_an_archive_is_created_from_the_booking_with_consent(world, slots):
    first17 = "31010419900101123"
    record = record_create(actor=world["staff"], appointment=_begun(slots[0]), advice="建议", create_archive={
        "id_number": first17 + id_number_check_char(first17), "consent_date": timezone.localdate(),
        "consent_scope": "service", "street": world["station_a"].street})
    assert record.archive.name == "陈小明" and record.archive.phone == PHONE
    assert Appointment.objects.get().archive_id == record.archive_id


def test_the_record_page_creates_an_archive_from_a_public_booking_only_with_consent(client, world, slots):
    from jobseekers.models import JobseekerArchive

    appointment = _begun(slots[0])
    first17 = "31010419900101123"
    id_number = first17 + id_number_check_char(first17)
    url = f"/consulting/staff/appointments/{appointment.pk}/record/"
    client.force_login(world["staff"])
    assert "同时建档" in client.get(url).content.decode()
    base = {"advice": "先做市场调研", "archive_id_number": id_number, "archive_consent_scope": "service"}
    response = client.post(url, base)
    assert response.status_code == 400 and "建档须取得居民本人同意" in response.content.decode()
    response = client.post(url, base | {"archive_id_number": first17 + "0", "archive_consent": "on"})
    assert response.status_code == 400 and "身份证" in response.content.decode()
    assert not JobseekerArchive.objects.exists() and not ConsultationRecord.objects.exists()
    client.post(url, base | {"archive_consent": "on"})
    record = ConsultationRecord.objects.get()
    assert record.archive.name == appointment.name and record.archive.station == world["station_a"]
    assert "同时建档" not in client.get(url).content.decode()


def test_the_records_page_lists_the_scope_filters_and_joins_the_matrix(client, world, slots):
    from tests.consulting.conftest import make_expert
    from tests.matrix import ANY_INTERNAL, assert_matrix

    assert_matrix(client, world, "/consulting/staff/records/", ANY_INTERNAL)

    def past(slot, hours_ago):
        a = appointment_book(actor=None, slot=slot, **BOOK)
        start = timezone.now() - dt.timedelta(hours=hours_ago)
        Appointment.objects.filter(pk=a.pk).update(start=start, end=start + dt.timedelta(minutes=30))
        a.refresh_from_db()
        return a

    first = record_create(actor=world["staff"], appointment=past(slots[0], 3), advice="先做市场调研",
                          topics=["开店"], actions=[("交材料", timezone.localdate() + dt.timedelta(days=3))])
    second = record_create(actor=world["staff"], appointment=past(slots[1], 2), advice="申请担保贷款", topics=["融资"])
    client.force_login(world["staff"])
    page = client.get("/consulting/staff/records/").content.decode()
    assert "开店" in page and "融资" in page
    page = client.get("/consulting/staff/records/", {"open": "1"}).content.decode()
    assert "开店" in page and "融资" not in page
    page = client.get("/consulting/staff/records/", {"q": "担保"}).content.decode()
    assert "融资" in page and "开店" not in page
    assert f"/consulting/staff/appointments/{second.appointment_id}/record/" in page
    client.force_login(world["staff_other"])
    assert "开店" not in client.get("/consulting/staff/records/").content.decode()
    client.force_login(first.expert.user)
    assert "开店" in client.get("/consulting/staff/records/").content.decode()
    client.force_login(make_expert(name="赵律师", login="expert_zhao").user)
    assert "开店" not in client.get("/consulting/staff/records/").content.decode()
