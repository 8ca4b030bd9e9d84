"""Real browser: a district admin creates a station and residents find it; coverage lists uncovered streets first."""

import pytest

from stations.models import Station
from tests.conftest import browser_login, csp_violations
from tests.factories import StationFactory, make_district_admin, street

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_district_admin_creates_a_station_and_it_appears_in_the_public_finder(page, live_server, reference_data):
    make_district_admin("xh_admin", "310104")
    browser_login(page, live_server, "xh_admin", "pw-for-tests-123")
    page.goto(f"{live_server.url}/stations/new/")
    page.select_option("#id_street", label="徐汇区 · 天平路街道")
    page.fill("#id_community", "衡山")
    page.locator("#apply-suggestion").click()
    assert page.input_value("#id_name") == "天平路街道衡山社区就业服务站"
    page.fill("#id_code", "XH-TP-09")
    page.fill("#id_address", "衡山路 10 号")
    page.fill("#id_lat", "31.2040")
    page.fill("#id_lng", "121.4385")
    page.fill("#id_phone", "021-64009876")
    page.select_option("#id_status", "operating")
    page.check("input[name=services][value=job_info]")
    page.fill("#id_opens_0", "09:00")
    page.fill("#id_closes_0", "17:00")
    page.click("[data-testid=save-station]")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-testid=station-name]").inner_text() == "天平路街道衡山社区就业服务站"
    assert Station.objects.get(code="XH-TP-09").hours.count() == 1

    resident = page.context.browser.new_context(
        locale="zh-CN", viewport={"width": 390, "height": 844},
        geolocation={"latitude": 31.2041, "longitude": 121.4386}, permissions=["geolocation"])
    violations = csp_violations(resident)
    phone = resident.new_page()
    phone.goto(f"{live_server.url}/stations/finder/")
    phone.select_option("[data-testid=finder-district]", label="徐汇区")
    phone.wait_for_selector("[data-testid=finder-street] option:has-text('天平路街道')", state="attached")
    phone.select_option("[data-testid=finder-street]", label="天平路街道")
    phone.click("[data-testid=finder-submit]")
    phone.wait_for_load_state("networkidle")
    first = phone.locator("[data-testid=finder-result]").first
    assert "天平路街道衡山社区就业服务站" in first.inner_text()
    assert "步行约" in first.inner_text() and "021-64009876" in first.inner_text()
    assert phone.locator("[data-testid=approximate]").is_visible()
    first.locator("a").first.click()
    phone.wait_for_load_state("networkidle")
    assert phone.locator("[data-testid=public-station]").is_visible()

    # sharing the browser's location finds it too, a minute's walk away
    phone.goto(f"{live_server.url}/stations/finder/")
    phone.click("[data-testid=locate-me]")
    phone.wait_for_selector("[data-testid=finder-result]")
    first = phone.locator("[data-testid=finder-result]").first
    assert "天平路街道衡山社区就业服务站" in first.inner_text() and "步行约 1 分钟" in first.inner_text()
    assert phone.locator("[data-testid=approximate]").count() == 0
    resident.close()
    assert not violations, violations


def test_coverage_page_lists_a_street_without_a_station_first(page, live_server, reference_data):
    StationFactory(code="XH-A", street=street("310104014"))
    StationFactory(code="XH-B", street=street("310104004"))
    make_district_admin("xh_admin2", "310104")
    browser_login(page, live_server, "xh_admin2", "pw-for-tests-123")
    page.goto(f"{live_server.url}/stations/coverage/")
    rows = page.locator("[data-testid=street-coverage] tbody tr")
    assert rows.count() == 13
    first = rows.first
    assert "未覆盖" in first.inner_text() and "table-danger" in first.get_attribute("class")
    assert "徐家汇街道" in rows.last.inner_text() and "未覆盖" not in rows.last.inner_text()
    assert page.locator("[data-testid=streets-without]").inner_text() == "11"
    assert "绕行系数 1.3" in page.locator("[data-testid=walk-model]").inner_text()
