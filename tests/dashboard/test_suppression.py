"""Published statistics: small counts suppressed on the server, and no hidden cell recoverable from what is
published (page, JSON, XLSX), tried by an adversary (tests/dashboard/attack.py) over generated tables."""

from __future__ import annotations

import io
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from dashboard.models import FigureValue, SummaryRun
from dashboard.suppression import full_table, published
from jobseekers.models import EmploymentStatus
from stations.models import Street
from tests.dashboard.attack import recovered
from tests.factories import StationFactory
from tests.matrix import PUBLIC, assert_matrix

T = 10
counts = st.one_of(st.integers(0, 3), st.integers(1, 9), st.integers(10, 60))
tables = st.integers(1, 5).flatmap(lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols),
                                                          min_size=1, max_size=6))


def check_published(true_cells, grid, threshold=T):
    truth = full_table(true_cells)
    for i, row in enumerate(grid):
        for j, shown in enumerate(row):
            if isinstance(shown, int):
                assert shown == truth[i][j]
                assert not 0 < shown < threshold, "a small count was published"
    assert recovered(grid, threshold) == [], (true_cells, grid)


@settings(max_examples=400, deadline=None)
@given(tables)
def test_no_suppressed_cell_can_be_recovered_from_a_published_table(cells):
    check_published(cells, published(cells, T))


def test_examples_of_primary_and_secondary_suppression():
    assert published([[3, 20], [30, 40]], T) == [["<10", "*", 23], ["*", "*", 70], [33, 60, 93]]
    assert published([[100, 200], [300, 400]], T) == [[100, 200, 300], [300, 400, 700], [400, 600, 1000]]
    # one small count in a row: the row and the column get a second hidden cell, the rest stays exact
    grid = published([[12, 15, 3], [20, 30, 40], [50, 2, 60]], T)
    assert grid[1] == [20, 30, 40, 90] and grid[3][3] == 232


# --- through the public page, the JSON API and the XLSX -------------------------------------------------

STATUSES = list(EmploymentStatus.values)


@pytest.fixture
def xuhui_stations(world):
    streets = list(Street.objects.filter(district__code="310104", is_admin=True).order_by("code"))
    return [world["station_a"], world["station_b"],
            *[StationFactory(code=f"X-{n}", street=s) for n, s in enumerate(streets[5:8])]]


def page_grid(html: str) -> list[list]:
    table = html.split('data-testid="statistics"', 1)[1].split("</table>", 1)[0]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table.split("<tbody>", 1)[1], re.S)
    return [[int(c) if c.isdigit() else c.replace("&lt;", "<")
             for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)] for row in rows]


def published_grids(client, code: str):
    html = client.get(f"/statistics/{code}/").content.decode()
    data = client.get(f"/api/public/statistics/{code}/").json()
    json_grid = [[c["value"] if c["value"] is not None else c["display"] for c in row["cells"]] for row in data["rows"]]
    wb = load_workbook(io.BytesIO(client.get(f"/statistics/{code}/export.xlsx").content))
    xlsx_grid = [list(row[1:]) for row in wb.active.iter_rows(min_row=4, values_only=True)]
    return {"page": page_grid(html), "json": json_grid, "xlsx": xlsx_grid}


@pytest.mark.django_db
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(st.lists(counts, min_size=len(STATUSES), max_size=len(STATUSES)), min_size=5, max_size=5))
def test_page_json_and_xlsx_never_let_a_suppressed_cell_be_recovered(client, xuhui_stations, values):
    FigureValue.objects.all().delete()
    FigureValue.objects.bulk_create(
        FigureValue(key=f"jobseekers.status.{status}", station=station, value=n)
        for station, row in zip(xuhui_stations, values, strict=True)
        for status, n in zip(STATUSES, row, strict=True) if n)
    streets = list(Street.objects.filter(district__code="310104", is_admin=True).order_by("code"))
    by_street = {s.pk: [0] * len(STATUSES) for s in streets}
    for station, row in zip(xuhui_stations, values, strict=True):
        by_street[station.street_id] = [a + b for a, b in zip(by_street[station.street_id], row, strict=True)]
    truth = [by_street[s.pk] for s in streets]
    grids = published_grids(client, "310104")
    assert grids["page"] == grids["json"] == grids["xlsx"]
    check_published(truth, grids["page"])


@pytest.mark.django_db
def test_public_statistics_need_no_login_and_show_small_counts_as_below_ten(client, world):
    for url in ("/statistics/", "/statistics/310104/", "/statistics/310104/export.xlsx",
                "/api/public/statistics/310104/"):
        assert_matrix(client, world, url, PUBLIC, api=url.startswith("/api/"))
    assert client.get("/statistics/999999/").status_code == 404
    assert client.get("/api/public/statistics/999999/").status_code == 404
    FigureValue.objects.create(key="jobseekers.status.unemployed", station=world["station_a"], value=4)
    html = client.get("/statistics/310104/").content.decode()
    assert "&lt;10" in html and ">4<" not in html


@pytest.mark.django_db
def test_threshold_is_a_setting(client, world, settings):
    settings.STATISTICS_SUPPRESS_BELOW = 5
    FigureValue.objects.create(key="jobseekers.status.unemployed", station=world["station_a"], value=7)
    SummaryRun.objects.create(kind="refresh", started_at="2026-01-01T00:00Z", finished_at="2026-01-01T00:00Z",
                              duration_ms=1)
    data = client.get("/api/public/statistics/310104/").json()
    assert data["threshold"] == 5 and any(c["value"] == 7 for row in data["rows"] for c in row["cells"])


def test_the_adversary_recovers_cells_from_primary_suppression_alone():
    """Without secondary suppression a lone "<10" is its row total minus the rest: the adversary has teeth."""
    naive = [["<10", 20, 23], [30, 40, 70], [33, 60, 93]]
    assert recovered(naive, T) == [(0, 0, 3.0)]
    # interval reasoning alone: two "<10" summing to 2 can only be 1 and 1
    assert sorted(recovered([["<10", "<10", 2], [30, 40, 70], [31, 41, 72]], T)) == [(0, 0, 1), (0, 1, 1)]
