"""A district admin opens the dashboard on a phone: tiles, a drawn chart, a sortable table, no page-wide scroll."""

import pytest

from dashboard import services
from tests.conftest import browser_login
from tests.dashboard.conftest import generate

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_reads_the_dashboard_on_a_phone(page, live_server, reference_data, world):
    generate(world)
    services.summaries_refresh(rebuild=True)
    browser_login(page, live_server, "district_xh", "pw-for-tests-123")
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(f"{live_server.url}/dashboard/")
    assert page.locator("[data-testid=tile-jobseekers\\.open]").is_visible()
    page.wait_for_selector("#trend-chart canvas")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    table = page.locator("[data-testid=table-station]")
    header = table.locator("button.js-sort").nth(1)
    header.click()
    values = [int(v) for v in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert values == sorted(values, reverse=True)
    header.click()
    values = [int(v) for v in table.locator("tbody tr td:nth-child(2)").all_inner_texts()]
    assert values == sorted(values)
    assert not errors


def test_city_admin_opens_a_district_and_a_cell_opens_its_list(page, live_server, reference_data, world):
    generate(world)
    services.summaries_refresh()
    browser_login(page, live_server, "city_admin", "pw-for-tests-123")
    page.goto(f"{live_server.url}/dashboard/")
    page.click("[data-testid=district-310104]")
    assert page.locator("h1").inner_text().endswith("徐汇区")
    cell = page.locator("[data-testid=table-station] tbody tr").first.locator("td a").first
    shown = int(cell.inner_text())
    cell.click()
    assert "/jobseekers/" in page.url
    assert f"共 {shown} 份档案" in page.content()
