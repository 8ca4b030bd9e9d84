"""Writes for employers, postings and leads. Every state change records an audit event."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core.audit import audit_record, diff
from core.choices import MONTHLY_FACTOR
from core.crypto import decrypt, encrypt, keyed_hash
from core.masking import mask_phone
from core.scoping import require_visible, scope_of
from core.validators import normalize_phone, validate_mobile, validate_phone
from core.versioning import check_version
from stations.models import Station, StationMembership
from stations.selectors import station_nearest, street_point

from . import events
from .models import Employer, JobPosting, Lead
from .notices import LEAD_CONSENT_REQUIRED, LEAD_NOTICE_VERSION
from .search import build_search_text, posting_grams
from .selectors import search_changed

Status = JobPosting.Status

EMPLOYER_FIELDS = ("name", "kind", "credit_code", "contact_name", "contact_phone", "street", "address", "lat", "lng",
                   "verified")
POSTING_FIELDS = ("title", "occupation", "description", "requirements", "salary_min", "salary_max", "salary_unit",
                  "headcount", "hours_type", "street", "address", "lat", "lng", "benefits", "is_public_service",
                  "friendly_to", "expires_on", "public_service_quota", "public_service_term_start",
                  "public_service_term_end", "contact_name", "contact_phone")


def _check_station(actor, station: Station) -> None:
    """Staff act only for their own stations; district admins inside their district; city admins anywhere."""
    require_visible(actor, station=station, message=_("只能为本站点筹集的用人单位和岗位进行操作。"))


def _snapshot(obj, fields) -> dict:
    return {f: getattr(obj, f"{f}_id" if f in {"street", "occupation"} else f) for f in fields}


def _clean_phone(value: str, field: str) -> str:
    value = normalize_phone(value)
    if value:
        try:
            validate_phone(value)
        except ValidationError as exc:
            raise ValidationError({field: exc.messages}) from None
    return value


# Employers -------------------------------------------------------------------------------------------

@transaction.atomic
def employer_create(*, actor, station: Station, **fields) -> Employer:
    """Register an employer collected by `station`."""
    if actor is not None:
        _check_station(actor, station)
    employer = Employer(station=station, **{k: v for k, v in fields.items() if k in EMPLOYER_FIELDS})
    employer.contact_phone = _clean_phone(employer.contact_phone, "contact_phone")
    employer.full_clean()
    employer.save()
    audit_record(actor=actor, action=events.EMPLOYER_CREATE, obj=employer, summary=f"登记用人单位 {employer.name}")
    return employer


@transaction.atomic
def employer_update(*, actor, employer: Employer, expected_version: int | None = None, **fields) -> Employer:
    """Change an employer; its postings' search text follows a new name."""
    # Forms and serializers have already written the new values onto the instance they hold: read the
    # stored row (locked) so the audit trail and the rename check see what really changes.
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    _check_station(actor, employer.station)
    check_version(employer, expected_version)
    before = _snapshot(employer, EMPLOYER_FIELDS)
    for key, value in fields.items():
        if key in EMPLOYER_FIELDS:
            setattr(employer, key, value)
    employer.contact_phone = _clean_phone(employer.contact_phone, "contact_phone")
    employer.full_clean()
    employer.save()
    changes = diff(before, _snapshot(employer, EMPLOYER_FIELDS))
    changes.pop("contact_phone", None)
    if "name" in changes:
        transaction.on_commit(search_changed)
        for posting in employer.postings.all():
            _refresh_derived(posting, employer=employer)
            posting.save(update_fields=["search_text", "search_grams", "updated_at"])
    audit_record(actor=actor, action=events.EMPLOYER_UPDATE, obj=employer, summary=f"修改用人单位 {employer.name}",
                 changes=changes)
    return employer


# Postings --------------------------------------------------------------------------------------------

def _refresh_derived(posting: JobPosting, *, employer: Employer | None = None) -> None:
    """Columns the search reads: district, monthly pay and the search text with its grams."""
    employer = employer or posting.employer
    posting.district_id = posting.street.district_id if posting.street_id else None
    factor = MONTHLY_FACTOR.get(posting.salary_unit, 1.0)
    posting.salary_month_min = round((posting.salary_min or 0) * factor)
    posting.salary_month_max = round((posting.salary_max or posting.salary_min or 0) * factor)
    posting.search_text = build_search_text(title=posting.title, employer_name=employer.name,
                                            description=posting.description)
    posting.search_grams = posting_grams(title=posting.title, search_text=posting.search_text)


def _fill_location(posting: JobPosting) -> None:
    """A posting without coordinates is placed at its employer's, else its street's representative point."""
    if posting.lat is None and posting.employer.lat is not None:
        posting.lat, posting.lng = posting.employer.lat, posting.employer.lng
        posting.street_id = posting.street_id or posting.employer.street_id
    if posting.lat is None and posting.street_id:
        point = street_point(posting.street)
        if point:
            posting.lat, posting.lng = point


@transaction.atomic
def posting_create(*, actor, employer: Employer, source: str = JobPosting.Source.STAFF, **fields) -> JobPosting:
    """A draft posting for an employer of the actor's station."""
    if actor is not None:
        _check_station(actor, employer.station)
    posting = JobPosting(employer=employer, station=employer.station, source=source, status=Status.DRAFT,
                         created_by=actor, **{k: v for k, v in fields.items() if k in POSTING_FIELDS})
    posting.contact_phone = _clean_phone(posting.contact_phone, "contact_phone")
    _fill_location(posting)
    posting.full_clean()
    _refresh_derived(posting, employer=employer)
    posting.save()
    audit_record(actor=actor, action=events.POSTING_CREATE, obj=posting, summary=f"新建岗位 {posting.title}")
    return posting


@transaction.atomic
def posting_update(*, actor, posting: JobPosting, expected_version: int | None = None, **fields) -> JobPosting:
    """Edit a posting that is not closed (filled/expired/withdrawn)."""
    posting = JobPosting.objects.select_for_update().select_related("employer").get(pk=posting.pk)
    _check_station(actor, posting.station)
    if posting.status in {Status.FILLED, Status.EXPIRED, Status.WITHDRAWN}:
        raise ValidationError(f"岗位{posting.get_status_display()}，不能再修改。")
    check_version(posting, expected_version)
    before = _snapshot(posting, POSTING_FIELDS)
    for key, value in fields.items():
        if key in POSTING_FIELDS:
            setattr(posting, key, value)
    posting.contact_phone = _clean_phone(posting.contact_phone, "contact_phone")
    _fill_location(posting)
    posting.full_clean()
    _refresh_derived(posting)
    posting.save()
    changes = diff(before, _snapshot(posting, POSTING_FIELDS))
    changes.pop("contact_phone", None)
    if posting.status == Status.PUBLISHED:
        transaction.on_commit(search_changed)
    audit_record(actor=actor, action=events.POSTING_UPDATE, obj=posting, summary=f"修改岗位 {posting.title}",
                 changes=changes)
    return posting


def _transition(*, actor, posting: JobPosting, allowed_from: set, to: str, action: str, note: str = "",
                check_scope: bool = True, extra: dict | None = None) -> JobPosting:
    posting = JobPosting.objects.select_for_update().get(pk=posting.pk)
    if check_scope:
        _check_station(actor, posting.station)
    if posting.status not in allowed_from:
        raise ValidationError(f"岗位当前为“{posting.get_status_display()}”，不能执行此操作。")
    old = posting.status
    posting.status = to
    posting.status_note = note[:200]
    for key, value in (extra or {}).items():
        setattr(posting, key, value)
    if to == Status.PUBLISHED:
        posting.full_clean()
    posting.save(update_fields=["status", "status_note", "published_at", "updated_at"])
    if Status.PUBLISHED in {old, to}:
        transaction.on_commit(search_changed)
    audit_record(actor=actor, action=action, obj=posting, summary=format_lazy("{} → {}", Status(old).label,
                                                                              Status(to).label),
                 changes={"status": [old, to], **({"note": ["", note]} if note else {})})
    return posting


@transaction.atomic
def posting_submit(*, actor, posting: JobPosting) -> JobPosting:
    """draft → pending review."""
    return _transition(actor=actor, posting=posting, allowed_from={Status.DRAFT}, to=Status.PENDING,
                       action=events.POSTING_SUBMIT)


OWN_POSTING_REVIEW = "岗位须由另一人审核：起草人不能审核发布自己起草的岗位，请交本站站长或区级管理员审核。"
REVIEWER_ROLE_REQUIRED = "岗位须由本站站长或区级管理员审核发布；您可以先提交审核。"


def posting_review_refusal(*, actor, posting: JobPosting) -> str:
    """Why `actor` may not approve `posting` ("" if they may): review is a second person, the station's head
    (站长) or a district/city admin, never whoever drafted it. Station scope is checked by the transition."""
    if actor is None:
        return REVIEWER_ROLE_REQUIRED
    if posting.created_by_id is not None and posting.created_by_id == actor.pk:
        return OWN_POSTING_REVIEW
    if scope_of(actor).is_admin:
        return ""
    if StationMembership.objects.filter(user=actor, station_id=posting.station_id, is_active=True,
                                        role=StationMembership.StaffRole.HEAD).exists():
        return ""
    return REVIEWER_ROLE_REQUIRED


@transaction.atomic
def posting_publish(*, actor, posting: JobPosting, today: dt.date | None = None) -> JobPosting:
    """draft / pending review → published (now), by a reviewer other than the author (see
    `posting_review_refusal`); an expiry date in the past is refused."""
    now = timezone.now()
    today = today or timezone.localdate()
    fresh = JobPosting.objects.only("expires_on", "created_by_id", "station_id", "is_public_service",
                                    "public_service_term_end").get(pk=posting.pk)
    _check_station(actor, Station.objects.select_related("street").get(pk=fresh.station_id))
    refusal = posting_review_refusal(actor=actor, posting=fresh)
    if refusal:
        raise ValidationError(refusal, code="review")
    if fresh.expires_on and fresh.expires_on < today:
        raise ValidationError({"expires_on": _("截止日期早于今天（发布日期），请先修改截止日期。")})
    if fresh.public_service_term_ended(today):
        raise ValidationError({"public_service_term_end": f"公益性岗位期限已于 {fresh.public_service_term_end} 结束，"
                                                          "不能发布；如已续期，请先修改期限。"})
    return _transition(actor=actor, posting=posting, allowed_from={Status.DRAFT, Status.PENDING},
                       to=Status.PUBLISHED, action=events.POSTING_PUBLISH, extra={"published_at": now})


@transaction.atomic
def posting_reject(*, actor, posting: JobPosting, reason: str) -> JobPosting:
    """pending review → draft, with the reason (employer submissions that need correction)."""
    if not (reason or "").strip():
        raise ValidationError({"reason": _("请填写退回原因。")})
    return _transition(actor=actor, posting=posting, allowed_from={Status.PENDING}, to=Status.DRAFT,
                       action=events.POSTING_REJECT, note=reason.strip())


@transaction.atomic
def posting_withdraw(*, actor, posting: JobPosting, reason: str = "") -> JobPosting:
    """draft / pending / published → withdrawn."""
    return _transition(actor=actor, posting=posting, allowed_from={Status.DRAFT, Status.PENDING, Status.PUBLISHED},
                       to=Status.WITHDRAWN, action=events.POSTING_WITHDRAW, note=reason or "")


@transaction.atomic
def posting_fill(*, actor, posting: JobPosting) -> JobPosting:
    """published → filled (招满)."""
    return _transition(actor=actor, posting=posting, allowed_from={Status.PUBLISHED}, to=Status.FILLED,
                       action=events.POSTING_FILL)


@transaction.atomic
def posting_expire(*, actor, posting: JobPosting) -> JobPosting:
    """published → expired (system when past its date; staff may do it early)."""
    return _transition(actor=actor, posting=posting, allowed_from={Status.PUBLISHED}, to=Status.EXPIRED,
                       action=events.POSTING_EXPIRE, check_scope=actor is not None)


def postings_expire_due(*, today: dt.date | None = None) -> int:
    """Expire every published posting whose expiry date has passed, or (公益性岗位) whose term has ended.
    Idempotent: a second run finds none."""
    today = today or timezone.localdate()
    count = 0
    term_ended = Q(is_public_service=True, public_service_term_end__lt=today)
    ids = list(JobPosting.objects.published().filter(Q(expires_on__lt=today) | term_ended)
               .values_list("pk", flat=True))
    for pk in ids:
        with transaction.atomic():
            posting = JobPosting.objects.select_for_update().get(pk=pk)
            if posting.status != Status.PUBLISHED:
                continue
            note = (f"截止日期 {posting.expires_on} 已过" if posting.expires_on and posting.expires_on < today
                    else f"公益性岗位期限已于 {posting.public_service_term_end} 结束")
            _transition(actor=None, posting=posting, allowed_from={Status.PUBLISHED}, to=Status.EXPIRED,
                        action=events.POSTING_EXPIRE, note=note, check_scope=False)
            count += 1
    return count


@transaction.atomic
def posting_submit_public(*, employer_name: str, employer_kind: str, credit_code: str, contact_name: str,
                          contact_phone: str, **fields) -> JobPosting:
    """An employer proposes a posting on the public form: pending review at the station nearest the workplace."""
    phone = normalize_phone(contact_phone)
    try:
        validate_phone(phone)
    except ValidationError as exc:
        raise ValidationError({"contact_phone": exc.messages}) from None
    lat, lng = fields.get("lat"), fields.get("lng")
    street = fields.get("street")
    if lat is None and street is not None:
        lat, lng = street_point(street) or (None, None)
    station = station_nearest(lat=lat, lng=lng) if lat is not None else None
    if station is None:
        raise ValidationError({"street": _("无法确定工作地点附近的服务站，请选择工作地点所在街镇。")})
    code = (credit_code or "").strip().upper() or None
    employer = Employer.objects.filter(credit_code=code).first() if code else None
    if employer is None:
        employer = employer_create(actor=None, station=station, name=employer_name, kind=employer_kind,
                                   credit_code=code, contact_name=contact_name, contact_phone=phone,
                                   street=street, address=fields.get("address", ""), lat=fields.get("lat"),
                                   lng=fields.get("lng"))
    posting = JobPosting(employer=employer, station=station, source=JobPosting.Source.EMPLOYER, status=Status.PENDING,
                         contact_name=contact_name, contact_phone=phone,
                         **{k: v for k, v in fields.items() if k in POSTING_FIELDS and k not in {"contact_name",
                                                                                              "contact_phone"}})
    _fill_location(posting)
    posting.full_clean()
    _refresh_derived(posting, employer=employer)
    posting.save()
    audit_record(actor=None, action=events.POSTING_SUBMIT_PUBLIC, obj=posting,
                 summary=f"单位在线提交岗位 {posting.title}，待 {station.name} 审核")
    return posting


# Leads -----------------------------------------------------------------------------------------------

def lead_station_for(posting: JobPosting) -> Station:
    """The operating station nearest the workplace, else the posting's own station."""
    if posting.lat is not None:
        nearest = station_nearest(lat=posting.lat, lng=posting.lng)
        if nearest is not None:
            return nearest
    return posting.station


@transaction.atomic
def lead_create(*, posting: JobPosting | None = None, name: str, phone: str, consent: bool,
                station: Station | None = None, subject: str = "", subject_key: str = "",
                notice_version: str = LEAD_NOTICE_VERSION) -> Lead:
    """A resident's interest in a published posting becomes a call-back task for the nearest station,
    once they have agreed to the notice (`jobs/notices.py`), whose version is kept with the lead.

    Other apps' public "I am interested" (training's "我想报名") pass no posting but the `station` whose
    worklist gets it, a `subject` staff read, a `subject_key` that makes it once per phone and the version
    of the notice they showed."""
    name = (name or "").strip()
    phone = normalize_phone(phone)
    errors = {}
    if consent is not True:
        errors["consent"] = str(LEAD_CONSENT_REQUIRED)
    if not name:
        errors["name"] = _("请填写姓名。")
    try:
        validate_mobile(phone)
    except ValidationError as exc:
        errors["phone"] = exc.messages
    if posting is not None and posting.status != Status.PUBLISHED:
        errors["__all__"] = _("该岗位已不在招聘中。")
    if posting is None and not (station is not None and subject and subject_key):
        raise TypeError("a lead without a posting needs station, subject and subject_key")
    if errors:
        raise ValidationError(errors)
    phone_hash = keyed_hash(phone, purpose="lead-phone")
    lead = Lead(posting=posting, station=station or lead_station_for(posting), name=name[:50],
                phone_encrypted=encrypt(phone), phone_hash=phone_hash, phone_masked=mask_phone(phone),
                consent_at=timezone.now(), consent_notice=notice_version, subject=subject[:120],
                subject_key=subject_key[:40])
    lead.full_clean()
    try:
        with transaction.atomic():
            lead.save()
    except IntegrityError:
        raise ValidationError(_("您已登记过对该岗位的意向，服务站会尽快联系您。") if posting is not None
                              else _("您已登记过，服务站会尽快联系您。")) from None
    audit_record(actor=None, action=events.LEAD_CREATE, obj=lead,
                 summary=f"居民登记{'岗位' if posting else ''}意向：{lead.title}（{lead.phone_masked}）")
    return lead


@transaction.atomic
def lead_update(*, actor, lead: Lead, status: str, note: str = "") -> Lead:
    """Record a call-back: status and note."""
    _check_station(actor, lead.station)
    if status not in Lead.Status.values:
        raise ValidationError({"status": _("状态无效。")})
    old = lead.status
    lead.status, lead.note, lead.handled_by = status, (note or "")[:200], actor
    lead.save(update_fields=["status", "note", "handled_by", "updated_at"])
    audit_record(actor=actor, action=events.LEAD_UPDATE, obj=lead,
                 summary=format_lazy("跟进岗位意向：{}", Lead.Status(status).label), changes={"status": [old, status]})
    return lead


@transaction.atomic
def lead_reveal_phone(*, actor, lead: Lead) -> str:
    """The full phone number for a call-back, for staff of the lead's station (audited)."""
    _check_station(actor, lead.station)
    audit_record(actor=actor, action=events.LEAD_REVEAL_PHONE, obj=lead, summary=f"查看岗位意向完整手机号（{lead.phone_masked}）")
    return decrypt(lead.phone_encrypted)


@transaction.atomic
def contact_phone_reveal(*, actor, obj: Employer | JobPosting) -> str:
    """An employer's or a posting's full contact phone, for whoever may act on it (audited)."""
    _check_station(actor, obj.station)
    kind = "employer" if isinstance(obj, Employer) else "posting"
    audit_record(actor=actor, action=events.EMPLOYER_REVEAL_PHONE if kind == "employer" else events.POSTING_REVEAL_PHONE, obj=obj,
                 summary=f"查看{'用人单位' if kind == 'employer' else '岗位'}完整联系电话（{obj.contact_phone_masked}）")
    return obj.contact_phone
