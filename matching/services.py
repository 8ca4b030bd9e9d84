"""Writes of matching: pushes, outcomes and hires, the SMS outbox, guidance and insurance help."""

from __future__ import annotations

from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record, in_chinese
from core.crypto import decrypt
from core.queue import enqueue
from core.scoping import require_visible
from core.versioning import check_version
from jobs import events as jobs_events
from jobs.models import JobPosting
from jobs.selectors import search_changed
from jobseekers.models import EmploymentStatus, JobseekerArchive, StatusEntry
from jobseekers.services import status_add

from . import events, scoring, sms
from .models import GuidanceSession, InsuranceHelp, PushRecord, SmsOutbox, StoredRecommendation

SMS_MAX_ATTEMPTS = 6
SMS_BACKOFF_SECONDS = 60


def _stored_explanation(match) -> str:
    """A push keeps its explanation as Chinese data, whatever language the staff member reads."""
    with in_chinese():
        return match.explanation[:300]


def _check_archive_for_push(archive: JobseekerArchive, actor) -> None:
    require_visible(actor, station=archive.station, message=_("不能为其他站点的求职者推送岗位。"))
    if not archive.is_open:
        raise ValidationError(_("该档案已关闭，不能推送岗位。"))
    if not archive.is_looking:
        raise ValidationError(f"该求职者当前就业状态为“{archive.get_current_status_display()}”，不再推送岗位；"
                              "如其重新求职，请先记录新的就业状态。")


def _check_posting_pushable(posting: JobPosting) -> None:
    if posting.status != JobPosting.Status.PUBLISHED:
        raise ValidationError(f"岗位「{posting.title}」{posting.get_status_display()}，只能推送已发布的岗位。")
    if posting.filled_count >= posting.hire_limit:
        raise ValidationError(f"岗位「{posting.title}」已招满，不能推送。")


@transaction.atomic
def push_create(*, actor, archive: JobseekerArchive, postings: list[JobPosting], channel: str,
                note: str = "") -> list[PushRecord]:
    """Push one or several postings to a jobseeker; an SMS push also queues an outbox message."""
    if not postings:
        raise ValidationError(_("请至少选择一个岗位。"))
    if channel not in PushRecord.Channel.values:
        raise ValidationError(_("请选择推送方式。"))
    archive = JobseekerArchive.objects.select_for_update().get(pk=archive.pk)
    _check_archive_for_push(archive, actor)
    if channel == PushRecord.Channel.SMS and not archive.phone_encrypted:
        raise ValidationError(_("该求职者未登记手机号，不能短信推送。"))
    profile = scoring.Profile.of(archive)
    from .selectors import facts_of

    open_pushes = set(PushRecord.objects.filter(archive=archive, posting__in=postings)
                      .exclude(outcome=PushRecord.Outcome.DECLINED).values_list("posting_id", flat=True))
    records = []
    now = timezone.now()
    for posting in JobPosting.objects.select_related("occupation", "employer", "station").filter(
            pk__in=[p.pk for p in postings]).order_by("pk"):
        _check_posting_pushable(posting)
        if posting.pk in open_pushes:
            raise ValidationError(f"岗位「{posting.title}」已推送给该求职者，请在推送记录中更新反馈。")
        match = scoring.score(profile, facts_of(posting), now)
        push = PushRecord(archive=archive, posting=posting, channel=channel, pushed_by=actor, pushed_at=now,
                          pushed_on=timezone.localdate(now), score=scoring.round_score(match.score),
                          explanation=_stored_explanation(match), note=note)
        push.full_clean()
        push.save()
        audit_record(actor=actor, action=events.MATCHING_PUSH, obj=archive,
                     summary=format_lazy("推送岗位「{}」（{}）", posting.title, PushRecord.Channel(channel).label),
                     changes={"posting": posting.pk, "channel": channel})
        if channel == PushRecord.Channel.SMS:
            sms_queue(station=archive.station, archive=archive, push=push, phone_encrypted=archive.phone_encrypted,
                      body=sms.push_message(posting))
        records.append(push)
    return records


def _hire(*, actor, push: PushRecord, on: date) -> None:
    posting = JobPosting.objects.select_for_update().get(pk=push.posting_id)
    archive = JobseekerArchive.objects.select_for_update().get(pk=push.archive_id)
    if PushRecord.objects.filter(archive=archive, posting=posting, outcome=PushRecord.Outcome.HIRED).exists():
        raise ValidationError(_("该求职者已被此岗位录用，不能重复登记。"))
    if posting.filled_count >= posting.headcount:
        raise ValidationError(f"岗位「{posting.title}」已招满（{posting.filled_count}/{posting.headcount}），不能再登记录用。")
    if posting.filled_count >= posting.hire_limit:
        raise ValidationError(f"岗位「{posting.title}」公益性岗位名额已满（{posting.filled_count}/"
                              f"{posting.public_service_quota}），不能再登记录用。")
    if posting.public_service_term_ended(on):
        raise ValidationError(f"岗位「{posting.title}」公益性岗位期限已于 {posting.public_service_term_end} 结束，"
                              "不能登记此后的录用。")
    if posting.status not in (JobPosting.Status.PUBLISHED, JobPosting.Status.EXPIRED):
        raise ValidationError(f"岗位「{posting.title}」{posting.get_status_display()}，不能登记录用。")
    if not archive.is_open:
        raise ValidationError(_("该档案已关闭，不能登记录用。"))
    # The timeline belongs to the jobseekers app: its service adds the entry, re-derives the current
    # status (a back-dated hire does not hide a newer entry) and writes the audit event.
    status_add(actor=actor, archive=archive, status=EmploymentStatus.EMPLOYED, effective_date=on,
               source=StatusEntry.Source.PLACEMENT, note=f"推荐就业：{posting.title}"[:200], system=True)
    if not archive.is_looking:  # hired: out of the nightly batch's stored lists in this same transaction
        StoredRecommendation.objects.filter(archive=archive).delete()
    old = {"filled_count": posting.filled_count, "status": posting.status}
    posting.filled_count += 1
    if posting.filled_count >= posting.hire_limit:
        posting.status = JobPosting.Status.FILLED
    posting.save(update_fields=["filled_count", "status", "updated_at"])
    if old["status"] != posting.status:  # left the published set: the public search and its counts follow
        transaction.on_commit(search_changed)
    audit_record(actor=actor, action=jobs_events.JOBS_POSTING_FILLED_COUNT, obj=posting,
                 summary=f"录用 1 人（{posting.filled_count}/{posting.headcount}）",
                 changes={"filled_count": [old["filled_count"], posting.filled_count],
                          **({"status": [old["status"], posting.status]} if old["status"] != posting.status else {})})


@transaction.atomic
def push_record_outcome(*, actor, push: PushRecord, outcome: str, outcome_date: date, note: str = "") -> PushRecord:
    """Record what came of a push; a hire also updates the timeline and the posting's filled count."""
    push = PushRecord.objects.select_for_update().select_related("posting").get(pk=push.pk)
    require_visible(actor, station=push.archive.station, message=_("不能修改其他站点的推送记录。"))
    if outcome not in PushRecord.Outcome.values or outcome == PushRecord.Outcome.PENDING:
        raise ValidationError(_("请选择反馈结果。"))
    if outcome_date is None:
        raise ValidationError(_("请填写反馈日期。"))
    if outcome_date < push.pushed_on:
        raise ValidationError(f"反馈日期不能早于推送日期（{push.pushed_on:%Y-%m-%d}）。")
    if outcome_date > timezone.localdate():
        raise ValidationError(_("反馈日期不能晚于今天。"))
    if push.outcome == PushRecord.Outcome.HIRED:
        raise ValidationError(_("该推送已登记录用，不能重复登记或修改。"))
    if outcome == PushRecord.Outcome.HIRED:
        _hire(actor=actor, push=push, on=outcome_date)
    old = push.outcome
    push.outcome, push.outcome_date, push.outcome_by = outcome, outcome_date, actor
    if note:
        push.note = note[:200]
    push.full_clean()
    push.save(update_fields=["outcome", "outcome_date", "outcome_by", "note", "updated_at"])
    audit_record(actor=actor, action=events.MATCHING_PUSH_OUTCOME, obj=push.archive,
                 summary=format_lazy("岗位「{}」反馈：{}", push.posting.title, PushRecord.Outcome(outcome).label),
                 changes={"outcome": [old, outcome], "outcome_date": str(outcome_date), "push": push.pk})
    return push


# --- SMS outbox -------------------------------------------------------------------------------

def sms_queue(*, station, phone_encrypted: str, body: str, archive=None, push=None) -> SmsOutbox:
    """Put one message in the outbox (for an archive, or for a resident without one: consulting bookings)
    and send it once the transaction commits. `station` scopes the message on the outbox page."""
    outbox = SmsOutbox.objects.create(station=station, archive=archive, push=push, phone_encrypted=phone_encrypted,
                                      body=body[:300])
    enqueue("matching.tasks.send_sms", outbox_id=outbox.pk)
    return outbox


def sms_send(*, outbox_id: int, now=None) -> SmsOutbox | None:
    """Try to send one pending message; a failure is recorded and retried later with backoff."""
    now = now or timezone.now()
    with transaction.atomic():
        msg = (SmsOutbox.objects.select_for_update(skip_locked=True)
               .filter(pk=outbox_id, status=SmsOutbox.Status.PENDING).first())
        if msg is None:
            return None
        msg.attempts += 1
        try:
            ref = sms.get_sender().send(phone=decrypt(msg.phone_encrypted), body=msg.body)
        except sms.NotSent as exc:  # nothing went out on purpose: say so, never retry, never "已发送"
            msg.status, msg.last_error = SmsOutbox.Status.UNSENT, str(exc)[:300]
        except Exception as exc:  # noqa: BLE001 - any sender failure is recorded, never lost
            msg.last_error = f"{type(exc).__name__}: {exc}"[:300]
            if msg.attempts >= SMS_MAX_ATTEMPTS:
                msg.status = SmsOutbox.Status.FAILED
            msg.next_attempt_at = now + timedelta(seconds=SMS_BACKOFF_SECONDS * 2 ** (msg.attempts - 1))
        else:
            msg.status, msg.sent_at, msg.last_error = SmsOutbox.Status.SENT, now, ""
            msg.gateway_ref = str(ref or "")[:64]
        msg.save(update_fields=["attempts", "last_error", "status", "next_attempt_at", "sent_at", "gateway_ref",
                                "updated_at"])
        return msg


def sms_send_due(*, now=None, limit: int = 200) -> int:
    """Send every pending message whose next attempt is due; returns how many were tried."""
    now = now or timezone.now()
    ids = list(SmsOutbox.objects.due(now).order_by("next_attempt_at").values_list("pk", flat=True)[:limit])
    for pk in ids:
        sms_send(outbox_id=pk, now=now)
    return len(ids)


@transaction.atomic
def sms_retry(*, actor, outbox: SmsOutbox) -> SmsOutbox:
    """Put a failed message back in the queue (an admin's decision after fixing the cause)."""
    require_visible(actor, station=outbox.station, message=_("不能重发其他站点的短信。"))
    if outbox.status != SmsOutbox.Status.FAILED:
        raise ValidationError(_("只有发送失败的短信可以重新发送。"))
    tried = outbox.attempts
    outbox.status, outbox.next_attempt_at, outbox.attempts = SmsOutbox.Status.PENDING, timezone.now(), 0
    outbox.save(update_fields=["status", "next_attempt_at", "attempts", "updated_at"])
    audit_record(actor=actor, action=events.MATCHING_SMS_RETRY, obj=outbox.archive or outbox.station,
                 summary=f"重新发送短信 #{outbox.pk}（此前已尝试 {tried} 次）")
    enqueue("matching.tasks.send_sms", outbox_id=outbox.pk)
    return outbox


# --- guidance and insurance help --------------------------------------------------------------

def _check_archive_editable(archive: JobseekerArchive, actor) -> None:
    require_visible(actor, station=archive.station, message=_("不能修改其他站点的档案。"))


@transaction.atomic
def guidance_create(*, actor, archive: JobseekerArchive, held_on: date, kind: str, topics: str,
                    advice: str = "", follow_up_on: date | None = None) -> GuidanceSession:
    """Record one career-guidance session (职业指导)."""
    _check_archive_editable(archive, actor)
    if held_on and held_on > timezone.localdate():
        raise ValidationError({"held_on": _("指导日期不能晚于今天。")})
    session = GuidanceSession(archive=archive, held_on=held_on, kind=kind, topics=topics, advice=advice,
                              follow_up_on=follow_up_on, counsellor=actor)
    session.full_clean()
    session.save()
    audit_record(actor=actor, action=events.MATCHING_GUIDANCE_CREATE, obj=archive,
                 summary=format_lazy("职业指导：{}（{:%Y-%m-%d}）", GuidanceSession.Kind(kind).label, held_on))
    return session


@transaction.atomic
def insurance_update(*, actor, archive: JobseekerArchive, status: str, checklist: list[str],
                     employer_name: str = "", registered_on: date | None = None, note: str = "",
                     expected_version: int | None = None) -> InsuranceHelp:
    """Create or update the employment-insurance registration help (就业参保登记) of an archive."""
    _check_archive_editable(archive, actor)
    help_, created = InsuranceHelp.objects.select_for_update().get_or_create(archive=archive)
    if not created or expected_version not in (None, 0):
        check_version(help_, expected_version)  # 0: the form of a record that did not exist yet
    before = {"status": help_.status, "checklist": ",".join(help_.checklist)}
    help_.status, help_.checklist = status, sorted(set(checklist))
    help_.employer_name, help_.registered_on, help_.note, help_.updated_by = employer_name, registered_on, note, actor
    if status == InsuranceHelp.Status.REGISTERED and help_.missing_items:
        raise ValidationError({"checklist": _("登记完成前请备齐材料：") + "、".join(help_.missing_items)})
    if registered_on and registered_on > timezone.localdate():
        raise ValidationError({"registered_on": _("登记日期不能晚于今天。")})
    help_.full_clean()
    help_.save()
    audit_record(actor=actor, action=events.MATCHING_INSURANCE_UPDATE, obj=archive,
                 summary=format_lazy("就业参保登记：{}", InsuranceHelp.Status(help_.status).label),
                 changes={"status": [before["status"], status], "checklist": [before["checklist"],
                                                                              ",".join(help_.checklist)]})
    return help_
