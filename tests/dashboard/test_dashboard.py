"""The dashboard: scoped tiles from the summary tables, each equal to the list it opens."""

from __future__ import annotations

import pytest
from django.db.models import Sum
from django.urls import reverse

from core.figures import Figure
from dashboard import registry, selectors, services
from dashboard.models import FigureMonth, FigureValue
from tests.matrix import ANY_INTERNAL, assert_matrix

pytestmark = pytest.mark.django_db
URL = "/dashboard/"
ROLES = ("staff", "staff_far", "district", "district_other", "city")


def list_figure(client, user, figure: Figure, url: str) -> int:
    """What the list a tile opens shows: its row count (or the summed field), or the coverage page's count."""
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    if figure.url_name == "stations:coverage":
        return response.context["coverage"].streets_without
    paginator = response.context["paginator"]
    if figure.sum_field:
        return paginator.object_list.aggregate(n=Sum(figure.sum_field))["n"] or 0
    return paginator.count


def test_dashboard_permission_matrix(client, world):
    assert_matrix(client, world, URL, ANY_INTERNAL)


@pytest.mark.parametrize("role", ROLES)
def test_every_tile_equals_the_count_of_the_list_it_opens(client, generated, role):
    services.summaries_refresh()
    user = generated[role]
    board = selectors.board_for(user=user)
    figures = {f.key: f for f in registry.figures()}
    checked = 0
    for tile in board.tiles:
        figure = figures[tile.key]
        if not isinstance(figure, Figure):
            continue
        if not figure.url_name:  # no list for these rows yet (training referrals): shown, not a link
            assert tile.url == "" and tile.key.startswith("training."), tile.key
            continue
        assert list_figure(client, user, figure, tile.url) == tile.value, (role, tile.key, tile.url)
        checked += 1
    assert checked >= 20


def test_figures_after_a_rebuild_equal_direct_counts_over_the_raw_tables(generated):
    services.summaries_refresh(rebuild=True)
    for figure in registry.stored_figures():
        direct = figure.rows().aggregate(n=figure.aggregate())["n"] or 0
        stored = FigureValue.objects.filter(key=figure.key).aggregate(n=Sum("value"))["n"] or 0
        assert stored == direct, figure.key
    today = services.month_start(services.timezone.localdate())
    since = services.month_start(today, services.TREND_MONTHS - 1)
    for trend in registry.trends():
        direct = services.trend_rows(trend, since).count()
        stored = FigureMonth.objects.filter(key=trend.key).aggregate(n=Sum("value"))["n"] or 0
        assert stored == direct, trend.key
    assert FigureMonth.objects.values("month").distinct().count() > 12  # two years of generated history


def test_the_page_reads_summaries_not_raw_rows_and_is_scoped(client, generated):
    services.summaries_refresh()
    client.force_login(generated["district"])
    page = client.get(URL).content.decode()
    assert "徐汇区" in page and "数据截至" in page
    assert generated["station_a"].name in page and generated["station_c"].name not in page
    # a new archive shows only after the next refresh: the page never counts raw archives
    before = selectors.board_for(user=generated["district"])
    from tests.matching.factories import make_archive
    make_archive(generated["station_a"], desired=())
    open_tile = next(t for t in selectors.board_for(user=generated["district"]).tiles if t.key == "jobseekers.open")
    assert open_tile.value == next(t for t in before.tiles if t.key == "jobseekers.open").value
    services.summaries_refresh()
    open_tile = next(t for t in selectors.board_for(user=generated["district"]).tiles if t.key == "jobseekers.open")
    assert open_tile.value == next(t for t in before.tiles if t.key == "jobseekers.open").value + 1


def test_city_admin_sees_each_district_and_staff_see_their_station(client, generated):
    services.summaries_refresh()
    client.force_login(generated["city"])
    response = client.get(URL)
    tables = {name: rows for name, _title, rows in response.context["tables"]}
    assert len(tables["district"]) == 16 and "station" not in tables
    assert "stations.streets_without" in {t.key for t in response.context["board"].tiles}
    client.force_login(generated["staff"])
    response = client.get(URL)
    tables = {name: rows for name, _title, rows in response.context["tables"]}
    assert set(tables) == {"station"} and [r.name for r in tables["station"]] == [generated["station_a"].name]
    assert "stations.streets_without" not in {t.key for t in response.context["board"].tiles}


def test_before_the_first_refresh_the_page_says_so(client, world):
    client.force_login(world["district"])
    assert "尚未统计" in client.get(URL).content.decode()


def test_page_has_no_inline_script_or_style(client, generated):
    services.summaries_refresh()
    client.force_login(generated["district"])
    page = client.get(URL).content.decode()
    assert "style=" not in page and " onclick=" not in page
    import re
    scripts = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", page)
    assert all('type="application/json"' in attrs for attrs in scripts), scripts


def test_rebuild_command_and_periodic_task(generated, capsys):
    from django.core.management import call_command

    from dashboard.tasks import summaries_refresh_task
    call_command("dashboard_rebuild")
    assert "rebuilt" in capsys.readouterr().out
    assert summaries_refresh_task() and FigureValue.objects.exists()
    assert reverse("dashboard:dashboard") == URL


def test_tile_map_shades_the_chosen_measure_with_stations_as_points(client, generated):
    services.summaries_refresh()
    client.force_login(generated["city"])
    response = client.get(URL, {"measure": "jobs.published"})
    tiles = response.context["map"]["tiles"]
    assert len(tiles) == 16 and len({(t.x, t.y) for t in tiles}) == 16  # one cell per district
    xuhui = next(t for t in tiles if t.name == "徐汇区")
    assert xuhui.value == 6 and len(xuhui.points) == 2  # stations A and B: 3 published postings each
    assert response.context["measure"].key == "jobs.published"
    client.force_login(generated["district"])
    response = client.get(URL, {"measure": "nonsense"})  # an unknown measure: the default one
    assert response.context["measure"].key == "jobseekers.open"
    assert len(response.context["map"]["tiles"]) == len(response.context["tables"][0][2])
    assert 'data-testid="tile-map"' in response.content.decode()


def test_configured_geojson_replaces_the_tile_map(client, generated, tmp_path, settings):
    services.summaries_refresh()
    (tmp_path / "districts.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    settings.DASHBOARD_MAP_GEOJSON = str(tmp_path)
    client.force_login(generated["city"])
    page = client.get(URL).content.decode()
    assert 'data-geojson-url="/dashboard/map.geojson"' in page and 'data-testid="tile-map"' not in page
    assert client.get("/dashboard/map.geojson").status_code == 200
    client.force_login(generated["district"])  # no 310104.geojson: the tile map, and no file
    assert client.get("/dashboard/map.geojson").status_code == 404
