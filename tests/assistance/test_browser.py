"""A city admin builds a nested eligibility rule by clicking (htmx redraws the builder, no page reload), sees the
JSON view follow, and saves it as a new version."""

import json

import pytest

from tests.conftest import browser_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_city_admin_builds_a_nested_rule_by_clicking(page, live_server, world, claim_policy):
    browser_login(page, live_server, "city_admin", "pw-for-tests-123")
    page.goto(f"{live_server.url}/assistance/policies/{claim_policy.pk}/rule/")
    page.evaluate("window.__notReloaded = true")

    def settled(selector):
        """The redraw that `selector` marks has arrived and htmx has finished swapping and settling it (a
        change made while htmx still settles the previous redraw would be lost)."""
        page.wait_for_selector(selector, state="attached")
        page.wait_for_function("() => !document.querySelector('.htmx-request, .htmx-swapping, .htmx-settling')")

    page.click("[data-testid=add-group-node-0]")
    settled("[data-testid=kind-node-0-2]")
    page.select_option("[data-testid=kind-node-0-2]", "any")
    settled("[data-testid=kind-node-0-2] option[value=any][selected]")
    page.select_option("[data-testid=fact-node-0-2-0]", "key_groups")
    settled("[data-testid=value-node-0-2-0] input[value='4050']")
    page.check("[data-testid=value-node-0-2-0] input[value='4050']")
    settled("[data-testid=value-node-0-2-0] input[value='4050'][checked]")
    page.click("[data-testid=add-fact-node-0-2]")
    settled("[data-testid=fact-node-0-2-1]")
    page.select_option("[data-testid=fact-node-0-2-1]", "street")
    settled("[data-testid=value-node-0-2-1] optgroup")
    page.select_option("[data-testid=value-node-0-2-1]", ["310104014"])
    settled("[data-testid=value-node-0-2-1] option[value='310104014'][selected]")
    page.click("[data-testid=remove-node-0-0]")  # 当前就业状态 goes; the group moves up to node-0-1
    settled("[data-testid=group-node-0-1]")
    page.fill("[data-testid=value-node-0-0]", "45")
    page.locator("[data-testid=value-node-0-0]").press("Tab")
    settled("[data-testid=value-node-0-0][value='45']")

    expected = {"all": [{"fact": "age", "op": ">=", "value": 45},
                        {"any": [{"fact": "key_groups", "op": "has_any", "value": ["4050"]},
                                 {"fact": "street", "op": "in", "value": ["310104014"]}]}]}
    page.click("[data-testid=rule-json-view] summary")
    assert json.loads(page.input_value("#id_raw")) == expected
    assert page.evaluate("window.__notReloaded") is True  # every step was an htmx redraw
    page.fill("#id_note", "4050 或本街道")
    page.click("[data-testid=rule-save]")
    page.wait_for_url(f"**/assistance/policies/{claim_policy.pk}/")
    assert "规则已保存为第 2 版" in page.content()
    claim_policy.refresh_from_db()
    assert claim_policy.current_version.number == 2 and claim_policy.current_version.rule == expected


def test_without_javascript_the_builder_works_by_page_reloads(browser, live_server, world, claim_policy):
    context = browser.new_context(locale="zh-CN", java_script_enabled=False)
    page = context.new_page()
    page.set_default_timeout(10_000)
    try:
        browser_login(page, live_server, "city_admin", "pw-for-tests-123")
        page.goto(f"{live_server.url}/assistance/policies/{claim_policy.pk}/rule/")
        page.click("[data-testid=add-group-node-0]")
        page.select_option("[data-testid=kind-node-0-2]", "not")
        page.select_option("[data-testid=fact-node-0-2-0]", "registered_unemployed")
        # Enter redraws (the form's first button; a browser without JS also shows a <noscript> one, which
        # Playwright's script switch does not draw): the value widget for the chosen fact appears
        page.press("#id_note", "Enter")
        page.select_option("[data-testid=value-node-0-2-0]", "true")
        page.click("[data-testid=rule-save]")
        page.wait_for_url(f"**/assistance/policies/{claim_policy.pk}/")
    finally:
        context.close()
    claim_policy.refresh_from_db()
    assert claim_policy.current_version.rule == {"all": [
        {"fact": "status", "op": "in", "value": ["unemployed"]}, {"fact": "age", "op": ">=", "value": 40},
        {"not": {"fact": "registered_unemployed", "op": "is", "value": True}}]}
