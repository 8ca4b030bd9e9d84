"""Issue 12 item 10: a strict Content-Security-Policy and a Permissions-Policy on every page; no template
holds an inline script, style attribute or event-handler attribute (the browser tests fail on a violation)."""

import re
from pathlib import Path

import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db

TEMPLATES = Path(settings.BASE_DIR) / "templates"


@pytest.mark.parametrize("url", ["/", "/jobs/search/", "/stations/finder/", "/accounts/login/", "/api/jobs/"])
def test_pages_send_a_strict_csp_and_a_permissions_policy(client, world, url):
    response = client.get(url)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp and "unsafe" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"] and "geolocation=(self)" in response["Permissions-Policy"]


def test_only_the_admin_and_swagger_ui_get_inline_allowances(client, world):
    client.force_login(world["city"])
    assert "'unsafe-inline'" in client.get("/api/docs/")["Content-Security-Policy"]
    assert "'unsafe-inline'" not in client.get("/audit/")["Content-Security-Policy"]


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"\sstyle=\"", re.I), "style attribute"),
    (re.compile(r"<style", re.I), "<style> block"),
    (re.compile(r"\son[a-z]+=\"", re.I), "event-handler attribute"),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def test_no_template_needs_unsafe_inline():
    found = [f"{path.relative_to(TEMPLATES)}: {what}" for path in TEMPLATES.rglob("*.html")
             for pattern, what in INLINE if pattern.search(path.read_text(encoding="utf-8"))]
    assert not found, "\n".join(found)
