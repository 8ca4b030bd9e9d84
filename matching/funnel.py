"""The outcome funnel of pushes (推送 → 有意向 → 已面试 → 已录用), for a station, a district or the city.

A push's outcome is its furthest stage: a hire was also an interest and an interview, a decline
stopped at the push. Each stage counts the pushes that reached it, so the stages only shrink, and the
push list filtered by `stage` (PushRecordFilterSet) lists exactly the pushes a figure counts.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q
from django.utils.translation import gettext_lazy as _

from .models import PushRecord

Outcome = PushRecord.Outcome
STAGES = [
    ("pushed", _("已推送"), None),
    ("interested", _("有意向"), [Outcome.INTERESTED, Outcome.INTERVIEW, Outcome.HIRED]),
    ("interviewed", _("已面试"), [Outcome.INTERVIEW, Outcome.HIRED]),
    ("hired", _("已录用"), [Outcome.HIRED]),
]
STAGE_CHOICES = [(key, label) for key, label, _outcomes in STAGES[1:]]


def stage_q(stage: str) -> Q:
    """The pushes that reached a stage ("pushed": all)."""
    outcomes = dict((key, outcomes) for key, _label, outcomes in STAGES)[stage]
    return Q() if outcomes is None else Q(outcome__in=outcomes)


@dataclass
class Stage:
    key: str
    label: str
    count: int
    of_previous: float | None  # share of the previous stage that reached this one
    of_pushed: float | None
    url: str = ""  # the push list showing exactly these pushes (set by the selector)

    @property
    def percent_of_pushed(self) -> int:
        return round(100 * self.of_pushed) if self.of_pushed is not None else 0

    @property
    def percent_of_previous(self) -> int | None:
        return round(100 * self.of_previous) if self.of_previous is not None else None


@dataclass
class FunnelRow:
    key: int | None
    name: str
    stages: list[Stage]


def _stages(counts: dict) -> list[Stage]:
    out, previous, pushed = [], None, counts["pushed"]
    for key, label, _outcomes in STAGES:
        n = counts[key]
        out.append(Stage(key, str(label), n, (n / previous) if previous else None, (n / pushed) if pushed else None))
        previous = n
    return out


def _aggregates() -> dict:
    return {key: Count("id", filter=stage_q(key)) for key, _label, _outcomes in STAGES}


def push_funnel(pushes, *, by: str | None = None) -> tuple[list[Stage], list[FunnelRow]]:
    """The funnel over a (scoped, filtered) queryset of pushes, and one row per station or district."""
    total = _stages(pushes.aggregate(**_aggregates()))
    if by is None:
        return total, []
    key, name = {"station": ("archive__station_id", "archive__station__name"),
                 "district": ("archive__station__street__district_id", "archive__station__street__district__name")}[by]
    grouped = pushes.order_by().values(key, name).annotate(**_aggregates()).order_by(name)
    return total, [FunnelRow(row[key], row[name], _stages(row)) for row in grouped]
