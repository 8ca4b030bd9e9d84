"""Writes of assistance: policies and their rule versions, entitlements, cases and their one state machine,
case documents, one-to-one helpers. Keyword-only, an `actor`, one transaction, an audit event each.
Refusals are Django ValidationError (bad input, stale state) or PermissionDenied (role, scope).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.audit import audit_record, diff
from core.scoping import require_visible
from jobseekers.models import EmploymentStatus, JobseekerArchive, StatusEntry

from . import engine, events, rules
from .models import Case, CaseDocument, CaseTransition, Entitlement, Policy, PolicyVersion

S = Case.State
STALE = _("该案件已被他人处理（当前状态：{now}），您的操作未执行。请刷新页面查看最新状态。")
OPEN_STATES = {S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED}

POLICY_FIELDS = ("code", "name", "kind", "district_code", "doc_number", "issuer", "valid_from", "valid_to",
                 "benefit_text", "amount_text", "amount", "source_url", "verified_on", "verification_status",
                 "is_active")


# ---------------------------------------------------------------- policies

def _city_only(actor) -> None:
    from core.scoping import scope_of

    if not scope_of(actor).is_city:
        raise PermissionDenied(_("只有市级管理员可以修改政策。"))


@transaction.atomic
def policy_create(*, actor, rule: dict, required_documents: list[str], **fields) -> Policy:
    """Add a policy with its first rule version."""
    _city_only(actor)
    policy = Policy(**{k: v for k, v in fields.items() if k in POLICY_FIELDS})
    policy.full_clean()
    _check_rule(rule)
    policy.save()
    version = PolicyVersion.objects.create(policy=policy, number=1, rule=rule,
                                           required_documents=_clean_docs(required_documents), created_by=actor,
                                           note="新建")
    policy.current_version = version
    policy.save(update_fields=["current_version"])
    audit_record(actor=actor, action=events.POLICY_CREATE, obj=policy, summary=f"新增政策 {policy.code}")
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, **fields) -> Policy:
    """Edit a policy's descriptive fields (its rule: `policy_rule_update`)."""
    _city_only(actor)
    locked = Policy.objects.select_for_update().get(pk=policy.pk)
    unknown = set(fields) - set(POLICY_FIELDS)
    if unknown:
        raise TypeError(f"unexpected policy fields: {sorted(unknown)}")
    before = {k: getattr(locked, k) for k in fields}
    for key, value in fields.items():
        setattr(locked, key, value)
    locked.full_clean()
    locked.save()
    changes = diff(before, {k: getattr(locked, k) for k in fields})
    if changes:
        audit_record(actor=actor, action=events.POLICY_UPDATE, obj=locked, summary=f"修改政策 {locked.code}",
                     changes=changes)
    return locked


def _clean_docs(docs) -> list[str]:
    if not isinstance(docs, list) or not all(isinstance(d, str) for d in docs):
        raise ValidationError({"required_documents": _("所需材料须为文字列表。")})
    out = []
    for d in (d.strip() for d in docs):
        if not d:
            continue
        if len(d) > 100:
            raise ValidationError({"required_documents": _("材料名称“%(name)s…”过长（最多100字）。") % {"name": d[:20]}})
        if d in out:
            raise ValidationError({"required_documents": _("材料“%(name)s”重复。") % {"name": d}})
        out.append(d)
    return out


def _check_rule(rule) -> None:
    try:
        rules.validate(rule)
    except ValidationError as exc:
        raise ValidationError({"rule": exc.messages}) from None


@transaction.atomic
def policy_rule_update(*, actor, policy: Policy, rule: dict, required_documents: list[str], note: str = "",
                       expected_version: int | None = None) -> PolicyVersion:
    """A new rule version (rule and required documents); cases and entitlements keep theirs."""
    _city_only(actor)
    locked = Policy.objects.select_for_update(of=("self",)).select_related("current_version").get(pk=policy.pk)
    current = locked.current_version
    if expected_version is not None and (current.number if current else 0) != expected_version:
        raise ValidationError(_("该政策的规则已被他人修改，您的修改未保存。请刷新后重新修改。"), code="stale")
    _check_rule(rule)
    docs = _clean_docs(required_documents)
    if current and current.rule == rule and list(current.required_documents) == docs:
        return current
    number = (locked.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PolicyVersion.objects.create(policy=locked, number=number, rule=rule, required_documents=docs,
                                           note=note[:200], created_by=actor)
    locked.current_version = version
    locked.save(update_fields=["current_version", "updated_at"])
    audit_record(actor=actor, action=events.RULE_UPDATE, obj=locked,
                 summary=f"政策 {locked.code} 规则更新为第 {number} 版" + (f"：{note}" if note else ""),
                 changes={"rule": [str(current.rule) if current else "", str(rule)][:2]})
    return version


# ---------------------------------------------------------------- entitlements

@transaction.atomic
def entitlement_decline(*, actor, entitlement: Entitlement, reason: str) -> Entitlement:
    """The person does not want this policy (reason required); the engine leaves the row alone after."""
    require_visible(actor, station=entitlement.archive.station)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("请填写放弃原因。")})
    locked = Entitlement.objects.select_for_update().get(pk=entitlement.pk)
    if locked.state != Entitlement.State.ELIGIBLE:
        raise ValidationError(_("该记录当前为“%(state)s”，不能登记放弃。") % {"state": locked.get_state_display()})
    locked.state, locked.reason = Entitlement.State.DECLINED, reason[:200]
    locked.save(update_fields=["state", "reason"])
    audit_record(actor=actor, action=events.ENTITLEMENT_DECLINE, obj=locked.archive,
                 summary=f"放弃政策 {locked.policy.code}：{reason[:100]}")
    return locked


def _set_entitlement(case: Case, state: str, *, only_from: tuple[str, ...] | None = None) -> None:
    qs = Entitlement.objects.filter(archive_id=case.archive_id, policy_id=case.policy_id)
    if only_from:
        qs = qs.filter(state__in=only_from)
    qs.update(state=state, reason="")


# ---------------------------------------------------------------- cases

def _staff_of(actor, archive) -> None:
    from core.scoping import scope_of

    scope = scope_of(actor)
    if not scope.is_staff_member or archive.station_id not in scope.station_ids:
        raise PermissionDenied(_("只有本站点工作人员可以起草、提交或撤回案件。"))


def _reviewer(actor, case: Case) -> None:
    from core.scoping import scope_of

    if not scope_of(actor).is_admin:
        raise PermissionDenied(_("只有区级或市级管理员可以审核、决定和登记发放。"))
    require_visible(actor, station=case.archive.station)
    if case.submitted_by_id and case.submitted_by_id == getattr(actor, "pk", None):
        raise PermissionDenied(_("不能审核自己提交的案件。"))


def _period_ok(period: str) -> bool:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period or ""):
        return False
    return 2000 <= int(period[:4]) <= timezone.localdate().year + 1


@transaction.atomic
def case_create(*, actor, archive: JobseekerArchive, policy: Policy, claim_period: str = "", note: str = "",
                kind: str | None = None) -> Case:
    """起草 a case for an archive and a policy; at most one open case per archive × policy (constraint)."""
    _staff_of(actor, archive)
    require_visible(actor, station=archive.station)
    errors = {}
    if not policy.is_active or policy.current_version_id is None:
        errors["policy"] = _("该政策未启用或没有资格规则，不能办理。")
    if not archive.is_open:
        errors["archive"] = _("档案已关闭，不能办理。")
    kind = kind or policy.case_kind
    if kind not in Case.Kind.values:
        errors["kind"] = _("未知的案件类型“%(kind)s”。") % {"kind": kind}
    elif kind == Case.Kind.STARTUP and policy.kind != Policy.Kind.SUBSIDY:
        errors["kind"] = _("创业补贴案件须对应补贴类政策。")
    elif kind != policy.case_kind and not (kind == Case.Kind.STARTUP and policy.case_kind == Case.Kind.CLAIM):
        errors["kind"] = _("案件类型与政策类型不符。")
    if kind in {Case.Kind.CLAIM, Case.Kind.STARTUP}:
        claim_period = claim_period or timezone.localdate().strftime("%Y-%m")
        if not _period_ok(claim_period):
            errors["claim_period"] = _("申领期格式应为“年-月”，如 2026-12。")
    else:
        claim_period = ""
    if errors:
        raise ValidationError(errors)
    case = Case(archive=archive, policy=policy, version_id=policy.current_version_id, kind=kind, state=S.DRAFT,
                is_open=True, claim_period=claim_period, note=note, created_by=actor)
    try:
        with transaction.atomic():
            case.save()
    except IntegrityError:
        raise ValidationError(_("该求职者已有这项政策的办理中案件，请在原案件中继续办理。"), code="open_case") from None
    CaseTransition.objects.create(case=case, from_state="", to_state=S.DRAFT, actor=actor, note="起草")
    _set_entitlement(case, Entitlement.State.CLAIM_OPEN, only_from=(Entitlement.State.ELIGIBLE,))
    audit_record(actor=actor, action=events.CASE_CREATE, obj=case,
                 summary=f"起草{Case.Kind(case.kind).label}：{policy.name}")
    return case


def _audit_name(case: Case) -> str:
    """The case as audit summaries name it: in Chinese whatever the actor's language (str(case) follows it)."""
    return f"{Case.Kind(case.kind).label} #{case.pk}"


def _lock_case(case: Case, expected_state: str | None) -> Case:
    locked = Case.objects.select_for_update(of=("self",)).select_related("policy", "version", "archive__station").get(pk=case.pk)
    expected = expected_state if expected_state is not None else case.state
    if locked.state != expected:
        raise ValidationError(STALE.format(now=locked.get_state_display()), code="stale")
    return locked


def _move(*, actor, case: Case, to: str, allowed: set[str], note: str = "", fields: tuple[str, ...] = ()) -> Case:
    if case.state not in allowed:
        raise ValidationError(_("案件当前为“%(state)s”，不能%(verb)s。") % {"state": case.get_state_display(), "verb": _VERB[to]},
                              code="bad_state")
    before = case.state
    case.state, case.state_changed_at = to, timezone.now()
    case.is_open = to in OPEN_STATES or (to == S.APPROVED and case.kind in {Case.Kind.CLAIM, Case.Kind.STARTUP})
    case.full_clean(exclude=["archive", "policy", "version", "created_by", "submitted_by", "decided_by"])
    case.save(update_fields=["state", "state_changed_at", "is_open", *fields])
    CaseTransition.objects.create(case=case, from_state=before, to_state=to, actor=actor, note=note[:300])
    audit_record(actor=actor, action=events.case_moved(to), obj=case,
                 summary=f"{_audit_name(case)} {Case.State(before).label} → {Case.State(to).label}" + (f"：{note[:100]}" if note else ""))
    return case


_VERB = {S.SUBMITTED: pgettext_lazy("case action", "提交"), S.UNDER_REVIEW: pgettext_lazy("case action", "受理审核"),
         S.APPROVED: pgettext_lazy("case action", "核准"), S.REJECTED: pgettext_lazy("case action", "不予通过"),
         S.RETURNED: pgettext_lazy("case action", "退回补充材料"), S.PAID: pgettext_lazy("case action", "登记发放"),
         S.WITHDRAWN: pgettext_lazy("case action", "撤回"), S.DRAFT: pgettext_lazy("case action", "起草")}


@transaction.atomic
def case_checklist_update(*, actor, case: Case, checked: list[str], expected_state: str | None = None) -> Case:
    """Tick the required documents the staff have seen (draft or returned cases)."""
    locked = _lock_case(case, expected_state)
    _staff_of(actor, locked.archive)
    if locked.state not in {S.DRAFT, S.RETURNED}:
        raise ValidationError(_("只有草稿或退回的案件可以修改材料清单。"))
    unknown = [c for c in checked if c not in locked.version.required_documents]
    if unknown:
        raise ValidationError({"checklist": _("“%(items)s”不是这项政策要求的材料。") % {"items": "、".join(unknown)}})
    old = list(locked.checklist)
    locked.checklist = [d for d in locked.version.required_documents if d in checked]
    locked.save(update_fields=["checklist"])
    if old != locked.checklist:
        audit_record(actor=actor, action=events.CASE_CHECKLIST, obj=locked,
                     summary=f"{_audit_name(locked)} 材料清单：{'、'.join(locked.checklist) or '无'}")
    return locked


@transaction.atomic
def case_submit(*, actor, case: Case, expected_state: str | None = None, note: str = "") -> Case:
    """提交: refused until every required document is ticked or uploaded."""
    locked = _lock_case(case, expected_state)
    _staff_of(actor, locked.archive)
    missing = locked.missing_documents() if locked.state in {S.DRAFT, S.RETURNED} else []
    if missing:
        raise ValidationError(_("以下材料尚未核验或上传，不能提交：%(items)s。") % {"items": "、".join(missing)},
                              code="documents")
    locked.submitted_by, locked.submitted_at = actor, timezone.now()
    return _move(actor=actor, case=locked, to=S.SUBMITTED, allowed={S.DRAFT, S.RETURNED}, note=note,
                 fields=("submitted_by", "submitted_at"))


@transaction.atomic
def case_withdraw(*, actor, case: Case, expected_state: str | None = None, note: str = "") -> Case:
    """撤回 by the station, before a decision."""
    locked = _lock_case(case, expected_state)
    _staff_of(actor, locked.archive)
    moved = _move(actor=actor, case=locked, to=S.WITHDRAWN, allowed={S.DRAFT, S.SUBMITTED, S.UNDER_REVIEW, S.RETURNED},
                  note=note)
    _set_entitlement(moved, Entitlement.State.ELIGIBLE, only_from=(Entitlement.State.CLAIM_OPEN,))
    engine.schedule_reevaluation(moved.archive_id)
    return moved


@transaction.atomic
def case_review_start(*, actor, case: Case, expected_state: str | None = None, note: str = "") -> Case:
    """区级受理: the district takes a submitted case into review."""
    locked = _lock_case(case, expected_state)
    _reviewer(actor, locked)
    return _move(actor=actor, case=locked, to=S.UNDER_REVIEW, allowed={S.SUBMITTED}, note=note)


@transaction.atomic
def case_return(*, actor, case: Case, note: str, expected_state: str | None = None) -> Case:
    """退回补充材料 (what is missing is required in the note)."""
    if not (note or "").strip():
        raise ValidationError({"note": _("请说明需要补充的材料。")})
    locked = _lock_case(case, expected_state)
    _reviewer(actor, locked)
    return _move(actor=actor, case=locked, to=S.RETURNED, allowed={S.UNDER_REVIEW}, note=note)


def _decision_trace(case: Case) -> tuple[rules.Result, dict]:
    ref = timezone.localdate()
    facts = rules.load_facts([case.archive_id], ref=ref)[case.archive_id]
    version = case.policy.current_version
    result = rules.evaluate(version.rule, facts, policy_id=case.policy_id)
    return result, {"version": version.number, "version_id": version.pk, "facts": facts.to_json(),
                    **result.to_json()}


@transaction.atomic
def case_approve(*, actor, case: Case, expected_state: str | None = None, note: str = "") -> Case:
    """核准, with the effects in the same transaction (registration → status; certification → key group)."""
    locked = _lock_case(case, expected_state)
    _reviewer(actor, locked)
    if locked.state != S.UNDER_REVIEW:
        return _move(actor=actor, case=locked, to=S.APPROVED, allowed={S.UNDER_REVIEW})
    result, trace = _decision_trace(locked)
    if not result.ok:
        failing = "；".join(c["text"] for c in rules.shown(result.conditions) if not c["ok"])
        raise ValidationError(_("按当前规则（第 %(version)s 版）不符合条件，不能核准：%(failing)s")
                              % {"version": trace["version"], "failing": failing}, code="ineligible")
    locked.version_id = trace["version_id"]
    locked.decision_trace, locked.decided_by, locked.decided_at = trace, actor, timezone.now()
    locked.decision_reason = (note or "")[:300]
    moved = _move(actor=actor, case=locked, to=S.APPROVED, allowed={S.UNDER_REVIEW}, note=note,
                  fields=("version", "decision_trace", "decided_by", "decided_at", "decision_reason"))
    archive = moved.archive
    if moved.kind == Case.Kind.REGISTRATION:
        from jobseekers.services import status_add

        status_add(actor=actor, archive=archive, status=EmploymentStatus.UNEMPLOYED,
                   effective_date=timezone.localdate(), source=StatusEntry.Source.SELF_REPORT,
                   note=f"失业登记核准（案件 #{moved.pk}）")
        _set_entitlement(moved, Entitlement.State.RECEIVED)
    elif moved.kind == Case.Kind.CERTIFICATION:
        from core.choices import KeyGroup
        from jobseekers.services import archive_update

        fresh = JobseekerArchive.objects.get(pk=archive.pk)
        if KeyGroup.DIFFICULTY not in fresh.key_groups:
            archive_update(actor=actor, archive=fresh, expected_version=fresh.version,
                           key_groups=[*fresh.key_groups, KeyGroup.DIFFICULTY.value])
        _set_entitlement(moved, Entitlement.State.RECEIVED)
    engine.schedule_reevaluation(moved.archive_id)
    return moved


@transaction.atomic
def case_reject(*, actor, case: Case, reason: str, expected_state: str | None = None) -> Case:
    """不予通过 (reason required); the stored trace shows the failing conditions and the reviewer's reason."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("不予通过须填写原因。")})
    locked = _lock_case(case, expected_state)
    _reviewer(actor, locked)
    if locked.state != S.UNDER_REVIEW:
        return _move(actor=actor, case=locked, to=S.REJECTED, allowed={S.UNDER_REVIEW})
    _result, trace = _decision_trace(locked)
    trace["tree"] = {"group": "all", "label": "全部满足", "ok": False, "children": [
        trace["tree"], {"fact": "review", "label": "审核意见", "ok": False, "actual": reason,
                        "text": f"审核意见：{reason} ✗"}]}
    trace["ok"] = False
    locked.version_id = trace["version_id"]
    locked.decision_trace, locked.decided_by, locked.decided_at = trace, actor, timezone.now()
    locked.decision_reason = reason[:300]
    moved = _move(actor=actor, case=locked, to=S.REJECTED, allowed={S.UNDER_REVIEW}, note=reason,
                  fields=("version", "decision_trace", "decided_by", "decided_at", "decision_reason"))
    _set_entitlement(moved, Entitlement.State.ELIGIBLE, only_from=(Entitlement.State.CLAIM_OPEN,))
    engine.schedule_reevaluation(moved.archive_id)
    return moved


@transaction.atomic
def case_pay(*, actor, case: Case, amount, paid_on: dt.date, payment_reference: str,
             expected_state: str | None = None) -> Case:
    """登记发放 of an approved claim: one payment per archive × policy × claim period (constraint)."""
    errors = {}
    try:
        amount = Decimal(str(amount))
        if amount <= 0 or amount.as_tuple().exponent < -2 or amount >= Decimal("100000000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["amount_paid"] = _("发放金额须为大于 0 的金额（最多两位小数）。")
    if not isinstance(paid_on, dt.date):
        errors["paid_on"] = _("请填写发放日期。")
    elif paid_on > timezone.localdate():
        errors["paid_on"] = _("发放日期不能晚于今天。")
    payment_reference = (payment_reference or "").strip()
    if not payment_reference:
        errors["payment_reference"] = _("请填写发放凭证号。")
    if errors:
        raise ValidationError(errors)
    locked = _lock_case(case, expected_state)
    _reviewer(actor, locked)
    if locked.kind not in {Case.Kind.CLAIM, Case.Kind.STARTUP}:
        raise ValidationError(_("%(kind)s案件没有发放环节。") % {"kind": locked.get_kind_display()})
    locked.amount_paid, locked.paid_on, locked.payment_reference = amount, paid_on, payment_reference[:64]
    try:
        with transaction.atomic():
            moved = _move(actor=actor, case=locked, to=S.PAID, allowed={S.APPROVED},
                          note=f"发放 {amount} 元，凭证 {payment_reference[:64]}",
                          fields=("amount_paid", "paid_on", "payment_reference"))
    except IntegrityError:
        raise ValidationError(_("该求职者本申领期的这项补贴已发放，不能重复发放。"), code="paid_twice") from None
    _set_entitlement(moved, Entitlement.State.RECEIVED)
    engine.schedule_reevaluation(moved.archive_id)
    return moved


# ---------------------------------------------------------------- documents

MAX_DOCUMENT_BYTES = 5 * 1024 * 1024
MAGIC = [(b"%PDF-", "application/pdf"), (b"\xff\xd8\xff", "image/jpeg"), (b"\x89PNG\r\n\x1a\n", "image/png")]


def sniff(content: bytes) -> str | None:
    """The content type by the file's first bytes (its name and declared type are not trusted)."""
    for magic, kind in MAGIC:
        if content.startswith(magic):
            return kind
    return None


@transaction.atomic
def document_upload(*, actor, case: Case, item: str, file_name: str, content: bytes) -> CaseDocument:
    """Attach a PDF/JPEG/PNG (≤ 5 MB) for one required item; stored encrypted in the database."""
    locked = _lock_case(case, None)
    _staff_of(actor, locked.archive)
    if locked.state not in {S.DRAFT, S.RETURNED}:
        raise ValidationError(_("只有草稿或退回的案件可以上传材料。"))
    if item not in locked.version.required_documents:
        raise ValidationError({"item": _("“%(items)s”不是这项政策要求的材料。") % {"items": item}})
    if not content:
        raise ValidationError({"file": _("文件为空。")})
    if len(content) > MAX_DOCUMENT_BYTES:
        raise ValidationError({"file": _("文件过大（%(kb)s KB），最大 %(mb)s MB。") % {
            "kb": len(content) // 1024, "mb": MAX_DOCUMENT_BYTES // 1024 // 1024}})
    kind = sniff(content)
    if kind is None:
        raise ValidationError({"file": _("只能上传 PDF、JPEG 或 PNG 文件（按文件内容判断，不看扩展名）。")})
    doc = CaseDocument(case=locked, item=item, file_name=(file_name or "upload")[-200:], content_type=kind,
                       size=len(content), uploaded_by=actor)
    doc.set_content(content)
    doc.save()
    audit_record(actor=actor, action=events.DOCUMENT_UPLOAD, obj=locked,
                 summary=f"{_audit_name(locked)} 上传材料“{item}”（{kind}，{len(content) // 1024} KB）")
    return doc


@transaction.atomic
def document_download(*, actor, document: CaseDocument) -> bytes:
    """The document's content for a user who may see its case; every download audited."""
    require_visible(actor, station=document.case.archive.station)
    audit_record(actor=actor, action=events.DOCUMENT_DOWNLOAD, obj=document.case,
                 summary=f"{_audit_name(document.case)} 下载材料“{document.item}”")
    return document.get_content()


# ---------------------------------------------------------------- one-to-one helpers

@transaction.atomic
def helpers_reassign(*, actor, archive_ids: list[int], helper) -> int:
    """Bulk (re)assignment of archives to one helper (jobseekers' archive_update checks and audits each)."""
    from jobseekers.services import archive_update

    if helper is None:
        raise ValidationError({"helper": _("请选择帮办员。")})
    ids = sorted(set(archive_ids))
    archives = list(JobseekerArchive.objects.visible_to(actor).filter(pk__in=ids).order_by("pk"))
    if not ids or len(archives) != len(ids):
        raise ValidationError({"archives": _("请选择档案；所选档案须在您的管辖范围内。")})
    changed = 0
    for a in archives:
        if a.helper_id == helper.pk:
            continue
        try:
            archive_update(actor=actor, archive=a, expected_version=a.version, helper=helper)
        except ValidationError as exc:
            raise ValidationError({"helper": f"{a}：{'；'.join(exc.messages)}"}) from None
        changed += 1
    audit_record(actor=actor, action=events.HELPERS_REASSIGN,
                 summary=f"批量分配帮办员 {helper.get_username()}：{changed} 份档案")
    return changed


# --- openers for the earlier apps' hooks (registered in apps.py ready / consulting's apps.py) ----------------

STARTUP_NAME = "创业"  # a start-up subsidy is a verified-or-not subsidy policy whose name says 创业


def training_claim_open(completion) -> Case:
    """申领培训补贴 (training.services.CLAIM_OPENERS): a 补贴申领 draft for the program's policy.

    No matching policy (the program has no policy code, or that policy is unknown or not active): refused with a
    message, nothing created."""
    policy = (Policy.objects.filter(code=completion.policy_code, is_active=True, current_version__isnull=False).first()
              if completion.policy_code else None)
    if policy is None:
        raise ValidationError("该培训项目没有设置适用且已启用的补贴政策，无法起草补贴申领；请先在项目中设置政策。")
    archive = JobseekerArchive.objects.select_related("station__street").get(pk=completion.archive_id)
    return case_create(actor=completion.actor, archive=archive, policy=policy, kind=Case.Kind.CLAIM,
                       note=f"培训取证后申领（培训推荐 #{completion.referral_id}）")


def startup_case_open(*, actor, details: dict) -> Case:
    """申请创业补贴 (consulting.services.CASE_OPENERS["startup_subsidy"]): a 创业补贴 draft for the record's archive.

    The policy: an active subsidy whose name contains 创业, the archive's district's own before a city-wide one.
    No archive on the booking, or no such policy: refused with a message, nothing created."""
    if not details.get("archive"):
        raise ValidationError("该预约未关联就业服务档案，请先为咨询人建档或关联档案，再申请创业补贴。")
    archive = JobseekerArchive.objects.select_related("station__street__district").get(pk=details["archive"])
    district = archive.station.street.district.code
    policy = (Policy.objects.filter(is_active=True, current_version__isnull=False, kind=Policy.Kind.SUBSIDY,
                                    name__contains=STARTUP_NAME, district_code__in=["", district])
              .order_by("-district_code", "code").first())
    if policy is None:
        raise ValidationError("没有适用于该求职者所在区的创业补贴政策，无法起草创业补贴申请。")
    note = f"创业咨询后申请（{details.get('date', '')} {details.get('expert', '')}）：{details.get('advice', '')}"
    return case_create(actor=actor, archive=archive, policy=policy, kind=Case.Kind.STARTUP, note=note[:2000])
