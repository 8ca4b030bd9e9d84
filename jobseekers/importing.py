"""The Excel import run by the Celery task: row-by-row validation, then one all-or-good-rows insert."""

from __future__ import annotations

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from core.audit import audit_record
from core.choices import HoursType, KeyGroup
from core.masking import mask_id_number
from core.models import Occupation
from core.validators import normalize_id_number

from . import events
from .excel import UploadError, read_upload
from .models import ConsentScope, Education, EmploymentStatus, Hukou, ImportJob, JobseekerArchive, StatusEntry

PROGRESS_EVERY = 200


def _choice(value: str, choices, label: str, default=None):
    if not value:
        if default is None:
            return ""
        return default
    by_label = {lab: val for val, lab in choices.choices}
    if value in by_label:
        return by_label[value]
    if value in choices.values:
        return value
    raise ValidationError(f"{label}“{value}”无法识别，可填：{'、'.join(choices.labels)}")


def _int(value: str, label: str) -> int | None:
    if not value:
        return None
    if not re.fullmatch(r"\d+", value):
        raise ValidationError(f"{label}应为整数（当前为“{value}”）")
    return int(value)


def _date(value: str, label: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value.replace("/", "-")[:10])
    except ValueError:
        raise ValidationError(f"{label}“{value}”不是有效日期，请按 2026-11-01 的格式填写") from None


def _build(record: dict, *, station, occupations: dict[str, int], intervals: dict, today: dt.date):
    """An unsaved archive (+ occupation ids, status) from one row, or ValidationError with every reason."""
    from .services import IDENTITY_FIELDS, identity_fields, phone_encrypted

    reasons: list[str] = []

    def attempt(fn, *args):
        try:
            return fn(*args)
        except ValidationError as exc:
            reasons.extend(exc.messages)
            return None

    identity = (attempt(lambda v: identity_fields(v, today=today), record["id_number"])
                if record.get("id_number") else None)
    if not record.get("id_number"):
        reasons.append("身份证号不能为空")
    phone = attempt(phone_encrypted, record.get("phone", "")) or ""
    fields = {
        "hukou": attempt(_choice, record.get("hukou", ""), Hukou, "户籍", Hukou.LOCAL),
        "education": attempt(_choice, record.get("education", ""), Education, "学历", None),
        "desired_hours": attempt(_choice, record.get("desired_hours", ""), HoursType, "期望工时", HoursType.FULL_TIME),
        "consent_scope": attempt(_choice, record.get("consent_scope", ""), ConsentScope, "同意范围", None),
        "graduation_year": attempt(_int, record.get("graduation_year", ""), "毕业年份"),
        "desired_salary": attempt(_int, record.get("desired_salary", ""), "期望月薪"),
        "consent_date": attempt(_date, record.get("consent_date", ""), "同意日期"),
    }
    status = attempt(_choice, record.get("status", ""), EmploymentStatus, "当前就业状态", EmploymentStatus.UNEMPLOYED)
    key_groups = []
    for label in filter(None, re.split(r"[、,，;；\s]+", record.get("key_groups", ""))):
        value = attempt(_choice, label, KeyGroup, "重点群体", None)
        if value:
            key_groups.append(value)
    occupation_ids = []
    for code in filter(None, re.split(r"[、,，;；\s]+", record.get("occupations", ""))):
        if code in occupations:
            occupation_ids.append(occupations[code])
        else:
            reasons.append(f"意向职业代码“{code}”不是职业分类大典中的细类代码")
    archive = JobseekerArchive(
        station=station, street_id=station.street_id, name=record.get("name", ""),
        address=record.get("address", ""), school=record.get("school", ""),
        skills=record.get("skills", ""), certificates=record.get("certificates", ""),
        work_history=record.get("work_history", ""), key_groups=key_groups, phone_encrypted=phone,
        current_status=status or EmploymentStatus.UNEMPLOYED,
        **{k: v for k, v in fields.items() if v is not None}, **(identity or {}),
    )
    try:
        excluded = ["station", "street", "area", "grid", "helper", *([] if identity else IDENTITY_FIELDS)]
        # clean() covers the model's one check constraint, without a query per row
        archive.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            label = str(JobseekerArchive._meta.get_field(field).verbose_name) if field != "__all__" else ""
            reasons.extend(f"{label}：{m}" if label else m for m in messages)
    if reasons:
        raise ValidationError(list(dict.fromkeys(reasons)))
    archive.next_survey_due = today + dt.timedelta(days=intervals.get((bool(key_groups), archive.current_status), 90))
    return archive, occupation_ids


def _masked(raw: str) -> str:
    return mask_id_number(normalize_id_number(raw))


def run_import(job_id: int) -> ImportJob:
    job = ImportJob.objects.select_related("station", "created_by").get(pk=job_id)
    if job.is_finished:
        return job  # a redelivered task does nothing twice
    try:
        return _run(job)
    except Exception:
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.FAILED, source=b"", finished_at=timezone.now(),
            message="导入过程中发生系统错误，本次未导入任何档案。请稍后重试或联系管理员。")
        raise


def _run(job: ImportJob) -> ImportJob:
    from .services import rule_intervals

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    today = timezone.localdate()
    try:
        sheet = read_upload(job.get_source())
    except UploadError as exc:
        return _finish(job, status=ImportJob.Status.FAILED, message=str(exc), errors=[], imported=0)
    occupations = dict(Occupation.objects.filter(level=Occupation.Level.OCCUPATION).values_list("code", "id"))
    intervals = rule_intervals()
    good: list[tuple[int, JobseekerArchive, list[int]]] = []
    errors: list[dict] = []
    seen: dict[str, int] = {}
    for index, (row_number, record) in enumerate(sheet.rows, start=1):
        try:
            archive, occupation_ids = _build(record, station=job.station, occupations=occupations,
                                             intervals=intervals, today=today)
        except ValidationError as exc:
            errors.append({"row": row_number, "name": record.get("name", ""),
                           "id_number": _masked(record.get("id_number", "")), "reason": "；".join(exc.messages)})
        else:
            if archive.id_number_hash in seen:
                errors.append({"row": row_number, "name": archive.name, "id_number": archive.id_number_masked,
                               "reason": f"重复：与本文件第 {seen[archive.id_number_hash]} 行的身份证号相同",
                               "duplicate": True})
            else:
                seen[archive.id_number_hash] = row_number
                good.append((row_number, archive, occupation_ids))
        if index % PROGRESS_EVERY == 0:
            ImportJob.objects.filter(pk=job.pk).update(processed_rows=index, failed_rows=len(errors))
    # Duplicates of archives already in the city, looked up in chunks by the keyed hash.
    hashes = [a.id_number_hash for _, a, _ in good]
    existing: dict[str, str] = {}
    for start in range(0, len(hashes), 1000):
        existing.update(JobseekerArchive.objects.filter(id_number_hash__in=hashes[start:start + 1000])
                        .values_list("id_number_hash", "station__name"))
    remaining = []
    for row_number, archive, occupation_ids in good:
        if archive.id_number_hash in existing:
            errors.append({"row": row_number, "name": archive.name, "id_number": archive.id_number_masked,
                           "reason": f"重复：该身份证号已在“{existing[archive.id_number_hash]}”建档，未重复创建",
                           "duplicate": True})
        else:
            remaining.append((archive, occupation_ids))
    errors.sort(key=lambda e: e["row"])
    ImportJob.objects.filter(pk=job.pk).update(processed_rows=len(sheet.rows), failed_rows=len(errors))
    if errors and job.mode == ImportJob.Mode.ALL_OR_NOTHING:
        return _finish(job, status=ImportJob.Status.DONE, errors=errors, imported=0,
                       message=f"有 {len(errors)} 行未通过校验。按“全部正确才导入”方式，本次未导入任何档案；"
                               "请下载错误报告，改正后重新上传。")
    try:
        with transaction.atomic():
            created = JobseekerArchive.objects.bulk_create([a for a, _ in remaining], batch_size=1000)
            Through = JobseekerArchive.desired_occupations.through
            Through.objects.bulk_create(
                [Through(jobseekerarchive_id=a.pk, occupation_id=o) for a, (_, occ) in zip(created, remaining,
                                                                                           strict=True)
                 for o in dict.fromkeys(occ)], batch_size=2000)
            StatusEntry.objects.bulk_create(
                [StatusEntry(archive=a, status=a.current_status, effective_date=today,
                             source=StatusEntry.Source.IMPORT, recorded_by=job.created_by) for a in created],
                batch_size=1000)
            job.imported_rows = len(created)
            _finish(job, status=ImportJob.Status.DONE, errors=errors, imported=len(created),
                    message=f"导入 {len(created)} 份档案" + (f"；{len(errors)} 行有错误未导入，请下载错误报告" if errors
                                                       else "，全部成功"))
    except IntegrityError:
        return _finish(job, status=ImportJob.Status.FAILED, errors=errors, imported=0,
                       message="导入期间有相同身份证号的档案被其他人创建，本次未导入任何档案，请重新上传。")
    return job


def _finish(job: ImportJob, *, status: str, message: str, errors: list[dict], imported: int) -> ImportJob:
    job.status = status
    job.message = message[:300]
    job.errors = errors
    job.failed_rows = len(errors)
    job.duplicate_rows = sum(1 for e in errors if e.get("duplicate"))
    job.imported_rows = imported
    job.processed_rows = job.total_rows if status == ImportJob.Status.DONE else job.processed_rows
    job.source = b""  # the uploaded personal data is not kept once processed
    job.finished_at = timezone.now()
    job.save(update_fields=["status", "message", "errors", "failed_rows", "duplicate_rows", "imported_rows",
                            "processed_rows", "source", "finished_at"])
    audit_record(actor=job.created_by, action=events.JOBSEEKER_IMPORT_FINISH, obj=job,
                 summary=f"导入 {job.file_name}：{job.get_status_display()}，导入 {imported} 行，错误 {len(errors)} 行")
    return job
