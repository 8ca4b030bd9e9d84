"""Writes: providers, programs, referrals and their transitions, the waitlist, certificates.

Every function takes an `actor` (None: the system, e.g. the beat task), runs in one transaction, checks
scope with `require_visible`, validates with `full_clean()` and writes an audit event.

Seats: `Program.seats_taken` is changed only here, with the program row locked (`select_for_update`), and
the database refuses `seats_taken > capacity` (`program_seats_within_capacity`) should a write ever miss the
lock. An enrolment holds a seat; so does a waitlist offer until it is accepted (the seat passes to the
enrolment), declined or expired (the seat is freed and offered to the next person by `waitlist_offer_next`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record, diff, in_chinese
from core.imports import importer_named
from core.queue import enqueue
from core.scoping import require_visible
from jobs.search import normalize
from jobs.services import lead_create
from jobseekers.models import Certificate, JobseekerArchive
from jobseekers.services import certificate_create
from matching.models import SmsOutbox
from stations.selectors import station_nearest

from . import events
from .models import Program, ProgramImportJob, Provider, Referral, WaitlistEntry

PROVIDER_FIELDS = ("name", "credit_code", "is_designated", "designated_from", "designated_until", "contact_name",
                   "contact_phone", "street", "address", "lat", "lng")
PROGRAM_FIELDS = ("provider", "title", "occupation", "skill_level", "description", "hours", "start_date", "end_date",
                  "schedule", "street", "place", "lat", "lng", "capacity", "fee", "policy_code", "subsidy_text",
                  "status")
OPEN_FOR_ENROLMENT = (Program.Status.ENROLLING, Program.Status.RUNNING)
OFFER_HOURS = 48  # how long a waitlist offer stays open
FULL_MESSAGE = gettext_noop("该培训项目名额已满，可加入候补名单。")  # raised as gettext(FULL_MESSAGE)

# --- the "申领培训补贴" hook ---------------------------------------------------------------------


@dataclass(frozen=True)
class Completion:
    """What a claim opener is told about a certified completion."""

    referral_id: int
    archive_id: int
    program_id: int
    policy_code: str | None
    certificate_id: int | None
    actor: object


# Callables `opener(completion: Completion) -> object | None`. Empty in training: assistance (issue 13)
# registers the one that opens a subsidy-claim case for the program's policy.
CLAIM_OPENERS: list[Callable[[Completion], object]] = []


def register_claim_opener(opener: Callable[[Completion], object]) -> Callable[[Completion], object]:
    if opener not in CLAIM_OPENERS:
        CLAIM_OPENERS.append(opener)
    return opener


def subsidy_claim_open(*, actor, referral: Referral) -> list:
    """申领培训补贴: hand a certified completion to every registered claim opener; returns their results."""
    referral = Referral.objects.select_related("program", "archive__station__street").get(pk=referral.pk)
    require_visible(actor, station=referral.archive.station)
    if referral.status != Referral.Status.CERTIFIED:
        raise ValidationError(_("只有已取证的培训才能申领培训补贴。"))
    completion = Completion(referral_id=referral.pk, archive_id=referral.archive_id, program_id=referral.program_id,
                            policy_code=referral.program.policy_code, certificate_id=referral.certificate_id,
                            actor=actor)
    return [opener(completion) for opener in list(CLAIM_OPENERS)]


# --- "我想报名": a lead in the nearest station's worklist, through jobs' leads -----------------------------


def signup_station(program: Program):
    """The operating station nearest the training place, else the program's managing station."""
    if program.lat is not None:
        nearest = station_nearest(lat=program.lat, lng=program.lng)
        if nearest is not None:
            return nearest
    return program.station


def program_signup(*, program: Program, name: str, phone: str, consent: bool):
    """A resident's "我想报名" on a public program: a call-back lead, exactly as "我感兴趣" on a job."""
    from .notices import SIGNUP_NOTICE_VERSION

    if program.status not in (Program.Status.PLANNED, *OPEN_FOR_ENROLMENT):
        raise ValidationError(_("该培训项目已不再接受报名。"))
    return lead_create(name=name, phone=phone, consent=consent, station=signup_station(program),
                       subject=f"培训报名：{program.title}", subject_key=f"training.program:{program.pk}",
                       notice_version=SIGNUP_NOTICE_VERSION)


# --- providers and programs ----------------------------------------------------------------------------


def _unknown(fields: dict, allowed: tuple) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")


def _snapshot(obj, names) -> dict:
    return {n: getattr(obj, f"{n}_id" if obj._meta.get_field(n).is_relation else n) for n in names}


@transaction.atomic
def provider_create(*, actor, station, **fields) -> Provider:
    """Register a training provider managed by `station`."""
    _unknown(fields, PROVIDER_FIELDS)
    if actor is not None:
        require_visible(actor, station=station)
    provider = Provider(station=station, **fields)
    provider.full_clean()
    provider.save()
    audit_record(actor=actor, action=events.PROVIDER_CREATE, obj=provider, summary=f"登记培训机构：{provider.name}")
    return provider


@transaction.atomic
def provider_update(*, actor, provider: Provider, **fields) -> Provider:
    """Edit a provider."""
    _unknown(fields, PROVIDER_FIELDS)
    provider = Provider.objects.select_for_update().select_related("station__street").get(pk=provider.pk)
    if actor is not None:
        require_visible(actor, station=provider.station)
    before = _snapshot(provider, fields)
    for key, value in fields.items():
        setattr(provider, key, value)
    provider.full_clean()
    provider.save()
    if "name" in fields:  # the provider's name is part of its programs' search text
        for program in Program.objects.filter(provider=provider).select_related("occupation", "provider"):
            Program.objects.filter(pk=program.pk).update(search_text=_search_text(program))
    audit_record(actor=actor, action=events.PROVIDER_UPDATE, obj=provider, summary="修改培训机构",
                 changes=diff(before, _snapshot(provider, fields)))
    return provider


def _check_provider(actor, provider: Provider | None) -> None:
    if provider is not None and actor is not None:
        require_visible(actor, station=provider.station, message=_("只能为本站点（区级管理员：本区）管理的培训机构登记项目。"))


def _search_text(program: Program) -> str:
    occupation = program.occupation.name if program.occupation_id else ""
    provider = program.provider.name if program.provider_id else ""
    return normalize(f"{program.title} {occupation} {provider}")


@transaction.atomic
def program_create(*, actor, station, **fields) -> Program:
    """Create a training program managed by `station`."""
    _unknown(fields, PROGRAM_FIELDS)
    if actor is not None:
        require_visible(actor, station=station)
    _check_provider(actor, fields.get("provider"))
    program = Program(station=station, **fields)
    program.full_clean()
    program.search_text = _search_text(program)
    program.save()
    audit_record(actor=actor, action=events.PROGRAM_CREATE, obj=program, summary=f"新建培训项目：{program.title}")
    return program


def programs_create_imported(*, actor, programs: list[Program], job: ProgramImportJob) -> list[Program]:
    """The good rows of a program import (validated by training.imports), written at once, each audited."""
    for program in programs:
        program.search_text = _search_text(program)
    created = Program.objects.bulk_create(programs, batch_size=500)
    for program in created:
        audit_record(actor=actor, action=events.PROGRAM_CREATE, obj=program,
                     summary=f"导入培训项目：{program.title}（导入批次 {job.pk}）")
    return created


PROGRAMS_IMPORT = "programs"  # the name training.imports registers its importer under


def _programs_import():
    """training.imports' importer, found through core's registry (the importer writes through this module)."""
    return importer_named(PROGRAMS_IMPORT)


def program_import_start(*, actor, provider: Provider, file_name: str, content: bytes,
                         mode: str) -> ProgramImportJob:
    """Store a provider's program list (encrypted) and queue its import; the worker parses it."""
    if actor is not None:
        require_visible(actor, station=provider.station,
                        message=_("只能为本站点（区级管理员：本区）管理的培训机构导入培训项目。"))
    return _programs_import().start(actor=actor, provider=provider, station=provider.station, file_name=file_name,
                          content=content, mode=mode, audit_action=events.PROGRAM_IMPORT_START)


def program_import_retry(*, actor, job: ProgramImportJob) -> ProgramImportJob:
    return _programs_import().retry(actor=actor, job=job, audit_action=events.PROGRAM_IMPORT_RETRY,
                          message=_("该导入不能重试：只有因系统原因失败、且上传文件仍保留的导入可以重试，请重新上传。"))


@transaction.atomic
def program_update(*, actor, program: Program, **fields) -> Program:
    """Edit a program; its capacity can never go below the seats already taken. Setting the status to
    cancelled cancels it as `program_cancel` does; a cancelled program is never reopened."""
    _unknown(fields, PROGRAM_FIELDS)
    program = Program.objects.select_for_update().select_related("station__street").get(pk=program.pk)
    if actor is not None:
        require_visible(actor, station=program.station)
    cancelling = fields.get("status") == Program.Status.CANCELLED and program.status != Program.Status.CANCELLED
    if program.status == Program.Status.CANCELLED and fields.get("status", program.status) != Program.Status.CANCELLED:
        raise ValidationError({"status": _("该培训项目已取消，不能恢复；如需再办，请新建培训项目。")})
    if cancelling:
        _check_cancellable(program)
    if "provider" in fields and fields["provider"].pk != program.provider_id:
        _check_provider(actor, fields["provider"])
    before = _snapshot(program, fields)
    for key, value in fields.items():
        setattr(program, key, value)
    program.full_clean()
    program.search_text = _search_text(program)
    program.save()
    audit_record(actor=actor, action=events.PROGRAM_UPDATE, obj=program, summary="修改培训项目",
                 changes=diff(before, _snapshot(program, fields)))
    if cancelling:
        _cancel_cascade(actor, program, previous=before.get("status", ""))
    return program


# --- cancelling a program ------------------------------------------------------------------------

CANCEL_REASON = "培训项目取消"  # the dropped referrals' reason, stored as data (the archive page shows it)
ACTIVE_REFERRAL = (Referral.Status.REFERRED, Referral.Status.ENROLLED)


def _cancel_message(program: Program) -> str:
    return (f"【社区就业服务站】很抱歉，您报名或候补的培训「{program.title[:40]}」已取消。"
            f"如需参加其他培训，请联系服务站。")


def _check_cancellable(program: Program) -> None:
    if program.status == Program.Status.CANCELLED:
        raise ValidationError(_("该培训项目已经取消，不能再次取消（已通知的人不会再收到短信）。"), code="cancelled")
    if program.status == Program.Status.FINISHED:
        raise ValidationError(_("该培训项目已结束，不能取消。"), code="finished")


def _cancel_cascade(actor, program: Program, *, previous: str) -> dict:
    """Inside the caller's transaction, with the program row locked and its status already cancelled: close
    every live waitlist entry (never offered again), drop every active referral, free their seats and queue
    one SMS per affected person who has a phone."""
    now = timezone.now()
    people: dict[int, JobseekerArchive] = {}
    entries = list(WaitlistEntry.objects.select_for_update().select_related("archive")
                   .filter(program=program, status__in=WaitlistEntry.LIVE).order_by("id"))
    for entry in entries:
        previous = entry.status
        entry.status, entry.closed_at = WaitlistEntry.Status.WITHDRAWN, now
        entry.save(update_fields=["status", "closed_at", "updated_at"])
        people.setdefault(entry.archive_id, entry.archive)
        audit_record(actor=actor, action=events.WAITLIST_CANCEL, obj=entry.archive,
                     summary=f"培训「{program.title}」取消，候补结束",
                     changes={"program": program.pk, "status": [previous, WaitlistEntry.Status.WITHDRAWN]})
    referrals = list(Referral.objects.select_for_update().select_related("archive")
                     .filter(program=program, status__in=ACTIVE_REFERRAL).order_by("id"))
    for referral in referrals:
        previous = referral.status
        referral.status, referral.drop_reason, referral.dropped_at = Referral.Status.DROPPED, CANCEL_REASON, now
        referral.save(update_fields=["status", "drop_reason", "dropped_at", "updated_at"])
        people.setdefault(referral.archive_id, referral.archive)
        audit_record(actor=actor, action=events.REFERRAL_DROP, obj=referral.archive,
                     summary=f"退出培训「{program.title}」：{CANCEL_REASON}",
                     changes={"program": program.pk, "status": [previous, Referral.Status.DROPPED]})
    # Offers and enrolments held seats; completed and certified people keep theirs.
    held = Referral.objects.filter(program=program, status__in=Referral.HOLDS_SEAT).count()
    Program.objects.filter(pk=program.pk).update(seats_taken=held)
    program.seats_taken = held
    texted = 0
    for archive in people.values():
        if archive.phone_encrypted:
            outbox = SmsOutbox.objects.create(archive=archive, station_id=archive.station_id,
                                              phone_encrypted=archive.phone_encrypted, body=_cancel_message(program))
            enqueue("matching.tasks.send_sms", outbox_id=outbox.pk)
            texted += 1
    audit_record(actor=actor, action=events.PROGRAM_CANCEL, obj=program, summary=f"取消培训项目：{program.title}",
                 changes={"status": [previous, Program.Status.CANCELLED], "waitlist_closed": len(entries),
                          "referrals_dropped": len(referrals), "sms": texted})
    return {"waitlist": len(entries), "referrals": len(referrals), "sms": texted}


@transaction.atomic
def program_cancel(*, actor, program: Program) -> dict:
    """取消培训项目: in one transaction the status becomes cancelled, live waitlist entries are withdrawn,
    active referrals are dropped (reason 培训项目取消) and each affected person with a phone gets one SMS.
    A second cancel is refused, so nobody is texted twice. Returns the counts."""
    # The referral rows first, then the program: the order referral_enrol and referral_drop lock them in.
    list(Referral.objects.select_for_update().filter(program_id=program.pk, status__in=ACTIVE_REFERRAL)
         .values_list("pk", flat=True))
    locked = Program.objects.select_for_update().select_related("station__street").get(pk=program.pk)
    if actor is not None:
        require_visible(actor, station=locked.station)
    _check_cancellable(locked)
    previous = locked.status
    locked.status = Program.Status.CANCELLED
    locked.save(update_fields=["status", "updated_at"])
    return _cancel_cascade(actor, locked, previous=previous)


# --- referrals -----------------------------------------------------------------------------------


def _lock_program(program_id: int) -> Program:
    return Program.objects.select_for_update().get(pk=program_id)


def _lock_referral(referral: Referral) -> Referral:
    locked = Referral.objects.select_for_update().select_related("archive__station__street", "program").get(pk=referral.pk)
    return locked


def _take_seat(program: Program) -> None:
    """Take one seat of a locked program, or refuse."""
    if program.seats_taken >= program.capacity:
        raise ValidationError(gettext(FULL_MESSAGE), code="full")
    Program.objects.filter(pk=program.pk).update(seats_taken=F("seats_taken") + 1)  # the CheckConstraint guards it
    program.seats_taken += 1


def _free_seat(program: Program) -> None:
    Program.objects.filter(pk=program.pk, seats_taken__gt=0).update(seats_taken=F("seats_taken") - 1)
    program.seats_taken = max(0, program.seats_taken - 1)


@transaction.atomic
def referral_create(*, actor, archive: JobseekerArchive, program: Program, note: str = "") -> Referral:
    """Refer an open archive to a program (one active referral per archive × program)."""
    archive = JobseekerArchive.objects.select_related("station__street").get(pk=archive.pk)
    if actor is not None:
        require_visible(actor, station=archive.station, message=_("只能推荐本站点（区级管理员：本区）的求职者。"))
    if not archive.is_open:
        raise ValidationError({"archive": _("该档案已关闭，不能推荐培训。")})
    if program.status not in (Program.Status.PLANNED, *OPEN_FOR_ENROLMENT):
        raise ValidationError({"program": _("该培训项目%(status)s，不能推荐。") % {"status": program.get_status_display()}})
    referral = Referral(archive=archive, program=program, note=(note or "")[:200], referred_by=actor)
    referral.full_clean(validate_constraints=False)
    try:
        with transaction.atomic():
            referral.save()
    except IntegrityError:
        raise ValidationError(_("该求职者已被推荐到这个培训项目。")) from None
    audit_record(actor=actor, action=events.REFERRAL_CREATE, obj=archive,
                 summary=f"推荐参加培训「{program.title}」", changes={"program": program.pk})
    return referral


def _transition(actor, referral: Referral, allowed: tuple, target) -> Referral:
    locked = _lock_referral(referral)
    if actor is not None:
        require_visible(actor, station=locked.archive.station)
    if locked.status not in allowed:
        raise ValidationError(format_lazy(_("该推荐当前为“{}”，不能改为“{}”。"), locked.get_status_display(),
                                          Referral.Status(target).label), code="state")
    return locked


@transaction.atomic
def referral_enrol(*, actor, referral: Referral) -> Referral:
    """报名: takes a seat under the program's row lock; a full program is refused (join the waitlist)."""
    locked = _transition(actor, referral, (Referral.Status.REFERRED,), Referral.Status.ENROLLED)
    program = _lock_program(locked.program_id)
    if program.status not in OPEN_FOR_ENROLMENT:
        raise ValidationError(_("该培训项目%(status)s，不能报名。") % {"status": program.get_status_display()})
    _take_seat(program)
    locked.status, locked.enrolled_at = Referral.Status.ENROLLED, timezone.now()
    locked.save(update_fields=["status", "enrolled_at", "updated_at"])
    audit_record(actor=actor, action=events.REFERRAL_ENROL, obj=locked.archive,
                 summary=f"报名培训「{program.title}」", changes={"program": program.pk})
    return locked


@transaction.atomic
def referral_complete(*, actor, referral: Referral, completed_on: dt.date | None = None) -> Referral:
    """结业."""
    locked = _transition(actor, referral, (Referral.Status.ENROLLED,), Referral.Status.COMPLETED)
    completed_on = completed_on or timezone.localdate()
    if completed_on > timezone.localdate():
        raise ValidationError({"completed_on": _("结业日期不能晚于今天。")})
    locked.status, locked.completed_on = Referral.Status.COMPLETED, completed_on
    locked.save(update_fields=["status", "completed_on", "updated_at"])
    audit_record(actor=actor, action=events.REFERRAL_COMPLETE, obj=locked.archive,
                 summary=f"培训「{locked.program.title}」结业（{completed_on}）", changes={"program": locked.program_id})
    return locked


@transaction.atomic
def referral_certify(*, actor, referral: Referral, name: str = "", number: str = "", issuer: str = "",
                     issued_on: dt.date | None = None, level: str | None = None) -> Certificate:
    """取证: records the certificate on the archive (jobseekers' row; occupation and level from the program
    unless given) and links it to the referral."""
    locked = _transition(actor, referral, (Referral.Status.COMPLETED,), Referral.Status.CERTIFIED)
    program = Program.objects.select_related("occupation", "provider").get(pk=locked.program_id)
    with in_chinese():  # the default name is stored data: Chinese, whatever language the actor reads
        default_name = f"{program.occupation.name}（{program.get_skill_level_display()}）"
    certificate = certificate_create(
        actor=actor, archive=locked.archive, name=(name or "").strip() or default_name,
        occupation_code=program.occupation.code,
        level=level if level is not None else program.skill_level, number=(number or "").strip(),
        issuer=(issuer or "").strip() or program.provider.name, issued_on=issued_on or timezone.localdate())
    locked.status, locked.certified_on, locked.certificate = (Referral.Status.CERTIFIED, certificate.issued_on,
                                                              certificate)
    locked.save(update_fields=["status", "certified_on", "certificate", "updated_at"])
    audit_record(actor=actor, action=events.REFERRAL_CERTIFY, obj=locked.archive,
                 summary=f"培训「{program.title}」取证：{certificate.name}", changes={"program": program.pk})
    return certificate


@transaction.atomic
def referral_drop(*, actor, referral: Referral, reason: str) -> Referral:
    """退出, at any point before certification, with a reason; an enrolled seat is freed for the waitlist."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写退出原因。")})
    locked = _transition(actor, referral, (Referral.Status.REFERRED, Referral.Status.ENROLLED, Referral.Status.COMPLETED),
                         Referral.Status.DROPPED)
    if locked.status == Referral.Status.ENROLLED:
        _free_seat(_lock_program(locked.program_id))
        enqueue("training.tasks.offer_freed_places", program_id=locked.program_id)
    previous = locked.status
    locked.status, locked.drop_reason, locked.dropped_at = Referral.Status.DROPPED, reason[:200], timezone.now()
    locked.save(update_fields=["status", "drop_reason", "dropped_at", "updated_at"])
    audit_record(actor=actor, action=events.REFERRAL_DROP, obj=locked.archive,
                 summary=f"退出培训「{locked.program.title}」：{reason[:100]}",
                 changes={"program": locked.program_id, "status": [previous, Referral.Status.DROPPED]})
    return locked


# --- waitlist ------------------------------------------------------------------------------------


def _withdrew(archive_id: int, program_id: int) -> bool:
    """Whether this person ever left this program (withdrew, declined or let an offer lapse, or dropped out)."""
    return (WaitlistEntry.objects.filter(archive_id=archive_id, program_id=program_id).exclude(
        status__in=[*WaitlistEntry.LIVE, WaitlistEntry.Status.ACCEPTED]).exists()
        or Referral.objects.filter(archive_id=archive_id, program_id=program_id, status=Referral.Status.DROPPED).exists())


@transaction.atomic
def waitlist_join(*, actor, archive: JobseekerArchive, program: Program) -> WaitlistEntry:
    """Put an open archive on a full program's waitlist (never someone who left this program before)."""
    archive = JobseekerArchive.objects.select_related("station__street").get(pk=archive.pk)
    if actor is not None:
        require_visible(actor, station=archive.station, message=_("只能为本站点（区级管理员：本区）的求职者登记候补。"))
    if not archive.is_open:
        raise ValidationError({"archive": _("该档案已关闭，不能登记候补。")})
    program = _lock_program(program.pk)
    if program.status not in (Program.Status.PLANNED, *OPEN_FOR_ENROLMENT):
        raise ValidationError({"program": _("该培训项目%(status)s，不能登记候补。") % {"status": program.get_status_display()}})
    if Referral.objects.filter(archive=archive, program=program, status__in=Referral.HOLDS_SEAT).exists():
        raise ValidationError(_("该求职者已报名这个培训项目。"))
    if _withdrew(archive.pk, program.pk):
        raise ValidationError(_("该求职者曾退出这个培训项目，不再登记候补。"))
    entry = WaitlistEntry(archive=archive, program=program, added_by=actor)
    try:
        with transaction.atomic():
            entry.save()
    except IntegrityError:
        raise ValidationError(_("该求职者已在这个项目的候补名单中。")) from None
    audit_record(actor=actor, action=events.WAITLIST_JOIN, obj=archive, summary=f"登记培训候补「{program.title}」",
                 changes={"program": program.pk})
    return entry


def _offer_message(program: Program, expires_at) -> str:
    local = timezone.localtime(expires_at)
    return (f"【社区就业服务站】您候补的培训「{program.title[:40]}」有名额了，请于{local:%m月%d日%H:%M}前"
            f"联系服务站确认，逾期视为放弃。")


def waitlist_offer_next(*, program_id: int, now=None) -> list[WaitlistEntry]:
    """Offer every free seat of a program to the next waiting people, each by SMS (in one transaction)."""
    now = now or timezone.now()
    offered = []
    with transaction.atomic():
        program = _lock_program(program_id)
        if program.status not in OPEN_FOR_ENROLMENT:
            return []
        while program.seats_taken < program.capacity:
            entry = (WaitlistEntry.objects.select_for_update(skip_locked=True).select_related("archive")
                     .filter(program=program, status=WaitlistEntry.Status.WAITING, archive__is_open=True)
                     .order_by("created_at", "id").first())
            if entry is None:
                break
            _take_seat(program)
            entry.status, entry.offered_at = WaitlistEntry.Status.OFFERED, now
            entry.offer_expires_at = now + dt.timedelta(hours=OFFER_HOURS)
            entry.save(update_fields=["status", "offered_at", "offer_expires_at", "updated_at"])
            if entry.archive.phone_encrypted:
                outbox = SmsOutbox.objects.create(archive=entry.archive, phone_encrypted=entry.archive.phone_encrypted,
                                                  body=_offer_message(program, entry.offer_expires_at))
                enqueue("matching.tasks.send_sms", outbox_id=outbox.pk)
            audit_record(actor=None, action=events.WAITLIST_OFFER, obj=entry.archive,
                         summary=f"培训「{program.title}」候补递补通知（确认截止 "
                                 f"{timezone.localtime(entry.offer_expires_at):%Y-%m-%d %H:%M}）",
                         changes={"program": program.pk})
            offered.append(entry)
    return offered


def _close_offer(entry: WaitlistEntry, status: str, now) -> None:
    _free_seat(_lock_program(entry.program_id))
    entry.status, entry.closed_at = status, now
    entry.save(update_fields=["status", "closed_at", "updated_at"])


def waitlist_expire_offers(*, now=None) -> int:
    """Expire every lapsed offer (its seat is freed); returns how many."""
    now = now or timezone.now()
    count = 0
    ids = list(WaitlistEntry.objects.filter(status=WaitlistEntry.Status.OFFERED, offer_expires_at__lte=now)
               .values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            entry = (WaitlistEntry.objects.select_for_update(skip_locked=True).select_related("archive", "program")
                     .filter(pk=pk, status=WaitlistEntry.Status.OFFERED).first())
            if entry is None:
                continue
            _close_offer(entry, WaitlistEntry.Status.EXPIRED, now)
            audit_record(actor=None, action=events.WAITLIST_EXPIRE, obj=entry.archive,
                         summary=f"培训「{entry.program.title}」候补递补逾期未确认", changes={"program": entry.program_id})
            count += 1
    return count


def waitlist_run(*, now=None) -> dict:
    """The periodic task: expire lapsed offers, then offer every free seat to the next waiting person."""
    now = now or timezone.now()
    expired = waitlist_expire_offers(now=now)
    program_ids = (Program.objects.filter(status__in=OPEN_FOR_ENROLMENT, seats_taken__lt=F("capacity"),
                                          waitlist__status=WaitlistEntry.Status.WAITING)
                   .values_list("pk", flat=True).distinct())
    offered = sum(len(waitlist_offer_next(program_id=pk, now=now)) for pk in list(program_ids))
    return {"expired": expired, "offered": offered}


def _lock_entry(actor, entry: WaitlistEntry) -> WaitlistEntry:
    locked = (WaitlistEntry.objects.select_for_update().select_related("archive__station__street", "program")
              .get(pk=entry.pk))
    if actor is not None:
        require_visible(actor, station=locked.archive.station)
    return locked


@transaction.atomic
def waitlist_accept(*, actor, entry: WaitlistEntry, now=None) -> Referral:
    """The person takes the offered seat: it passes to an enrolment (the seat count does not change)."""
    now = now or timezone.now()
    locked = _lock_entry(actor, entry)
    if locked.status != WaitlistEntry.Status.OFFERED:
        raise ValidationError(format_lazy(_("该候补当前为“{}”，没有待确认的名额。"), locked.get_status_display()))
    if locked.offer_expires_at <= now:
        raise ValidationError(_("递补名额的确认时间已过。"))
    _lock_program(locked.program_id)
    referral = Referral.objects.select_for_update().filter(
        archive=locked.archive, program=locked.program).exclude(status=Referral.Status.DROPPED).first()
    if referral is None:
        referral = Referral(archive=locked.archive, program=locked.program, referred_by=actor, note="候补递补")
    elif referral.status != Referral.Status.REFERRED:
        raise ValidationError(_("该求职者已报名这个培训项目。"))
    referral.status, referral.enrolled_at = Referral.Status.ENROLLED, now
    referral.save()
    locked.status, locked.closed_at = WaitlistEntry.Status.ACCEPTED, now
    locked.save(update_fields=["status", "closed_at", "updated_at"])
    audit_record(actor=actor, action=events.WAITLIST_ACCEPT, obj=locked.archive,
                 summary=f"接受培训「{locked.program.title}」候补递补，已报名", changes={"program": locked.program_id})
    return referral


@transaction.atomic
def waitlist_leave(*, actor, entry: WaitlistEntry, now=None) -> WaitlistEntry:
    """Decline an offer, or withdraw while waiting: the person is never offered this program again."""
    now = now or timezone.now()
    locked = _lock_entry(actor, entry)
    if locked.status == WaitlistEntry.Status.OFFERED:
        _close_offer(locked, WaitlistEntry.Status.DECLINED, now)
        enqueue("training.tasks.offer_freed_places", program_id=locked.program_id)
        action, text = events.WAITLIST_DECLINE, "放弃"
    elif locked.status == WaitlistEntry.Status.WAITING:
        locked.status, locked.closed_at = WaitlistEntry.Status.WITHDRAWN, now
        locked.save(update_fields=["status", "closed_at", "updated_at"])
        action, text = events.WAITLIST_WITHDRAW, "退出"
    else:
        raise ValidationError(format_lazy(_("该候补已结束（{}）。"), locked.get_status_display()))
    audit_record(actor=actor, action=action, obj=locked.archive, summary=f"{text}培训「{locked.program.title}」候补",
                 changes={"program": locked.program_id})
    return locked
