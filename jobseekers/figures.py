"""Dashboard figures of the jobseekers app (protocol: core/figures.py): the archive list shows each one's rows."""

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_noop

from core.choices import KeyGroup
from core.figures import Figure, Ratio, Trend

from .models import EmploymentStatus, JobseekerArchive, Visit

LIST = "jobseekers:archive_list"
# "近期已走访": open archives with a visit in this many days (the list's 走访日期不早于)
VISITED_DAYS = 30  # the "近30天已走访" figure label spells it out
PLACES = {"station": "station", "street": "station_street", "district": "station_district"}  # the list's filters


def _open():
    return JobseekerArchive.objects.active()


def _visited_since() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=VISITED_DAYS)


def _key_group(value):
    return lambda: JobseekerArchive.objects.active().filter(key_groups__contains=[value])


def _status(value):
    return lambda: JobseekerArchive.objects.active().filter(current_status=value)


FIGURES = [
    Figure("jobseekers.open", gettext_noop("在册档案"), gettext_noop("求职者档案"), LIST, rows=_open, params={"is_open": "true"},
           place_params=PLACES, breakdown=True),
    *[Figure(f"jobseekers.key_group.{value}", label, gettext_noop("重点群体（在册）"), LIST, rows=_key_group(value),
             params={"is_open": "true", "key_group": value}, place_params=PLACES) for value, label in KeyGroup.choices],
    *[Figure(f"jobseekers.status.{value}", label, gettext_noop("就业状态（在册）"), LIST, rows=_status(value),
             params={"is_open": "true", "status": value}, place_params=PLACES) for value, label in EmploymentStatus.choices],
    Ratio("jobseekers.employment_rate", gettext_noop("就业率（已就业/在册）"), gettext_noop("求职者档案"),
          numerator=f"jobseekers.status.{EmploymentStatus.EMPLOYED}", denominator="jobseekers.open"),
    Figure("jobseekers.visited", gettext_noop("近30天已走访"), gettext_noop("定期排摸"), LIST, place_params=PLACES,
           rows=lambda: JobseekerArchive.objects.active().filter(visits__visit_date__gte=_visited_since()),
           params=lambda: {"is_open": "true", "visited_since": _visited_since().isoformat()}),
    Figure("jobseekers.survey_due", gettext_noop("排摸已到期（含逾期）"), gettext_noop("定期排摸"), LIST, place_params=PLACES,
           rows=lambda: JobseekerArchive.objects.due_for_survey(timezone.localdate()), params={"survey_due": "true"}),
    Figure("jobseekers.overdue", gettext_noop("排摸逾期"), gettext_noop("定期排摸"), LIST, place_params=PLACES,
           rows=lambda: JobseekerArchive.objects.overdue(timezone.localdate()), params={"overdue": "true"},
           breakdown=True),
]

TRENDS = [
    Trend("jobseekers.created", gettext_noop("新建档案"), rows=JobseekerArchive.objects.all, month_field="created_at"),
    Trend("jobseekers.visits", gettext_noop("走访"), rows=Visit.objects.all, month_field="visit_date", station_path="archive__station"),
]
