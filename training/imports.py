"""A provider's program list from Excel: its columns, how one row becomes a program, and how the good rows are
written. The template, the per-row reasons, the progress, the error report, retry and sweep are core.imports,
exactly as for the archive import (the same pages, through core.import_views).

A place without coordinates is located as other places are: the training street's point
(stations.selectors.street_point), or the provider's own coordinates when the program is held at its address.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError

from core import imports as sheets_import
from core import spreadsheets as sheets
from core.models import Occupation
from stations.models import Street
from stations.selectors import street_point

from . import events, services
from .models import Program, ProgramImportJob, SkillLevel

IMPORTABLE_STATUSES = (Program.Status.PLANNED, Program.Status.ENROLLING, Program.Status.RUNNING)

COLUMNS = [
    ("项目名称", "title", True, "必填"),
    ("职业代码", "occupation", True, "必填，职业分类大典细类代码，如 4-10-01-05；本列为文本格式"),
    ("技能等级", "skill_level", True, "必填：" + "、".join(str(label) for label in SkillLevel.labels)),
    ("课时", "hours", True, "必填，正整数"),
    ("开班日期", "start_date", True, "必填，如 2027-01-04、2027/1/4 或 2027年1月4日"),
    ("结业日期", "end_date", True, "必填，不能早于开班日期"),
    ("上课时间", "schedule", False, "如 每周二、四 9:00-12:00"),
    ("培训地点街镇", "street", False, "街镇名称或代码；不填且培训地点为空时按培训机构所在街镇"),
    ("培训地点", "place", False, "详细地址；不填为培训机构地址"),
    ("纬度", "lat", False, "培训地点的纬度，WGS-84 十进制度数，如 31.1935；可不填，与经度同时填写；"
                          "不填时按培训地点街镇定位"),
    ("经度", "lng", False, "培训地点的经度，WGS-84 十进制度数，如 121.4370；可不填，与纬度同时填写"),
    ("名额", "capacity", True, "必填，大于 0 的整数"),
    ("培训费（元）", "fee", False, "元，可带两位小数；默认 0（免费）"),
    ("状态", "status", False, "、".join(str(Program.Status(s).label) for s in IMPORTABLE_STATUSES) + "；默认计划中"),
    ("项目介绍", "description", False, ""),
]
TEXT_COLUMNS = {"职业代码", "培训地点街镇"}
MAX_ROWS = 2000


def _required_int(value, label: str, *, minimum: int) -> int | None:
    number = sheets.integer(value, label)
    if number is None:
        raise ValidationError(f"{label}不能为空")
    if number < minimum:
        raise ValidationError(f"{label}须为大于 {minimum - 1} 的整数（当前为 {number}）")
    return number


class ProgramImport(sheets_import.SheetImport):
    """The program sheet: every row validated against the occupation catalog, the streets and the model's
    rules; the good rows become programs of the provider chosen on the upload form, in one transaction."""

    name = services.PROGRAMS_IMPORT
    job_model = ProgramImportJob
    columns = COLUMNS
    title = "培训项目"
    text_columns = TEXT_COLUMNS
    widths = [26, 14, 16, 8, 12, 12, 22, 16, 26, 10, 11, 8, 12, 10, 30]
    example = ["养老护理员（五级）培训", "4-10-01-05", str(SkillLevel.LEVEL5.label), 80, "2027-01-04", "2027-02-26",
               "每周二、四 9:00-12:00", "徐家汇街道", "漕溪北路 100 号", 31.1935, 121.437, 30, 0,
               str(Program.Status.ENROLLING.label), "结业可考取养老护理员五级证书。"]
    max_rows = MAX_ROWS
    unit, thing = "个", "培训项目"
    finish_action = events.PROGRAM_IMPORT_FINISH
    lost_worker = "导入中断（处理它的后台进程已停止），本次未导入任何培训项目。可点“重试”再次导入，或重新上传。"
    system_error = "导入过程中发生系统错误，本次未导入任何培训项目。可点“重试”再次导入，或稍后重新上传。"
    conflict = "导入期间培训项目数据发生冲突，本次未导入任何培训项目，请重新上传。"

    def job_queryset(self):
        return ProgramImportJob.objects.select_related("provider__street__district", "station", "created_by")

    def prepare(self, job) -> dict:
        streets: dict[str, Street] = {}
        for street in Street.objects.select_related("district").order_by("code"):
            streets[street.code] = street
            streets.setdefault(street.name, street)
        return {"streets": streets, "points": {},
                "occupations": {o.code: o for o in Occupation.objects.filter(level=Occupation.Level.OCCUPATION)}}

    def _locate(self, program: Program, *, at_provider: bool, context: dict) -> None:
        """Coordinates for a place given without them: the provider's when it is held at the provider's
        address, else its street's point (as for every other place), else none."""
        provider = program.provider
        if program.lat is not None:
            return
        if at_provider and provider.lat is not None:
            program.lat, program.lng = provider.lat, provider.lng
        elif program.street_id is not None:
            points = context["points"]
            if program.street_id not in points:
                points[program.street_id] = street_point(program.street)
            point = points[program.street_id]
            if point is not None:
                program.lat, program.lng = point.lat, point.lng

    def build(self, values, *, job, context):
        reasons = sheets_import.Reasons()
        attempt = reasons.attempt

        provider = job.provider
        title = sheets.text(values.get("title"))
        if not title:
            reasons.append("项目名称不能为空")
        code = sheets.text(values.get("occupation"))
        occupation = context["occupations"].get(code)
        if not code:
            reasons.append("职业代码不能为空")
        elif occupation is None:
            reasons.append(f"职业代码“{code}”不是职业分类大典中的细类代码")
        skill_level = attempt(sheets.choice, values.get("skill_level"), SkillLevel, "技能等级")
        if skill_level is None and not sheets.text(values.get("skill_level")):
            reasons.append("技能等级不能为空")
        hours = attempt(_required_int, values.get("hours"), "课时", minimum=1)
        capacity = attempt(_required_int, values.get("capacity"), "名额", minimum=1)
        start = attempt(sheets.date, values.get("start_date"), "开班日期")
        end = attempt(sheets.date, values.get("end_date"), "结业日期")
        for value, label, parsed in ((values.get("start_date"), "开班日期", start),
                                     (values.get("end_date"), "结业日期", end)):
            if parsed is None and value in (None, ""):
                reasons.append(f"{label}不能为空")
        fee = attempt(sheets.decimal, values.get("fee"), "培训费")
        status = attempt(sheets.choice, values.get("status"), Program.Status, "状态", Program.Status.PLANNED)
        if status is not None and status not in IMPORTABLE_STATUSES:
            reasons.append(f"状态只能是{'、'.join(str(Program.Status(s).label) for s in IMPORTABLE_STATUSES)}")
        street = None
        street_text = sheets.text(values.get("street"))
        if street_text:
            street = context["streets"].get(street_text)
            if street is None:
                reasons.append(f"培训地点街镇“{street_text}”不存在，请填写街镇名称或代码")
        lat, lng = attempt(sheets.point, values.get("lat"), values.get("lng")) or (None, None)
        place = sheets.text(values.get("place"))
        at_provider = not place and street in (None, provider.street)
        if at_provider:
            street = provider.street
        program = Program(
            provider=provider, station=provider.station, title=title, occupation=occupation,
            skill_level=skill_level or "", hours=hours, start_date=start, end_date=end,
            schedule=sheets.text(values.get("schedule")), street=street, place=place or provider.address,
            lat=lat, lng=lng, capacity=capacity, fee=fee if fee is not None else 0,
            status=status or Program.Status.PLANNED, description=sheets.text(values.get("description")))
        if not reasons:
            try:
                # clean() and the fields' own checks; the table's CHECK constraints are the same rules
                program.full_clean(exclude=["provider", "station", "occupation", "street"], validate_unique=False,
                                   validate_constraints=False)
            except ValidationError as exc:
                for name, messages in exc.message_dict.items():
                    label = str(Program._meta.get_field(name).verbose_name) if name != "__all__" else ""
                    reasons.extend(f"{label}：{m}" if label else m for m in messages)
        if reasons:
            raise ValidationError(list(dict.fromkeys(reasons)))
        self._locate(program, at_provider=at_provider, context=context)
        return program

    def key(self, item):
        return (item.title, item.start_date)

    def duplicate_in_file(self, first_row: int) -> str:
        return f"重复：与本文件第 {first_row} 行的项目名称和开班日期相同"

    def existing(self, good, *, job, context):
        """A program of this provider with the same title and start date is already registered."""
        titles = {program.title for _, _, program in good}
        found = set(Program.objects.filter(provider=job.provider, title__in=titles)
                    .exclude(status=Program.Status.CANCELLED).values_list("title", "start_date"))
        return {number: "重复：该培训机构已有同名、同开班日期的培训项目，未重复创建"
                for number, _, program in good if (program.title, program.start_date) in found}

    def write(self, items, *, job, context) -> int:
        return len(services.programs_create_imported(actor=job.created_by, programs=items, job=job))

    def error_entry(self, failed):
        return {"row": failed.row, "name": sheets.text(failed.values[0]), "reason": failed.reason}

    def sweep(self, **kwargs) -> int:
        return super().sweep(lost_action=events.PROGRAM_IMPORT_LOST, **kwargs)


PROGRAMS = sheets_import.register(ProgramImport())
