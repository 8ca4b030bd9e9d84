"""Posting spreadsheets: the import's columns and row builder, its template and error report, and the import
run by the Celery task. Reading, cell parsing and writing are `core.spreadsheets`.

An import's state lives in the cache under the uploader's id and a random token (postings hold no personal
data and the report is only for the uploader): the page polls it while the worker reads and writes.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from core import spreadsheets as sheets
from core.choices import HoursType, KeyGroup, SalaryUnit
from core.models import Occupation
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
STATE_SECONDS = 3600


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

def _key(user_id: int, token: str, part: str) -> str:
    return f"jobs:import:{user_id}:{token}:{part}"


def import_state(*, user_id: int, token: str) -> dict | None:
    """The job's state for its uploader (None: unknown or expired); a job silent for STALE_MINUTES lost its
    worker and is reported failed."""
    state = cache.get(_key(user_id, token, "state"))
    silent = timezone.now() - dt.datetime.fromisoformat(state["updated_at"]) if state else dt.timedelta()
    if state and state["status"] in {"pending", "running"} and silent > dt.timedelta(minutes=settings.IMPORT_STALE_MINUTES):
        state.update(status="failed", message="导入中断（处理它的后台进程已停止），请重新上传该文件。")
    return state


def _save_state(user_id: int, token: str, **state) -> None:
    state["updated_at"] = timezone.now().isoformat()
    cache.set(_key(user_id, token, "state"), state, STATE_SECONDS)


def import_store(*, actor, content: bytes, file_name: str, token: str) -> None:
    """Keep the upload for the worker, which parses it (never the request); the caller queues the task."""
    cache.set(_key(actor.pk, token, "source"), content, STATE_SECONDS)
    _save_state(actor.pk, token, status="pending", phase="", file_name=file_name, total=0, processed=0)


def import_run(*, user_id: int, station_id: int, token: str, file_name: str) -> None:
    from django.contrib.auth import get_user_model

    from stations.models import Station

    content = cache.get(_key(user_id, token, "source"))
    state = import_state(user_id=user_id, token=token)
    if content is None or state is None or state["status"] not in {"pending", "running"}:
        return  # expired, or already done by an earlier delivery
    actor = get_user_model().objects.get(pk=user_id)
    station = Station.objects.get(pk=station_id)
    base = {"file_name": file_name}
    _save_state(user_id, token, status="running", phase="读取文件", total=0, processed=0, **base)
    try:
        result = import_postings(actor=actor, station=station, content=content, file_name=file_name,
                                 progress=lambda **done: _save_state(user_id, token, status="running",
                                                                     phase="校验并写入", **done, **base))
    except ValidationError as exc:
        _save_state(user_id, token, status="failed", message="；".join(exc.messages), **base)
    else:
        if result.errors:
            cache.set(_key(user_id, token, "report"), sheets.workbook_bytes(error_workbook(result)), STATE_SECONDS)
        _save_state(user_id, token, status="done", total=result.total, created=result.created,
                    errors=[(n, reason) for n, _raw, reason in result.errors], examples=result.examples, **base)
    cache.delete(_key(user_id, token, "source"))


def import_report(*, user_id: int, token: str) -> bytes | None:
    return cache.get(_key(user_id, token, "report"))
