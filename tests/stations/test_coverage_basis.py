"""The coverage figure says how many archives it is based on (those with coordinates) and how many it leaves out."""

import pytest

from .factories import archive

pytestmark = pytest.mark.django_db


def test_coverage_figure_states_its_basis(client, world):
    a = world["station_a"]
    archive(a, a.lat, a.lng)
    archive(a, a.lat + 0.2, a.lng)
    archive(a, None, None)
    client.force_login(world["district"])
    body = client.get("/stations/coverage/").content.decode()
    assert "50.0%" in body
    assert "基于 2 份有坐标的在册档案（其中 1 份在步行范围内）；在册共 3 份，另有 1 份无坐标，未计入" in body
