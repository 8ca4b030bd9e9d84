"""Excel export of what is on screen and the API's figure sets: same numbers, same scope."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from dashboard import selectors, services
from tests.matrix import ANY_INTERNAL, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", ["/dashboard/export.xlsx"])
def test_export_permission_matrix(client, world, url):
    assert_matrix(client, world, url, ANY_INTERNAL)


@pytest.mark.parametrize("url", ["/api/dashboard/figures/", "/api/dashboard/breakdown/", "/api/dashboard/trends/"])
def test_api_permission_matrix(client, world, url):
    assert_matrix(client, world, url, ANY_INTERNAL, api=True)


def test_export_has_a_sheet_per_table_the_screen_numbers_and_a_native_chart(client, generated):
    services.summaries_refresh(rebuild=True)
    client.force_login(generated["district"])
    response = client.get("/dashboard/export.xlsx")
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["指标", "各街镇", "各站点", "月度趋势"]
    board = selectors.board_for(user=generated["district"])
    shown = {row[1]: row[2] for row in wb["指标"].iter_rows(min_row=4, values_only=True)}
    open_tile = next(t for t in board.tiles if t.key == "jobseekers.open")
    assert shown["在册档案"] == open_tile.value
    assert len(wb["月度趋势"]._charts) == 1
    stations = {row[0]: row[2:] for row in wb["各站点"].iter_rows(min_row=2, values_only=True)}
    assert set(stations) == {generated["station_a"].name, generated["station_b"].name}


def test_api_figure_sets_match_the_page_and_are_scoped(client, generated):
    services.summaries_refresh(rebuild=True)
    client.force_login(generated["staff_far"])
    figures = client.get("/api/dashboard/figures/").json()
    board = selectors.board_for(user=generated["staff_far"])
    assert {t["key"]: t["value"] for t in figures["tiles"]} == {t.key: t.value for t in board.tiles}
    breakdown = client.get("/api/dashboard/breakdown/").json()
    assert [r["name"] for t in breakdown["tables"] for r in t["rows"]] == [generated["station_c"].name]
    trends = client.get("/api/dashboard/trends/").json()
    assert len(trends["months"]) == 24 and {s["key"] for s in trends["series"]} >= {"matching.pushed"}


def test_openapi_schema_describes_the_dashboard_endpoints(client, world):
    client.force_login(world["city"])
    schema = client.get("/api/schema/", {"format": "json"}).json()
    for path in ("/api/dashboard/figures/", "/api/dashboard/breakdown/", "/api/dashboard/trends/"):
        assert "200" in schema["paths"][path]["get"]["responses"], path
    assert "Tile" in schema["components"]["schemas"]


def test_geojson_matrix_without_configuration(client, world):
    assert_matrix(client, world, "/dashboard/map.geojson", {**dict.fromkeys(ANY_INTERNAL, 404), "anonymous": "login"})
