"""Excel (.xlsx) files: the import template, reading an upload, the export and the import error report."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from core.choices import HoursType, KeyGroup
from core.spreadsheets import column_mismatch, header_cells

from .models import ConsentScope, Education, EmploymentStatus, Hukou

MAX_ROWS = 10_000
MAX_BYTES = 5 * 1024 * 1024
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, key, required, note shown in the template's second sheet)
COLUMNS = [
    ("姓名", "name", True, "必填"),
    ("身份证号", "id_number", True, "必填，18位，末位X可大写或小写"),
    ("手机号", "phone", False, "11位手机号"),
    ("户籍", "hukou", False, "、".join(Hukou.labels) + "；默认本市户籍"),
    ("居住地址", "address", False, ""),
    ("学历", "education", False, "、".join(Education.labels)),
    ("毕业年份", "graduation_year", False, "如 2025"),
    ("毕业院校", "school", False, ""),
    ("技能", "skills", False, ""),
    ("证书", "certificates", False, ""),
    ("工作经历", "work_history", False, ""),
    ("意向职业代码", "occupations", False, "职业分类大典细类代码，多个用逗号分隔，如 4-04-05-05"),
    ("期望月薪", "desired_salary", False, "元/月，整数"),
    ("期望工时", "desired_hours", False, "、".join(HoursType.labels) + "；默认全职"),
    ("重点群体", "key_groups", False, "多个用顿号或逗号分隔：" + "、".join(KeyGroup.labels)),
    ("当前就业状态", "status", False, "、".join(EmploymentStatus.labels) + "；默认失业"),
    ("同意日期", "consent_date", True, "必填，本人同意处理个人信息的日期，如 2026-11-01"),
    ("同意范围", "consent_scope", True, "必填：" + "、".join(ConsentScope.labels)),
]
HEADERS = [c[0] for c in COLUMNS]
REQUIRED = [c[0] for c in COLUMNS if c[2]]


class UploadError(Exception):
    """The upload as a whole is unusable (not xlsx, too big, wrong columns); message is for the user."""


@dataclass
class Sheet:
    rows: list[tuple[int, dict]]  # (row number in Excel, {key: value})


def _response_bytes(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def template_bytes() -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "档案"
    ws.append(HEADERS)
    ws.append(["张三", "11010519491231002X", "13800138000", "本市户籍", "徐汇区漕溪北路 1 号", "高中/中专/技校", "", "",
               "叉车", "叉车证", "仓库管理 3 年", "4-02-06-01", 6000, "全职", "4050人员", "失业", "2026-11-01",
               ConsentScope.SERVICE.label])
    for i, width in enumerate([10, 22, 14, 12, 24, 14, 10, 16, 16, 16, 20, 18, 10, 10, 18, 12, 12, 24], start=1):
        ws.column_dimensions[ws.cell(row=1, column=i).column_letter].width = width
    notes = wb.create_sheet("填写说明")
    notes.append(["列名", "说明"])
    for header, _key, _required, note in COLUMNS:
        notes.append([header, note])
    notes.append(["", f"第一个工作表第一行为列名，请勿修改；示例行请删除后再填写。每个文件最多 {MAX_ROWS} 行。"])
    return _response_bytes(wb)


def _cell_text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "strftime"):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_upload(content: bytes, *, file_name: str = "") -> Sheet:
    """Parse an uploaded workbook; raise UploadError with a clear Chinese message when it is unusable."""
    if file_name and not file_name.lower().endswith(".xlsx"):
        raise UploadError("只能上传 Excel 文件（.xlsx）。请使用下载的模板填写后上传。")
    if len(content) > MAX_BYTES:
        raise UploadError(f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB），请拆分后分批上传。")
    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise UploadError("文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏。") from None
    try:
        ws = wb.worksheets[0]
        iterator = ws.iter_rows(values_only=True)
        header = header_cells(next(iterator, None))
        problem = column_mismatch(header, known=HEADERS, required=REQUIRED)
        if problem:
            raise UploadError(problem)
        keys = {i: COLUMNS[HEADERS.index(h)][1] for i, h in enumerate(header) if h in HEADERS}
        rows = []
        for number, values in enumerate(iterator, start=2):
            record = {key: _cell_text(values[i]) if i < len(values) else "" for i, key in keys.items()}
            if not any(record.values()):
                continue
            rows.append((number, record))
            if len(rows) > MAX_ROWS:
                raise UploadError(f"数据超过 {MAX_ROWS} 行，请拆分为多个文件分批上传。")
    finally:
        wb.close()
    if not rows:
        raise UploadError("表格中没有数据行。")
    return Sheet(rows=rows)


def export_bytes(archives, *, full: bool) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "求职者档案"
    ws.append(["姓名", "身份证号", "性别", "出生日期", "手机号", "户籍", "建档站点", "居住街镇", "网格", "学历",
               "重点群体", "当前就业状态", "帮办员", "下次排摸日期", "在册"])
    for a in archives:
        ws.append([
            a.name, a.id_number if full else a.id_number_masked, a.get_sex_display(), a.birth_date,
            a.phone if full else a.phone_masked, a.get_hukou_display(), a.station.name,
            a.street.name if a.street_id else "", a.grid.name if a.grid_id else "", a.get_education_display(),
            "、".join(a.key_group_labels()), a.get_current_status_display(),
            (a.helper.get_full_name() or a.helper.get_username()) if a.helper_id else "",
            a.next_survey_due, "是" if a.is_open else "否",
        ])
    return _response_bytes(wb)


def error_report_bytes(errors: list[dict]) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "错误报告"
    ws.append(["行号", "姓名", "身份证号（脱敏）", "错误原因"])
    for e in errors:
        ws.append([e.get("row"), e.get("name", ""), e.get("id_number", ""), e.get("reason", "")])
    ws.column_dimensions["D"].width = 80
    return _response_bytes(wb)
