import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Search counts are cached for two minutes: each test starts without them."""
    cache.clear()
    yield
