"""Excel import: template, upload checks, row-by-row validation, error report, all-or-nothing, duplicates, progress."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from jobseekers.imports import HEADERS
from jobseekers.models import ImportJob, JobseekerArchive, StatusEntry
from tests.factories import xlsx as make_xlsx

from .factories import make_archive, make_id_number, wrong_check_digit

pytestmark = pytest.mark.django_db


def xlsx(rows, headers=HEADERS) -> bytes:
    return make_xlsx(rows, headers)


def row(name="导入人", id_number=None, phone="13700001111", **kw):
    values = {"姓名": name, "身份证号": id_number or make_id_number(), "手机号": phone, "户籍": "本市户籍",
              "学历": "本科", "意向职业代码": "", "期望工时": "全职", "重点群体": "", "当前就业状态": "失业",
              "同意日期": "2026-11-01", "同意范围": "仅用于本站就业服务"}
    values.update(kw)
    return [values.get(h, "") for h in HEADERS]


def upload(client, world, content: bytes, *, name="archives.xlsx", mode="partial"):
    return client.post(reverse("jobseekers:import"), {
        "station": world["station_a"].pk, "mode": mode,
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    })


def test_template_downloads_with_the_expected_columns(client, world):
    client.force_login(world["staff"])
    response = client.get(reverse("jobseekers:import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS


def test_good_rows_import_in_one_go_and_bad_rows_are_reported(client, world, django_capture_on_commit_callbacks):
    existing = make_archive(world["station_c"], name="已建档")
    dup_in_file = make_id_number()
    rows = [
        row("甲", occupation="", **{"意向职业代码": "4-04-05-05", "重点群体": "4050人员、就业困难人员"}),
        row("乙", wrong_check_digit(make_id_number())),
        row("丙", phone="12345"),
        row("丁", existing.id_number),
        row("戊", dup_in_file),
        row("己", dup_in_file.lower()),
        row("庚", **{"同意日期": ""}),
        row("辛", **{"意向职业代码": "9-99-99-99"}),
    ]
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world, xlsx(rows))
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("jobseekers:import_detail", args=[job.pk])
    assert job.status == ImportJob.Status.DONE and job.total_rows == 8
    assert (job.imported_rows, job.failed_rows, job.duplicate_rows) == (2, 6, 2)
    assert set(JobseekerArchive.objects.filter(station=world["station_a"]).values_list("name", flat=True)) == {"甲", "戊"}
    jia = JobseekerArchive.objects.get(name="甲")
    assert jia.key_groups == ["4050", "difficulty"] and jia.desired_occupations.get().code == "4-04-05-05"
    assert jia.status_entries.get().source == StatusEntry.Source.IMPORT and jia.next_survey_due
    assert JobseekerArchive.objects.filter(id_number_hash=existing.id_number_hash).count() == 1
    assert job.source == b"" or bytes(job.source) == b""

    report = client.get(reverse("jobseekers:import_errors", args=[job.pk]))
    sheet = [list(r) for r in load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True)]
    assert sheet[0][:len(HEADERS)] == HEADERS  # the template's columns, then row number and reason
    reasons = {r[-2]: r[-1] for r in sheet[1:]}
    assert sorted(reasons) == [3, 4, 5, 7, 8, 9]
    assert "校验位错误" in reasons[3] and "11位" in reasons[4]
    assert world["station_c"].name in reasons[5] and "未重复创建" in reasons[5]
    assert "第 6 行" in reasons[7] and "同意日期" in reasons[8] and "9-99-99-99" in reasons[9]
    assert [r[0] for r in sheet[1:]] == ["乙", "丙", "丁", "己", "庚", "辛"]  # every failed row as uploaded
    assert all(existing.id_number not in str(e) for e in job.errors)  # the stored summary masks ID numbers

    page = client.get(reverse("jobseekers:import_detail", args=[job.pk])).content.decode()
    assert "下载错误报告" in page and "导入 2 份档案" in page


def test_all_or_nothing_imports_nothing_when_a_row_fails(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, xlsx([row("甲"), row("乙", "123")]), mode="all_or_nothing")
    job = ImportJob.objects.get()
    assert job.imported_rows == 0 and job.failed_rows == 1 and "未导入任何档案" in job.message
    assert not JobseekerArchive.objects.exists()


def test_all_or_nothing_imports_everything_when_all_rows_are_good(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, world, xlsx([row("甲"), row("乙")]), mode="all_or_nothing")
    assert ImportJob.objects.get().imported_rows == 2 and JobseekerArchive.objects.count() == 2


def _too_many_rows() -> bytes:
    wb = Workbook(write_only=True)
    ws = wb.create_sheet()
    ws.append(HEADERS)
    for i in range(10_001):
        ws.append(["某", f"x{i}"])
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name, content, message", [
    ("archives.pdf", b"%PDF-1.4", "只能上传 Excel（.xlsx、.xls）或 CSV（.csv）"),
    ("archives.xlsx", b"PK" + b"0" * (5 * 1024 * 1024 + 10), "文件过大"),
])
def test_uploads_of_the_wrong_kind_or_size_are_refused_at_once(client, world, name, content, message):
    client.force_login(world["staff"])
    response = upload(client, world, content, name=name)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists() and not JobseekerArchive.objects.exists()


@pytest.mark.parametrize("name, content, message", [
    ("archives.xlsx", b"PK\x03\x04 this is not really a workbook", "不是有效的 Excel"),
    ("archives.xls", b"\xd0\xcf\x11\xe0 not really", "不是有效的 Excel 97-2003（.xls）"),
    ("archives.xlsx", "wrong-columns", "缺少列：身份证号"),
    ("archives.xlsx", "empty", "没有数据行"),
    ("archives.xlsx", "too-many", "超过 10000 行"),
    ("archives.csv", "\u59d3\u540d".encode("utf-16"), "既不是 UTF-8（带或不带 BOM），也不是 GB18030/GBK"),
])
def test_unusable_files_fail_in_the_worker_with_a_clear_message(client, world, name, content, message,
                                                                django_capture_on_commit_callbacks):
    if content == "wrong-columns":
        content = xlsx([["张三", "x"]], headers=["姓名", "证件", "同意日期", "同意范围"])
    elif content == "empty":
        content = xlsx([])
    elif content == "too-many":
        content = _too_many_rows()
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, world, content, name=name)
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == ImportJob.Status.FAILED
    assert message in client.get(response["Location"]).content.decode()
    assert not JobseekerArchive.objects.exists() and bytes(job.source) == b"" and not job.can_retry


def test_progress_fragment_polls_while_running_and_stops_when_done(client, world):
    job = ImportJob.objects.create(station=world["station_a"], created_by=world["staff"], file_name="a.xlsx",
                                   total_rows=400, processed_rows=100, status=ImportJob.Status.RUNNING)
    client.force_login(world["staff"])
    url = reverse("jobseekers:import_detail", args=[job.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "25%" in fragment and 'hx-trigger="every 1s"' in fragment and "<html" not in fragment
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, processed_rows=400)
    assert "hx-trigger" not in client.get(url, headers={"HX-Request": "true"}).content.decode()


def test_import_page_lists_recent_jobs_of_the_users_scope_only(client, world):
    ImportJob.objects.create(station=world["station_a"], created_by=world["staff"], file_name="mine.xlsx")
    ImportJob.objects.create(station=world["station_b"], created_by=world["staff_other"], file_name="theirs.xlsx")
    client.force_login(world["staff"])
    body = client.get(reverse("jobseekers:import")).content.decode()
    assert "mine.xlsx" in body and "theirs.xlsx" not in body


def test_upload_is_stored_encrypted_until_processed_then_deleted(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    content = xlsx([row("甲")])
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        upload(client, world, content)
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.PENDING and len(callbacks) == 1
    assert not bytes(job.source).startswith(b"PK") and job.get_source() == content
    callbacks[0]()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and bytes(job.source) == b"" and job.imported_rows == 1
