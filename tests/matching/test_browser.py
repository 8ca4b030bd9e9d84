"""Staff open an archive's matching page, see explained recommendations, push two postings, record a hire."""

import pytest

from jobs.models import JobPosting
from tests.conftest import browser_login
from tests.matching.factories import make_archive, make_posting

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_staff_push_two_postings_and_record_a_hire(page, live_server, reference_data, world):
    a = world["station_a"]
    archive = make_archive(a, name="张三", skills="电工", desired_salary=5000)
    first = make_posting(a, title="人工智能训练师", occupation_code="4-04-05-05", salary_max=5500, headcount=2,
                         requirements="电工证")
    second = make_posting(a, title="软件测试员", occupation_code="4-04-05-02")
    make_posting(a, title="无关岗位", occupation_code="6-01-01-01", lat=31.25, lng=121.50)
    browser_login(page, live_server, "staff_a", "pw-for-tests-123")
    page.goto(f"{live_server.url}/matching/archives/{archive.pk}/")
    recs = page.locator("[data-testid=recommendation]")
    assert recs.first.locator("[data-testid=explanation]").inner_text().startswith("同一职业；步行约 1 分钟")
    assert "薪资高于期望 10%" in recs.first.inner_text() and "技能匹配：电工" in recs.first.inner_text()
    assert page.locator("[data-testid=archive-status]").inner_text() == "失业"

    page.check(f"#rec-{first.pk}")
    page.check(f"#rec-{second.pk}")
    page.select_option("#push-channel", "phone")
    page.click("text=推送所选岗位")
    page.wait_for_load_state("networkidle")
    assert "已推送 2 个岗位。" in page.content()
    pushes = page.locator("[data-testid=push]")
    assert pushes.count() == 2

    item = pushes.filter(has_text="人工智能训练师")
    item.locator("select[name=outcome]").select_option("hired")
    item.locator("button", has_text="登记").click()
    page.wait_for_load_state("networkidle")
    assert "已登记反馈：已录用。" in page.content()
    assert page.locator("[data-testid=archive-status]").inner_text() == "已就业"
    item = page.locator("[data-testid=push]").filter(has_text="人工智能训练师")
    assert "已录用" in item.locator("[data-testid=push-outcome]").inner_text()
    assert "岗位已录用 1/2" in item.inner_text()
    first.refresh_from_db()
    assert first.filled_count == 1 and first.status == JobPosting.Status.PUBLISHED
