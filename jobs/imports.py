"""Excel import of postings collected on paper: template, row-by-row validation, error report workbook."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from core.choices import HoursType, KeyGroup, SalaryUnit
from core.models import Occupation
from core.spreadsheets import column_mismatch, header_cells
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
MAX_ROWS = 2000


@dataclass
class ImportResult:
    created: int = 0
    errors: list[tuple[int, list, str]] = field(default_factory=list)
    total: int = 0


def template_workbook() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "岗位"
    ws.append([label for _, label in COLUMNS])
    ws.append(["上海鑫达物业管理有限公司", "保洁员", "4-09-08-01", "负责小区公共区域保洁。", "身体健康", 4500, 5500, "元/月",
               2, "全职", "徐家汇街道", "漕溪北路 100 号", "2026-12-31", "4050人员、就业困难人员"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    return _save(wb)


def _save(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _choice(value, choices, label: str):
    text = str(value or "").strip()
    if not text:
        return None
    for key, name in choices:
        if text in (key, name):
            return key
    raise ValidationError(f"{label}“{text}”无效，可选：{'、'.join(n for _, n in choices)}。")


def _int(value, label: str):
    if value in (None, ""):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise ValidationError(f"{label}应为数字。") from None


def _date(value):
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        raise ValidationError("截止日期格式应为 2026-12-31。") from None


def _row_fields(values: dict, station) -> tuple[Employer, dict]:
    key = str(values.get("employer") or "").strip()
    if not key:
        raise ValidationError("请填写用人单位。")
    employers = Employer.objects.filter(station=station)
    employer = employers.filter(credit_code=key.upper()).first() or employers.filter(name=key).first()
    if employer is None:
        raise ValidationError(f"用人单位“{key}”不是本站点登记的单位，请先登记用人单位。")
    occupation = None
    if values.get("occupation"):
        occupation = Occupation.objects.filter(code=str(values["occupation"]).strip()).first()
        if occupation is None:
            raise ValidationError(f"职业代码“{values['occupation']}”不存在。")
    street = None
    if values.get("street"):
        text = str(values["street"]).strip()
        street = Street.objects.filter(code=text).first() or Street.objects.filter(name=text).first()
        if street is None:
            raise ValidationError(f"街镇“{text}”不存在。")
    friendly = []
    for part in str(values.get("friendly_to") or "").replace(",", "、").replace("，", "、").split("、"):
        if part.strip():
            friendly.append(_choice(part, KeyGroup.choices, "友好人群"))
    fields = {
        "title": str(values.get("title") or "").strip(), "occupation": occupation,
        "description": str(values.get("description") or ""), "requirements": str(values.get("requirements") or ""),
        "salary_min": _int(values.get("salary_min"), "最低薪资"), "salary_max": _int(values.get("salary_max"), "最高薪资"),
        "salary_unit": _choice(values.get("salary_unit"), SalaryUnit.choices, "薪资单位") or SalaryUnit.MONTH,
        "headcount": _int(values.get("headcount"), "招聘人数") or 1,
        "hours_type": _choice(values.get("hours_type"), HoursType.choices, "工时类型") or HoursType.FULL_TIME,
        "street": street, "address": str(values.get("address") or ""), "expires_on": _date(values.get("expires_on")),
        "friendly_to": friendly,
    }
    return employer, fields


def _read_rows(file) -> list[tuple[int, list]]:
    """Every non-empty data row, after checking the file and its columns (nothing is written yet)."""
    try:
        wb = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # noqa: BLE001 - any unreadable upload gets the same answer
        raise ValidationError("无法读取该文件，请使用模板另存为 .xlsx 后再上传。") from None
    try:
        iterator = wb.worksheets[0].iter_rows(values_only=True)
        labels = [label for _, label in COLUMNS]
        problem = column_mismatch(header_cells(next(iterator, None)), known=labels, required=labels, ordered=True)
        if problem:
            raise ValidationError(problem)
        rows = []
        for number, raw in enumerate(iterator, start=2):
            if raw is None or all(v in (None, "") for v in raw):
                continue
            rows.append((number, (list(raw) + [None] * len(COLUMNS))[: len(COLUMNS)]))
            if len(rows) > MAX_ROWS:
                raise ValidationError(f"一次最多导入 {MAX_ROWS} 行，请分批导入。")
    finally:
        wb.close()
    if not rows:
        raise ValidationError("表格中没有数据行。")
    return rows


def import_postings(*, actor, station, file) -> ImportResult:
    """Each valid row becomes a draft posting (source: imported); each invalid row goes to the error report.

    The whole file is read and its columns and size checked before the first row is written, so a file
    that is refused as a whole leaves nothing behind."""
    result = ImportResult()
    rows = _read_rows(file)
    result.total = len(rows)
    names = {f.name: str(f.verbose_name) for f in JobPosting._meta.fields}
    for number, raw in rows:
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


def error_workbook(result: ImportResult) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "错误报告"
    ws.append(["行号", *[label for _, label in COLUMNS], "错误原因"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="FFF2CC")
    for number, raw, message in result.errors:
        ws.append([number, *["" if v is None else v for v in raw], message])
        ws.cell(row=ws.max_row, column=len(COLUMNS) + 2).fill = red
    return _save(wb)
