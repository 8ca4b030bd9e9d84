"""Re-survey intervals: how many days after a survey the next one falls due (ResurveyRule, else defaults)."""

from __future__ import annotations

import datetime as dt

from .models import DEFAULT_INTERVAL_DAYS, DEFAULT_RULES, ResurveyRule


def rule_intervals() -> dict[tuple[bool, str], int]:
    """Every rule at once, {(is key group, status): days}, for a batch such as the import."""
    intervals = dict(DEFAULT_RULES)
    intervals.update({(r.is_key_group, r.status): r.interval_days for r in ResurveyRule.objects.all()})
    return intervals


def resurvey_interval_days(*, is_key_group: bool, status: str) -> int:
    days = (ResurveyRule.objects.filter(is_key_group=is_key_group, status=status)
            .values_list("interval_days", flat=True).first())
    return days or DEFAULT_RULES.get((is_key_group, status), DEFAULT_INTERVAL_DAYS)


def next_survey_date(*, archive, surveyed_on: dt.date) -> dt.date:
    days = resurvey_interval_days(is_key_group=archive.is_key_group, status=archive.current_status)
    return surveyed_on + dt.timedelta(days=days)
