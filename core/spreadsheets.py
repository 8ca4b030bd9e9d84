"""The one spreadsheet toolkit: read an upload's rows, parse cells, write workbooks safely, send them.

Every import and export goes through here, so each rule is written once:

- **Reading** (`read_table`): `.xlsx` (openpyxl, read-only, dimensions reset so a file whose declared
  `<dimension>` understates its rows is read in full), legacy `.xls` (xlrd 2.x, which reads .xls only)
  and `.csv` in UTF-8 with or without BOM or GB18030/GBK (what Chinese Excel saves), detected.
  Before an .xlsx is parsed its zip is inspected (`check_xlsx`): total uncompressed size and the number
  of shared strings are capped, so a decompression bomb is refused without being expanded. Rows and
  columns are capped while reading. Uploads are parsed in the Celery worker, never in a web request.
- **Cells**: one parser per kind (text, ID number, phone, date, integer, amount, yes/no, choice,
  WGS-84 point) with one set of
  messages. An ID or phone that the spreadsheet stored as a number has lost digits (Excel, WPS and
  LibreOffice keep 15 significant digits and drop leading zeros); it is refused as such, never checked
  as if it were what the person typed.
- **Writing** (`workbook_bytes`): every text cell that a spreadsheet program would run as a formula
  (starting with =, +, -, @, tab or CR, OWASP's list) is prefixed with `'` right before saving; the
  reader strips that prefix again, so an error report can be fixed and uploaded back.
- **Sending** (`xlsx_response`): one content type, RFC 6266/5987 `Content-Disposition` for Chinese names.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.http import content_disposition_header

from .geo import in_shanghai

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXTENSIONS = (".xlsx", ".xls", ".csv")
MAX_BYTES = 5 * 1024 * 1024
MAX_COLUMNS = 60
MAX_UNCOMPRESSED = 60 * 1024 * 1024  # a 10,000-row template file expands to about 12 MB
MAX_SHARED_STRINGS = 400_000
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
EXAMPLE_MARK = "示例"
# Columns an error report adds after the template's; an upload of the fixed report ignores them.
REPORT_COLUMNS = ("原行号（导入时忽略）", "错误原因（导入时忽略）")
ACCEPTED = "Excel（.xlsx、.xls）或 CSV（.csv）"


class UploadError(Exception):
    """The upload as a whole is unusable (format, size, columns); the message is for the user."""


@dataclass
class Table:
    """The upload's header and its non-empty data rows as (row number in the file, raw cell values)."""

    header: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    examples: int = 0  # rows marked 示例 that were left out


# Reading ------------------------------------------------------------------------------------------

def check_upload_name(name: str, size: int) -> None:
    """What can be said at upload time without parsing: the extension and the size."""
    if not name.lower().endswith(EXTENSIONS):
        raise UploadError(f"只能上传 {ACCEPTED} 文件。请使用下载的模板填写后上传。")
    if size > MAX_BYTES:
        raise UploadError(f"文件过大（超过 {MAX_BYTES // 1024 // 1024} MB），请拆分后分批上传。")


def check_xlsx(content: bytes) -> None:
    """Refuse a workbook whose parts would expand beyond the limits, before any XML is parsed."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise UploadError("文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏。") from None
    with archive:
        members = archive.infolist()
        if sum(m.file_size for m in members) > MAX_UNCOMPRESSED:
            raise UploadError(f"文件解压后超过 {MAX_UNCOMPRESSED // 1024 // 1024} MB，不像是正常的表格，未导入。"
                              "请只保留模板中的列和数据后重新保存。")
        strings = next((m for m in members if m.filename.lower().endswith("sharedstrings.xml")), None)
        if strings is not None and _count_shared_strings(archive, strings) > MAX_SHARED_STRINGS:
            raise UploadError(f"文件中的文字单元格超过 {MAX_SHARED_STRINGS} 个，不像是正常的表格，未导入。")


def _count_shared_strings(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Count `<si>` elements streaming (stops as soon as the cap is passed)."""
    count, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 16):
            data = tail + chunk
            count += data.count(b"<si>") + data.count(b"<si ")
            if count > MAX_SHARED_STRINGS:
                break
            tail = chunk[-3:]  # a tag cut by the chunk boundary is found in tail + next chunk (4 bytes never fit in 3)
    return count


def read_table(content: bytes, *, file_name: str, max_rows: int) -> Table:
    """Every non-empty row of the first sheet, whatever the format; UploadError when the file is unusable."""
    check_upload_name(file_name, len(content))
    name = file_name.lower()
    if name.endswith(".csv"):
        rows = _csv_rows(content)
    elif name.endswith(".xls"):
        rows = _xls_rows(content)
    else:
        check_xlsx(content)
        rows = _xlsx_rows(content)
    header = None
    table = Table(header=[])
    for number, values in rows:
        if len(values) > MAX_COLUMNS and any(v not in (None, "") for v in values[MAX_COLUMNS:]):
            raise UploadError(f"第 {number} 行超过 {MAX_COLUMNS} 列，请只保留模板中的列。")
        values = [unquote(v) for v in values[:MAX_COLUMNS]]
        if header is None:
            header = header_cells(values)
            table.header = [h for h in header if h not in REPORT_COLUMNS]
            continue
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        if is_example(values):
            table.examples += 1
            continue
        table.rows.append((number, values[:len(table.header)] + [None] * (len(table.header) - len(values))))
        if len(table.rows) > max_rows:
            raise UploadError(f"数据超过 {max_rows} 行，请拆分为多个文件分批上传。")
    if header is None or not table.rows:
        raise UploadError("表格中没有数据行。" + ("（标为“示例”的行不会导入）" if table.examples else ""))
    return table


def _xlsx_rows(content: bytes):
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError):
        raise UploadError("文件无法读取：不是有效的 Excel（.xlsx）文件，或文件已损坏。") from None
    try:
        ws = wb.worksheets[0]
        ws.reset_dimensions()  # some tools write a <dimension> smaller than the data: read every row anyway
        for number, values in enumerate(ws.iter_rows(values_only=True), start=1):
            yield number, list(values)
    finally:
        wb.close()


def _xls_rows(content: bytes):
    import xlrd

    try:
        book = xlrd.open_workbook(file_contents=content, on_demand=True)
        sheet = book.sheet_by_index(0)
    except Exception:  # noqa: BLE001 - xlrd raises many types for a damaged or non-.xls file
        raise UploadError("文件无法读取：不是有效的 Excel 97-2003（.xls）文件，或文件已损坏。") from None
    for r in range(sheet.nrows):
        values = []
        for cell in sheet.row(r):
            if cell.ctype == xlrd.XL_CELL_DATE:
                values.append(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
            elif cell.ctype == xlrd.XL_CELL_BOOLEAN:
                values.append(bool(cell.value))
            elif cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
                values.append(None)
            elif cell.ctype == xlrd.XL_CELL_NUMBER and float(cell.value).is_integer() and abs(cell.value) < 2 ** 53:
                values.append(int(cell.value))  # exact, like openpyxl's integers
            else:
                values.append(cell.value)
        yield r + 1, values


def _csv_rows(content: bytes):
    for encoding in ("utf-8-sig", "gb18030"):  # utf-8-sig also reads UTF-8 without a BOM
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise UploadError("CSV 文件的编码无法识别：既不是 UTF-8（带或不带 BOM），也不是 GB18030/GBK。"
                          "请在 Excel 中“另存为”.xlsx 或“CSV UTF-8”后重新上传。")
    dialect = csv.excel_tab if "\t" in text.split("\n", 1)[0] and "," not in text.split("\n", 1)[0] else csv.excel
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text), dialect), start=1):
            yield number, [v if v.strip() else None for v in values]
    except csv.Error:
        raise UploadError("CSV 文件格式有误（引号不配对等），请用 Excel 打开后另存为 .xlsx 再上传。") from None


def header_cells(row) -> list[str]:
    """The header row's cells as stripped text, without trailing empty cells."""
    cells = ["" if h is None else str(h).strip() for h in (row or [])]
    while cells and not cells[-1]:
        cells.pop()
    return cells


def column_mismatch(header: list[str], *, known: list[str], required: list[str], ordered: bool = False) -> str | None:
    """None when `header` fits the template, else the message for the user: required columns missing,
    columns the template does not have, and (when `ordered`) columns out of the template's order."""
    parts = []
    missing = [h for h in required if h not in header]
    unknown = [h for h in header if h and h not in known]
    if missing:
        parts.append("缺少列：" + "、".join(missing))
    if unknown:
        parts.append("无法识别的列：" + "、".join(unknown))
    if not parts and ordered and header != known:
        parts.append("列的顺序与模板不同")
    if not parts:
        return None
    return "表格列名与模板不一致（" + "；".join(parts) + "）。请下载最新模板，按模板的列填写。"


def is_example(values) -> bool:
    """A template's example row: its first cell starts with 示例 (e.g. “示例：张三”)."""
    first = next((v for v in values if v not in (None, "")), None)
    return isinstance(first, str) and first.strip().startswith(EXAMPLE_MARK)


def unquote(value):
    """Undo the `'` that `neutralise` put in front of a formula-like text."""
    if isinstance(value, str) and value[:1] == "'" and value[1:2] in FORMULA_START and value[1:2]:
        return value[1:]
    return value


# Cells --------------------------------------------------------------------------------------------

def text(value) -> str:
    """Any cell as the text a person would read in it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d") if value.time() == dt.time() else value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


_SCIENTIFIC = re.compile(r"^\d(\.\d+)?[eE]\+?\d+$")


def _digits_lost(value) -> bool:
    """A number the spreadsheet may have rounded: a float beyond 2**53 or written as 3.1E+17."""
    if isinstance(value, float):
        return not value.is_integer() or abs(value) >= 2 ** 53
    return isinstance(value, str) and bool(_SCIENTIFIC.match(value.strip()))


def id_number(value) -> str:
    """An ID-number cell as typed; a number that lost its last digits is refused as such."""
    if _digits_lost(value):
        raise ValidationError("身份证号被表格软件存成了数字，末几位已丢失：请把该列设置为文本后重新输入",
                              code="id_as_number")
    return text(value)


def phone(value) -> str:
    """A phone cell as typed; a number that lost its leading 0 (021…) or its digits is refused as such."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if _digits_lost(value) or not re.fullmatch(r"1\d{10}", str(int(value))):
            raise ValidationError("电话号码被表格软件存成了数字，开头的 0 或末几位已丢失：请把该列设置为文本后重新输入",
                                  code="phone_as_number")
    elif _digits_lost(value):
        raise ValidationError("电话号码被表格软件存成了数字，末几位已丢失：请把该列设置为文本后重新输入",
                              code="phone_as_number")
    return text(value)


_DATE_FORMS = [
    re.compile(r"^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2})?)?$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
    re.compile(r"^(\d{4})(\d{2})(\d{2})$"),
]
EXCEL_EPOCH = dt.date(1899, 12, 30)


def date(value, label: str) -> dt.date | None:
    """A date in every form office software writes: a date cell, a serial number, 2026-11-01, 2026/11/1,
    2026.11.01, 2026年11月1日 or 20261101."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1 <= value < 2958466:  # Excel's serial days (1900 date system)
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
    else:
        raw = str(value).strip()
        for form in _DATE_FORMS:
            match = form.match(raw)
            if match:
                try:
                    return dt.date(*map(int, match.groups()))
                except ValueError:
                    break
        if raw.isdigit() and len(raw) <= 6:
            return EXCEL_EPOCH + dt.timedelta(days=int(raw))  # a serial number saved as text (CSV)
    raise ValidationError(f"{label}“{text(value)}”不是有效日期，可写作 2026-11-01、2026/11/1、2026.11.01 或 2026年11月1日",
                          code="date")


def integer(value, label: str) -> int | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{label}应为整数（当前为“{text(value)}”）", code="integer")
    if isinstance(value, int):
        return value
    try:
        number = Decimal(str(value).strip().replace(",", ""))
    except InvalidOperation:
        number = None
    if number is None or number != number.to_integral_value():
        raise ValidationError(f"{label}应为整数（当前为“{text(value)}”）", code="integer")
    return int(number)


def decimal(value, label: str, *, places: int = 2) -> Decimal | None:
    """A non-negative amount (e.g. 培训费) with at most `places` decimals; "1,200.50" and "￥800" are read too."""
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{label}应为金额（当前为“{text(value)}”）", code="decimal")
    raw = unicodedata.normalize("NFKC", text(value)).replace(",", "").lstrip("¥￥").strip()
    try:
        number = Decimal(raw)
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite():
        raise ValidationError(f"{label}应为金额，如 1200 或 1200.50（当前为“{text(value)}”）", code="decimal")
    if number < 0:
        raise ValidationError(f"{label}不能为负数（当前为“{text(value)}”）", code="decimal")
    return number.quantize(Decimal(1).scaleb(-places))


def coordinate(value, label: str, low: float, high: float) -> float | None:
    """A decimal degree from a number cell or its text ("31.1935"); degrees-minutes text is refused."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, bool):
        raise ValidationError(f"{label}须为十进制度数，如 31.1935")
    if isinstance(value, int | float):
        number = float(value)
    else:
        raw = unicodedata.normalize("NFKC", str(value)).strip()
        try:
            number = float(raw)
        except ValueError:
            raise ValidationError(f"{label}“{raw[:20]}”不是十进制度数（WGS-84，如 31.1935）") from None
    if not math.isfinite(number) or not low <= number <= high:
        raise ValidationError(f"{label}“{value}”超出范围（{low} 至 {high}），请核对纬度、经度是否填反")
    return number


def point(lat_value, lng_value) -> tuple[float | None, float | None]:
    """Optional WGS-84 coordinates from a 纬度 and a 经度 cell: both or neither, and inside Shanghai."""
    lat = coordinate(lat_value, "纬度", -90, 90)
    lng = coordinate(lng_value, "经度", -180, 180)
    if (lat is None) != (lng is None):
        raise ValidationError("纬度和经度须同时填写（或都不填）")
    if lat is not None and not in_shanghai(lat, lng):
        raise ValidationError(f"坐标（{lat}，{lng}）不在上海市范围内：请填写 WGS-84 十进制度数，纬度在前")
    return lat, lng


def yes_no(value, label: str) -> bool | None:
    if value in (None, ""):
        return None
    if isinstance(value, bool):
        return value
    raw = text(value).lower()
    if raw in {"是", "y", "yes", "true", "1", "有"}:
        return True
    if raw in {"否", "n", "no", "false", "0", "无"}:
        return False
    raise ValidationError(f"{label}“{text(value)}”无法识别，可填：是、否", code="yes_no")


def choice(value, choices, label: str, default=None):
    """A TextChoices value from its label (or its stored value); empty gives `default`."""
    raw = text(value)
    if not raw:
        return default
    by_label = {str(lab): val for val, lab in choices.choices}
    if raw in by_label:
        return by_label[raw]
    if raw in choices.values:
        return raw
    raise ValidationError(f"{label}“{raw}”无法识别，可填：{'、'.join(str(lab) for lab in choices.labels)}",
                          code="choice")


def split_list(value) -> list[str]:
    """A cell holding several items separated by 、 , ， ; ； or spaces."""
    return [part for part in re.split(r"[、,，;；\s]+", text(value)) if part]


# Writing ------------------------------------------------------------------------------------------

TEXT_FORMAT = "@"


def neutralise(value):
    """A text that a spreadsheet program would run as a formula, prefixed with `'` (OWASP)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def workbook_bytes(wb) -> bytes:
    """The workbook as .xlsx, every text cell of every sheet neutralised first (the one place)."""
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith(FORMULA_START):
                    cell.value = neutralise(cell.value)
                    cell.data_type = "s"
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def template_workbook(*, title: str, headers: list[str], example: list, notes: list[tuple[str, str]],
                      text_columns: set[str], widths: list[int] | None = None, footer: list[str] = ()):
    """An import template: the header row, one example row marked 示例 (never imported), ID/phone/code
    columns formatted as text, and an instructions sheet."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append(headers)
    example = [f"{EXAMPLE_MARK}：{example[0]}", *example[1:]]
    ws.append(example)
    grey = PatternFill("solid", fgColor="EDEDED")
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for cell in ws[2]:
        cell.font = Font(italic=True, color="808080")
        cell.fill = grey
    for index, header in enumerate(headers, start=1):
        letter = ws.cell(row=1, column=index).column_letter
        if widths:
            ws.column_dimensions[letter].width = widths[index - 1]
        if header in text_columns:
            # Typed into a text column, 310104199211252019 and 021… stay as typed, in Excel, WPS and LibreOffice.
            ws.column_dimensions[letter].number_format = TEXT_FORMAT
            for row in range(2, 2002):
                ws.cell(row=row, column=index).number_format = TEXT_FORMAT
    sheet = wb.create_sheet("填写说明")
    sheet.append(["列名", "说明"])
    for header, note in notes:
        sheet.append([header, note])
    sheet.append(["", f"第二行（第一格以“{EXAMPLE_MARK}”开头、灰色）是示例，导入时会跳过，可以保留或删除。"])
    sheet.append(["", f"{'、'.join(h for h in headers if h in text_columns)} 列已设置为文本格式：表格软件会把长数字"
                      "存成数字，只保留 15 位有效数字（身份证号末几位变成 0），并去掉开头的 0（如 021 固定电话）。"
                      "请不要改变这些列的格式；从别处粘贴时请用“选择性粘贴—数值/文本”。"])
    for line in footer:
        sheet.append(["", line])
    sheet.column_dimensions["A"].width = 18
    sheet.column_dimensions["B"].width = 100
    return wb


def report_workbook(*, title: str, headers: list[str], rows: list[tuple[int, list, str]]):
    """An error report the user can fix and upload again: the template's columns with each failed row as it
    was uploaded, then its row number and the reason (both ignored on upload)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font, PatternFill

    wb = Workbook()
    ws = wb.active
    ws.title = title
    ws.append([*headers, *REPORT_COLUMNS])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    yellow = PatternFill("solid", fgColor="FFF2CC")
    for number, values, reason in rows:
        ws.append([*(None if v == "" else v for v in values), *[None] * (len(headers) - len(values)), number, reason])
        ws.cell(row=ws.max_row, column=len(headers) + 2).fill = yellow
    for index in range(1, len(headers) + 1):
        for row in range(2, ws.max_row + 1):
            cell = ws.cell(row=row, column=index)
            if isinstance(cell.value, str):
                cell.number_format = TEXT_FORMAT
    ws.column_dimensions[ws.cell(row=1, column=len(headers) + 2).column_letter].width = 80
    return wb


def xlsx_response(wb_or_bytes, filename: str) -> HttpResponse:
    """A download: .xlsx content type and a Content-Disposition that carries a Chinese name (RFC 6266/5987)."""
    content = wb_or_bytes if isinstance(wb_or_bytes, bytes) else workbook_bytes(wb_or_bytes)
    response = HttpResponse(content, content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=filename)
    return response
