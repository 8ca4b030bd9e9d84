"""The API: same scoping and services as the pages; transitions as actions; refusals in Chinese."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assistance import engine
from assistance import services as svc
from assistance.models import Case
from tests.matrix import ANY_INTERNAL, CITY_ONLY, OWNED_BY_A, assert_matrix

API = "/api/assistance"


@pytest.fixture
def case_a(world, claim_policy, person):
    return svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)


def test_api_matrix(client, world, claim_policy, person, case_a):
    engine.run_full()
    for url in (f"{API}/policies/", f"{API}/entitlements/", f"{API}/cases/"):
        assert_matrix(client, world, url, ANY_INTERNAL, api=True)
    assert_matrix(client, world, f"{API}/cases/{case_a.pk}/", OWNED_BY_A, api=True)
    assert_matrix(client, world, f"{API}/eligibility/{person.pk}/", OWNED_BY_A, api=True)
    entitlement = person.entitlements.get()
    assert_matrix(client, world, f"{API}/entitlements/{entitlement.pk}/trace/", OWNED_BY_A, api=True)
    rule_post = {**CITY_ONLY, "city": 201, "anonymous": "login"}
    assert_matrix(client, world, f"{API}/policies/{claim_policy.pk}/rule/", rule_post, api=True, method="post",
                  data={"rule": {"fact": "age", "op": ">=", "value": 45}, "required_documents": ["身份证"]},
                  content_type="application/json")


def test_lists_are_scoped(client, world, case_a):
    client.force_login(world["staff_other"])
    assert client.get(f"{API}/cases/").json()["count"] == 0
    client.force_login(world["district"])
    assert client.get(f"{API}/cases/").json()["count"] == 1


def test_a_claim_through_the_api_with_a_stale_move_refused(client, world, claim_policy, case_a):
    client.force_login(world["staff"])
    r = client.post(f"{API}/cases/{case_a.pk}/submit/", {"expected_state": "draft"}, content_type="application/json")
    assert r.status_code == 400 and "身份证、失业证明" in str(r.json())
    r = client.post(f"{API}/cases/{case_a.pk}/checklist/", {"expected_state": "draft", "checked": ["身份证"]},
                    content_type="application/json")
    assert r.json()["missing_documents"] == ["失业证明"]
    r = client.post(f"{API}/cases/{case_a.pk}/documents/",
                    {"item": "失业证明", "file": SimpleUploadedFile("a.jpg", b"\xff\xd8\xff\xe0 jpeg")})
    assert r.status_code == 201, r.content
    assert client.post(f"{API}/cases/{case_a.pk}/submit/", {"expected_state": "draft"},
                       content_type="application/json").json()["state"] == "submitted"
    client.force_login(world["district"])
    stale = client.post(f"{API}/cases/{case_a.pk}/review/", {"expected_state": "draft"},
                        content_type="application/json")
    assert stale.status_code == 400 and "已被他人处理" in str(stale.json())
    for name in ("review", "approve"):
        state = Case.objects.get(pk=case_a.pk).state
        assert client.post(f"{API}/cases/{case_a.pk}/{name}/", {"expected_state": state},
                           content_type="application/json").status_code == 200
    r = client.post(f"{API}/cases/{case_a.pk}/pay/", {"expected_state": "approved", "amount": "500.00",
                                                      "paid_on": "2026-01-05", "payment_reference": "X1"},
                    content_type="application/json")
    assert r.status_code == 200 and r.json()["state"] == "paid"
    doc = case_a.documents.get()
    download = client.get(f"{API}/documents/{doc.pk}/")
    assert download.status_code == 200 and download.content.startswith(b"\xff\xd8\xff")


def test_staff_get_403_for_a_decision_and_a_bad_rule_names_the_fact(client, world, case_a, claim_policy):
    client.force_login(world["staff"])
    r = client.post(f"{API}/cases/{case_a.pk}/approve/", {"expected_state": "draft"}, content_type="application/json")
    assert r.status_code == 403
    client.force_login(world["city"])
    r = client.post(f"{API}/policies/{claim_policy.pk}/rule/", {"rule": {"fact": "salary", "op": ">", "value": 1}},
                    content_type="application/json")
    assert r.status_code == 400 and "未知的条件项“salary”" in str(r.json())
    assert claim_policy.versions.count() == 1


def test_a_second_open_case_is_refused_with_a_clear_message(client, world, case_a, claim_policy, person):
    client.force_login(world["staff"])
    r = client.post(f"{API}/cases/", {"archive": person.pk, "policy": claim_policy.pk},
                    content_type="application/json")
    assert r.status_code == 400 and "办理中案件" in str(r.json())
