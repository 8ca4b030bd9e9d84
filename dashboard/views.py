from django.views import View
from django.views.generic import TemplateView

from core.permissions import InternalRequiredMixin
from core.spreadsheets import xlsx_response

from . import selectors
from .exports import board_workbook

TABLE_TITLES = {"district": "各区", "street": "各街镇（按站点所在街镇）", "station": "各站点"}


class DashboardView(InternalRequiredMixin, TemplateView):
    template_name = "dashboard/dashboard.html"

    def get_context_data(self, **kwargs):
        board = selectors.board_for(user=self.request.user)
        tables = [(name, TABLE_TITLES[name], rows) for name, rows in board.tables.items()]
        trend_rows = [(m, [values[i] for _key, _label, values in board.series]) for i, m in enumerate(board.months)]
        chart = {"months": [f"{m:%Y-%m}" for m in board.months],
                 "series": [{"key": k, "name": str(label), "data": v} for k, label, v in board.series]}
        return super().get_context_data(board=board, tables=tables, trend_rows=trend_rows, chart=chart, **kwargs)


class DashboardExportView(InternalRequiredMixin, View):
    def get(self, request):
        board = selectors.board_for(user=request.user)
        return xlsx_response(board_workbook(board), f"数据看板-{board.title}.xlsx")
