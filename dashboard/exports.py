"""Excel export of the dashboard as shown: one sheet per table, the trends with a native line chart."""

from __future__ import annotations

from openpyxl import Workbook
from openpyxl.chart import LineChart, Reference

from .selectors import Board

TABLE_TITLES = {"district": "各区", "street": "各街镇", "station": "各站点"}


def board_workbook(board: Board) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = "指标"
    ws.append(["范围", board.title])
    ws.append(["数据截至", board.as_of.strftime("%Y-%m-%d %H:%M") if board.as_of else "尚未统计"])
    ws.append(["分组", "指标", "数值"])
    for tile in board.tiles:
        ws.append([str(tile.group), str(tile.label),
                   None if tile.value is None else (round(tile.value, 4) if tile.is_ratio else tile.value)])
    for name, rows in board.tables.items():
        sheet = wb.create_sheet(TABLE_TITLES[name])
        sheet.append(["名称", "上级", *[str(c.label) for c in board.columns]])
        for row in rows:
            sheet.append([row.name, row.parent, *row.values])
    if board.series:
        sheet = wb.create_sheet("月度趋势")
        sheet.append(["月份", *[str(label) for _key, label, _values in board.series]])
        for i, month in enumerate(board.months):
            sheet.append([f"{month:%Y-%m}", *[values[i] for _key, _label, values in board.series]])
        chart = LineChart()
        chart.title = "月度趋势"
        chart.y_axis.title = "数量"
        chart.x_axis.title = "月份"
        n = len(board.months)
        chart.add_data(Reference(sheet, min_col=2, max_col=1 + len(board.series), min_row=1, max_row=n + 1),
                       titles_from_data=True)
        chart.set_categories(Reference(sheet, min_col=1, min_row=2, max_row=n + 1))
        chart.width, chart.height = 24, 12
        sheet.add_chart(chart, f"{chr(ord('B') + len(board.series) + 1)}2")
    return wb
