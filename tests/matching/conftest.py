import pytest


@pytest.fixture
def a_station(world):
    return world["station_a"]
