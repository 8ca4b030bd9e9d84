"""Reads: the dashboard of one user, from the summary tables only (never the raw rows the figures count)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from core.figures import Figure, Ratio
from core.scoping import scope_of
from stations.models import District, Station, Street

from . import registry
from .models import FigureMonth, FigureValue, SummaryRun
from .services import TREND_MONTHS, month_start


@dataclass
class Tile:
    key: str
    label: str
    group: str
    value: int | float | None
    url: str
    is_ratio: bool = False

    @property
    def display(self) -> str:
        if self.value is None:
            return "—"
        return f"{self.value * 100:.1f}%" if self.is_ratio else f"{self.value:,}"


@dataclass
class Row:
    key: int
    name: str
    values: list[int]
    lat: float | None = None
    lng: float | None = None
    parent: str = ""
    street_id: int | None = None
    district_id: int | None = None


@dataclass
class Board:
    level: str
    title: str
    as_of: object
    tiles: list[Tile]
    columns: list[Figure]
    tables: dict[str, list[Row]] = field(default_factory=dict)
    months: list = field(default_factory=list)
    series: list[tuple[str, str, list[int]]] = field(default_factory=list)  # (key, label, values)
    stations: list[Row] = field(default_factory=list)  # points for the map
    district_code: str = ""

    def groups(self) -> list[tuple[str, list[Tile]]]:
        out: dict[str, list[Tile]] = {}
        for tile in self.tiles:
            out.setdefault(tile.group, []).append(tile)
        return list(out.items())


def figure_url(figure: Figure) -> str:
    params = figure.list_params()
    return reverse(figure.url_name) + (f"?{urlencode(params)}" if params else "")


def _latest_run() -> SummaryRun | None:
    return SummaryRun.objects.order_by("-finished_at").first()


def board_for(*, user) -> Board:
    """Tiles, breakdown tables and trends of the user's scope: staff their stations, a district admin the
    district, the city admin the city and each district."""
    scope = scope_of(user)
    stations = Station.objects.visible_to(user)
    values = FigureValue.objects.filter(station__in=stations)
    totals = dict(values.order_by().values("key").annotate(v=Sum("value")).values_list("key", "v"))
    tiles, by_key = [], {}
    for figure in registry.figures():
        if scope.level not in figure.levels:
            continue
        if isinstance(figure, Ratio):
            num, den = totals.get(figure.numerator, 0), totals.get(figure.denominator, 0)
            url = next((t.url for t in tiles if t.key == figure.numerator), "")
            tiles.append(Tile(figure.key, figure.label, figure.group, (num / den) if den else None, url, True))
            continue
        value = figure.value(user) if figure.live else int(totals.get(figure.key, 0))
        tile = Tile(figure.key, figure.label, figure.group, value, figure_url(figure))
        tiles.append(tile)
        by_key[figure.key] = tile
    columns = [f for f in registry.stored_figures() if f.breakdown and scope.level in f.levels]
    keys = [f.key for f in columns]

    def table(group_path: str, names: dict[int, Row]) -> list[Row]:
        cells = defaultdict(dict)
        for row in (values.filter(key__in=keys).order_by().values("key", group_path).annotate(v=Sum("value"))):
            cells[row[group_path]][row["key"]] = row["v"]
        for pk, row in names.items():
            row.values = [int(cells[pk].get(k, 0)) for k in keys]
        return list(names.values())

    district_code = ""
    if scope.is_district:
        district = District.objects.get(pk=scope.district_id)
        title, district_code = district.name, district.code
    elif scope.is_city:
        title = "全市"
    else:
        title = "、".join(stations.order_by("code").values_list("name", flat=True)) or "—"
    tables = {}
    if scope.is_city:
        tables["district"] = table("station__street__district_id", {
            d.pk: Row(d.pk, d.name, [], d.lat, d.lng) for d in District.objects.order_by("code")})
    if scope.is_admin:
        streets = Street.objects.select_related("district").order_by("district__code", "code")
        if scope.is_district:
            streets = streets.filter(district_id=scope.district_id)
        tables["street"] = table("station__street_id", {
            s.pk: Row(s.pk, s.name, [], s.lat, s.lng, s.district.name) for s in streets})
    station_rows = {s.pk: Row(s.pk, s.name, [], s.lat, s.lng, s.street.name)
                    for s in stations.select_related("street").order_by("street__code", "code")} \
        if not scope.is_city else {}
    if station_rows:
        tables["station"] = table("station_id", station_rows)
    today = timezone.localdate()
    months = [month_start(today, back) for back in range(TREND_MONTHS - 1, -1, -1)]
    monthly = defaultdict(dict)
    for row in (FigureMonth.objects.filter(station__in=stations, month__gte=months[0]).order_by()
                .values("key", "month").annotate(v=Sum("value"))):
        monthly[row["key"]][row["month"]] = int(row["v"])
    series = [(t.key, t.label, [monthly[t.key].get(m, 0) for m in months]) for t in registry.trends()]
    points = [] if scope.is_staff_member else [
        Row(s["id"], s["name"], [], street_id=s["street_id"], district_id=s["street__district_id"])
        for s in stations.operating().order_by("code").values("id", "name", "street_id", "street__district_id")]
    run = _latest_run()
    return Board(level=scope.level, title=title, as_of=run.finished_at if run else None, tiles=tiles,
                 columns=columns, tables=tables, months=months, series=series, stations=points,
                 district_code=district_code)
