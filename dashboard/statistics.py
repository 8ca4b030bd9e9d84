"""Public statistics (公开发布) per district: counts from the summary tables, suppressed on the server.

One table per district: its 街镇 (rows, by the street of the station that keeps the archive) by the
employment status of open archives (columns), with totals. Every published form — page, JSON, XLSX — is
built from `district_table()`, which applies dashboard/suppression.py before anything leaves Django.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Sum
from django.shortcuts import get_object_or_404

from jobseekers.models import EmploymentStatus
from stations.models import District, Street

from .models import FigureValue, SummaryRun
from .suppression import display, suppress

TITLE = "在册求职者（按就业状态、站点所在街镇）"


@dataclass
class Cell:
    value: int | None  # None when suppressed
    mark: str | None  # None, "primary" or "secondary"
    text: str


@dataclass
class PublicTable:
    district: District
    title: str
    columns: list[str]
    rows: list[tuple[str, list[Cell]]]  # the last row is 合计; each row's last cell its total
    threshold: int
    as_of: object


def threshold() -> int:
    return settings.STATISTICS_SUPPRESS_BELOW


def district_table(code: str) -> PublicTable:
    district = get_object_or_404(District, code=code)
    streets = list(Street.objects.filter(district=district, is_admin=True).order_by("code").values_list("id", "name"))
    keys = [f"jobseekers.status.{value}" for value in EmploymentStatus.values]
    counts = {(row["station__street_id"], row["key"]): int(row["v"]) for row in
              FigureValue.objects.filter(key__in=keys, station__street__district=district).order_by()
              .values("station__street_id", "key").annotate(v=Sum("value"))}
    cells = [[counts.get((pk, key), 0) for key in keys] for pk, _name in streets]
    limit = threshold()
    if not cells:
        cells = [[0] * len(keys)]
        streets = [(None, "—")]
    table, marks = suppress(cells, limit)
    names = [name for _pk, name in streets] + ["合计"]
    rows = []
    for name, values, flags in zip(names, table, marks, strict=True):
        rows.append((name, [Cell(None if m else v, m, display(m, v, limit)) for v, m in zip(values, flags, strict=True)]))
    run = SummaryRun.objects.order_by("-finished_at").first()
    return PublicTable(district, TITLE, [str(label) for label in EmploymentStatus.labels] + ["合计"], rows, limit,
                       run.finished_at if run else None)


def table_json(t: PublicTable) -> dict:
    return {
        "district": {"code": t.district.code, "name": t.district.name}, "title": t.title,
        "threshold": t.threshold, "as_of": t.as_of.isoformat() if t.as_of else None, "columns": t.columns,
        "rows": [{"name": name, "cells": [{"value": c.value, "display": c.text, "suppressed": c.mark} for c in cells]}
                 for name, cells in t.rows],
    }


def table_workbook(t: PublicTable):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "对外发布"
    ws.append([f"{t.district.name} {t.title}（对外发布）"])
    ws.append([f"小于{t.threshold}的数显示为“<{t.threshold}”，“*”为防止推算而隐藏的数，“×”为整表不公布。"])
    ws.append(["街镇", *t.columns])
    for name, cells in t.rows:
        ws.append([name, *[c.value if c.mark is None else c.text for c in cells]])
    return wb
