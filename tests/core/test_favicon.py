"""Every page names the portal's icon, and the icon is served (no 404 in the browser's tab)."""

import re

import pytest

pytestmark = pytest.mark.django_db


def test_pages_link_a_favicon_that_is_served(client, reference_data):
    html = client.get("/jobs/search/").content.decode()
    href = re.search(r'<link rel="icon" href="([^"]+)"', html).group(1)
    response = client.get(href)
    assert response.status_code == 200 and b"<svg" in b"".join(response.streaming_content)
