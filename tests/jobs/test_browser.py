"""Staff draft a posting, a district admin approves it; a resident finds it by a partial word and by "near me", and says 我感兴趣."""

import pytest

from jobs.models import JobPosting, Lead
from tests.conftest import browser_login
from tests.jobs.factories import make_employer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_posting_published_found_and_interest_reaches_worklist(page, browser, live_server, reference_data, world):
    a = world["station_a"]
    employer = make_employer(a, name="上海徐汇康乐养老服务有限公司")
    browser_login(page, live_server, "staff_a", "pw-for-tests-123")
    page.goto(f"{live_server.url}/jobs/postings/new/")
    page.select_option("#id_employer", str(employer.pk))
    page.fill("#id_title", "社区助浴护理员")
    page.fill("#id_description", "为社区老人提供上门助浴服务，提供岗前培训。")
    page.fill("#id_salary_min", "6000")
    page.fill("#id_salary_max", "8000")
    page.fill("#id_lat", "31.1940")
    page.fill("#id_lng", "121.4375")
    page.click("[data-testid=posting-save]")
    page.click("text=提交审核")
    assert page.locator("[data-testid=posting-status]").inner_text() == "待审核"
    assert page.locator("[data-testid=publish]").count() == 0  # the author is not the reviewer
    posting = JobPosting.objects.get(title="社区助浴护理员")
    page.context.clear_cookies()
    browser_login(page, live_server, "district_xh", "pw-for-tests-123")
    page.goto(f"{live_server.url}/jobs/postings/{posting.pk}/")
    page.click("[data-testid=publish]")
    assert page.locator("[data-testid=posting-status]").inner_text() == "已发布"

    resident_ctx = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844},
                                       geolocation={"latitude": 31.1950, "longitude": 121.4380},
                                       permissions=["geolocation"])
    resident = resident_ctx.new_page()
    resident.set_default_timeout(10_000)
    try:
        resident.goto(f"{live_server.url}/jobs/search/")
        resident.fill("[data-testid=search-q]", "助浴护")  # a partial word
        resident.click("[data-testid=search-submit]")
        assert "社区助浴护理员" in resident.locator("[data-testid=results]").inner_text()

        resident.fill("[data-testid=search-q]", "")
        resident.check("[data-testid=within-15]")
        resident.click("[data-testid=near-me]")
        resident.wait_for_url("**lat=31.195*")
        results = resident.locator("[data-testid=results]").inner_text()
        assert "社区助浴护理员" in results and "步行约" in results

        resident.click("text=社区助浴护理员")
        assert "徐汇康乐养老" in resident.locator("[data-testid=job-employer]").inner_text()
        resident.fill("#id_name", "赵阿姨")
        resident.fill("#id_phone", "1391234abcd")
        resident.click("[data-testid=interest-submit]")
        assert "手机号只能包含数字" in resident.content()
        resident.fill("#id_phone", "13912345678")
        resident.click("[data-testid=interest-submit]")
        assert "请阅读说明并勾选同意" in resident.content()
        resident.check("#id_consent")
        resident.click("[data-testid=interest-submit]")
        assert "139****5678" in resident.locator("[data-testid=interest-done]").inner_text()
    finally:
        resident_ctx.close()

    lead = Lead.objects.get(posting=posting)
    assert lead.station == a
    page.context.clear_cookies()  # back to the station's staff member: the lead is on their worklist
    browser_login(page, live_server, "staff_a", "pw-for-tests-123")
    page.goto(f"{live_server.url}/")
    panel = page.locator("[data-testid=jobs-panel]").inner_text()
    assert "赵阿姨" in panel and "139****5678" in panel
    page.goto(f"{live_server.url}/jobs/leads/")
    assert "社区助浴护理员" in page.locator("[data-testid=lead-table]").inner_text()
