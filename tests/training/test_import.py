"""A provider's program list from Excel, through the archive import's shared code (core.imports): template, upload
checks, per-row reasons with row numbers, error report, all-or-nothing, duplicates, progress, permissions."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from core.models import AuditEvent
from core.tasks import sheet_import_task, sheet_imports_sweep_task
from stations.selectors import street_point
from tests.factories import xlsx as make_xlsx
from tests.matrix import ANY_INTERNAL, OWNED_BY_A, assert_matrix
from training import events
from training.imports import PROGRAMS
from training.models import Program, ProgramImportJob

from .factories import make_program, make_provider, occupation

pytestmark = pytest.mark.django_db

HEADERS = PROGRAMS.headers
START = (timezone.localdate() + dt.timedelta(days=20)).isoformat()
END = (timezone.localdate() + dt.timedelta(days=60)).isoformat()


def xlsx(rows, headers=HEADERS) -> bytes:
    return make_xlsx(rows, headers)


def row(title="中式烹调师（四级）培训", **kw) -> list:
    values = {"项目名称": title, "职业代码": occupation().code, "技能等级": "四级/中级工", "课时": 120,
              "开班日期": START, "结业日期": END, "上课时间": "周一至周五 9:00-16:00", "培训地点街镇": "",
              "培训地点": "", "纬度": "", "经度": "", "名额": 25, "培训费（元）": "1,200.50", "状态": "报名中",
              "项目介绍": ""}
    values.update(kw)
    return [values.get(h, "") for h in HEADERS]


@pytest.fixture
def provider(world):
    return make_provider(world["station_a"], name="徐汇区烹饪职业技能培训学校", lat=31.1901, lng=121.4402)


def upload(client, provider, content: bytes, *, name="programs.xlsx", mode="partial"):
    return client.post(reverse("training:program_import"), {
        "provider": provider.pk, "mode": mode,
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream"),
    })


def _run(client, world, provider, rows, django_capture_on_commit_callbacks, **kwargs):
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(client, provider, xlsx(rows), **kwargs)
    job = ProgramImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("training:program_import_detail", args=[job.pk])
    return job


def test_the_template_has_the_columns_an_example_and_instructions(client, world):
    client.force_login(world["staff"])
    response = client.get(reverse("training:program_import_template"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.worksheets[0][1]] == HEADERS
    assert str(wb.worksheets[0].cell(row=2, column=1).value).startswith("示例")
    notes = {r[0]: r[1] for r in wb.worksheets[1].iter_rows(values_only=True)}
    assert "细类代码" in notes["职业代码"] and "大于 0" in notes["名额"]


def test_a_good_file_imports_every_program_for_the_chosen_provider(client, world, provider,
                                                                 django_capture_on_commit_callbacks):
    street = world["station_b"].street
    rows = [
        row("中式烹调师（四级）培训"),  # no place: the provider's address and coordinates
        row("西式面点师培训", **{"培训地点": "虹桥路 1 号", "纬度": 31.2, "经度": "121.43", "状态": ""}),
        row("茶艺师培训", **{"培训地点街镇": street.name, "培训地点": "某路 2 号", "培训费（元）": "",
                          "技能等级": "专项职业能力"}),
    ]
    job = _run(client, world, provider, rows, django_capture_on_commit_callbacks)
    assert (job.status, job.total_rows, job.imported_rows, job.failed_rows) == ("done", 3, 3, 0)
    assert "导入 3 个培训项目，全部成功" in job.message and not job.report and bytes(job.source) == b""
    programs = {p.title: p for p in Program.objects.filter(provider=provider)}
    assert set(programs) == {"中式烹调师（四级）培训", "西式面点师培训", "茶艺师培训"}
    cook = programs["中式烹调师（四级）培训"]
    assert (cook.station, cook.skill_level, cook.hours, cook.capacity, cook.fee, cook.status) == (
        world["station_a"], "4", 120, 25, Decimal("1200.50"), "enrolling")
    assert (cook.place, cook.lat, cook.lng, cook.street) == (provider.address, provider.lat, provider.lng,
                                                            provider.street)
    assert cook.start_date.isoformat() == START and cook.occupation == occupation()
    assert "中式烹调师" in cook.search_text  # found by the public catalog's keyword
    pastry = programs["西式面点师培训"]
    assert (pastry.lat, pastry.lng, pastry.status) == (31.2, 121.43, "planned")
    tea = programs["茶艺师培训"]
    assert tea.street == street and tea.fee == 0 and tea.skill_level == "special"
    point = street_point(street)
    assert (tea.lat, tea.lng) == (point.lat, point.lng)  # located at its street's point, as other places are
    assert (tea.lat, tea.lng) != (provider.lat, provider.lng)
    assert AuditEvent.objects.filter(action=events.PROGRAM_CREATE, object_id=str(cook.pk)).exists()
    assert AuditEvent.objects.filter(action=events.PROGRAM_IMPORT_FINISH, object_id=str(job.pk)).exists()
    page = client.get(reverse("training:program_import_detail", args=[job.pk])).content.decode()
    assert "导入 3 个培训项目" in page and "下载错误报告" not in page


def test_bad_rows_are_reported_with_their_row_and_reason_and_nothing_is_created_for_them(
        client, world, provider, django_capture_on_commit_callbacks):
    early = (timezone.localdate() + dt.timedelta(days=5)).isoformat()
    rows = [
        row("正确的项目"),
        row("结业早于开班", **{"结业日期": early}),
        row("未知职业", **{"职业代码": "9-99-99-99"}),
        row("零名额", **{"名额": 0}),
        row("负名额", **{"名额": -3}),
        row("错误日期", **{"开班日期": "2027-13-45"}),
        row("", **{"课时": "很多", "技能等级": "八级"}),
    ]
    job = _run(client, world, provider, rows, django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.failed_rows) == (1, 6)
    assert list(Program.objects.values_list("title", flat=True)) == ["正确的项目"]
    assert "1 个培训项目" in job.message and "6 行有错误" in job.message
    reasons = {e["row"]: e["reason"] for e in job.errors}
    assert sorted(reasons) == [3, 4, 5, 6, 7, 8]
    assert "结业日期不能早于开班日期" in reasons[3]
    assert "9-99-99-99" in reasons[4] and "细类代码" in reasons[4]
    assert "名额" in reasons[5] and "当前为 0" in reasons[5]
    assert "当前为 -3" in reasons[6]
    assert "开班日期“2027-13-45”不是有效日期" in reasons[7]
    assert "项目名称不能为空" in reasons[8] and "课时应为整数" in reasons[8] and "技能等级“八级”无法识别" in reasons[8]

    client.force_login(world["staff"])
    report = client.get(reverse("training:program_import_errors", args=[job.pk]))
    assert report.status_code == 200 and "no-store" in report["Cache-Control"]
    sheet = [list(r) for r in load_workbook(io.BytesIO(report.content)).active.iter_rows(values_only=True)]
    assert sheet[0][:len(HEADERS)] == HEADERS  # the template's columns, then row number and reason
    assert [r[-2] for r in sheet[1:]] == [3, 4, 5, 6, 7, 8]
    assert [r[0] for r in sheet[1:]][:2] == ["结业早于开班", "未知职业"]  # each failed row as uploaded
    page = client.get(reverse("training:program_import_detail", args=[job.pk])).content.decode()
    assert "下载错误报告" in page


def test_all_or_nothing_imports_nothing_when_a_row_fails(client, world, provider, django_capture_on_commit_callbacks):
    job = _run(client, world, provider, [row("甲"), row("乙", **{"名额": 0})], django_capture_on_commit_callbacks,
               mode="all_or_nothing")
    assert job.imported_rows == 0 and job.failed_rows == 1 and "未导入任何培训项目" in job.message
    assert not Program.objects.exists()


def test_duplicates_in_the_file_and_of_existing_programs_are_reported(client, world, provider,
                                                                      django_capture_on_commit_callbacks):
    make_program(provider, title="已登记的项目", start_date=dt.date.fromisoformat(START),
                 end_date=dt.date.fromisoformat(END))
    job = _run(client, world, provider, [row("新项目"), row("新项目"), row("已登记的项目")],
               django_capture_on_commit_callbacks)
    assert (job.imported_rows, job.failed_rows, job.duplicate_rows) == (1, 2, 2)
    reasons = {e["row"]: e["reason"] for e in job.errors}
    assert "第 2 行" in reasons[3] and "已有同名、同开班日期" in reasons[4]
    assert Program.objects.filter(title="已登记的项目").count() == 1


@pytest.mark.parametrize("name", ["programs.pdf", "programs.docx", "programs"])
def test_a_file_that_is_not_a_spreadsheet_is_refused_at_once(client, world, provider, name):
    client.force_login(world["staff"])
    response = upload(client, provider, b"%PDF-1.4 not a sheet", name=name)
    assert response.status_code == 400
    assert "只能上传 Excel（.xlsx、.xls）或 CSV（.csv）" in response.content.decode()
    assert not ProgramImportJob.objects.exists() and not Program.objects.exists()


def test_a_damaged_or_wrong_sheet_fails_in_the_worker_with_a_clear_message(client, world, provider,
                                                                           django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        upload(client, provider, b"PK not really a zip", name="programs.xlsx")
        upload(client, provider, xlsx([["x"]], headers=["姓名", "身份证号"]), name="archives.xlsx")
    damaged, wrong = ProgramImportJob.objects.order_by("id")
    assert damaged.status == wrong.status == "failed"
    assert "不是有效的 Excel" in damaged.message and "缺少列" in wrong.message
    assert not Program.objects.exists()


def test_a_provider_outside_the_users_scope_is_refused(client, world, django_capture_on_commit_callbacks):
    far = make_provider(world["station_c"])
    client.force_login(world["staff"])
    response = upload(client, far, xlsx([row()]))
    assert response.status_code == 400 and not ProgramImportJob.objects.exists()


def test_progress_fragment_polls_while_running_and_a_lost_worker_is_swept(client, world, provider):
    job = ProgramImportJob.objects.create(provider=provider, station=provider.station, created_by=world["staff"],
                                          file_name="p.xlsx", status="running", total_rows=8, processed_rows=2)
    client.force_login(world["staff"])
    url = reverse("training:program_import_detail", args=[job.pk])
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "25%" in fragment and 'hx-trigger="every 1s"' in fragment and "<html" not in fragment
    assert f'hx-get="{url}"' in fragment
    job.set_source(xlsx([row()]))
    job.save()
    ProgramImportJob.objects.filter(pk=job.pk).update(updated_at=timezone.now() - dt.timedelta(hours=1))
    assert sheet_imports_sweep_task("programs") == 1
    job.refresh_from_db()
    assert job.status == "failed" and job.can_retry and "导入中断" in job.message
    fragment = client.get(url, headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in fragment and reverse("training:program_import_retry", args=[job.pk]) in fragment
    client.post(reverse("training:program_import_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == "pending"
    sheet_import_task("programs", job.pk)  # what the queued task does
    job.refresh_from_db()
    assert job.status == "done" and job.imported_rows == 1


def test_import_page_matrix(client, world, provider, django_capture_on_commit_callbacks):
    job = _run(client, world, provider, [row(), row("坏行", **{"名额": 0})], django_capture_on_commit_callbacks)
    assert_matrix(client, world, reverse("training:program_import"), ANY_INTERNAL)
    assert_matrix(client, world, reverse("training:program_import_template"), ANY_INTERNAL)
    assert_matrix(client, world, reverse("training:program_import_detail", args=[job.pk]), OWNED_BY_A)
    assert_matrix(client, world, reverse("training:program_import_errors", args=[job.pk]), OWNED_BY_A)
    retry = {role: (404 if wanted == 404 else wanted) for role, wanted in OWNED_BY_A.items()}
    retry.update({role: 302 for role, wanted in OWNED_BY_A.items() if wanted == 200})
    assert_matrix(client, world, reverse("training:program_import_retry", args=[job.pk]), retry, method="post")
    client.force_login(world["staff"])
    assert reverse("training:program_import") in client.get(reverse("training:program_list")).content.decode()
