"""The English switch: public job pages, staff job pages and the station finder come out in English."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import translation

from core.choices import KeyGroup
from tests.jobs.factories import make_employer, make_posting

pytestmark = pytest.mark.django_db

PO = Path(__file__).resolve().parents[2] / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def english(client):
    """The client after choosing English in the language switch (as a visitor does)."""
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    return client


@pytest.fixture
def posting(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    return make_posting(employer, actor=world["staff"], headcount=3)


def _assert_english(body, english, chinese):
    assert 'lang="en"' in body
    for text in english:
        assert text in body, text
    for text in chinese:
        assert text not in body, text


def test_job_search_in_english(english, posting):
    body = english.get(reverse("jobs:job_search"), {"q": "保洁"}).content.decode()
    _assert_english(
        body,
        ["Find work close to home", "Filter and sort", "Only within a 15-minute walk", "Public-service jobs only",
         "1 job", "Page 1", "By relevance", "Submit a job online", "Find a job", "detour factor of 1.3",
         "walking speed of 4.5 km/h"],
        ["在家门口找工作", "筛选与排序", "只看步行15分钟内", "个岗位", "在线提交岗位", "找工作", "步行时间按直线距离",
         "您的浏览器不支持定位"],
    )
    assert posting.title in body  # the data itself stays as entered


def test_job_search_states_the_configured_walking_model(english, posting, settings):
    settings.WALK_DETOUR_FACTOR, settings.WALK_SPEED_KMH = 1.4, 4.2
    body = english.get(reverse("jobs:job_search")).content.decode()
    assert "detour factor of 1.4, at a walking speed of 4.2 km/h" in body
    body = Client().get(reverse("jobs:job_search")).content.decode()
    assert "步行时间按直线距离 × 绕行系数 1.4、步行速度 4.2 公里/小时估算。" in body


def test_job_search_footer_falls_back_without_the_walking_model():
    with translation.override("zh-hans"):
        body = render_to_string("jobs/job_search.html", {"result": {"count": 0, "page": 1, "rows": []}})
    assert "绕行系数 1.3、步行速度 4.5 公里/小时" in body


def test_job_detail_in_english(english, posting):
    body = english.get(reverse("jobs:job_detail", args=[posting.pk])).content.decode()
    _assert_english(
        body,
        ["Back to job search", "Employer", "Workplace", "3 openings", "Job description", "A station near you can help",
         "min walk from the job", "I'm interested", "Submit"],
        ["返回岗位搜索", "用人单位", "工作地点", "招 3 人", "岗位描述", "附近的服务站可以帮您", "我感兴趣"],
    )


def test_job_submit_in_english(english, world):
    body = english.get(reverse("jobs:job_submit")).content.decode()
    _assert_english(
        body,
        ["Submit a job online (for employers)", "reviews your submission", "Submit for review"],
        ["单位在线提交岗位", "审核通过后在岗位搜索中发布", "提交审核"],
    )


CHOICES_EN = ["Full-time", "Part-time", "Flexible work", "College graduates", "Veterans", "Relevance", "Nearest",
              "Highest pay"]
CHOICES_ZH = ["全职", "兼职", "灵活就业", "高校毕业生", "退役军人", "相关度", "距离最近", "薪资最高"]


def test_job_search_filters_and_results_in_english(english, world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    make_posting(employer, actor=world["staff"], friendly_to=[KeyGroup.GRADUATE])
    body = english.get(reverse("jobs:job_search")).content.decode()
    _assert_english(body, [*CHOICES_EN, "· Full-time</div>", "yuan/month", "Welcomes College graduates"],
                    [*CHOICES_ZH, "元/月", "欢迎"])


def test_job_search_filters_and_results_in_chinese_by_default(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    make_posting(employer, actor=world["staff"], friendly_to=[KeyGroup.GRADUATE])
    body = Client().get(reverse("jobs:job_search")).content.decode()
    for text in [*CHOICES_ZH, "· 全职</div>", "元/月", "欢迎高校毕业生"]:
        assert text in body, text
    for text in CHOICES_EN:
        assert text not in body, text


SUBMIT_EN = ["Employer name", "Employer type", "Individual business", "Unified social credit code",
             "Individual businesses that have none may leave this blank.", "Job title", "Pay unit", "yuan/hour",
             "Working hours", "Full-time", "Subdistrict/town of the workplace", "Closing date"]
SUBMIT_ZH = ["单位名称", "单位类型", "个体工商户", "统一社会信用代码", "个体工商户没有可不填。", "岗位名称", "薪资单位",
             "元/小时", "工时类型", "全职", "工作地点所在街镇", "截止日期"]


def test_job_submit_form_labels_choices_and_errors_in_english(english, world):
    body = english.get(reverse("jobs:job_submit")).content.decode()
    _assert_english(body, SUBMIT_EN, SUBMIT_ZH)
    data = {"employer_name": "上海好帮手家政有限公司", "employer_kind": "housekeeping", "contact_name": "李女士",
            "contact_phone": "13812345678", "title": "家政服务员", "description": "上门保洁", "salary_unit": "month",
            "headcount": 1, "hours_type": "full_time", "street": world["station_c"].street_id, "address": "东昌路 1 号"}
    response = english.post(reverse("jobs:job_submit"), data)
    assert response.status_code == 400
    body = response.content.decode()
    assert "Employers other than individual businesses must give their unified social credit code." in body
    assert "除个体工商户外" not in body


def test_job_submit_form_in_chinese_by_default(world):
    response = Client().post(reverse("jobs:job_submit"), {"employer_kind": "enterprise"})
    body = response.content.decode()
    for text in SUBMIT_ZH:
        assert text in body, text
    for text in SUBMIT_EN:
        assert text not in body, text


def test_staff_job_and_matching_pages_in_english(english, world, posting):
    english.force_login(world["staff"])
    body = english.get(reverse("jobs:posting_list")).content.decode()
    _assert_english(body, ["Job postings", "New posting", "Excel import", "All statuses", "Job enquiries",
                           "Job referrals", "SMS outbox"],
                    ["岗位管理", "新建岗位", "全部状态", "求职意向", "岗位推送", "短信发件箱"])
    body = english.get(reverse("jobs:posting_detail", args=[posting.pk])).content.decode()
    _assert_english(body, ["Responsible station", "Mark as filled", "Change history"], ["负责站点", "已招满", "变更记录"])
    body = english.get(reverse("matching:push_list")).content.decode()
    _assert_english(body, ["<th>Referred on</th>", "<th>Referred by</th>", "No referrals."],
                    ["<th>推送日期</th>", "<th>推送人</th>", "没有推送记录。"])


def test_station_finder_in_english(english, world):
    body = english.get("/stations/finder/", {"lat": 31.1936, "lng": 121.4371}).content.decode()
    _assert_english(
        body,
        ["Find a community employment station near you", "Use my location", "Stations nearest you",
         "About 1 min walk", "detour factor of 1.3"],
        ["查找附近的社区就业服务站", "离您最近的服务站", "步行约", "正在开放", "当前休息", "Community Employment Stations</h1>"],
    )
    assert "Open now" in body or "Closed now" in body


def test_catalogue_has_english_for_every_message_and_no_fuzzy_guesses():
    text = PO.read_text(encoding="utf-8")
    assert "#, fuzzy" not in text
    # An empty msgstr not continued on the next line (the header's is continued).
    assert re.findall(r'^msgstr(?:\[\d+\])? ""\n(?!")', text, flags=re.M) == []
    with translation.override("en"):
        assert translation.gettext("分钟") == "min"
        assert translation.gettext("试运行") == "Pilot"
        assert translation.gettext("查找附近的社区就业服务站") == "Find a community employment station near you"
        assert translation.pgettext("job posting", "岗位") == "Job"


def test_audit_trail_stays_chinese_when_staff_work_in_english(english, world):
    from core.models import AuditEvent
    from jobs.models import JobPosting

    employer = make_employer(world["station_a"], actor=world["staff"])
    draft = make_posting(employer, actor=world["staff"], publish=False, title="收银员")
    english.force_login(world["district"])  # the reviewer, not the author
    response = english.post(reverse("jobs:posting_transition", args=[draft.pk, "publish"]))
    assert response.status_code in (302, 200)
    draft.refresh_from_db()
    assert draft.status == JobPosting.Status.PUBLISHED
    event = AuditEvent.objects.filter(object_id=str(draft.pk)).latest("id")
    assert "已发布" in event.summary and "Published" not in event.summary
