from pathlib import Path

from django.conf import settings
from django.http import FileResponse, Http404
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views import View
from django.views.generic import TemplateView

from core.permissions import InternalRequiredMixin
from core.spreadsheets import xlsx_response
from stations.models import District

from . import selectors, statistics
from .exports import board_workbook
from .tilemap import tile_map

DEFAULT_MEASURE = "jobseekers.open"


def geojson_path(board) -> Path | None:
    """The operator's approved GeoJSON for this board (districts for the city, the district's streets), if any."""
    folder = settings.DASHBOARD_MAP_GEOJSON
    if not folder or board.level not in {"city", "district"}:
        return None
    name = "districts.geojson" if board.level == "city" else f"{board.district_code}.geojson"
    path = Path(folder) / name
    return path if path.is_file() else None


def tile_map_values(board, level: str, column: int):
    return [Row(r.name, r.values[column]) for r in board.tables[level]]


class Row:
    def __init__(self, name, value):
        self.name, self.value = name, value


def request_board(request):
    return selectors.requested_board(user=request.user, district_code=request.GET.get("district"))


def district_query(board) -> str:
    """The query string keeping a city admin on the district board they opened (export, map, measure form)."""
    return f"?district={board.district_code}" if board.drilled else ""

TABLE_TITLES = {"district": gettext_noop("各区"), "street": gettext_noop("各街镇（按站点所在街镇）"),
                "station": gettext_noop("各站点")}


class DashboardView(InternalRequiredMixin, TemplateView):
    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        board = request_board(self.request)
        tables = [(name, TABLE_TITLES[name], rows) for name, rows in board.tables.items()]
        trend_rows = [(m, [values[i] for _key, _label, values in board.series]) for i, m in enumerate(board.months)]
        chart = {"months": [f"{m:%Y-%m}" for m in board.months],
                 "series": [{"key": k, "name": str(label), "data": v} for k, label, v in board.series]}
        return super().get_context_data(board=board, tables=tables, trend_rows=trend_rows, chart=chart,
                                        query=district_query(board), **self.map_context(board), **kwargs)

    def map_context(self, board) -> dict:
        """The schematic map: districts for the city admin, the district's streets for a district admin."""
        level = "district" if "district" in board.tables else "street" if "street" in board.tables else None
        if level is None or not board.columns:
            return {}
        keys = [c.key for c in board.columns]
        chosen = self.request.GET.get("measure")
        column = keys.index(chosen) if chosen in keys else keys.index(DEFAULT_MEASURE) if DEFAULT_MEASURE in keys else 0
        points: dict[int, list[str]] = {}
        for station in board.stations:
            points.setdefault(station.district_id if level == "district" else station.street_id, []).append(station.name)
        return {"map": tile_map(board.tables[level], column=column, points=points), "map_level": level,
                "measure": board.columns[column], "measures": board.columns,
                "geojson_url": reverse("dashboard:map_geojson") + district_query(board) if geojson_path(board) else "",
                "map_values": [{"name": t.name, "value": t.value} for t in tile_map_values(board, level, column)]}


class DashboardExportView(InternalRequiredMixin, View):
    def get(self, request):
        board = request_board(request)
        return xlsx_response(board_workbook(board), f"数据看板-{board.title}.xlsx")


class MapGeoJsonView(InternalRequiredMixin, View):
    """The configured GeoJSON of the user's board (404 when none is configured)."""

    def get(self, request):
        path = geojson_path(request_board(request))
        if path is None:
            raise Http404(_("未配置地图边界数据。"))
        return FileResponse(path.open("rb"), content_type="application/geo+json")


def statistics_index(request):
    """Public: the districts whose statistics are published (no login)."""
    return render(request, "dashboard/statistics_index.html", {"districts": District.objects.order_by("code")})


def statistics_district(request, code):
    """Public: one district's table, small counts suppressed on the server."""
    return render(request, "dashboard/statistics_district.html", {"table": statistics.district_table(code)})


def statistics_export(request, code):
    table = statistics.district_table(code)
    return xlsx_response(statistics.table_workbook(table), f"{table.district.name}-统计-对外发布.xlsx")
