"""Writes: archives, their certificates, the status timeline, visits, follow-up tasks, re-survey rules, reveals, exports, imports.

Every function takes an `actor`, runs in one transaction, validates with `full_clean()` and writes an
audit event without unmasked personal data.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from core import versioning
from core.audit import audit_record, diff
from core.masking import mask_id_number
from core.models import Occupation
from core.scoping import require_visible, scope_of
from core.validators import normalize_phone
from stations.models import Station, StationMembership

from . import events
from .hooks import archive_changed
from .identity import IDENTITY_FIELDS, identity_fields, phone_encrypted
from .imports import ARCHIVES
from .models import (
    DEFAULT_RULES,
    SYSTEM_SOURCE_MESSAGE,
    Certificate,
    EmploymentStatus,
    FollowUpTask,
    ImportJob,
    JobseekerArchive,
    ResurveyRule,
    StatusEntry,
    Visit,
)
from .rules import next_survey_date

STALE_MESSAGE = "该档案已被其他人修改（您打开后有新的保存），您的修改未保存。请刷新页面查看最新内容后重新修改。"

# Fields of the archive form/API that are copied onto the model as they are.
ARCHIVE_FIELDS = (
    "name", "hukou", "street", "area", "grid", "address", "lat", "lng", "education", "graduation_year",
    "school", "skills", "work_history", "desired_salary", "desired_hours",
    "max_commute_minutes", "key_groups", "helper", "consent_date", "consent_scope", "is_open", "closed_reason",
)


class StaleVersionError(versioning.StaleVersionError):
    """A save based on an older version of the archive than the one stored."""


def registered_elsewhere_message(station_name: str) -> str:
    return f"该身份证号已在“{station_name}”建档，全市每人只能有一份档案。如需转入本站，请联系该站点。"


def _refuse_if_registered(hash_value: str, *, exclude_pk: int | None = None) -> None:
    existing = (JobseekerArchive.objects.filter(id_number_hash=hash_value).exclude(pk=exclude_pk)
                .select_related("station").only("station__name").first())
    if existing is not None:
        raise ValidationError({"id_number": registered_elsewhere_message(existing.station.name)})


def _check_helper(archive: JobseekerArchive) -> None:
    if archive.helper_id and not StationMembership.objects.filter(
            user_id=archive.helper_id, station_id=archive.station_id, is_active=True).exists():
        raise ValidationError({"helper": _("帮办员须为本站点的在岗工作人员。")})


def _lock(archive: JobseekerArchive | int) -> JobseekerArchive:
    pk = archive if isinstance(archive, int) else archive.pk
    return JobseekerArchive.objects.select_for_update().select_related("station__street").get(pk=pk)


@transaction.atomic
def archive_create(*, actor, station, id_number: str, phone: str = "",
                   desired_occupations: Iterable = (), initial_status: str = EmploymentStatus.UNEMPLOYED,
                   status_since: dt.date | None = None, **fields) -> JobseekerArchive:
    """建档: validate the ID number, refuse a second archive anywhere in the city, record the first status."""
    if actor is not None:
        require_visible(actor, station=station, message=_("只能为本人所在站点建档。"))
    today = timezone.localdate()
    errors: dict = {}
    identity: dict = {}
    try:
        identity = identity_fields(id_number, today=today)
        _refuse_if_registered(identity["id_number_hash"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        encrypted_phone = phone_encrypted(phone)
    except ValidationError as exc:
        errors.update(exc.message_dict)
        encrypted_phone = ""
    unknown = set(fields) - set(ARCHIVE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected archive fields: {sorted(unknown)}")
    archive = JobseekerArchive(station=station, phone_encrypted=encrypted_phone, current_status=initial_status,
                               **identity, **fields)
    try:  # without a valid ID number its derived fields are missing: report the ID number, not them
        archive.full_clean(exclude=[] if identity else IDENTITY_FIELDS, validate_unique=False)
    except ValidationError as exc:
        for key, messages in exc.message_dict.items():
            errors.setdefault(key, messages)
    if initial_status not in EmploymentStatus.values:
        errors["initial_status"] = ["请选择当前就业状态。"]
    status_since = status_since or today
    if status_since > today:
        errors["status_since"] = ["就业状态的起始日期不能晚于今天。"]
    if errors:
        raise ValidationError(errors)
    _check_helper(archive)
    archive.next_survey_due = next_survey_date(archive=archive, surveyed_on=today)
    try:
        with transaction.atomic():
            archive.save()
    except IntegrityError:
        _refuse_if_registered(identity["id_number_hash"])  # lost a race with another registration
        raise
    archive.desired_occupations.set(list(desired_occupations))
    StatusEntry.objects.create(archive=archive, status=initial_status, effective_date=status_since,
                               source=StatusEntry.Source.REGISTRATION, recorded_by=actor)
    audit_record(actor=actor, action=events.JOBSEEKER_CREATE, obj=archive,
                 summary=f"新建档案（身份证号 {mask_id_number(archive.id_number)}）")
    archive_changed(archive.pk)
    return archive


@transaction.atomic
def archive_update(*, actor, archive: JobseekerArchive, expected_version: int, phone: str | None = None,
                   desired_occupations: Iterable | None = None, **fields) -> JobseekerArchive:
    """Edit an archive; refused with StaleVersionError when someone saved it since `expected_version`."""
    locked = _lock(archive)
    if locked.version != expected_version:
        raise StaleVersionError(STALE_MESSAGE, code="stale")
    unknown = set(fields) - set(ARCHIVE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected archive fields: {sorted(unknown)}")
    before = {k: getattr(locked, k + "_id" if k in {"street", "area", "grid", "helper"} else k) for k in fields}
    for key, value in fields.items():
        setattr(locked, key, value)
    changes = diff(before, {k: getattr(locked, k + "_id" if k in {"street", "area", "grid", "helper"} else k)
                            for k in fields})
    if phone is not None:
        new_phone = phone_encrypted(phone)
        if normalize_phone(phone) != locked.phone:
            locked.phone_encrypted = new_phone
            changes["phone"] = ["***", "***"]
    locked.full_clean(validate_unique=False)
    _check_helper(locked)
    if not locked.is_open:
        FollowUpTask.objects.filter(archive=locked, status=FollowUpTask.Status.OPEN).update(
            status=FollowUpTask.Status.CANCELLED, closed_at=timezone.now())
    locked.version += 1
    locked.save()
    if desired_occupations is not None:
        old = set(locked.desired_occupations.values_list("code", flat=True))
        locked.desired_occupations.set(list(desired_occupations))
        new = set(locked.desired_occupations.values_list("code", flat=True))
        if old != new:
            changes["desired_occupations"] = [",".join(sorted(old)), ",".join(sorted(new))]
    audit_record(actor=actor, action=events.JOBSEEKER_UPDATE, obj=locked, summary="修改档案", changes=changes)
    archive_changed(locked.pk)
    return locked


CERTIFICATE_FIELDS = ("name", "occupation_code", "level", "number", "issuer", "issued_on")


def _certificate_clean(certificate: Certificate) -> None:
    for key in ("name", "number", "issuer", "occupation_code", "level"):
        setattr(certificate, key, (getattr(certificate, key) or "").strip())
    certificate.full_clean(exclude=["archive"])
    if certificate.occupation_code and not Occupation.objects.filter(
            code=certificate.occupation_code, level=Occupation.Level.OCCUPATION).exists():
        raise ValidationError({"occupation_code": _("职业代码须为职业分类大典中的细类代码，如 6-31-01-03。")})


@transaction.atomic
def certificate_create(*, actor, archive: JobseekerArchive, name: str, occupation_code: str = "", level: str = "",
                       number: str = "", issuer: str = "", issued_on: dt.date | None = None) -> Certificate:
    """Add a certificate to an archive (staff on the archive page, or training's 取证)."""
    locked = _lock(archive)
    if actor is not None:
        require_visible(actor, station=locked.station)
    certificate = Certificate(archive=locked, name=name, occupation_code=occupation_code, level=level or "",
                              number=number, issuer=issuer, issued_on=issued_on)
    _certificate_clean(certificate)
    certificate.save()
    audit_record(actor=actor, action=events.JOBSEEKER_CERTIFICATE_ADD, obj=locked,
                 summary=format_lazy("添加证书：{}", certificate.label))
    archive_changed(locked.pk)
    return certificate


@transaction.atomic
def certificate_update(*, actor, certificate: Certificate, **fields) -> Certificate:
    """Correct a certificate's name, occupation, level, number, issuer or date."""
    unknown = set(fields) - set(CERTIFICATE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected certificate fields: {sorted(unknown)}")
    locked_archive = _lock(certificate.archive_id)
    if actor is not None:
        require_visible(actor, station=locked_archive.station)
    locked = Certificate.objects.get(pk=certificate.pk, archive=locked_archive)
    before = {k: getattr(locked, k) for k in fields}
    for key, value in fields.items():
        setattr(locked, key, value if value is not None or key == "issued_on" else "")
    _certificate_clean(locked)
    changes = diff(before, {k: getattr(locked, k) for k in fields})
    locked.save()
    audit_record(actor=actor, action=events.JOBSEEKER_CERTIFICATE_UPDATE, obj=locked_archive,
                 summary=format_lazy("修改证书：{}", locked.label), changes=changes)
    archive_changed(locked_archive.pk)
    return locked


@transaction.atomic
def certificate_delete(*, actor, certificate: Certificate) -> None:
    """Remove a certificate from an archive (entered by mistake); a training referral keeps its 已取证 status."""
    locked_archive = _lock(certificate.archive_id)
    if actor is not None:
        require_visible(actor, station=locked_archive.station)
    locked = Certificate.objects.get(pk=certificate.pk, archive=locked_archive)
    label = locked.label
    locked.delete()
    audit_record(actor=actor, action=events.JOBSEEKER_CERTIFICATE_REMOVE, obj=locked_archive,
                 summary=format_lazy("删除证书：{}", label))
    archive_changed(locked_archive.pk)


def _refresh_current_status(archive: JobseekerArchive) -> None:
    latest = archive.status_entries.order_by("-effective_date", "-id").values_list("status", flat=True).first()
    if latest and latest != archive.current_status:
        archive.current_status = latest
        archive.save(update_fields=["current_status", "updated_at"])


@transaction.atomic
def status_add(*, actor, archive: JobseekerArchive, status: str, effective_date: dt.date, source: str,
               note: str = "", system: bool = False) -> StatusEntry:
    """Add a dated status entry (history is never overwritten) and re-derive the current status.
    Only the code path that owns a system source (matching's hire) passes `system=True`."""
    if not system and source not in StatusEntry.Source.manual():
        raise ValidationError({"source": SYSTEM_SOURCE_MESSAGE})
    locked = _lock(archive)
    entry = StatusEntry(archive=locked, status=status, effective_date=effective_date, source=source, note=note,
                        recorded_by=actor)
    entry.full_clean(exclude=["archive", "recorded_by"])
    if effective_date > timezone.localdate():
        raise ValidationError({"effective_date": _("生效日期不能晚于今天。")})
    entry.save()
    previous = locked.current_status
    _refresh_current_status(locked)
    audit_record(actor=actor, action=events.JOBSEEKER_STATUS_ADD, obj=locked,
                 summary=f"就业状态记录：{EmploymentStatus(entry.status).label}（{effective_date}，{StatusEntry.Source(entry.source).label}）",
                 changes={"current_status": [previous, locked.current_status]} if previous != locked.current_status
                 else {})
    archive.current_status = locked.current_status
    archive_changed(locked.pk)
    return entry


@transaction.atomic
def visit_create(*, actor, archive: JobseekerArchive, visit_date: dt.date, method: str, findings: str,
                 needs: list[str] | None = None, status_observed: str = "",
                 next_follow_up: dt.date | None = None) -> Visit:
    """Record a visit: closes the open follow-up tasks and sets the next survey date by rule."""
    locked = _lock(archive)
    visit = Visit(archive=locked, visit_date=visit_date, method=method, findings=findings, needs=needs or [],
                  status_observed=status_observed, next_follow_up=next_follow_up, staff=actor)
    visit.full_clean(exclude=["archive", "staff"])
    visit.save()
    visit.status_entry = None  # the entry the visit added, if any (callers say whether it became current)
    if status_observed:
        visit.status_entry = StatusEntry.objects.create(archive=locked, status=status_observed, effective_date=visit_date,
                                   source=StatusEntry.Source.VISIT, recorded_by=actor, note="走访了解")
        _refresh_current_status(locked)
    locked.next_survey_due = next_follow_up or next_survey_date(archive=locked, surveyed_on=visit_date)
    locked.save(update_fields=["next_survey_due", "updated_at"])
    closed = FollowUpTask.objects.filter(archive=locked, status=FollowUpTask.Status.OPEN).update(
        status=FollowUpTask.Status.DONE, visit=visit, closed_at=timezone.now())
    audit_record(actor=actor, action=events.JOBSEEKER_VISIT, obj=locked,
                 summary=f"走访记录：{Visit.Method(visit.method).label}，下次排摸 {locked.next_survey_due}"
                         + (f"，完成回访任务 {closed} 项" if closed else ""))
    if status_observed:
        archive_changed(locked.pk)
    archive.next_survey_due, archive.current_status = locked.next_survey_due, locked.current_status
    return visit


def followups_create_due(*, today: dt.date) -> int:
    """Create the follow-up task of every open archive whose survey is due by `today`.

    One INSERT … SELECT … ON CONFLICT DO NOTHING against the (archive, due_date) unique constraint: running
    it twice, or in two workers at once, never creates a task twice for the same cycle.
    """
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {FollowUpTask._meta.db_table} (archive_id, due_date, status, created_at)
                SELECT a.id, a.next_survey_due, %s, now() FROM {JobseekerArchive._meta.db_table} a
                WHERE a.is_open AND a.next_survey_due IS NOT NULL AND a.next_survey_due <= %s
                ON CONFLICT (archive_id, due_date) DO NOTHING""",  # noqa: S608 - table names, not input
            [FollowUpTask.Status.OPEN, today],
        )
        created = cursor.rowcount
        if created:
            audit_record(actor=None, action=events.JOBSEEKER_FOLLOWUPS_GENERATE, summary=f"生成回访任务 {created} 项（截至 {today}）")
    return created


def resurvey_rules_seed() -> None:
    """Create any missing rule with its default interval (the data migration seeds them; a flushed DB may not)."""
    for (key_group, status), days in DEFAULT_RULES.items():
        ResurveyRule.objects.get_or_create(is_key_group=key_group, status=status, defaults={"interval_days": days})


@transaction.atomic
def resurvey_rules_update(*, actor, intervals: dict[int, int]) -> int:
    """Change rule intervals {rule id: days}; applies from each archive's next visit."""
    changed = 0
    for rule in ResurveyRule.objects.select_for_update().filter(pk__in=intervals):
        days = intervals[rule.pk]
        if rule.interval_days == days:
            continue
        old = rule.interval_days
        rule.interval_days = days
        rule.full_clean()
        rule.save(update_fields=["interval_days", "updated_at"])
        audit_record(actor=actor, action=events.JOBSEEKER_RULE_UPDATE, obj=rule, summary=str(rule),
                     changes={"interval_days": [old, days]})
        changed += 1
    return changed


@transaction.atomic
def archive_reveal(*, actor, archive: JobseekerArchive) -> dict[str, str]:
    """The full ID number and phone, for an authorised user who asked; audited."""
    audit_record(actor=actor, action=events.JOBSEEKER_REVEAL, obj=archive, summary="查看完整身份证号和手机号")
    return {"id_number": archive.id_number, "phone": archive.phone}


@transaction.atomic
def archive_export_record(*, actor, archives: list[JobseekerArchive], full: bool, filters: str,
                          reason: str = "") -> None:
    """Audit an export, owned by the exported rows' station and district (when there is one of each), else the
    actor's district, so the district's audit trail lists it; `changes.rows` feeds the volume warning."""
    station_ids = {a.station_id for a in archives}
    district_ids = set(Station.objects.filter(pk__in=station_ids).values_list("street__district_id", flat=True))
    scope = scope_of(actor)
    district_id = scope.district_id if scope.is_district else (next(iter(district_ids)) if len(district_ids) == 1
                                                                 else None)
    station_id = next(iter(station_ids)) if len(station_ids) == 1 else None
    if station_id is None and scope.is_staff_member:
        mine = list(StationMembership.objects.filter(user=actor, is_active=True).values_list("station_id", flat=True))
        station_id = mine[0] if len(mine) == 1 else None
        if district_id is None and station_id is not None:
            district_id = Station.objects.filter(pk=station_id).values_list("street__district_id", flat=True).first()
    kind = "含完整身份证号和手机号" if full else "脱敏"
    summary = f"导出档案 {len(archives)} 份（{kind}）；筛选：{filters or '无'}" + (f"；事由：{reason}" if reason else "")
    audit_record(actor=actor, action=events.JOBSEEKER_EXPORT_FULL if full else events.JOBSEEKER_EXPORT,
                 summary=summary[:500], changes={"rows": len(archives), "reason": reason[:200]},
                 station_id=station_id, district_id=district_id)


def import_report_allowed(*, user, job: ImportJob) -> bool:
    """The error report holds full ID numbers: the uploader, the station's heads and admins in scope only."""
    scope = scope_of(user)
    if scope.is_admin or (job.created_by_id is not None and job.created_by_id == user.pk):
        return True
    return StationMembership.objects.filter(user=user, station_id=job.station_id, is_active=True,
                                            role=StationMembership.StaffRole.HEAD).exists()


def import_start(*, actor, station, file_name: str, content: bytes, mode: str) -> ImportJob:
    """Store an upload (encrypted) and queue its import; the file is parsed by the worker, not here."""
    if actor is not None:
        require_visible(actor, station=station, message=_("只能向本人所在站点导入档案。"))
    return ARCHIVES.start(actor=actor, station=station, file_name=file_name, content=content, mode=mode,
                          audit_action=events.JOBSEEKER_IMPORT_START)


def import_retry(*, actor, job: ImportJob) -> ImportJob:
    """Queue a failed import again from its kept upload (a lost worker, a system error)."""
    return ARCHIVES.retry(actor=actor, job=job, audit_action=events.JOBSEEKER_IMPORT_RETRY,
                          message=_("该导入不能重试：只有因系统原因失败、且上传文件仍保留的导入可以重试，请重新上传。"))


def import_report_download(*, actor, job: ImportJob) -> None:
    audit_record(actor=actor, action=events.JOBSEEKER_IMPORT_REPORT, obj=job,
                 summary=f"下载导入错误报告 {job.file_name}（{job.failed_rows} 行，含完整身份证号和手机号）")
