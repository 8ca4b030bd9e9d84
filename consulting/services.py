"""Writes of the consulting app: sessions, slot generation, bookings, cancellations, attendance, SMS notices.

Bookings rely on the database (see models.py): the booking inserts inside a savepoint and a losing
concurrent insert's IntegrityError becomes `ConflictError` "该时段已被预约" with the expert's next free slots
(HTTP 409 in the API). The slot is read `FOR SHARE` first, so a booking and a cancellation of the same slot
serialise (bookings among themselves do not: the constraints decide between them).
"""

from __future__ import annotations

import base64
import datetime as dt
import os
import uuid
from collections.abc import Callable

from django.conf import settings
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import format_lazy

from core.audit import audit_record, diff
from core.crypto import decrypt, encrypt, keyed_hash
from core.errors import ConflictError
from core.scoping import require_visible, scope_of
from core.validators import normalize_phone, validate_mobile
from matching.services import sms_queue

from . import events
from .models import (
    Appointment,
    AppointmentNotice,
    ConsultationRecord,
    Expert,
    FollowUpAction,
    RecordAttachment,
    Session,
    Slot,
)

SLOT_TAKEN = "该时段已被预约，请选择其他时段。"
CANCEL_SALT = "consulting.appointment.cancel"
ACTIVE_CONSTRAINTS = ("consulting_one_active_appointment_per_slot", "consulting_appointment_no_overlap")


def phone_hash(phone: str) -> str:
    return keyed_hash(normalize_phone(phone), purpose="consulting.phone")


# --- experts --------------------------------------------------------------------------------------------

PHOTO_MAX_BYTES = 1024 * 1024
PHOTO_TYPES = ((b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def photo_check(content: bytes) -> str:
    """The photo's content type, by its bytes (never its name); a refusal names the limit."""
    if len(content) > PHOTO_MAX_BYTES:
        raise ValidationError({"photo": "照片不能超过 1 MB。"})
    kind = next((k for magic, k in PHOTO_TYPES if content.startswith(magic)), None)
    if kind is None:
        raise ValidationError({"photo": "照片只能是 JPEG 或 PNG（按文件内容判断）。"})
    return kind


EXPERT_FIELDS = ("name", "fields", "bio", "affiliation", "district", "is_active")


@transaction.atomic
def expert_save(*, actor, expert: Expert | None = None, photo: bytes | None = None, **values) -> Expert:
    """Add or edit an expert of the actor's district (city admins: any district); audited with the changes."""
    expert = expert or Expert()
    before = {f: getattr(expert, f) for f in EXPERT_FIELDS} if expert.pk else {}
    districts = {expert.district_id if expert.pk else None, getattr(values.get("district"), "pk", None)} - {None}
    if actor is not None and not all(scope_of(actor).allows(district_id=d) for d in districts):
        raise PermissionDenied("只能管理本区的创业指导专家。")
    for field, value in values.items():
        setattr(expert, field, value)
    if photo is not None:
        expert.photo, expert.photo_content_type = photo, photo_check(photo)
    expert.full_clean(exclude=["user"])
    expert.save()
    changes = diff(before, {f: getattr(expert, f) for f in EXPERT_FIELDS}) if before else {}
    audit_record(actor=actor, action=events.EXPERT_SAVE, obj=expert, changes=changes, district_id=expert.district_id,
                 summary=format_lazy("{}创业指导专家：{}", "修改" if before else "新增", expert.name))
    return expert


# --- sessions and slots ------------------------------------------------------------------------------------

@transaction.atomic
def session_create(*, actor, expert: Expert, station, weekday: int, start_time: dt.time, end_time: dt.time,
                   valid_from: dt.date, valid_until: dt.date | None = None, slot_minutes: int = 30,
                   kind: str = Session.Kind.ONSITE) -> Session:
    """A recurring rule; one expert's active rules never overlap (exclusion constraint, checked by full_clean)."""
    if actor is not None:
        require_visible(actor, station=station, message="只能为本人所在站点（区级管理员：本区）安排坐诊。")
    if not expert.is_active:
        raise ValidationError({"expert": "该专家已停用，不能安排坐诊。"})
    session = Session(expert=expert, station=station, weekday=weekday, start_time=start_time, end_time=end_time,
                      valid_from=valid_from, valid_until=valid_until, slot_minutes=slot_minutes, kind=kind,
                      created_by=actor if getattr(actor, "pk", None) else None)
    session.full_clean()
    try:
        with transaction.atomic():
            session.save()
    except IntegrityError as exc:  # a concurrent rule won between full_clean and the insert
        if "consulting_session_no_overlap" in str(exc):
            raise ValidationError(Session._meta.constraints[-1].violation_error_message) from exc
        raise
    audit_record(actor=actor, action=events.SESSION_CREATE, obj=session, summary=format_lazy("新增坐诊安排：{}", session))
    return session


def _slot_times(session: Session, day: dt.date):
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(day, session.start_time, tzinfo=tz)
    end_of_day = dt.datetime.combine(day, session.end_time, tzinfo=tz)
    step = dt.timedelta(minutes=session.slot_minutes)
    while start + step <= end_of_day:
        yield start, start + step
        start += step


def slots_generate(*, today: dt.date | None = None, weeks: int | None = None, only: Session | None = None) -> int:
    """Create the slots of every active rule (or of `only`) for the coming weeks; idempotent (unique
    session × start). Returns how many slots were new."""
    today = today or timezone.localdate()
    horizon = today + dt.timedelta(weeks=weeks if weeks is not None else settings.CONSULTING_SLOT_WEEKS)
    now = timezone.now()
    created = 0
    sessions = Session.objects.active().select_related("expert").filter(expert__is_active=True)
    if only is not None:
        sessions = sessions.filter(pk=only.pk)
    for session in sessions:
        first = max(today, session.valid_from)
        last = min(horizon, session.valid_until) if session.valid_until else horizon
        rows = []
        day = first + dt.timedelta(days=(session.weekday - first.weekday()) % 7)
        while day <= last:
            rows += [Slot(session=session, expert_id=session.expert_id, station_id=session.station_id, start=s, end=e)
                     for s, e in _slot_times(session, day) if s > now]
            day += dt.timedelta(days=7)
        if rows:
            before = Slot.objects.filter(session=session).count()
            Slot.objects.bulk_create(rows, ignore_conflicts=True)
            created += Slot.objects.filter(session=session).count() - before
    return created


def _cancel_booked(*, slots, reason: str) -> int:
    """Cancel the booked appointments of these slots and tell each resident by SMS; returns how many."""
    booked = list(Appointment.objects.select_for_update().filter(slot__in=slots, status=Appointment.Status.BOOKED)
                  .select_related("expert", "station"))
    now = timezone.now()
    for appointment in booked:
        appointment.status, appointment.cancelled_at, appointment.cancel_nonce = Appointment.Status.CANCELLED, now, None
        appointment.save(update_fields=["status", "cancelled_at", "cancel_nonce", "updated_at"])
        notice_send(appointment=appointment, kind=AppointmentNotice.Kind.CANCELLED,
                    body=f"【社区就业服务站】很抱歉，您预约的{appointment.expert.name}创业指导"
                         f"（{timezone.localtime(appointment.start):%m月%d日 %H:%M}）因{reason}取消，"
                         f"请重新预约或致电{appointment.station.name}。")
    return len(booked)


@transaction.atomic
def slot_cancel(*, actor, slot: Slot, reason: str = "专家时间调整") -> Slot:
    """Cancel one slot; a resident who booked it is told by SMS."""
    require_visible(actor, station=slot.station, expert=slot.expert)
    slot = Slot.objects.select_for_update().select_related("expert").get(pk=slot.pk)
    if slot.status == Slot.Status.CANCELLED:
        raise ValidationError("该时段已取消。")
    if slot.start <= timezone.now():
        raise ValidationError("该时段已开始或已结束，不能取消。")
    slot.status = Slot.Status.CANCELLED
    slot.save(update_fields=["status"])
    told = _cancel_booked(slots=[slot], reason=reason)
    audit_record(actor=actor, action=events.SLOT_CANCEL, obj=slot.session,
                 summary=f"取消时段 {timezone.localtime(slot.start):%Y-%m-%d %H:%M}（通知已预约居民 {told} 人）")
    return slot


@transaction.atomic
def session_cancel(*, actor, session: Session, reason: str = "专家时间调整") -> int:
    """Cancel a whole rule and its future slots; every resident booked in them is told by SMS. Returns how many."""
    require_visible(actor, station=session.station, expert=session.expert)
    session = Session.objects.select_for_update().get(pk=session.pk)
    if session.status == Session.Status.CANCELLED:
        raise ValidationError("该坐诊安排已取消。")
    session.status = Session.Status.CANCELLED
    session.save(update_fields=["status", "updated_at"])
    slots = list(Slot.objects.select_for_update().filter(session=session, start__gt=timezone.now(),
                                                         status=Slot.Status.OPEN))
    Slot.objects.filter(pk__in=[s.pk for s in slots]).update(status=Slot.Status.CANCELLED)
    told = _cancel_booked(slots=slots, reason=reason)
    audit_record(actor=actor, action=events.SESSION_CANCEL, obj=session,
                 summary=f"取消坐诊安排（{len(slots)} 个时段，通知已预约居民 {told} 人）")
    return told


# --- booking -------------------------------------------------------------------------------------------------

def next_free_slots(expert: Expert, *, after: dt.datetime | None = None, limit: int = 3) -> list[Slot]:
    """The expert's next open slots nobody holds (what a refused booking is offered)."""
    after = after or timezone.now()
    return list(Slot.objects.open().filter(expert=expert, start__gt=after)
                .exclude(appointments__status__in=[Appointment.Status.BOOKED, Appointment.Status.ATTENDED,
                                                   Appointment.Status.NO_SHOW])
                .select_related("station").order_by("start")[:limit])


def slot_offer(slots: list[Slot]) -> list[dict]:
    return [{"slot": s.pk, "start": s.start.isoformat(), "end": s.end.isoformat(), "station": s.station.name}
            for s in slots]


def _taken(slot: Slot) -> ConflictError:
    free = next_free_slots(slot.expert, after=timezone.now())
    when = "、".join(f"{timezone.localtime(s.start):%m月%d日 %H:%M}" for s in free)
    message = SLOT_TAKEN + (f"该专家最近的空闲时段：{when}。" if when else "该专家近期暂无空闲时段。")
    return ConflictError(message, offer=slot_offer(free))


def cancel_token(appointment: Appointment) -> str:
    return signing.dumps({"a": appointment.pk, "n": appointment.cancel_nonce.hex}, salt=CANCEL_SALT, compress=True)


def cancel_url(appointment: Appointment) -> str:
    return settings.PUBLIC_BASE_URL + reverse("consulting:cancel", args=[cancel_token(appointment)])


def _no_shows(phone_digest: str) -> int:
    since = timezone.now() - dt.timedelta(days=settings.CONSULTING_NO_SHOW_DAYS)
    return Appointment.objects.filter(phone_hash=phone_digest, status=Appointment.Status.NO_SHOW,
                                      start__gte=since).count()


def appointment_book(*, actor, slot: Slot, name: str, phone: str, topic: str, consent: bool,
                     archive=None, channel: str | None = None) -> Appointment:
    """Book one slot (a resident on the public page: actor None; staff for an archive). Refusals: bad input
    (ValidationError), a cancelled or past slot, a second active booking of this phone with this expert,
    repeated no-shows (public only: book through the station), and a slot someone else holds (ConflictError)."""
    channel = channel or (Appointment.Channel.STAFF if actor is not None else Appointment.Channel.PUBLIC)
    if actor is not None:
        require_visible(actor, station=slot.station, message="只能为本人所在站点（区级管理员：本区）的坐诊预约。")
    if archive is not None and actor is not None:
        require_visible(actor, station=archive.station, message="只能为本站点的求职者预约。")
    errors: dict[str, list[str]] = {}
    name, topic = (name or "").strip(), (topic or "").strip()
    if not name:
        errors["name"] = ["请填写姓名。"]
    try:
        validate_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if not topic:
        errors["topic"] = ["请简要填写想咨询的问题。"]
    if not consent:
        errors["consent"] = ["须同意将手机号用于预约联系，才能预约。"]
    if errors:
        raise ValidationError(errors)
    digest = phone_hash(phone)
    with transaction.atomic():
        with connection.cursor() as cursor:  # serialise with a cancellation of this slot, not with other bookings
            cursor.execute("SELECT status, start FROM consulting_slot WHERE id = %s FOR SHARE", [slot.pk])
            row = cursor.fetchone()
        if row is None:
            raise ValidationError({"slot": ["该时段不存在。"]})
        status, start = row
        if status != Slot.Status.OPEN:
            raise ValidationError({"slot": ["该时段已取消，请选择其他时段。"]})
        if start <= timezone.now():
            raise ValidationError({"slot": ["该时段已开始或已过去，请选择以后的时段。"]})
        if Appointment.objects.filter(expert_id=slot.expert_id, phone_hash=digest, status=Appointment.Status.BOOKED,
                                      start__gt=timezone.now()).exists():
            raise ValidationError({"phone": ["该手机号已预约了这位专家，请先完成或取消已有预约。"]})
        if channel == Appointment.Channel.PUBLIC and _no_shows(digest) >= settings.CONSULTING_NO_SHOW_LIMIT:
            raise ValidationError({"phone": [f"该手机号近期有 {settings.CONSULTING_NO_SHOW_LIMIT} 次以上预约未到场，"
                                             "请到社区就业服务站或致电服务站预约。"]})
        appointment = Appointment(slot=slot, expert_id=slot.expert_id, station_id=slot.station_id, start=slot.start,
                                  end=slot.end, archive=archive, name=name[:40],
                                  phone_encrypted=encrypt(normalize_phone(phone)), phone_hash=digest, topic=topic[:200],
                                  consent=True, channel=channel, cancel_nonce=uuid.uuid4(),
                                  created_by=actor if getattr(actor, "pk", None) else None)
        try:
            with transaction.atomic():
                appointment.save()
        except IntegrityError as exc:
            if any(name in str(exc) for name in ACTIVE_CONSTRAINTS):
                raise _taken(slot) from None
            raise
        appointment = Appointment.objects.select_related("expert", "station", "slot__session").get(pk=appointment.pk)
        audit_record(actor=actor, action=events.APPOINTMENT_BOOK, obj=appointment,
                     summary=format_lazy("预约创业指导（{}）", Appointment.Channel(channel).label))
        notice_send(appointment=appointment, kind=AppointmentNotice.Kind.CONFIRMATION, body=_confirmation(appointment))
    return appointment


def _where(appointment: Appointment) -> str:
    session = appointment.slot.session
    if session.kind == Session.Kind.ONSITE:
        return f"地点：{appointment.station.name}"
    return f"方式：{session.get_kind_display()}，专家将按预约手机号联系您"


def _confirmation(appointment: Appointment) -> str:
    return (f"【社区就业服务站】您已预约{appointment.expert.name}创业指导，"
            f"{timezone.localtime(appointment.start):%m月%d日 %H:%M}，{_where(appointment)}。"
            f"如需取消：{cancel_url(appointment)}")


def notice_send(*, appointment: Appointment, kind: str, body: str) -> AppointmentNotice | None:
    """Queue one SMS of this kind for this appointment, at most once (unique appointment × kind)."""
    try:
        with transaction.atomic():
            notice = AppointmentNotice.objects.create(appointment=appointment, kind=kind)
    except IntegrityError:
        return None  # already sent (a task run twice, a retried request)
    notice.outbox = sms_queue(station=appointment.station, phone_encrypted=appointment.phone_encrypted, body=body)
    notice.save(update_fields=["outbox"])
    return notice


def reminders_send(*, now: dt.datetime | None = None) -> int:
    """The day-before reminder of every booked appointment tomorrow; a second run sends nothing twice."""
    now = now or timezone.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    sent = 0
    for appointment in (Appointment.objects.filter(status=Appointment.Status.BOOKED, start__date=tomorrow)
                        .exclude(notices__kind=AppointmentNotice.Kind.REMINDER)
                        .select_related("expert", "station", "slot__session")):
        body = (f"【社区就业服务站】提醒：您预约的{appointment.expert.name}创业指导在明天 "
                f"{timezone.localtime(appointment.start):%H:%M}，{_where(appointment)}。"
                f"如需取消：{cancel_url(appointment)}")
        with transaction.atomic():
            if notice_send(appointment=appointment, kind=AppointmentNotice.Kind.REMINDER, body=body):
                sent += 1
    return sent


# --- cancelling and attendance -------------------------------------------------------------------------------

def appointment_cancel_by_token(*, token: str) -> Appointment:
    """The resident's signed cancel link: tampered, expired, reused or too late → a clear refusal, nothing changed."""
    try:
        data = signing.loads(token, salt=CANCEL_SALT, max_age=dt.timedelta(days=settings.CONSULTING_CANCEL_LINK_DAYS))
    except signing.SignatureExpired:
        raise ValidationError("取消链接已过期，请致电服务站取消预约。") from None
    except signing.BadSignature:
        raise ValidationError("取消链接无效（可能不完整或被修改），请核对短信中的链接。") from None
    with transaction.atomic():
        appointment = (Appointment.objects.select_for_update().filter(pk=data.get("a")).first()
                       if isinstance(data, dict) else None)
        if appointment is None:
            raise ValidationError("取消链接无效（可能不完整或被修改），请核对短信中的链接。")
        if appointment.status == Appointment.Status.CANCELLED or appointment.cancel_nonce is None \
                or appointment.cancel_nonce.hex != data.get("n"):
            raise ValidationError("该预约已取消，此链接已使用过，无需再次取消。")
        if appointment.status != Appointment.Status.BOOKED or appointment.start <= timezone.now():
            raise ValidationError("预约时间已到或已过，不能再取消。")
        _cancel(appointment, actor=None, summary="居民通过短信链接取消预约")
    return appointment


@transaction.atomic
def appointment_cancel(*, actor, appointment: Appointment) -> Appointment:
    """Staff (or the expert) cancel a booking on the resident's behalf."""
    require_visible(actor, station=appointment.station, expert=appointment.expert)
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status != Appointment.Status.BOOKED:
        raise ValidationError(f"该预约当前为「{appointment.get_status_display()}」，不能取消。")
    _cancel(appointment, actor=actor, summary="工作人员取消预约")
    return appointment


def _cancel(appointment: Appointment, *, actor, summary: str) -> None:
    appointment.status, appointment.cancelled_at, appointment.cancel_nonce = (
        Appointment.Status.CANCELLED, timezone.now(), None)
    appointment.save(update_fields=["status", "cancelled_at", "cancel_nonce", "updated_at"])
    audit_record(actor=actor, action=events.APPOINTMENT_CANCEL, obj=appointment, summary=summary)


@transaction.atomic
def appointment_mark(*, actor, appointment: Appointment, status: str) -> Appointment:
    """Record attended or no-show, once the appointment has begun."""
    require_visible(actor, station=appointment.station, expert=appointment.expert)
    if status not in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
        raise ValidationError({"status": ["只能登记为“已到场”或“未到场”。"]})
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError("该预约已取消，不能登记到场情况。")
    if appointment.start > timezone.now():
        raise ValidationError("预约时间未到，不能登记到场情况。")
    old = appointment.status
    appointment.status = status
    appointment.save(update_fields=["status", "updated_at"])
    action = events.APPOINTMENT_ATTENDED if status == Appointment.Status.ATTENDED else events.APPOINTMENT_NO_SHOW
    audit_record(actor=actor, action=action, obj=appointment,
                 summary=format_lazy("{} → {}", Appointment.Status(old).label, Appointment.Status(status).label))
    return appointment


# --- consultation records -----------------------------------------------------------------------------------

ATTACHMENT_MAX_BYTES = 5 * 1024 * 1024
SIGNATURES = ((b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png"))


def record_create(*, actor, appointment: Appointment, advice: str, topics: list[str] = (),
                  actions: list[tuple[str, dt.date]] = (), archive=None, create_archive: dict | None = None
                  ) -> ConsultationRecord:
    """Record a consultation (after it began): advice, topics, follow-ups with due dates; link it to an archive,
    or create one from the booking's name and phone with the resident's consent (`create_archive`: id_number,
    consent_date, consent_scope, street)."""
    require_visible(actor, station=appointment.station, expert=appointment.expert)
    errors: dict[str, list[str]] = {}
    if not (advice or "").strip():
        errors["advice"] = ["请填写指导意见。"]
    if appointment.start > timezone.now():
        errors["__all__"] = ["预约时间未到，不能填写咨询记录。"]
    if appointment.status == Appointment.Status.CANCELLED:
        errors["__all__"] = ["该预约已取消，不能填写咨询记录。"]
    for description, due in actions:
        if not (description or "").strip() or due is None:
            errors.setdefault("actions", []).append("每个跟进事项都需要内容和完成期限。")
        elif due < timezone.localdate():
            errors.setdefault("actions", []).append("跟进事项的完成期限不能早于今天。")
    if ConsultationRecord.objects.filter(appointment=appointment).exists():
        errors["__all__"] = ["这次预约已有咨询记录。"]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        if archive is not None:
            require_visible(actor, station=archive.station, message="只能关联本站点的档案。")
        elif create_archive:
            from jobseekers.services import archive_create

            archive = archive_create(actor=actor, station=appointment.station, phone=appointment.phone,
                                     name=appointment.name, **create_archive)
        record = ConsultationRecord.objects.create(
            appointment=appointment, expert=appointment.expert, station=appointment.station, archive=archive,
            topics=[t.strip()[:16] for t in topics if t.strip()], advice=advice.strip(),
            created_by=actor if getattr(actor, "pk", None) else None)
        FollowUpAction.objects.bulk_create([FollowUpAction(record=record, description=d.strip()[:200], due_date=due)
                                            for d, due in actions])
        if appointment.archive_id is None and archive is not None:
            Appointment.objects.filter(pk=appointment.pk).update(archive=archive)
        if appointment.status == Appointment.Status.BOOKED:
            Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.ATTENDED)
        audit_record(actor=actor, action=events.RECORD_CREATE, obj=record,
                     summary=f"填写咨询记录（跟进事项 {len(actions)} 项）")
    return record


@transaction.atomic
def followup_done(*, actor, action: FollowUpAction) -> FollowUpAction:
    require_visible(actor, station=action.record.station, expert=action.record.expert)
    action = FollowUpAction.objects.select_for_update().get(pk=action.pk)
    if action.done_at is not None:
        raise ValidationError("该跟进事项已完成。")
    action.done_at = timezone.now()
    action.save(update_fields=["done_at"])
    audit_record(actor=actor, action=events.FOLLOWUP_DONE, obj=action.record, summary=f"完成跟进事项：{action}")
    return action


def sniff(content: bytes) -> str | None:
    """The content type by the file's own first bytes (never its name or the browser's word): PDF, JPEG, PNG."""
    return next((kind for magic, kind in SIGNATURES if content.startswith(magic)), None)


@transaction.atomic
def attachment_add(*, actor, record: ConsultationRecord, name: str, content: bytes) -> RecordAttachment:
    """Keep an attachment encrypted at rest; only PDF/JPEG/PNG by content, at most 5 MB."""
    require_visible(actor, station=record.station, expert=record.expert)
    if not content:
        raise ValidationError({"file": ["文件是空的。"]})
    if len(content) > ATTACHMENT_MAX_BYTES:
        raise ValidationError({"file": ["附件不能超过 5 MB。"]})
    kind = sniff(content)
    if kind is None:
        raise ValidationError({"file": ["只能上传 PDF、JPEG 或 PNG 文件（按文件内容判断）。"]})
    safe_name = os.path.basename(name or "附件").replace("\x00", "")[:120] or "附件"
    attachment = RecordAttachment.objects.create(
        record=record, name=safe_name, content_type=kind, size=len(content),
        data_encrypted=encrypt(base64.b64encode(content).decode()),
        uploaded_by=actor if getattr(actor, "pk", None) else None)
    audit_record(actor=actor, action=events.ATTACHMENT_ADD, obj=record, summary=f"上传附件 {safe_name}")
    return attachment


def attachment_read(*, actor, attachment: RecordAttachment) -> bytes:
    """The decrypted bytes, for the scope-checking download view; every download is audited."""
    require_visible(actor, station=attachment.record.station, expert=attachment.record.expert)
    audit_record(actor=actor, action=events.ATTACHMENT_DOWNLOAD, obj=attachment.record,
                 summary=f"下载附件 {attachment.name}")
    return base64.b64decode(decrypt(attachment.data_encrypted))


# --- hooks for later apps --------------------------------------------------------------------------------------

# "申请创业补贴": apps after consulting (assistance's cases) register a function that opens a case pre-filled
# from a consultation record: opener(*, actor, details: dict) -> the object opened (or None).
CASE_OPENERS: dict[str, Callable] = {}


def case_opener_register(kind: str, opener: Callable) -> None:
    CASE_OPENERS[kind] = opener


def record_details(record: ConsultationRecord) -> dict:
    """What an opener gets: the consultation record's and its booking's details."""
    appointment = record.appointment
    return {"record": record.pk, "appointment": appointment.pk, "archive": record.archive_id or appointment.archive_id,
            "station": record.station_id, "expert": record.expert.name, "name": appointment.name,
            "phone": appointment.phone, "topic": appointment.topic, "topics": list(record.topics),
            "advice": record.advice, "date": timezone.localdate(appointment.start).isoformat()}


def case_open(*, actor, kind: str, record: ConsultationRecord):
    """"申请创业补贴": open a case of `kind` ("startup_subsidy", 创业补贴) through its registered opener."""
    require_visible(actor, station=record.station, expert=record.expert)
    opener = CASE_OPENERS.get(kind)
    if opener is None:
        raise ValidationError("该类业务（如创业补贴申请）尚未开通，请在就业援助模块中办理。")
    return opener(actor=actor, details=record_details(record))
