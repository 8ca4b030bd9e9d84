"""Dashboard figures of the jobseekers app (protocol: core/figures.py): the archive list shows each one's rows."""

import datetime as dt

from django.utils import timezone

from core.choices import KeyGroup
from core.figures import Figure, Ratio, Trend

from .models import EmploymentStatus, JobseekerArchive, Visit

LIST = "jobseekers:archive_list"
# "近期已走访": open archives with a visit in this many days (the list's 走访日期不早于)
VISITED_DAYS = 30


def _open():
    return JobseekerArchive.objects.active()


def _visited_since() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=VISITED_DAYS)


def _key_group(value):
    return lambda: JobseekerArchive.objects.active().filter(key_groups__contains=[value])


def _status(value):
    return lambda: JobseekerArchive.objects.active().filter(current_status=value)


FIGURES = [
    Figure("jobseekers.open", "在册档案", "求职者档案", LIST, rows=_open, params={"is_open": "true"},
           breakdown=True),
    *[Figure(f"jobseekers.key_group.{value}", label, "重点群体（在册）", LIST, rows=_key_group(value),
             params={"is_open": "true", "key_group": value}) for value, label in KeyGroup.choices],
    *[Figure(f"jobseekers.status.{value}", label, "就业状态（在册）", LIST, rows=_status(value),
             params={"is_open": "true", "status": value}) for value, label in EmploymentStatus.choices],
    Ratio("jobseekers.employment_rate", "就业率（已就业/在册）", "求职者档案",
          numerator=f"jobseekers.status.{EmploymentStatus.EMPLOYED}", denominator="jobseekers.open"),
    Figure("jobseekers.visited", f"近{VISITED_DAYS}天已走访", "定期排摸", LIST,
           rows=lambda: JobseekerArchive.objects.active().filter(visits__visit_date__gte=_visited_since()),
           params=lambda: {"is_open": "true", "visited_since": _visited_since().isoformat()}),
    Figure("jobseekers.survey_due", "排摸已到期（含逾期）", "定期排摸", LIST,
           rows=lambda: JobseekerArchive.objects.due_for_survey(timezone.localdate()), params={"survey_due": "true"}),
    Figure("jobseekers.overdue", "排摸逾期", "定期排摸", LIST,
           rows=lambda: JobseekerArchive.objects.overdue(timezone.localdate()), params={"overdue": "true"},
           breakdown=True),
]

TRENDS = [
    Trend("jobseekers.created", "新建档案", rows=JobseekerArchive.objects.all, month_field="created_at"),
    Trend("jobseekers.visits", "走访", rows=Visit.objects.all, month_field="visit_date", station_path="archive__station"),
]
