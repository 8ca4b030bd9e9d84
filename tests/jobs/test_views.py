"""Pages: permission matrix, bad input, escaping, query counts."""

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from core.models import AuditEvent
from jobs.imports import COLUMNS, MAX_ROWS
from jobs.models import Employer, JobPosting, Lead
from tests.jobs.factories import credit_code, make_employer, make_posting, post_import
from tests.matrix import ANY_INTERNAL, OWNED_BY_A, PUBLIC, assert_matrix

pytestmark = pytest.mark.django_db


@pytest.fixture
def owned(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    posting = make_posting(employer, actor=world["staff"])
    draft = make_posting(employer, actor=world["staff"], publish=False, title="草稿岗位")
    from jobs.services import lead_create

    lead = lead_create(posting=posting, name="王阿姨", phone="13912345678", consent=True)
    return {"employer": employer, "posting": posting, "draft": draft, "lead": lead}


def test_permission_matrix(client, world, owned):
    e, p = owned["employer"], owned["posting"]
    for url in [reverse("jobs:job_search"), reverse("jobs:job_detail", args=[p.pk]), reverse("jobs:job_submit")]:
        assert_matrix(client, world, url, PUBLIC)
    for url in [reverse("jobs:employer_list"), reverse("jobs:posting_list"), reverse("jobs:lead_list"),
                reverse("jobs:employer_create"), reverse("jobs:posting_create"), reverse("jobs:posting_import")]:
        assert_matrix(client, world, url, ANY_INTERNAL)
    for url in [reverse("jobs:employer_detail", args=[e.pk]), reverse("jobs:employer_update", args=[e.pk]),
                reverse("jobs:posting_detail", args=[p.pk]), reverse("jobs:posting_update", args=[p.pk])]:
        assert_matrix(client, world, url, OWNED_BY_A)


def test_unpublished_posting_never_public(client, owned):
    assert client.get(reverse("jobs:job_detail", args=[owned["draft"].pk])).status_code == 404
    body = client.get(reverse("jobs:job_search"), {"q": "草稿岗位"}).content.decode()
    assert "草稿岗位" not in body.split("data-testid=\"results\"")[1]


def test_search_page_handles_hostile_input(client, owned):
    for q in ["<script>alert(1)</script>", "'; DROP TABLE jobs_jobposting; --", "%_\\", "仓" * 500]:
        response = client.get(reverse("jobs:job_search"), {"q": q})
        assert response.status_code == 200
        assert "<script>alert(1)</script>" not in response.content.decode()
    assert JobPosting.objects.count() == 2
    response = client.get(reverse("jobs:job_search"), {"q": "仓" * 500})
    assert "关键词过长" in response.content.decode()
    response = client.get(reverse("jobs:job_search"), {"lat": "abc", "lng": "1"})
    assert response.status_code == 200 and "data-testid=\"search-errors\"" in response.content.decode()


def test_search_page_query_count(client, owned, django_assert_max_num_queries):
    employer = owned["employer"]
    for i in range(15):
        make_posting(employer, title=f"保洁员{i}")
    client.get(reverse("jobs:job_search"), {"q": "保洁"})  # warms the occupation choices and count cache
    with django_assert_max_num_queries(11):  # constant: choices, 2 keyset passes × (keys, rows), count
        response = client.get(reverse("jobs:job_search"), {"q": "保洁", "district": employer.street.district_id})
    assert response.content.decode().count('data-testid="result"') == 16


def test_interest_creates_lead_and_bad_phone_refused(client, world, owned):
    url = reverse("jobs:job_interest", args=[owned["posting"].pk])
    page = client.get(url.replace("interest/", "")).content.decode()
    assert "只用于离岗位最近的社区就业服务站工作人员就此岗位与您联系" in page  # the notice comes before the form
    response = client.post(url, {"name": "<b>李</b>", "phone": "1381234abcd", "consent": "on"})
    assert response.status_code == 400
    assert "手机号只能包含数字" in response.content.decode()
    assert Lead.objects.count() == 1
    response = client.post(url, {"name": "<b>李</b>", "phone": "13812345678"})
    assert response.status_code == 400 and "请阅读说明并勾选同意，服务站才能联系您。" in response.content.decode()
    assert Lead.objects.count() == 1
    response = client.post(url, {"name": "<b>李</b>", "phone": "13812345678", "consent": "on"})
    assert response.status_code == 200 and "138****5678" in response.content.decode()
    lead = Lead.objects.latest("id")
    assert lead.station == world["station_a"]
    assert lead.consent_at is not None and lead.consent_notice == "2026-12"
    client.force_login(world["staff"])
    body = client.get(reverse("jobs:lead_list")).content.decode()
    assert "&lt;b&gt;李&lt;/b&gt;" in body and "13812345678" not in body
    home = client.get("/").content.decode()
    assert 'data-testid="jobs-panel"' in home and "138****5678" in home
    client.force_login(world["staff_other"])
    assert "138****5678" not in client.get(reverse("jobs:lead_list")).content.decode()
    assert client.post(reverse("jobs:lead_update", args=[lead.pk]), {"status": "contacted"}).status_code == 404


def test_interest_on_unpublished_posting_404(client, owned):
    response = client.post(reverse("jobs:job_interest", args=[owned["draft"].pk]), {"name": "李", "phone": "13812345678",
                                                                                  "consent": "on"})
    assert response.status_code == 404


def test_employer_form_refuses_bad_credit_code(client, world):
    client.force_login(world["staff"])
    response = client.post(reverse("jobs:employer_create"), {
        "station": world["station_a"].pk, "name": "上海测试有限公司", "kind": "enterprise",
        "credit_code": "91310104MA1FL0000X"})
    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()
    assert not Employer.objects.exists()
    response = client.post(reverse("jobs:employer_create"), {
        "station": world["station_c"].pk, "name": "上海测试有限公司", "kind": "enterprise", "credit_code": credit_code()})
    assert response.status_code == 400 and not Employer.objects.exists()  # not their station


def test_posting_form_refuses_other_station_employer_and_bad_salary(client, world, owned):
    other = make_employer(world["station_b"], actor=world["staff_other"])
    client.force_login(world["staff"])
    base = {"title": "收银员", "salary_unit": "month", "headcount": 1, "hours_type": "full_time"}
    response = client.post(reverse("jobs:posting_create"), {**base, "employer": other.pk})
    assert response.status_code == 400 and "请选择本站点登记的用人单位" in response.content.decode()
    response = client.post(reverse("jobs:posting_create"), {**base, "employer": owned["employer"].pk,
                                                            "salary_min": 9000, "salary_max": 5000})
    assert response.status_code == 400 and "最低薪资不能高于最高薪资" in response.content.decode()
    assert JobPosting.objects.count() == 2
    response = client.post(reverse("jobs:posting_create"), {**base, "employer": owned["employer"].pk,
                                                            "salary_min": 4000, "salary_max": 5000})
    assert response.status_code == 302
    posting = JobPosting.objects.latest("id")
    client.force_login(world["district"])  # the reviewer, not the author
    response = client.post(reverse("jobs:posting_transition", args=[posting.pk, "publish"]))
    posting.refresh_from_db()
    assert posting.status == JobPosting.Status.PUBLISHED
    client.force_login(world["staff_other"])
    response = client.post(reverse("jobs:posting_transition", args=[posting.pk, "withdraw"]))
    assert response.status_code == 404


def test_public_submit_form(client, world):
    url = reverse("jobs:job_submit")
    data = {"employer_name": "上海好帮手家政有限公司", "employer_kind": "housekeeping", "credit_code": "123",
            "contact_name": "李女士", "contact_phone": "13812345678", "title": "家政服务员", "description": "上门保洁",
            "salary_unit": "month", "headcount": 1, "hours_type": "full_time", "street": world["station_c"].street_id,
            "address": "东昌路 1 号"}
    response = client.post(url, data)
    assert response.status_code == 400 and "统一社会信用代码" in response.content.decode()
    assert not JobPosting.objects.exists() and not Employer.objects.exists()
    response = client.post(url, {**data, "credit_code": credit_code(), "contact_phone": "abc"})
    assert response.status_code == 400 and not Employer.objects.exists()
    response = client.post(url, {**data, "credit_code": credit_code()})
    assert response.status_code == 200, response.context["form"].errors
    posting = JobPosting.objects.get()
    assert posting.status == JobPosting.Status.PENDING and posting.station == world["station_c"]
    assert client.get(reverse("jobs:job_detail", args=[posting.pk])).status_code == 404


def _xlsx(rows, header=None) -> io.BytesIO:
    wb = Workbook()
    ws = wb.active
    ws.append(header if header is not None else [label for _key, label in COLUMNS])
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    buffer.name = "postings.xlsx"
    return buffer


def test_import_row_by_row_with_error_report(client, world, owned, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    assert client.get(reverse("jobs:posting_import"), {"template": 1})["Content-Type"].startswith("application/vnd")
    name = owned["employer"].name
    upload = _xlsx([
        [name, "收银员", "4-01-02-04", "超市收银", "", 4000, 5000, "元/月", 2, "全职", "", "", "2030-12-31", "4050人员"],
        [name, "理货员", "", "", "", 9000, 5000, "元/月", 1, "全职", "", "", "", ""],
        ["不存在的单位", "保安员", "", "", "", 4000, 5000, "元/月", 1, "全职", "", "", "", ""],
        [name, "司机", "", "", "", 4000, 5000, "元/周", 1, "全职", "", "", "", ""],
    ])
    response = post_import(client, django_capture_on_commit_callbacks, {"station": world["station_a"].pk, "file": upload})
    body = response.content.decode()
    assert "成功导入 1 行" in body and "3 行有错误" in body
    created = JobPosting.objects.get(title="收银员")
    assert created.source == JobPosting.Source.IMPORT and created.friendly_to == ["4050"]
    report_url = response.context["report_url"]
    report = load_workbook(io.BytesIO(client.get(report_url).content)).active
    messages = [row[-1] for row in report.iter_rows(min_row=2, values_only=True)]
    assert "最低薪资不能高于最高薪资" in messages[0]
    assert "不是本站点登记的单位" in messages[1]
    assert "薪资单位" in messages[2]
    client.force_login(world["staff_other"])
    assert client.get(report_url).status_code == 404


def test_import_form_preselects_the_only_station(client, world):
    client.force_login(world["staff"])
    form = client.get(reverse("jobs:posting_import")).context["form"]
    assert form["station"].value() == world["station_a"].pk


def test_import_refuses_non_excel(client, world, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    bad = io.BytesIO(b"not excel")
    bad.name = "x.csv"
    bad.name = "x.pdf"
    response = post_import(client, django_capture_on_commit_callbacks, {"station": world["station_a"].pk, "file": bad})
    assert response.status_code == 400 and ".xlsx、.xls" in response.content.decode()


def test_import_refuses_wrong_columns_and_saves_nothing(client, world, owned, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    before = JobPosting.objects.count()
    row = [owned["employer"].name, "收银员", "", "", "", 4000, 5000, "元/月", 1, "全职", "", "", "", ""]
    wrong = _xlsx([row], header=["单位", "岗位", "薪资"])
    response = post_import(client, django_capture_on_commit_callbacks, {"station": world["station_a"].pk, "file": wrong})
    body = response.content.decode()
    assert "未导入" in body and "表格列名与模板不一致" in body and "缺少列" in body
    assert JobPosting.objects.count() == before


def test_import_refuses_too_many_rows_before_saving_any(client, world, owned, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    before = JobPosting.objects.count()
    row = [owned["employer"].name, "收银员", "", "", "", 4000, 5000, "元/月", 1, "全职", "", "", "", ""]
    response = post_import(client, django_capture_on_commit_callbacks, {"station": world["station_a"].pk, "file": _xlsx([row] * (MAX_ROWS + 1))})
    assert f"数据超过 {MAX_ROWS} 行" in response.content.decode()
    assert JobPosting.objects.count() == before


def test_import_refuses_corrupt_empty_and_oversized_files(client, world, owned, django_capture_on_commit_callbacks):
    client.force_login(world["staff"])
    before = JobPosting.objects.count()
    corrupt = io.BytesIO(b"PK\x03\x04 this is no workbook")
    corrupt.name = "postings.xlsx"
    response = post_import(client, django_capture_on_commit_callbacks, {"station": world["station_a"].pk, "file": corrupt})
    assert "文件无法读取" in response.content.decode()
    response = post_import(client, django_capture_on_commit_callbacks, {"station": world["station_a"].pk, "file": _xlsx([])})
    assert "没有数据行" in response.content.decode()
    big = io.BytesIO(b"0" * (5 * 1024 * 1024 + 1))
    big.name = "postings.xlsx"
    response = post_import(client, django_capture_on_commit_callbacks, {"station": world["station_a"].pk, "file": big})
    assert response.status_code == 400 and "文件过大（超过 5 MB）" in response.content.decode()
    assert JobPosting.objects.count() == before


def test_employer_rename_through_the_page_is_audited_and_searchable(client, world, owned):
    employer, posting = owned["employer"], owned["posting"]
    client.force_login(world["staff"])
    form = client.get(reverse("jobs:employer_update", args=[employer.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v is not None and k not in {"verified"}}
    data.update(station=employer.station_id, name="上海新名字餐饮管理有限公司", version=form["version"].value())
    response = client.post(reverse("jobs:employer_update", args=[employer.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    event = AuditEvent.objects.filter(action="employer.update").latest("id")
    assert event.changes["name"][1] == "上海新名字餐饮管理有限公司"
    posting.refresh_from_db()
    assert "新名字餐饮" in posting.search_text
    found = client.get(reverse("jobs:job_search"), {"q": "新名字餐饮"}).content.decode()
    assert posting.title in found


def test_posting_edit_through_the_page_records_what_changed(client, world, owned):
    posting = owned["posting"]
    client.force_login(world["staff"])
    form = client.get(reverse("jobs:posting_update", args=[posting.pk])).context["form"]
    data = {k: v for k, v in form.initial.items() if v not in (None, "") and not isinstance(v, list | bool)}
    data.update(employer=posting.employer_id, headcount=7, version=form["version"].value())
    response = client.post(reverse("jobs:posting_update", args=[posting.pk]), data)
    assert response.status_code == 302, response.context["form"].errors
    event = AuditEvent.objects.filter(action="posting.update").latest("id")
    assert event.changes["headcount"] == [str(posting.headcount), "7"]


def test_posting_outside_shanghai_is_refused(client, world, owned):
    client.force_login(world["staff"])
    base = {"title": "收银员", "salary_unit": "month", "headcount": 1, "hours_type": "full_time",
            "employer": owned["employer"].pk, "lat": 39.9, "lng": 116.4}
    before = JobPosting.objects.count()
    response = client.post(reverse("jobs:posting_create"), base)
    assert response.status_code == 400 and "坐标不在上海市范围内" in response.content.decode()
    assert JobPosting.objects.count() == before


def test_audit_has_no_clear_phone(owned):
    assert not AuditEvent.objects.filter(summary__contains="13912345678").exists()


def test_lead_phone_reveal_is_scoped_and_audited(client, world, owned):
    url = reverse("jobs:lead_reveal", args=[owned["lead"].pk])
    assert_matrix(client, world, url, {**OWNED_BY_A, "district": 200, "city": 200}, method="post")
    client.force_login(world["staff"])
    response = client.post(url)
    assert "13912345678" in response.content.decode()
    assert AuditEvent.objects.filter(action="lead.reveal_phone").count() >= 2
    assert not AuditEvent.objects.filter(summary__contains="13912345678").exists()
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("url", ["/jobs/postings/", "/jobs/employers/", "/jobs/leads/", "/api/postings/",
                                 "/api/employers/", "/api/job-leads/", "/"])
def test_staff_lists_have_constant_query_count(client, world, owned, url, django_assert_max_num_queries):
    from jobs.services import lead_create

    for i in range(6):
        employer = make_employer(world["station_a"], actor=world["staff"])
        posting = make_posting(employer, actor=world["staff"], title=f"收银员{i}")
        lead_create(posting=posting, name=f"居民{i}", phone=f"1381234560{i}", consent=True)
    client.force_login(world["staff"])
    client.get(url)
    with django_assert_max_num_queries(12):
        assert client.get(url).status_code == 200


def test_public_forms_are_rate_limited(client, owned, settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"public_form": "2/hour"}}
    url = reverse("jobs:job_interest", args=[owned["posting"].pk])
    for phone in ["13800000001", "13800000002"]:
        assert client.post(url, {"name": "李", "phone": phone, "consent": "on"}).status_code == 200
    response = client.post(url, {"name": "李", "phone": "13800000003", "consent": "on"})
    assert response.status_code == 429 and "提交过于频繁" in response.content.decode()
    assert Lead.objects.count() == 3  # the fixture's lead and two of these
