"""Posting spreadsheets: the import's columns and row builder, its template and error report, and the import
run by the Celery task. Reading, cell parsing and writing are `core.spreadsheets`.

An import is a `jobseekers.models.ImportJob` row of kind "postings" (the archive import's model): its state,
encrypted upload and error report live in the database, so an import survives a Redis outage (the task waits
in core.queue's outbox) and a lost worker (late ack, and the shared sweeper marks a silent job failed); the
page polls it while the worker reads and writes. A job and its report are only for its uploader.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import spreadsheets as sheets
from core.choices import HoursType, KeyGroup, SalaryUnit
from core.models import Occupation
from core.queue import enqueue
from core.scoping import require_visible
from jobseekers.imports import LOST_WORKER_POSTINGS
from jobseekers.models import ImportJob
from stations.models import Street

from .models import Employer, JobPosting
from .services import posting_create

COLUMNS = [
    ("employer", "用人单位（名称或统一社会信用代码）*"), ("title", "岗位名称*"), ("occupation", "职业代码（如 4-09-08-01）"),
    ("description", "岗位描述"), ("requirements", "任职要求"), ("salary_min", "最低薪资"), ("salary_max", "最高薪资"),
    ("salary_unit", "薪资单位（元/月、元/天、元/小时）"), ("headcount", "招聘人数"), ("hours_type", "工时类型（全职、兼职、灵活就业）"),
    ("street", "工作地点街镇（名称或代码）"), ("address", "工作地点"), ("expires_on", "截止日期（2026-12-31）"),
    ("friendly_to", "友好人群（用、分隔）"),
]
LABELS = [label for _, label in COLUMNS]
TEXT_COLUMNS = {COLUMNS[0][1], COLUMNS[2][1], COLUMNS[10][1]}
MAX_ROWS = 2000


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[int, list, str]] = field(default_factory=list)
    total: int = 0
    examples: int = 0


def template_workbook():
    return sheets.template_workbook(
        title="岗位", headers=LABELS, text_columns=TEXT_COLUMNS,
        example=["上海鑫达物业管理有限公司", "保洁员", "4-09-08-01", "负责小区公共区域保洁。", "身体健康", 4500, 5500,
                 "元/月", 2, "全职", "徐家汇街道", "漕溪北路 100 号", "2026-12-31", "4050人员、就业困难人员"],
        notes=[(label, "必填" if label.endswith("*") else "") for label in LABELS],
        footer=[f"每个文件最多 {MAX_ROWS} 行；每行单独校验，通过的行导入为草稿。可上传 {sheets.ACCEPTED}。"])


def _row_fields(values: dict, station) -> tuple[Employer, dict]:
    key = sheets.text(values.get("employer"))
    if not key:
        raise ValidationError("请填写用人单位。")
    employers = Employer.objects.filter(station=station)
    employer = employers.filter(credit_code=key.upper()).first() or employers.filter(name=key).first()
    if employer is None:
        raise ValidationError(f"用人单位“{key}”不是本站点登记的单位，请先登记用人单位。")
    occupation = None
    if values.get("occupation"):
        occupation = Occupation.objects.filter(code=sheets.text(values["occupation"])).first()
        if occupation is None:
            raise ValidationError(f"职业代码“{values['occupation']}”不存在。")
    street = None
    if values.get("street"):
        text = sheets.text(values["street"])
        street = Street.objects.filter(code=text).first() or Street.objects.filter(name=text).first()
        if street is None:
            raise ValidationError(f"街镇“{text}”不存在。")
    friendly = []
    for part in sheets.split_list(values.get("friendly_to")):
        friendly.append(sheets.choice(part, KeyGroup, "友好人群"))
    fields = {
        "title": sheets.text(values.get("title")), "occupation": occupation,
        "description": sheets.text(values.get("description")), "requirements": sheets.text(values.get("requirements")),
        "salary_min": sheets.integer(values.get("salary_min"), "最低薪资"),
        "salary_max": sheets.integer(values.get("salary_max"), "最高薪资"),
        "salary_unit": sheets.choice(values.get("salary_unit"), SalaryUnit, "薪资单位") or SalaryUnit.MONTH,
        "headcount": sheets.integer(values.get("headcount"), "招聘人数") or 1,
        "hours_type": sheets.choice(values.get("hours_type"), HoursType, "工时类型") or HoursType.FULL_TIME,
        "street": street, "address": sheets.text(values.get("address")),
        "expires_on": sheets.date(values.get("expires_on"), "截止日期"),
        "friendly_to": friendly,
    }
    return employer, fields


def read_rows(content: bytes, *, file_name: str) -> sheets.Table:
    """Every non-empty data row, after checking the file and its columns (nothing is written yet)."""
    try:
        table = sheets.read_table(content, file_name=file_name, max_rows=MAX_ROWS)
    except sheets.UploadError as exc:
        raise ValidationError(str(exc)) from None
    problem = sheets.column_mismatch(table.header, known=LABELS, required=LABELS, ordered=True)
    if problem:
        raise ValidationError(problem)
    return table


def import_postings(*, actor, station, content: bytes, file_name: str, progress=None) -> ImportResult:
    """Each valid row becomes a draft posting (source: imported); each invalid row goes to the error report.

    The whole file is read and its columns and size checked before the first row is written, so a file
    that is refused as a whole leaves nothing behind."""
    result = ImportResult()
    table = read_rows(content, file_name=file_name)
    rows = table.rows
    result.total, result.examples = len(rows), table.examples
    names = {f.name: str(f.verbose_name) for f in JobPosting._meta.fields}
    for index, (number, raw) in enumerate(rows, start=1):
        if progress and (index == 1 or index % 50 == 0):
            progress(processed=index - 1, total=len(rows))
        values = {key: raw[i] for i, (key, _) in enumerate(COLUMNS)}
        try:
            with transaction.atomic():
                employer, fields = _row_fields(values, station)
                posting_create(actor=actor, employer=employer, source=JobPosting.Source.IMPORT, **fields)
            result.created += 1
        except ValidationError as exc:
            messages = []
            if hasattr(exc, "error_dict"):
                for key, errs in exc.message_dict.items():
                    prefix = f"{names.get(key, '')}：" if key in names else ""
                    messages += [prefix + e for e in errs]
            else:
                messages = exc.messages
            result.errors.append((number, raw, "；".join(messages)))
        except PermissionDenied as exc:
            result.errors.append((number, raw, str(exc)))
    return result


def error_workbook(result: ImportResult):
    return sheets.report_workbook(title="错误报告", headers=LABELS, rows=result.errors)


# The import as a background job -------------------------------------------------------------------

def _job(*, user_id: int, token: str) -> ImportJob | None:
    """The uploader's own posting import (the token is its id); None for anybody else's or an unknown one."""
    if not str(token).isdigit() or len(str(token)) > 18:
        return None
    return ImportJob.objects.filter(pk=int(token), kind=ImportJob.Kind.POSTINGS, created_by_id=user_id).first()


PHASES = {ImportJob.Phase.READ: "读取文件", ImportJob.Phase.VALIDATE: "校验并写入", ImportJob.Phase.WRITE: "校验并写入"}


def import_state(*, user_id: int, token: str) -> dict | None:
    """The job's state for its uploader (None: unknown, or another user's); a job silent for
    IMPORT_STALE_MINUTES lost its worker and is reported failed (the sweeper records it so)."""
    job = _job(user_id=user_id, token=token)
    if job is None:
        return None
    state = {"status": job.status, "phase": PHASES.get(job.phase, ""), "file_name": job.file_name,
             "total": job.total_rows, "processed": job.processed_rows, "created": job.imported_rows,
             "errors": [(e["row"], e["reason"]) for e in job.errors], "examples": job.example_rows,
             "message": job.message}
    silent = timezone.now() - job.updated_at
    if not job.is_finished and silent > dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES):
        state.update(status="failed", message=LOST_WORKER_POSTINGS)
    return state


def _save_state(job: ImportJob, **fields) -> None:
    ImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now(), **fields)


def import_store(*, actor, station, content: bytes, file_name: str) -> ImportJob:
    """Keep the upload (encrypted) for the worker, which parses it (never the request), and queue the task on
    commit: with the broker down the call waits in the outbox and the page says so."""
    require_visible(actor, station=station, message="只能向本人所在站点导入岗位。")
    with transaction.atomic():
        job = ImportJob(kind=ImportJob.Kind.POSTINGS, station=station, created_by=actor, file_name=file_name[:200])
        job.set_source(content)
        job.save()
        enqueue("jobs.tasks.posting_import_task", job_id=job.pk)
    return job


def import_run(*, job_id: int) -> None:
    job = ImportJob.objects.select_related("station", "created_by").filter(pk=job_id,
                                                                           kind=ImportJob.Kind.POSTINGS).first()
    if job is None or job.is_finished or not job.source:
        return  # unknown, or already done by an earlier delivery (or the sweeper gave up on it)
    _save_state(job, status=ImportJob.Status.RUNNING, phase=ImportJob.Phase.READ, total_rows=0, processed_rows=0)

    def progress(*, processed: int, total: int) -> None:
        _save_state(job, status=ImportJob.Status.RUNNING, phase=ImportJob.Phase.VALIDATE, processed_rows=processed,
                    total_rows=total)

    try:
        result = import_postings(actor=job.created_by, station=job.station, content=job.get_source(),
                                 file_name=job.file_name, progress=progress)
    except ValidationError as exc:
        _save_state(job, status=ImportJob.Status.FAILED, phase="", message="；".join(exc.messages)[:300],
                    source=b"", finished_at=timezone.now())
        return
    report = sheets.workbook_bytes(error_workbook(result)) if result.errors else b""
    job.set_report(report)
    _save_state(job, status=ImportJob.Status.DONE, phase="", total_rows=result.total, processed_rows=result.total,
                imported_rows=result.created, failed_rows=len(result.errors), example_rows=result.examples,
                errors=[{"row": n, "reason": reason} for n, _raw, reason in result.errors], report=job.report,
                source=b"", finished_at=timezone.now())


def import_report(*, user_id: int, token: str) -> bytes | None:
    job = _job(user_id=user_id, token=token)
    return (job.get_report() or None) if job is not None else None
