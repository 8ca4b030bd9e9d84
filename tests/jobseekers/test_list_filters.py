"""The archive list's 网格 filter through real requests: only that grid's archives, inside the user's scope."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.factories import street
from tests.stations.factories import GridFactory

from .factories import make_archive

pytestmark = pytest.mark.django_db

LIST_URL = "/jobseekers/"
API = "/api/jobseekers/"


@pytest.fixture
def grids(world):
    """Two grids of 徐家汇街道 (station A's street), one of 湖南路街道 (B's) and one of 陆家嘴街道 (C's, 浦东)."""
    xjh, hnl, ljz = street("310104014"), street("310104004"), street("310115005")
    g1, g2 = GridFactory(street=xjh, name="徐家汇一网格"), GridFactory(street=xjh, name="徐家汇二网格")
    g3, g4 = GridFactory(street=hnl, name="湖南路一网格"), GridFactory(street=ljz, name="陆家嘴一网格")
    a, b, c = world["station_a"], world["station_b"], world["station_c"]
    for name, station, grid in [("甲一", a, g1), ("甲二", a, g1), ("甲三", a, g2), ("甲无网格", a, None),
                                ("乙一", b, g1), ("乙三", b, g3), ("丙四", c, g4)]:
        make_archive(station, name=name, grid=grid, street=grid.street if grid else xjh)
    return {"g1": g1, "g2": g2, "g3": g3, "g4": g4}


def names(response) -> set[str]:
    """The archive names the table shows (the first cell's link of each row)."""
    assert response.status_code == 200
    table = response.content.decode().split('data-testid="archive-table"')[1].split("</table>")[0]
    return set(re.findall(r'<td><a href="/jobseekers/\d+/">([^<]+)</a>', table))


def test_grid_filter_shows_only_archives_of_that_grid(client, world, grids):
    client.force_login(world["staff"])
    assert names(client.get(LIST_URL)) == {"甲一", "甲二", "甲三", "甲无网格"}
    response = client.get(LIST_URL, {"grid": grids["g1"].pk})
    assert names(response) == {"甲一", "甲二"}  # station B's 乙一 is in the same grid but out of scope
    assert "共 2 份档案" in response.content.decode()
    assert names(client.get(LIST_URL, {"grid": grids["g2"].pk})) == {"甲三"}
    assert names(client.get(LIST_URL, {"grid": grids["g3"].pk})) == set()
    # the choice stays selected in the filter form
    select = response.content.decode().split('name="grid"')[1].split("</select>")[0]
    assert re.search(rf'<option value="{grids["g1"].pk}" selected>', select)


def test_grid_filter_for_admins_covers_every_station_of_their_scope(client, world, grids):
    client.force_login(world["district"])
    assert names(client.get(LIST_URL, {"grid": grids["g1"].pk})) == {"甲一", "甲二", "乙一"}
    assert names(client.get(LIST_URL, {"grid": grids["g3"].pk})) == {"乙三"}
    client.force_login(world["city"])
    assert names(client.get(LIST_URL, {"grid": grids["g4"].pk})) == {"丙四"}
    assert names(client.get(LIST_URL, {"grid": grids["g1"].pk})) == {"甲一", "甲二", "乙一"}


def test_grid_filter_combines_with_other_filters(client, world, grids):
    client.force_login(world["district"])
    assert names(client.get(LIST_URL, {"grid": grids["g1"].pk, "station": world["station_b"].pk})) == {"乙一"}
    assert names(client.get(LIST_URL, {"grid": grids["g1"].pk, "q": "甲"})) == {"甲一", "甲二"}


def test_grid_outside_the_admins_district_is_refused_and_shows_nothing(client, world, grids):
    client.force_login(world["district_other"])  # 浦东新区
    assert names(client.get(LIST_URL, {"grid": grids["g4"].pk})) == {"丙四"}
    response = client.get(LIST_URL, {"grid": grids["g1"].pk})
    assert names(response) == set()
    assert "该选择不在可用的选项中" in response.content.decode()  # the field says why
    assert names(client.get(LIST_URL, {"grid": "999999"})) == set()


def test_grid_filter_through_the_api(client, world, grids):
    client.force_login(world["staff"])
    response = client.get(API, {"grid": grids["g1"].pk})
    assert response.status_code == 200
    assert {r["name"] for r in response.json()["results"]} == {"甲一", "甲二"}
    client.force_login(world["district"])
    assert {r["name"] for r in client.get(API, {"grid": grids["g1"].pk}).json()["results"]} == {"甲一", "甲二", "乙一"}


def test_grid_filter_applies_to_the_export(client, world, grids):
    import io

    from openpyxl import load_workbook

    client.force_login(world["staff"])
    response = client.get(reverse("jobseekers:archive_export"), {"grid": grids["g1"].pk})
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = {c for row in load_workbook(io.BytesIO(content)).active.iter_rows(min_row=2, values_only=True)
             for c in row}
    assert {"甲一", "甲二"} <= cells and not cells & {"甲三", "甲无网格", "乙一"}
