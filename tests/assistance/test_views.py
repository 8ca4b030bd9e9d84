"""Pages of assistance: the permission matrix, the archive panel, the worklist and its export, the case pages,
document downloads, the public self-check, helpers."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone

from assistance import engine
from assistance import services as svc
from assistance.models import Case, CaseDocument, Policy
from core.models import AuditEvent
from tests.assistance.factories import make_person, make_policy
from tests.matrix import (
    ADMINS_ONLY,
    ANY_INTERNAL,
    CITY_ONLY,
    OWNED_BY_A,
    PUBLIC,
    STAFF_OF_A_WRITES,
    assert_matrix,
)


@pytest.fixture
def case_a(world, claim_policy, person):
    return svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)


@pytest.mark.parametrize("name", ["policy_list", "worklist", "worklist_export", "case_list", "unassigned"])
def test_internal_pages_matrix(client, world, claim_policy, name):
    assert_matrix(client, world, reverse(f"assistance:{name}"), ANY_INTERNAL)


def test_policy_pages_matrix(client, world, claim_policy):
    assert_matrix(client, world, reverse("assistance:policy_detail", args=[claim_policy.pk]), ANY_INTERNAL)
    for name in ("policy_update", "policy_rule"):
        assert_matrix(client, world, reverse(f"assistance:{name}", args=[claim_policy.pk]), CITY_ONLY)
    assert_matrix(client, world, reverse("assistance:policy_create"), CITY_ONLY)
    assert_matrix(client, world, reverse("assistance:engine_runs"), ADMINS_ONLY)


def test_case_and_document_pages_matrix(client, world, case_a):
    doc = svc.document_upload(actor=world["staff"], case=case_a, item="身份证", file_name="a.pdf", content=b"%PDF-1")
    assert_matrix(client, world, reverse("assistance:case_detail", args=[case_a.pk]), OWNED_BY_A)
    assert_matrix(client, world, reverse("assistance:document_download", args=[doc.pk]), OWNED_BY_A)
    assert AuditEvent.objects.filter(action="assistance.document_download").count() == 3  # one per 200 (staff, district, city)


def test_self_check_is_public(client, world, claim_policy):
    assert_matrix(client, world, reverse("assistance:self_check"), PUBLIC)


def test_caseload_of_a_helper_matrix(client, world, person):
    expect = {**OWNED_BY_A}
    assert_matrix(client, world, reverse("assistance:caseload", args=[world["staff"].pk]), expect)


def test_the_archive_page_explains_qualifying_and_near_miss_policies(client, world, claim_policy, person):
    make_policy(rule={"all": [{"fact": "age", "op": ">=", "value": 50},
                              {"fact": "registered_unemployed", "op": "is", "value": True}]}, name="差一项的政策")
    make_policy(rule={"all": [{"fact": "age", "op": ">=", "value": 60}, {"fact": "hukou", "op": "in",
                                                                         "value": ["non_local"]}]}, name="差两项的政策")
    client.force_login(world["staff"])
    html = client.get(person.get_absolute_url()).content.decode()
    assert "可享政策" in html and "测试补贴" in html and "年龄 51 岁，需 ≥ 40 岁 ✓" in html
    assert "差一项的政策" in html and "未办理失业登记 ✗" in html
    assert "差两项的政策" not in html


def test_unverified_policies_carry_a_banner_for_staff_and_never_show_publicly(client, world, person):
    make_policy(rule={"fact": "age", "op": ">=", "value": 16}, name="尚未核实的政策", status=Policy.Verification.UNVERIFIED)
    make_policy(rule={"fact": "age", "op": ">=", "value": 16}, name="已核实的政策")
    client.force_login(world["staff"])
    html = client.get(person.get_absolute_url()).content.decode()
    assert "尚未核实的政策" in html and 'data-testid="unverified"' in html
    client.logout()
    public = client.get(reverse("assistance:self_check"), {"age": 30}).content.decode()
    assert "已核实的政策" in public and "尚未核实的政策" not in public


def test_the_self_check_asks_only_what_verified_rules_need_and_names_the_nearest_station(client, world):
    make_policy(rule={"all": [{"fact": "age", "op": ">=", "value": 40},
                              {"fact": "street", "op": "in", "value": ["310104014"]}]}, name="自测政策",
                docs=("身份证", "户口簿"))
    page = client.get(reverse("assistance:self_check"))
    form = page.context["form"]
    assert set(form.fields) == {"age", "district", "street"}
    html = client.get(reverse("assistance:self_check"), {"age": 45, "street": "310104014"}).content.decode()
    assert "可能符合" in html and "年龄 45 岁，需 ≥ 40 岁 ✓" in html and "身份证、户口簿" in html
    assert world["station_a"].name in html
    assert not AuditEvent.objects.exists()  # nothing stored


def test_the_self_check_refuses_impossible_answers(client, world, claim_policy):
    response = client.get(reverse("assistance:self_check"), {"age": 300})
    assert "确保该值小于或等于100" in response.content.decode() or response.context["form"].errors["age"]


def test_worklist_is_oldest_first_filters_by_key_group_and_exports_masked(client, world, claim_policy, person):
    other = make_person(world["station_a"], name="李四", key_groups=["4050"])
    engine.run_full()
    from assistance.models import Entitlement

    Entitlement.objects.filter(archive=other).update(first_eligible_on=timezone.localdate().replace(year=2025))
    client.force_login(world["staff"])
    rows = list(client.get(reverse("assistance:worklist")).context["object_list"])
    assert [e.archive.name for e in rows] == ["李四", "张三"]
    rows = list(client.get(reverse("assistance:worklist"), {"key_group": "4050"}).context["object_list"])
    assert [e.archive.name for e in rows] == ["李四"]
    client.force_login(world["staff_other"])
    assert not client.get(reverse("assistance:worklist")).context["object_list"]
    client.force_login(world["staff"])
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(client.get(reverse("assistance:worklist_export")).content))
    ids = [row[1] for row in book.active.iter_rows(min_row=2, values_only=True)]
    assert len(ids) == 2 and all("********" in i for i in ids)
    assert AuditEvent.objects.filter(action="assistance.worklist_export").exists()


def test_the_home_page_panel_counts_unclaimed_entitlements(client, world, claim_policy, person):
    engine.run_full()
    client.force_login(world["staff"])
    assert "符合条件未申领：1 项" in client.get("/").content.decode()


def test_staff_draft_tick_and_submit_through_the_pages(client, world, claim_policy, person):
    client.force_login(world["staff"])
    response = client.post(reverse("assistance:case_create"), {"archive": person.pk, "policy": claim_policy.pk})
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    submit = reverse("assistance:case_transition", args=[case.pk, "submit"])
    refused = client.post(submit, {"expected_state": "draft"})
    assert refused.status_code == 400 and "尚未核验或上传" in refused.content.decode()
    client.post(reverse("assistance:case_checklist", args=[case.pk]),
                {"expected_state": "draft", "checked": ["身份证", "失业证明"]})
    assert client.post(submit, {"expected_state": "draft"}).status_code == 302
    case.refresh_from_db()
    assert case.state == "submitted"


def test_a_stale_page_is_refused_with_a_clear_message(client, world, case_a):
    client.force_login(world["staff"])
    svc.case_withdraw(actor=world["staff"], case=case_a)
    response = client.post(reverse("assistance:case_transition", args=[case_a.pk, "submit"]),
                           {"expected_state": "draft"})
    assert response.status_code == 400 and "已被他人处理" in response.content.decode()


def test_an_upload_that_is_not_a_pdf_or_image_is_refused_on_the_page(client, world, case_a):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(world["staff"])
    response = client.post(reverse("assistance:document_upload", args=[case_a.pk]),
                           {"item": "身份证", "file": SimpleUploadedFile("fake.pdf", b"<html>not a pdf</html>")})
    assert response.status_code == 400 and "只能上传 PDF、JPEG 或 PNG" in response.content.decode()
    assert not CaseDocument.objects.exists()


def test_posts_on_a_case_matrix(client, world, case_a):
    url = reverse("assistance:case_checklist", args=[case_a.pk])
    assert_matrix(client, world, url, STAFF_OF_A_WRITES, method="post",
                  data={"expected_state": "draft", "checked": ["身份证"]})


def test_the_rule_builder_saves_a_new_version_and_refuses_an_unknown_fact(client, world, claim_policy):
    client.force_login(world["city"])
    url = reverse("assistance:policy_rule", args=[claim_policy.pk])
    base = {"expected_version": 1, "required_documents": "身份证\n失业证明", "note": "", "action": "save"}
    ok = client.post(url, {**base, "node-0-kind": "all", "node-0-0-kind": "fact", "node-0-0-fact": "age",
                           "node-0-0-op": ">=", "node-0-0-value": "45", "node-0-1-kind": "fact",
                           "node-0-1-fact": "hukou", "node-0-1-op": "in", "node-0-1-value": "local"})
    assert ok.status_code == 302
    claim_policy.refresh_from_db()
    assert claim_policy.current_version.number == 2
    assert claim_policy.current_version.rule == {"all": [{"fact": "age", "op": ">=", "value": 45},
                                                         {"fact": "hukou", "op": "in", "value": ["local"]}]}
    bad = client.post(url, {**base, "expected_version": 2, "raw": '{"fact": "income", "op": "<", "value": 3}'})
    assert bad.status_code == 400 and "未知的条件项“income”" in bad.content.decode()
    assert claim_policy.versions.count() == 2


def test_helpers_worklist_and_bulk_reassignment(client, world):
    needy = make_person(world["station_a"], key_groups=["disabled"], name="王五")
    client.force_login(world["staff"])
    assert [a.name for a in client.get(reverse("assistance:unassigned")).context["object_list"]] == ["王五"]
    response = client.post(reverse("assistance:reassign"), {"archive": [needy.pk], "helper": world["staff"].pk})
    assert response.status_code == 302
    needy.refresh_from_db()
    assert needy.helper == world["staff"]
    assert AuditEvent.objects.filter(action="assistance.helpers_reassign").exists()
    page = client.get(reverse("assistance:caseload_mine"))
    assert [a.name for a in page.context["archives"]] == ["王五"]
    refused = client.post(reverse("assistance:reassign"), {"archive": [needy.pk], "helper": world["staff_other"].pk})
    assert refused.status_code == 302
    needy.refresh_from_db()
    assert needy.helper == world["staff"]


def test_list_pages_do_not_grow_their_query_count_with_their_rows(client, world, claim_policy):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    other = make_policy(rule={"fact": "age", "op": ">=", "value": 16}, name="另一项政策")
    client.force_login(world["staff"])
    counts = []
    for n in (2, 6):
        while Case.objects.count() < n:
            p = make_person(world["station_a"], name=f"人{Case.objects.count()}", key_groups=["4050"])
            svc.case_create(actor=world["staff"], archive=p, policy=other)
        engine.run_full()
        row = []
        for name in ("worklist", "case_list"):
            with CaptureQueriesContext(connection) as ctx:
                response = client.get(reverse(f"assistance:{name}"))
            assert len(response.context["object_list"]) == n
            row.append(len(ctx.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1]
