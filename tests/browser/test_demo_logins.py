"""Each demo account logs in through a real browser and sees its own home page in Chinese."""

import pytest
from django.core.management import call_command

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("username, marker, text", [
    ("staff_demo", "home-staff", "徐家汇街道汇站社区就业服务站"),
    ("staff_demo2", "home-staff", "湖南路街道武康社区就业服务站"),
    ("staff_demo3", "home-staff", "陆家嘴街道陆家嘴社区就业服务站"),
    ("district_demo", "home-admin", "徐汇区 · 数据看板"),
    ("city_demo", "home-admin", "全市 · 数据看板"),
])
def test_demo_account_sees_its_home_page_in_chinese(page, live_server, reference_data, username, marker, text):
    call_command("load_demo_data", verbosity=0)
    browser_login(page, live_server, username, "demo-password")
    home = page.locator(f"[data-testid={marker}]")
    assert home.is_visible()
    assert text in page.content()
    assert page.locator("html").get_attribute("lang") == "zh-hans"


def test_wrong_password_shows_chinese_error_then_lockout(page, live_server, reference_data):
    call_command("load_demo_data", verbosity=0)
    for _ in range(4):
        browser_login(page, live_server, "staff_demo", "not-the-password")
        assert "用户名或密码不正确" in page.content()
    browser_login(page, live_server, "staff_demo", "not-the-password")
    assert page.locator("[data-testid=locked-out]").is_visible()


def test_public_home_switches_to_english(page, live_server, reference_data):
    page.goto(live_server.url + "/")
    assert "搜索岗位" in page.content()
    page.select_option("#language-form select", "en")
    page.wait_for_load_state("networkidle")
    assert "Search jobs" in page.content()
