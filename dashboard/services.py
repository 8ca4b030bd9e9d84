"""Writes: the summary tables, recomputed from the apps' own querysets (core/figures.py).

Kept by a periodic task (dashboard/beat.py, every REFRESH_MINUTES): a figure on the dashboard is at most
that old plus one run's duration (bench/RESULTS.md). `summaries_refresh()` replaces every current value and
the current and previous month of each trend; `rebuild=True` (manage.py dashboard_rebuild) recomputes all
TREND_MONTHS months from scratch. Each run is one transaction, so a reader sees the old or the new set.
"""

from __future__ import annotations

import datetime as dt
import time

from django.db import models, transaction
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from . import registry
from .beat import REFRESH_MINUTES  # noqa: F401  (the staleness bound, documented there)
from .models import FigureMonth, FigureValue, SummaryRun

TREND_MONTHS = 24


def month_start(day: dt.date, back: int = 0) -> dt.date:
    """The first day of the month `back` months before `day`'s."""
    index = day.year * 12 + day.month - 1 - back
    return dt.date(index // 12, index % 12 + 1, 1)


def _values() -> list[FigureValue]:
    out = []
    for figure in registry.stored_figures():
        station = f"{figure.station_path}_id" if figure.station_path != "id" else "id"
        rows = (figure.rows().order_by().values(station).annotate(n=figure.aggregate()))
        out.extend(FigureValue(key=figure.key, station_id=row[station], value=row["n"] or 0)
                   for row in rows if row[station] is not None and row["n"])
    return out


def trend_rows(trend, since: dt.date):
    """The trend's rows from the month `since` on (a datetime field: from local midnight of that day)."""
    rows = trend.rows()
    bound = since
    if isinstance(rows.model._meta.get_field(trend.month_field), models.DateTimeField):
        bound = timezone.make_aware(dt.datetime.combine(since, dt.time()))
    return rows.filter(**{f"{trend.month_field}__gte": bound})


def _months(since: dt.date) -> list[FigureMonth]:
    out = []
    for trend in registry.trends():
        station = f"{trend.station_path}_id"
        rows = (trend_rows(trend, since).order_by()
                .annotate(m=TruncMonth(trend.month_field)).values(station, "m").annotate(n=Count("pk")))
        for row in rows:
            month = row["m"].date() if isinstance(row["m"], dt.datetime) else row["m"]
            out.append(FigureMonth(key=trend.key, station_id=row[station], month=month, value=row["n"]))
    return out


def summaries_refresh(*, rebuild: bool = False) -> SummaryRun:
    """Recompute the summary tables (see the module docstring); returns the run's record."""
    started, clock = timezone.now(), time.monotonic()
    today = timezone.localdate()
    since = month_start(today, TREND_MONTHS - 1 if rebuild else 1)
    values = _values()
    months = _months(since)
    with transaction.atomic():
        FigureValue.objects.all().delete()
        FigureValue.objects.bulk_create(values, batch_size=5000)
        (FigureMonth.objects.all() if rebuild else FigureMonth.objects.filter(month__gte=since)).delete()
        FigureMonth.objects.bulk_create(months, batch_size=5000)
        kind = SummaryRun.Kind.REBUILD if rebuild else SummaryRun.Kind.REFRESH
        SummaryRun.objects.filter(kind=kind).delete()  # the latest run of each kind is all anyone reads
        return SummaryRun.objects.create(
            kind=kind, started_at=started,
            finished_at=timezone.now(), duration_ms=int((time.monotonic() - clock) * 1000))
