"""Reads: the dashboard of one user, from the summary tables only (never the raw rows the figures count)."""

from __future__ import annotations

import copy
import hashlib
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.db.models import Sum
from django.http import Http404
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_noop

from core.figures import Figure, Ratio
from core.scoping import Scope, scope_of
from stations.models import District, Station, Street

from . import registry
from .models import FigureMonth, FigureValue, SummaryRun
from .services import REFRESH_MINUTES, TREND_MONTHS, month_start

CACHE_SECONDS = REFRESH_MINUTES * 60 * 2


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
    code: str = ""  # districts: the code their own board is opened with (?district=<code>)
    links: list[str] = field(default_factory=list)  # per value: the list it counts, filtered to this row ("": none)

    @property
    def cells_html(self) -> str:
        """The row's count cells, built here: the city admin's page prints thousands of counts, and rendering
        (and number-localising) each through the template was most of its time (bench/dashboard.py). Each
        cell links to the list it counts, filtered to the row's station/street/district."""
        links = self.links or [""] * len(self.values)
        return mark_safe("".join(  # noqa: S308 (the links are escaped, the values integers)
            f'<td class="text-end" data-sort-value="{int(v)}">'
            + (f'<a href="{escape(url)}">{int(v)}</a>' if url else f"{int(v)}") + "</td>"
            for v, url in zip(self.values, links, strict=True)))


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
    drilled: bool = False  # the city admin looking at one district's board (?district=<code>)

    def groups(self) -> list[tuple[str, list[Tile]]]:
        out: dict[str, list[Tile]] = {}
        for tile in self.tiles:
            out.setdefault(tile.group, []).append(tile)
        return list(out.items())


def figure_url(figure: Figure, place: tuple[str, int | str] | None = None) -> str:
    """The list showing the figure's rows; `place` ("station"/"street"/"district", id) narrows it to one row of
    a breakdown table (or a district board). "" when the figure has no list, or its list cannot be narrowed so."""
    if not figure.url_name:
        return ""
    params = figure.list_params()
    if place is not None:
        level, pk = place
        if level not in figure.place_params:
            return ""
        name = figure.place_params[level]
        params.pop(name, None)  # last in the query: the breakdown tables append each row's id to "…&<name>="
        params[name] = pk
    return reverse(figure.url_name) + (f"?{urlencode(params)}" if params else "")


def board_district(*, user, code: str | None) -> District | None:
    """The district a `?district=<code>` asks for, when it opens a board other than the user's own: the city
    admin any district; a district admin their own, station staff their stations' (their usual board, None).
    Another district, or an unknown code: 404."""
    if not code:
        return None
    district = District.objects.filter(code=code).first()
    if district is None:
        raise Http404("unknown district")
    scope = scope_of(user)
    if scope.is_city:
        return district
    if scope.is_district and scope.district_id == district.pk:
        return None
    if scope.is_staff_member and Station.objects.filter(pk__in=scope.station_ids, street__district=district).exists():
        return None
    raise Http404("district not in scope")


def requested_board(*, user, district_code: str | None) -> Board:
    """The board a page, export or API call asks for: the user's own, or (`?district=<code>`) one district's."""
    return board_for(user=user, district=board_district(user=user, code=district_code))


def _as_district_admin(user, district: District):
    """The city admin's view of one district: the same user, scoped as that district's admin, so every figure
    (live ones too, which take the user) and every table is exactly the district admin's."""
    viewer = copy.copy(user)
    viewer._portal_scope = Scope("district", district_id=district.pk)
    return viewer


def _latest_run() -> SummaryRun | None:
    return SummaryRun.objects.order_by("-finished_at").first()


def _cached(run: SummaryRun | None, scope, name: str, compute):
    """Sums over the summary tables, cached until the next refresh (they cannot change before it): the key
    names the run, the database and the scope (staff: their station ids)."""
    if run is None:
        return compute()
    stations = ",".join(map(str, sorted(scope.station_ids)))
    raw = (f"{connection.settings_dict['NAME']}:{run.pk}:{run.finished_at.timestamp()}:"
           f"{scope.level}:{scope.district_id}:{stations}:{name}")
    key = f"dashboard:{hashlib.sha256(raw.encode()).hexdigest()}"  # hashed: a district's ids and every column are long
    return cache.get_or_set(key, compute, CACHE_SECONDS)


def board_for(*, user, district: District | None = None) -> Board:
    """Tiles, breakdown tables and trends of the user's scope: staff their stations, a district admin the
    district, the city admin the city and each district (`district`, from `board_district`: that district's
    board, its tiles opening the lists narrowed to the district)."""
    drilled = district is not None
    place = ("district", district.pk) if drilled else None
    if drilled:
        user = _as_district_admin(user, district)
    scope = scope_of(user)
    run = _latest_run()
    stations = Station.objects.visible_to(user)
    # the city sees every station: no subquery (the sums are the same)
    values = FigureValue.objects.all() if scope.is_city else FigureValue.objects.filter(station__in=stations)
    months_qs = FigureMonth.objects.all() if scope.is_city else FigureMonth.objects.filter(station__in=stations)
    totals = _cached(run, scope, "totals", lambda: dict(
        values.order_by().values("key").annotate(v=Sum("value")).values_list("key", "v")))
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
        tile = Tile(figure.key, figure.label, figure.group, value, figure_url(figure, place))
        tiles.append(tile)
        by_key[figure.key] = tile
    columns = [f for f in registry.stored_figures() if f.breakdown and scope.level in f.levels]
    keys = [f.key for f in columns]

    def sums(group_path: str) -> dict:
        cells = {}
        for row in (values.filter(key__in=keys).order_by().values("key", group_path).annotate(v=Sum("value"))):
            cells.setdefault(row[group_path], {})[row["key"]] = int(row["v"])
        return cells

    def table(level: str, group_path: str, names: dict[int, Row]) -> list[Row]:
        cells = _cached(run, scope, f"{group_path}:{','.join(keys)}", lambda: sums(group_path))
        bases = [figure_url(f, (level, "")) for f in columns]  # "…&<param>=": the row's id goes last
        for pk, row in names.items():
            row.values = [cells.get(pk, {}).get(k, 0) for k in keys]
            row.links = [f"{base}{pk}" if base else "" for base in bases]
        return list(names.values())

    district_code = ""
    if scope.is_district:
        district = District.objects.get(pk=scope.district_id)
        title, district_code = district.name, district.code
    elif scope.is_city:
        title = gettext_noop("全市")
    else:
        title = "、".join(stations.order_by("code").values_list("name", flat=True)) or "—"
    tables = {}
    if scope.is_city:
        tables["district"] = table("district", "station__street__district_id", {
            d.pk: Row(d.pk, d.name, [], d.lat, d.lng, code=d.code) for d in District.objects.order_by("code")})
    if scope.is_admin:
        streets = Street.objects.select_related("district").order_by("district__code", "code")
        if scope.is_district:
            streets = streets.filter(district_id=scope.district_id)
        tables["street"] = table("street", "station__street_id", {
            s.pk: Row(s.pk, s.name, [], s.lat, s.lng, s.district.name) for s in streets})
    station_rows = {s.pk: Row(s.pk, s.name, [], s.lat, s.lng, s.street.name)
                    for s in stations.select_related("street").order_by("street__code", "code")} \
        if not scope.is_city else {}
    if station_rows:
        tables["station"] = table("station", "station_id", station_rows)
    today = timezone.localdate()
    months = [month_start(today, back) for back in range(TREND_MONTHS - 1, -1, -1)]

    def monthly_sums() -> dict:
        monthly = {}
        for row in (months_qs.filter(month__gte=months[0]).order_by()
                    .values("key", "month").annotate(v=Sum("value"))):
            monthly.setdefault(row["key"], {})[row["month"]] = int(row["v"])
        return monthly

    monthly = _cached(run, scope, f"monthly:{months[0]}", monthly_sums)
    series = [(t.key, t.label, [monthly.get(t.key, {}).get(m, 0) for m in months]) for t in registry.trends()]
    points = [] if scope.is_staff_member else [
        Row(s["id"], s["name"], [], street_id=s["street_id"], district_id=s["street__district_id"])
        for s in stations.operating().order_by("code").values("id", "name", "street_id", "street__district_id")]
    return Board(level=scope.level, title=title, as_of=run.finished_at if run else None, tiles=tiles,
                 columns=columns, tables=tables, months=months, series=series, stations=points,
                 district_code=district_code, drilled=drilled)
