import pytest

from .factories import make_archive


@pytest.fixture
def archive_a(world):
    """An archive of station A (徐汇), key group, unemployed."""
    return make_archive(world["station_a"], actor=world["staff"], name="张阿姨", key_groups=["4050"],
                        phone="13912345678")
