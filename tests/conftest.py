"""Shared fixtures: reference data in the test database, the role `world`, and a real browser."""

from __future__ import annotations

import os
import shutil

import pytest
from django.core.management import call_command
from django.utils import translation

from stations.models import Street
from tests.factories import StationFactory, make_city_admin, make_district_admin, make_staff, street

CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(autouse=True)
def _default_language():
    """LocaleMiddleware leaves a request's language active in the thread: an English page would turn the next
    test's lazy messages English. Each test starts in the default language (Chinese)."""
    yield
    translation.deactivate()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def reference_data(db):
    """Reference rows (reloaded if a transactional test flushed them)."""
    if not Street.objects.exists():
        call_command("load_reference_data", verbosity=0)


@pytest.fixture
def world(reference_data):
    """Three stations (A, B in 徐汇区; C in 浦东新区) and one user per role; see tests/matrix.py."""
    a = StationFactory(code="A-001", street=street("310104014"), lat=31.1935, lng=121.4370)
    b = StationFactory(code="B-001", street=street("310104004"), lat=31.2085, lng=121.4410)
    c = StationFactory(code="C-001", street=street("310115005"), lat=31.2345, lng=121.5060)
    return {
        "station_a": a, "station_b": b, "station_c": c,
        "staff": make_staff("staff_a", a), "staff_other": make_staff("staff_b", b),
        "staff_far": make_staff("staff_c", c),
        "district": make_district_admin("district_xh", "310104"),
        "district_other": make_district_admin("district_pd", "310115"),
        "city": make_city_admin("city_admin"),
    }


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium through Playwright. Missing browser: failure in CI, skip (with reason) locally."""
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} is missing: browser tests cannot run (install Debian's chromium)")
        pytest.skip(f"{CHROMIUM} not installed (CI installs it; apt-get install chromium)")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        )
        yield b
        b.close()


# Every page a browser test opens runs under the Content-Security-Policy: a violation fails the test.
CSP_LISTENER = """document.addEventListener("securitypolicyviolation", (e) => {
  (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + " " + e.blockedURI);
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
});"""


def csp_violations(context) -> list[str]:
    """Record every Content-Security-Policy violation of `context`'s pages (assert it stays empty)."""
    context.add_init_script(CSP_LISTENER)
    violations: list[str] = []
    context.on("console", lambda msg: violations.append(msg.text) if msg.type == "error" and (
        "Content Security Policy" in msg.text or "CSP violation" in msg.text) else None)
    return violations


@pytest.fixture
def page(browser, live_server):
    context = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844})
    violations = csp_violations(context)
    pg = context.new_page()
    pg.set_default_timeout(10_000)
    yield pg
    context.close()
    assert not violations, "Content-Security-Policy violations:\n" + "\n".join(violations)


def browser_login(page, live_server, username: str, password: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")
