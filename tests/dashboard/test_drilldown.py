"""The city admin opens any one district's board (?district=<code>, on the page, the export and the API): the
same board that district's admin sees, its tiles opening the lists narrowed to the district. Anyone else may
name only their own district (their usual board); another district or an unknown code is a 404."""

from __future__ import annotations

import io

import pytest
from openpyxl import load_workbook

from core.figures import Figure
from dashboard import registry, selectors, services
from tests.dashboard.test_dashboard import list_figure
from tests.matrix import OF_XUHUI, assert_matrix

pytestmark = pytest.mark.django_db
XUHUI, PUDONG = "310104", "310115"


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/export.xlsx"])
def test_district_board_permission_matrix(client, world, url):
    assert_matrix(client, world, f"{url}?district={XUHUI}", OF_XUHUI)


@pytest.mark.parametrize("url", ["/api/dashboard/figures/", "/api/dashboard/breakdown/", "/api/dashboard/trends/"])
def test_district_board_api_permission_matrix(client, world, url):
    assert_matrix(client, world, f"{url}?district={XUHUI}", OF_XUHUI, api=True)


@pytest.mark.parametrize("url", ["/dashboard/", "/dashboard/export.xlsx", "/api/dashboard/figures/",
                                 "/api/dashboard/breakdown/", "/api/dashboard/trends/", "/dashboard/map.geojson"])
def test_an_unknown_district_code_is_a_404(client, world, url):
    client.force_login(world["city"])
    assert client.get(url, {"district": "999999"}).status_code == 404


def test_city_admins_district_board_is_the_district_admins_board(client, generated_apps):
    services.summaries_refresh()
    city, district = generated_apps["city"], generated_apps["district"]
    client.force_login(city)
    response = client.get("/dashboard/", {"district": XUHUI})
    board = response.context["board"]
    own = selectors.board_for(user=district)
    assert board.title == own.title == "徐汇区" and board.drilled and not own.drilled
    assert {t.key: t.value for t in board.tiles} == {t.key: t.value for t in own.tiles}
    assert {n: [(r.name, r.values) for r in rows] for n, rows in board.tables.items()} == \
        {n: [(r.name, r.values) for r in rows] for n, rows in own.tables.items()}
    assert [s[2] for s in board.series] == [s[2] for s in own.series]
    page = response.content.decode()
    assert 'href="/dashboard/export.xlsx?district=310104"' in page and 'data-testid="back-to-city"' in page
    assert 'name="district" value="310104"' in page  # the map's measure form stays on this board
    assert generated_apps["station_c"].name not in page


def test_each_tile_of_a_district_board_equals_the_list_it_opens(client, generated_apps):
    services.summaries_refresh()
    city = generated_apps["city"]
    xuhui = generated_apps["station_a"].street.district
    board = selectors.board_for(user=city, district=xuhui)
    figures = {f.key: f for f in registry.figures()}
    checked, plain = 0, set()
    for tile in board.tiles:
        figure = figures[tile.key]
        if not isinstance(figure, Figure):
            continue
        if not tile.url:  # the list cannot be narrowed to a district: no link (a city-wide list would differ)
            assert "district" not in figure.place_params or not figure.url_name, tile.key
            plain.add(tile.key.split(".")[0])
            continue
        assert list_figure(client, city, figure, tile.url) == tile.value, (tile.key, tile.url)
        checked += 1
    assert checked >= 20 and plain == set()
    assert next(t for t in board.tiles if t.key == "assistance.case.paid").url  # cases and the worklist narrow
    assert next(t for t in board.tiles if t.key == "assistance.unclaimed").url
    city_board = selectors.board_for(user=city)
    assert next(t for t in city_board.tiles if t.key == "jobseekers.open").value > \
        next(t for t in board.tiles if t.key == "jobseekers.open").value


def test_the_city_boards_district_rows_open_each_districts_board(client, generated_apps):
    services.summaries_refresh()
    client.force_login(generated_apps["city"])
    page = client.get("/dashboard/").content.decode()
    assert f'<a href="/dashboard/?district={XUHUI}" data-testid="district-{XUHUI}">徐汇区</a>' in page
    assert f'href="/dashboard/?district={PUDONG}"' in page
    pudong = client.get("/dashboard/", {"district": PUDONG}).context["board"]
    assert pudong.title == "浦东新区"
    assert [r.name for r in pudong.tables["station"]] == [generated_apps["station_c"].name]


def test_staff_and_district_admins_naming_their_own_district_see_their_usual_board(client, generated_apps):
    services.summaries_refresh()
    for role in ("staff", "district"):
        client.force_login(generated_apps[role])
        board = client.get("/dashboard/", {"district": XUHUI}).context["board"]
        usual = selectors.board_for(user=generated_apps[role])
        assert not board.drilled and board.title == usual.title
        assert {t.key: t.value for t in board.tiles} == {t.key: t.value for t in usual.tiles}


def test_district_board_export_and_api_are_the_districts(client, generated_apps):
    services.summaries_refresh()
    client.force_login(generated_apps["city"])
    wb = load_workbook(io.BytesIO(client.get("/dashboard/export.xlsx", {"district": XUHUI}).content))
    assert wb.sheetnames == ["指标", "各街镇", "各站点", "月度趋势"] and wb["指标"]["B1"].value == "徐汇区"
    stations = {row[0] for row in wb["各站点"].iter_rows(min_row=2, values_only=True)}
    assert stations == {generated_apps["station_a"].name, generated_apps["station_b"].name}
    figures = client.get("/api/dashboard/figures/", {"district": XUHUI}).json()
    own = selectors.board_for(user=generated_apps["district"])
    assert figures["scope"] == "徐汇区" and {t["key"]: t["value"] for t in figures["tiles"]} == \
        {t.key: t.value for t in own.tiles}
    breakdown = client.get("/api/dashboard/breakdown/", {"district": XUHUI}).json()
    assert [t["name"] for t in breakdown["tables"]] == ["street", "station"]
    assert all(len(r["links"]) == len(r["values"]) for t in breakdown["tables"] for r in t["rows"])
    client.force_login(generated_apps["district_other"])
    assert client.get("/api/dashboard/breakdown/", {"district": XUHUI}).status_code == 404


def test_a_district_boards_map_is_that_districts_geojson(client, generated, tmp_path, settings):
    services.summaries_refresh()
    (tmp_path / f"{XUHUI}.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    settings.DASHBOARD_MAP_GEOJSON = str(tmp_path)
    client.force_login(generated["city"])
    page = client.get("/dashboard/", {"district": XUHUI}).content.decode()
    assert f'data-geojson-url="/dashboard/map.geojson?district={XUHUI}"' in page
    assert client.get("/dashboard/map.geojson", {"district": XUHUI}).status_code == 200
    assert client.get("/dashboard/map.geojson").status_code == 404  # the city map: no districts.geojson
    client.force_login(generated["district_other"])
    assert client.get("/dashboard/map.geojson", {"district": XUHUI}).status_code == 404
