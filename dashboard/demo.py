"""Demo data: the summary tables, with 24 months of trend history so `make run` shows no flat lines.

The other apps' demo rows are all recent, so the months before the previous one get synthetic trend rows
for the demo stations (a seasonal curve around each station's recent level), written only where a month
has none (idempotent). The beat refresh recomputes the current and previous month only, so the history
stays; `manage.py dashboard_rebuild` replaces it with the real (recent-only) counts.
"""

from __future__ import annotations

import math
import random

from django.utils import timezone

from . import registry
from .models import FigureMonth
from .services import TREND_MONTHS, month_start, summaries_refresh

# a station's monthly level when its recent months are empty (per trend key)
BASE = {"jobseekers.created": 6, "jobseekers.visits": 14, "jobs.published": 5, "matching.pushed": 18,
        "matching.hired": 3}


def load(*, users, stations, stdout) -> None:
    summaries_refresh(rebuild=True)
    today = timezone.localdate()
    rng = random.Random(16)
    rows = []
    for station in sorted(stations.values(), key=lambda s: s.code):
        for trend in registry.trends():
            level = BASE.get(trend.key, 5) * (0.6 + rng.random())
            for back in range(2, TREND_MONTHS):
                month = month_start(today, back)
                season = 1 + 0.25 * math.sin(2 * math.pi * (month.month - 3) / 12)  # spring peak, winter low
                growth = 1 - 0.012 * back  # services grow slowly over the two years
                value = max(0, round(level * season * growth + rng.gauss(0, level * 0.15)))
                rows.append(FigureMonth(key=trend.key, station=station, month=month, value=value))
    FigureMonth.objects.bulk_create(rows, ignore_conflicts=True, batch_size=5000)
    stdout.write(f"dashboard: summary tables built; trend history for {len(stations)} demo stations "
                 f"(synthetic before {month_start(today, 1):%Y-%m}, kept where a month already had rows)")
