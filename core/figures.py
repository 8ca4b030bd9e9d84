"""The figures protocol: how an app puts its numbers on the dashboard without the dashboard knowing its rules.

An app's `<app>/figures.py` (discovered by `core.plugins.app_modules("figures")`) defines

    FIGURES = [Figure(...), Ratio(...), ...]   # tiles, in display order
    TRENDS = [Trend(...), ...]                 # monthly series (optional)

A `Figure` names the app's own queryset (`rows()`, unscoped: the dashboard applies `visible_to(user)`
by summing per-station summary rows of the stations the user sees, the same decision as the list's
`visible_to`) and the list page, with its filter parameters, that shows exactly those rows. So the
number on a tile is, by construction, the count of the list it opens (tests/dashboard checks each pair).
`live=True` figures are computed on the request by `value(user)` (small registry tables only);
every other figure is read from the summary tables (`dashboard.models.FigureValue`), never from raw rows.
Figures live in core so every app can define them; only the dashboard reads them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count


@dataclass(frozen=True)
class Figure:
    key: str                     # "<app>.<name>", unique; also the summary rows' key
    label: str                   # Chinese, shown on the tile (translated through the app's locale)
    group: str                   # tile group heading
    url_name: str                # the list page that shows these rows ("": none yet, the tile is not a link)
    rows: Callable | None = None  # () -> unscoped queryset of the model the list lists
    params: Callable[[], dict] | dict = field(default_factory=dict)  # the list's filter (callable: dated)
    station_path: str = "station"  # from `rows()`'s model to the owning station's id (without `_id`)
    sum_field: str | None = None  # None: count rows; else the figure is Sum(sum_field) over the list's rows
    value: Callable | None = None  # live figures: (user) -> int
    live: bool = False
    levels: tuple[str, ...] = ("staff", "district", "city")  # roles the tile is shown to
    breakdown: bool = False      # also a column of the street/station/district breakdown tables
    # the list's filter naming a station / its street / its district by id ({"station": "station", "street":
    # "station_street", "district": "station_district"}): each breakdown cell and a district board's tile adds it
    # to `params`; a level left out is not linked (the list cannot show that part)
    place_params: dict[str, str] = field(default_factory=dict)

    def list_params(self) -> dict:
        return self.params() if callable(self.params) else dict(self.params)

    def aggregate(self):
        from django.db.models import Sum

        return Sum(self.sum_field) if self.sum_field else Count("pk", distinct=True)


@dataclass(frozen=True)
class Ratio:
    """A share of two figures of the same app (e.g. employment rate = 已就业 / 在册); links to the numerator."""

    key: str
    label: str
    group: str
    numerator: str
    denominator: str
    levels: tuple[str, ...] = ("staff", "district", "city")


@dataclass(frozen=True)
class Trend:
    """A monthly series: rows counted by the month of `month_field` (a date or datetime), per station."""

    key: str
    label: str
    rows: Callable
    month_field: str
    station_path: str = "station"
