"""Every page names the portal's icon, and the icon ships with the static files."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders

pytestmark = pytest.mark.django_db


def test_pages_link_a_favicon_that_ships(client, reference_data):
    html = client.get("/jobs/search/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    path = finders.find(href.removeprefix(settings.STATIC_URL))
    assert path and "<svg" in Path(path).read_text(encoding="utf-8")
