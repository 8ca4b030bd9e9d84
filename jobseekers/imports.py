"""Archive spreadsheets: the import's columns and row builder, its template and error report, the export,
and the import run by the Celery task (reading, row-by-row validation, then one insert of the good rows).

Reading, cell parsing and writing are `core.spreadsheets`; the run, its progress, error report, retry and
sweep are `core.imports` (shared with training's program import); this module only knows the archive's
columns, its duplicates and how the good rows are written.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.utils import timezone

from core import imports as sheets_import
from core import spreadsheets as sheets
from core.choices import HoursType, KeyGroup
from core.masking import mask_id_number
from core.models import Occupation
from core.queue import enqueue
from core.validators import normalize_id_number

from . import events
from .certificates import occupation_index, rows_from_text
from .identity import IDENTITY_FIELDS, identity_fields, phone_encrypted
from .models import (
    Certificate,
    ConsentScope,
    Education,
    EmploymentStatus,
    Hukou,
    ImportJob,
    JobseekerArchive,
    StatusEntry,
)
from .rules import rule_intervals

MAX_ROWS = 10_000
PROGRESS_EVERY = 200

# (header, key, required, note shown in the template's instructions sheet)
COLUMNS = [
    ("姓名", "name", True, "必填"),
    ("身份证号", "id_number", True, "必填，18位，末位X可大写或小写；本列为文本格式，请勿改为数字"),
    ("手机号", "phone", False, "11位手机号；本列为文本格式"),
    ("户籍", "hukou", False, "、".join(Hukou.labels) + "；默认本市户籍"),
    ("居住地址", "address", False, ""),
    ("纬度", "lat", False, "居住地点的纬度，WGS-84 十进制度数（手机定位、天地图的数值），如 31.1935；可不填，"
                          "与经度同时填写；不填时按居住街镇估算距离"),
    ("经度", "lng", False, "居住地点的经度，WGS-84 十进制度数，如 121.4370；可不填，与纬度同时填写"),
    ("学历", "education", False, "、".join(Education.labels)),
    ("毕业年份", "graduation_year", False, "如 2025"),
    ("毕业院校", "school", False, ""),
    ("技能", "skills", False, ""),
    ("证书", "certificates", False, "多个证书用顿号、逗号、分号或换行分开，如：电工证（四级）、叉车证"),
    ("工作经历", "work_history", False, ""),
    ("意向职业代码", "occupations", False, "职业分类大典细类代码，多个用逗号分隔，如 4-04-05-05；本列为文本格式"),
    ("期望月薪", "desired_salary", False, "元/月，整数"),
    ("期望工时", "desired_hours", False, "、".join(HoursType.labels) + "；默认全职"),
    ("重点群体", "key_groups", False, "多个用顿号或逗号分隔：" + "、".join(KeyGroup.labels)),
    ("当前就业状态", "status", False, "、".join(EmploymentStatus.labels) + "；默认失业"),
    ("同意日期", "consent_date", True, "必填，本人同意处理个人信息的日期，如 2026-11-01、2026/11/1 或 2026年11月1日"),
    ("同意范围", "consent_scope", True, "必填：" + "、".join(ConsentScope.labels)),
]
HEADERS = [c[0] for c in COLUMNS]
REQUIRED = [c[0] for c in COLUMNS if c[2]]
TEXT_COLUMNS = {"身份证号", "手机号", "意向职业代码"}
EXPORT_HEADERS = ["姓名", "身份证号", "性别", "出生日期", "手机号", "户籍", "建档站点", "居住街镇", "网格", "学历",
                  "重点群体", "当前就业状态", "帮办员", "下次排摸日期", "在册"]


# Template, export, error report -----------------------------------------------------------------

def template_workbook():
    example = ["张三", "11010519491231002X", "13800138000", "本市户籍", "徐汇区漕溪北路 1 号", 31.1935, 121.437,
               "高中/中专/技校", "", "",
               "叉车", "叉车证", "仓库管理 3 年", "4-02-06-01", 6000, "全职", "4050人员", "失业", "2026-11-01",
               ConsentScope.SERVICE.label]
    return sheets.template_workbook(
        title="档案", headers=HEADERS, example=example, notes=[(h, note) for h, _k, _r, note in COLUMNS],
        text_columns=TEXT_COLUMNS, widths=[12, 22, 14, 12, 24, 10, 11, 14, 10, 16, 16, 16, 20, 18, 10, 10, 18, 12, 12, 24],
        footer=[f"第一个工作表第一行为列名，请勿修改。每个文件最多 {MAX_ROWS} 行。可上传 {sheets.ACCEPTED}。"])


def export_workbook(archives, *, full: bool):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "求职者档案"
    ws.append(EXPORT_HEADERS)
    for a in archives:
        ws.append([
            a.name, a.id_number if full else a.id_number_masked, a.get_sex_display(), a.birth_date,
            a.phone if full else a.phone_masked, a.get_hukou_display(), a.station.name,
            a.street.name if a.street_id else "", a.grid.name if a.grid_id else "", a.get_education_display(),
            "、".join(a.key_group_labels()), a.get_current_status_display(),
            (a.helper.get_full_name() or a.helper.get_username()) if a.helper_id else "",
            a.next_survey_due, "是" if a.is_open else "否",
        ])
    return wb


def error_report_workbook(rows: list[tuple[int, list, str]]):
    return sheets.report_workbook(title="错误报告", headers=HEADERS, rows=rows)


# One row ------------------------------------------------------------------------------------------

def _point(values: dict) -> tuple[float | None, float | None]:
    """The optional home coordinates (WGS-84): both or neither, and inside Shanghai."""
    return sheets.point(values.get("lat"), values.get("lng"))


def _build(values: dict, *, station, occupations: dict[str, int], intervals: dict, today: dt.date,
           names: dict[str, str] | None = None):
    """An unsaved archive (+ occupation ids) from one row's raw cells, or ValidationError with every reason."""
    reasons = sheets_import.Reasons()
    attempt = reasons.attempt

    identity = None
    raw_id = attempt(sheets.id_number, values.get("id_number"))
    if raw_id:
        identity = attempt(identity_fields, raw_id, today=today)
    elif raw_id == "":
        reasons.append("身份证号不能为空")
    raw_phone = attempt(sheets.phone, values.get("phone"))
    phone = (attempt(phone_encrypted, raw_phone) if raw_phone else "") or ""
    fields = {
        "hukou": attempt(sheets.choice, values.get("hukou"), Hukou, "户籍", Hukou.LOCAL),
        "education": attempt(sheets.choice, values.get("education"), Education, "学历", ""),
        "desired_hours": attempt(sheets.choice, values.get("desired_hours"), HoursType, "期望工时", HoursType.FULL_TIME),
        "consent_scope": attempt(sheets.choice, values.get("consent_scope"), ConsentScope, "同意范围", ""),
        "graduation_year": attempt(sheets.integer, values.get("graduation_year"), "毕业年份"),
        "desired_salary": attempt(sheets.integer, values.get("desired_salary"), "期望月薪"),
        "consent_date": attempt(sheets.date, values.get("consent_date"), "同意日期"),
    }
    status = attempt(sheets.choice, values.get("status"), EmploymentStatus, "当前就业状态", EmploymentStatus.UNEMPLOYED)
    key_groups = [v for v in (attempt(sheets.choice, label, KeyGroup, "重点群体")
                              for label in sheets.split_list(values.get("key_groups"))) if v]
    occupation_ids = []
    for code in sheets.split_list(values.get("occupations")):
        if code in occupations:
            occupation_ids.append(occupations[code])
        else:
            reasons.append(f"意向职业代码“{code}”不是职业分类大典中的细类代码")
    lat, lng = attempt(_point, values) or (None, None)
    text = {key: sheets.text(values.get(key)) for key in ("name", "address", "school", "skills", "work_history")}
    archive = JobseekerArchive(
        station=station, street_id=station.street_id, key_groups=key_groups, phone_encrypted=phone, lat=lat, lng=lng,
        current_status=status or EmploymentStatus.UNEMPLOYED, **text,
        **{k: v for k, v in fields.items() if v is not None}, **(identity or {}),
    )
    try:
        excluded = ["station", "street", "area", "grid", "helper", *([] if identity else IDENTITY_FIELDS)]
        # clean() covers the model's one check constraint, without a query per row
        archive.full_clean(exclude=excluded, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        for name, messages in exc.message_dict.items():
            if name == "phone_encrypted" and not phone:
                continue
            label = str(JobseekerArchive._meta.get_field(name).verbose_name) if name != "__all__" else ""
            reasons.extend(f"{label}：{m}" if label else m for m in messages)
    if reasons:
        raise ValidationError(list(dict.fromkeys(reasons)))
    archive.next_survey_due = today + dt.timedelta(days=intervals.get((bool(key_groups), archive.current_status), 90))
    # the 证书 cell: one row per certificate, written with the archive (see certificates.py)
    archive.certificate_rows = rows_from_text(sheets.text(values.get("certificates")), names)
    return archive, occupation_ids


def _masked(raw) -> str:
    """The report summary's masked ID; none for a number the spreadsheet damaged (its digits are not the person's)."""
    try:
        value = sheets.id_number(raw)
    except ValidationError:
        return ""
    return mask_id_number(normalize_id_number(value)) if value else ""


def _as_uploaded(values: dict) -> list:
    """The row in template order for the error report; an ID or phone the spreadsheet damaged is left blank
    for the user to type again as text."""
    row = [values.get(key) for _h, key, _r, _n in COLUMNS]
    for key, parse in (("id_number", sheets.id_number), ("phone", sheets.phone)):
        try:
            parse(values.get(key))
        except ValidationError:
            row[[c[1] for c in COLUMNS].index(key)] = None
    return row


# The run ------------------------------------------------------------------------------------------

SYSTEM_ERROR = "导入过程中发生系统错误，本次未导入任何档案。可点“重试”再次导入，或稍后重新上传。"
LOST_WORKER = "导入中断（处理它的后台进程已停止），本次未导入任何档案。可点“重试”再次导入，或重新上传。"
# A posting import writes row by row: the rows before the interruption are in as drafts.
LOST_WORKER_POSTINGS = "导入中断（处理它的后台进程已停止），请在岗位列表中查看已导入的草稿，再重新上传其余的行。"


class ArchiveImport(sheets_import.SheetImport):
    """The archive sheet on `core.imports`: every row validated (identity, consent, catalog codes), duplicates
    of the file and of the city's archives reported, the good rows written in one go with their status entry."""

    name = "archives"
    job_model = ImportJob
    columns = COLUMNS
    text_columns = TEXT_COLUMNS
    max_rows = MAX_ROWS
    progress_every = PROGRESS_EVERY
    unit, thing = "份", "档案"
    finish_action = events.JOBSEEKER_IMPORT_FINISH
    lost_worker, system_error = LOST_WORKER, SYSTEM_ERROR
    conflict = "导入期间有相同身份证号的档案被其他人创建，本次未导入任何档案，请重新上传。"
    task = "jobseekers.tasks.import_run_task"

    def enqueue(self, job) -> None:
        enqueue(self.task, job_id=job.pk)

    def job_queryset(self):
        return ImportJob.objects.select_related("station", "created_by")

    def template_workbook(self):
        return template_workbook()

    def report_workbook(self, rows):
        return error_report_workbook(rows)

    def prepare(self, job) -> dict:
        return {"today": timezone.localdate(), "intervals": rule_intervals(),
                "occupations": dict(Occupation.objects.filter(level=Occupation.Level.OCCUPATION)
                                    .values_list("code", "id")),
                "names": occupation_index(Occupation.objects.filter(level=Occupation.Level.OCCUPATION).order_by("code")
                                          .values_list("code", "name"))}

    def build(self, values, *, job, context):
        return _build(values, station=job.station, occupations=context["occupations"],
                      intervals=context["intervals"], today=context["today"], names=context["names"])

    def as_uploaded(self, values):
        return _as_uploaded(values)

    def key(self, item):
        return item[0].id_number_hash

    def duplicate_in_file(self, first_row: int) -> str:
        return f"重复：与本文件第 {first_row} 行的身份证号相同"

    def existing(self, good, *, job, context):
        """Duplicates of archives already in the city, looked up in chunks by the keyed hash."""
        hashes = [archive.id_number_hash for _, _, (archive, _) in good]
        found: dict[str, str] = {}
        for start in range(0, len(hashes), 1000):
            found.update(JobseekerArchive.objects.filter(id_number_hash__in=hashes[start:start + 1000])
                         .values_list("id_number_hash", "station__name"))
        return {number: f"重复：该身份证号已在“{found[archive.id_number_hash]}”建档，未重复创建"
                for number, _, (archive, _) in good if archive.id_number_hash in found}

    def write(self, items, *, job, context) -> int:
        today = context["today"]
        created = JobseekerArchive.objects.bulk_create([a for a, _ in items], batch_size=1000)
        Through = JobseekerArchive.desired_occupations.through
        Through.objects.bulk_create(
            [Through(jobseekerarchive_id=a.pk, occupation_id=o)
             for a, (_, occ) in zip(created, items, strict=True) for o in dict.fromkeys(occ)],
            batch_size=2000)
        Certificate.objects.bulk_create(
            [Certificate(archive=a, **row) for a in created for row in a.certificate_rows], batch_size=1000)
        StatusEntry.objects.bulk_create(
            [StatusEntry(archive=a, status=a.current_status, effective_date=today,
                         source=StatusEntry.Source.IMPORT, recorded_by=job.created_by) for a in created],
            batch_size=1000)
        return len(created)

    def error_entry(self, failed):
        return {"row": failed.row, "name": sheets.text(failed.values[0]), "id_number": _masked(failed.values[1]),
                "reason": failed.reason}


ARCHIVES = sheets_import.register(ArchiveImport())


def run_import(job_id: int) -> ImportJob:
    """The Celery task's body: read the upload, validate every row, import the good ones."""
    return ARCHIVES.run(job_id)


def sweep(*, now: dt.datetime | None = None) -> int:
    """Periodic: a job with no progress for IMPORT_STALE_MINUTES lost its worker: mark it failed (retry offered,
    the upload kept); uploads and error reports older than IMPORT_RETENTION_HOURS are deleted either way.
    Posting imports (jobs.imports) share the model and this sweep."""
    return ARCHIVES.sweep(now=now, lost_action=events.JOBSEEKER_IMPORT_LOST,
                          lost_message=lambda job: LOST_WORKER_POSTINGS if job.kind == ImportJob.Kind.POSTINGS
                          else LOST_WORKER)
