"""Cases: one state machine, roles, the documents gate, uploads, effects in the same transaction."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from assistance import engine
from assistance import services as svc
from assistance.models import Case, CaseDocument, CaseTransition, Entitlement, Policy
from core.models import AuditEvent
from jobseekers.models import StatusEntry
from tests.assistance.factories import make_policy

PDF = b"%PDF-1.4\n% test\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 20


def ready_case(world, policy, archive) -> Case:
    case = svc.case_create(actor=world["staff"], archive=archive, policy=policy)
    return svc.case_checklist_update(actor=world["staff"], case=case, checked=list(policy.required_documents))


def to_review(world, policy, archive) -> Case:
    case = svc.case_submit(actor=world["staff"], case=ready_case(world, policy, archive))
    return svc.case_review_start(actor=world["district"], case=case)


def test_a_claim_goes_from_draft_to_paid_and_each_step_is_recorded(world, claim_policy, person):
    engine.run_full()
    case = svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)
    assert Entitlement.objects.get().state == Entitlement.State.CLAIM_OPEN
    case = svc.case_checklist_update(actor=world["staff"], case=case, checked=["身份证", "失业证明"])
    case = svc.case_submit(actor=world["staff"], case=case)
    case = svc.case_review_start(actor=world["district"], case=case)
    case = svc.case_approve(actor=world["district"], case=case, note="材料齐全")
    assert case.decision_trace["ok"] and case.decision_trace["version"] == 1
    case = svc.case_pay(actor=world["district"], case=case, amount="500", paid_on=timezone.localdate(),
                        payment_reference="PAY-001")
    assert case.state == Case.State.PAID and not case.is_open
    assert list(CaseTransition.objects.filter(case=case).values_list("to_state", flat=True)) == [
        "draft", "submitted", "under_review", "approved", "paid"]
    assert Entitlement.objects.get().state == Entitlement.State.RECEIVED
    assert AuditEvent.objects.filter(action="assistance.case_paid", object_id=str(case.pk)).exists()


def test_submission_is_refused_until_every_required_document_is_ticked_or_uploaded(world, claim_policy, person):
    case = svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)
    with pytest.raises(ValidationError, match="身份证、失业证明"):
        svc.case_submit(actor=world["staff"], case=case)
    svc.case_checklist_update(actor=world["staff"], case=case, checked=["身份证"])
    svc.document_upload(actor=world["staff"], case=case, item="失业证明", file_name="证明.pdf", content=PDF)
    case.refresh_from_db()
    assert svc.case_submit(actor=world["staff"], case=case).state == Case.State.SUBMITTED


def test_a_stale_transition_is_refused_and_changes_nothing(world, claim_policy, person):
    case = svc.case_submit(actor=world["staff"], case=ready_case(world, claim_policy, person))
    seen = Case.objects.get(pk=case.pk)  # the page the second reviewer opened
    svc.case_review_start(actor=world["district"], case=case)
    other = __import__("tests.factories", fromlist=["x"]).make_district_admin("district_xh2", "310104")
    with pytest.raises(ValidationError, match="已被他人处理"):
        svc.case_review_start(actor=other, case=seen, expected_state="submitted")
    assert CaseTransition.objects.filter(case=case).count() == 3


def test_staff_cannot_decide_and_reviewers_cannot_decide_what_they_submitted(world, claim_policy, person):
    case = to_review(world, claim_policy, person)
    with pytest.raises(PermissionDenied):
        svc.case_approve(actor=world["staff"], case=case)
    Case.objects.filter(pk=case.pk).update(submitted_by=world["district"])
    case.refresh_from_db()
    with pytest.raises(PermissionDenied, match="自己提交"):
        svc.case_approve(actor=world["district"], case=case)
    with pytest.raises(PermissionDenied):
        svc.case_approve(actor=world["district_other"], case=case)


def test_another_stations_staff_cannot_draft_for_the_archive(world, claim_policy, person):
    with pytest.raises(PermissionDenied):
        svc.case_create(actor=world["staff_other"], archive=person, policy=claim_policy)
    assert not Case.objects.exists()


def test_a_rejection_needs_a_reason_and_its_trace_shows_a_failing_condition(world, claim_policy, person):
    case = to_review(world, claim_policy, person)
    with pytest.raises(ValidationError):
        svc.case_reject(actor=world["district"], case=case, reason=" ")
    case = svc.case_reject(actor=world["district"], case=case, reason="劳动合同未解除")
    from assistance.rules import _flat

    failing = [c for c in _flat(case.decision_trace["tree"]) if not c["ok"]]
    assert failing and "劳动合同未解除" in failing[-1]["text"]
    assert not case.is_open


def test_approval_is_refused_when_the_person_no_longer_qualifies(world, claim_policy, person):
    case = to_review(world, claim_policy, person)
    type(person).objects.filter(pk=person.pk).update(current_status="employed")
    with pytest.raises(ValidationError, match="当前就业状态 已就业，需为失业 ✗"):
        svc.case_approve(actor=world["district"], case=case)
    assert Case.objects.get(pk=case.pk).state == Case.State.UNDER_REVIEW


def test_a_case_keeps_the_version_it_was_decided_under(world, claim_policy, person):
    case = to_review(world, claim_policy, person)
    svc.case_approve(actor=world["district"], case=case)
    svc.policy_rule_update(actor=world["city"], policy=claim_policy, rule={"fact": "age", "op": ">=", "value": 60},
                           required_documents=["身份证"])
    case.refresh_from_db()
    claim_policy.refresh_from_db()
    assert case.version.number == 1 and claim_policy.current_version.number == 2
    assert case.decision_trace["version"] == 1


def test_an_approved_registration_adds_a_status_entry_and_the_registered_fact(world, person):
    policy = make_policy(rule={"fact": "registered_unemployed", "op": "is", "value": False},
                         kind=Policy.Kind.REGISTRATION)
    case = svc.case_approve(actor=world["district"], case=to_review(world, policy, person))
    entry = StatusEntry.objects.filter(archive=person).first()
    assert entry.status == "unemployed" and f"#{case.pk}" in entry.note
    from assistance.rules import load_facts

    assert load_facts([person.pk], ref=timezone.localdate())[person.pk].registered_unemployed


def test_an_approved_certification_adds_the_key_group(world, person):
    policy = make_policy(rule={"fact": "status", "op": "in", "value": ["unemployed"]},
                         kind=Policy.Kind.CERTIFICATION)
    svc.case_approve(actor=world["district"], case=to_review(world, policy, person))
    person.refresh_from_db()
    assert "difficulty" in person.key_groups


def test_one_open_case_per_archive_and_policy(world, claim_policy, person):
    svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)
    with pytest.raises(ValidationError, match="办理中案件"):
        svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)
    assert Case.objects.count() == 1


def test_a_second_payment_for_the_same_period_is_refused(world, claim_policy, person):
    first = svc.case_approve(actor=world["district"], case=to_review(world, claim_policy, person))
    svc.case_pay(actor=world["district"], case=first, amount=500, paid_on=timezone.localdate(), payment_reference="A")
    second = svc.case_approve(actor=world["district"], case=to_review(world, claim_policy, person))
    with pytest.raises(ValidationError, match="不能重复发放"):
        svc.case_pay(actor=world["district"], case=second, amount=500, paid_on=timezone.localdate(),
                     payment_reference="B")
    assert Case.objects.filter(state="paid").count() == 1


@pytest.mark.parametrize(("amount", "paid_on", "ref", "field"), [
    ("0", dt.date(2026, 1, 1), "R", "amount_paid"), ("abc", dt.date(2026, 1, 1), "R", "amount_paid"),
    ("10", dt.date(2999, 1, 1), "R", "paid_on"), ("10", dt.date(2026, 1, 1), " ", "payment_reference"),
])
def test_a_bad_payment_is_refused_with_a_message_and_changes_nothing(world, claim_policy, person, amount, paid_on,
                                                                     ref, field):
    case = svc.case_approve(actor=world["district"], case=to_review(world, claim_policy, person))
    with pytest.raises(ValidationError) as exc:
        svc.case_pay(actor=world["district"], case=case, amount=amount, paid_on=paid_on, payment_reference=ref)
    assert field in exc.value.message_dict
    assert Case.objects.get(pk=case.pk).state == Case.State.APPROVED


@pytest.mark.parametrize(("content", "message"), [
    (b"GIF89a....", "只能上传 PDF、JPEG 或 PNG"), (b"MZ\x90\x00 pretending.pdf", "只能上传"),
    (b"", "文件为空"), (b"%PDF-" + b"0" * (5 * 1024 * 1024), "文件过大"),
])
def test_uploads_are_checked_by_content_and_size(world, claim_policy, person, content, message):
    case = svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)
    with pytest.raises(ValidationError, match=message):
        svc.document_upload(actor=world["staff"], case=case, item="身份证", file_name="id.pdf", content=content)
    assert not CaseDocument.objects.exists()


def test_an_upload_is_stored_encrypted_and_read_back(world, claim_policy, person):
    case = svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)
    doc = svc.document_upload(actor=world["staff"], case=case, item="身份证", file_name="id.png", content=PNG)
    raw = bytes(CaseDocument.objects.get(pk=doc.pk).data)
    assert PNG not in raw and doc.content_type == "image/png"
    assert svc.document_download(actor=world["district"], document=doc) == PNG
    assert AuditEvent.objects.filter(action="assistance.document_download").count() == 1


def test_withdrawal_before_a_decision_reopens_the_entitlement(world, claim_policy, person):
    engine.run_full()
    case = svc.case_submit(actor=world["staff"], case=ready_case(world, claim_policy, person))
    svc.case_withdraw(actor=world["staff"], case=case, note="本人暂不申请")
    assert Entitlement.objects.get().state == Entitlement.State.ELIGIBLE
    case.refresh_from_db()
    with pytest.raises(ValidationError, match="不能撤回"):
        svc.case_withdraw(actor=world["staff"], case=case)


def test_an_unknown_fact_in_a_rule_edit_is_refused_and_no_version_is_made(world, claim_policy):
    with pytest.raises(ValidationError, match="未知的条件项“income”"):
        svc.policy_rule_update(actor=world["city"], policy=claim_policy,
                               rule={"fact": "income", "op": "<", "value": 1}, required_documents=[])
    assert claim_policy.versions.count() == 1
    with pytest.raises(PermissionDenied):
        svc.policy_rule_update(actor=world["district"], policy=claim_policy,
                               rule={"fact": "age", "op": "<", "value": 1}, required_documents=[])
