"""Pages of assistance: thin — parse input, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View
from django.views.generic import ListView

from core.audit import audit_record
from core.forms import add_service_errors
from core.permissions import AdminRequiredMixin, CityAdminRequiredMixin, InternalRequiredMixin
from core.scoping import scope_of
from core.spreadsheets import xlsx_response
from jobseekers.models import JobseekerArchive
from stations.models import StationMembership

from . import builder, events, rules, selectors, services
from .filtersets import CaseFilterSet
from .forms import (
    CaseCreateForm,
    ChecklistForm,
    DeclineForm,
    PayForm,
    PolicyForm,
    RuleForm,
    SelfCheckForm,
    TransitionForm,
    UploadForm,
    WorklistFilterForm,
)
from .models import CaseDocument, EngineRun, Entitlement, Policy

EXPORT_MAX_ROWS = 50_000


def _errors_text(exc: ValidationError) -> str:
    return "；".join(exc.messages)


# ---------------------------------------------------------------- policies

class PolicyListView(InternalRequiredMixin, ListView):
    template_name = "assistance/policy_list.html"
    queryset = Policy.objects.select_related("current_version").order_by("code")


class PolicyDetailView(InternalRequiredMixin, View):
    def get(self, request, pk):
        policy = selectors.policy_get(pk=pk)
        return render(request, "assistance/policy_detail.html", {
            "policy": policy, "versions": policy.versions.select_related("created_by").all(),
            "can_edit": scope_of(request.user).is_city})


class PolicyFormView(CityAdminRequiredMixin, View):
    template_name = "assistance/policy_form.html"

    def get(self, request, pk=None):
        policy = selectors.policy_get(pk=pk) if pk else None
        return render(request, self.template_name, {"form": PolicyForm(instance=policy), "policy": policy})

    def post(self, request, pk=None):
        policy = selectors.policy_get(pk=pk) if pk else None
        form = PolicyForm(request.POST, instance=policy)
        if form.is_valid():
            data = {k: form.cleaned_data[k] for k in form.Meta.fields}
            try:
                if policy:
                    policy = services.policy_update(actor=request.user, policy=policy, **data)
                else:
                    policy = services.policy_create(actor=request.user, rule={"all": [
                        {"fact": "age", "op": ">=", "value": 16}]}, required_documents=["身份证"], **data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("政策已保存。"))
                return redirect(policy)
        return render(request, self.template_name, {"form": form, "policy": policy}, status=400)


class PolicyRuleView(CityAdminRequiredMixin, View):
    """The rule builder (nested groups and conditions; raw JSON as the advanced view); saving makes a new
    version. Builder buttons redraw the page (htmx swaps the editor in) and save nothing."""

    template_name = "assistance/policy_rule.html"

    def _render(self, request, policy, form, *, status=200):
        builder.decorate(form.tree, builder.load_places() if builder.places_needed(form.tree) else {})
        return render(request, self.template_name, {
            "policy": policy, "form": form, "groups": list(builder.GROUPS.items()),
            "facts": [(name, _(spec.label)) for name, spec in rules.FACTS.items()]}, status=status)

    def get(self, request, pk):
        policy = selectors.policy_get(pk=pk)
        return self._render(request, policy, RuleForm.for_version(policy.current_version, url=request.path))

    def post(self, request, pk):
        policy = selectors.policy_get(pk=pk)
        form = RuleForm(request.POST, htmx=request.headers.get("HX-Request") == "true", url=request.path)
        if form.action != "save":
            form.redraw()
            return self._render(request, policy, form)
        if form.is_valid():
            try:
                version = services.policy_rule_update(
                    actor=request.user, policy=policy, rule=form.cleaned_data["rule"],
                    required_documents=form.documents(), note=form.cleaned_data["note"],
                    expected_version=form.cleaned_data["expected_version"])
            except ValidationError as exc:
                if hasattr(exc, "error_dict") and "rule" in exc.error_dict:
                    form.add_error("raw" if form.cleaned_data.get("source") == "json" else None, exc.error_dict["rule"])
                else:
                    add_service_errors(form, exc)
            else:
                messages.success(request, _("规则已保存为第 %(n)s 版。") % {"n": version.number})
                return redirect(policy)
        return self._render(request, policy, form, status=400)


# ---------------------------------------------------------------- worklist and engine

def _worklist_qs(request, **fixed):
    form = WorklistFilterForm(request.GET or None)
    if form.is_bound and not form.is_valid():  # a bad filter lists nothing, with the form's message
        return form, selectors.worklist(user=request.user).none()
    data = form.cleaned_data if form.is_bound else {}
    qs = selectors.worklist(user=request.user, policy=getattr(data.get("policy"), "pk", None),
                            key_group=data.get("key_group") or None, station=fixed.get("station") or data.get("station"),
                            helper=fixed.get("helper") or data.get("helper"), street=data.get("station_street"),
                            district=data.get("station_district"))
    return form, qs


class WorklistView(InternalRequiredMixin, ListView):
    """应享尽享 worklist: unclaimed entitlements in scope (or of one station or helper), oldest first."""

    template_name = "assistance/worklist.html"
    paginate_by = 25

    def get_queryset(self):
        fixed = {}
        if self.kwargs.get("station"):
            fixed["station"] = self.kwargs["station"]
        if self.kwargs.get("helper"):
            fixed["helper"] = self.kwargs["helper"]
        self.form, qs = _worklist_qs(self.request, **fixed)
        return qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(form=self.form, query=query.urlencode(), today=timezone.localdate(),
                                        decline_form=DeclineForm(), **kwargs)


class WorklistExportView(InternalRequiredMixin, View):
    """The worklist as .xlsx, ID numbers and phones masked; audited."""

    def get(self, request):
        from openpyxl import Workbook

        _form, qs = _worklist_qs(request)
        rows = list(qs[:EXPORT_MAX_ROWS])
        wb = Workbook()
        ws = wb.active
        ws.title = "应享尽享"
        ws.append(["姓名", "身份证号", "手机号", "站点", "重点群体", "政策", "核实状态", "首次符合日期", "帮办员"])
        for e in rows:
            a = e.archive
            ws.append([a.name, a.id_number_masked, a.phone_masked, a.station.name, "、".join(a.key_group_labels()),
                       e.policy.name, e.policy.get_verification_status_display(), e.first_eligible_on.isoformat(),
                       a.helper.get_username() if a.helper else ""])
        audit_record(actor=request.user, action=events.WORKLIST_EXPORT,
                     summary=f"导出应享尽享清单 {len(rows)} 条（脱敏）")
        return xlsx_response(wb, f"应享尽享待办_{timezone.localdate():%Y%m%d}.xlsx")


class EntitlementDeclineView(InternalRequiredMixin, View):
    def post(self, request, pk):
        entitlement = get_object_or_404(Entitlement.objects.visible_to(request.user), pk=pk)
        form = DeclineForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请填写放弃原因，未做任何修改。"))
            return redirect("assistance:worklist")
        try:
            services.entitlement_decline(actor=request.user, entitlement=entitlement, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
        else:
            messages.success(request, _("已登记本人放弃。"))
        return redirect("assistance:worklist")


class EngineRunListView(AdminRequiredMixin, ListView):
    """Full engine runs with their progress and last result (admins); a city admin may start one."""

    template_name = "assistance/engine_runs.html"
    paginate_by = 20
    queryset = EngineRun.objects.order_by("-started_at")


class EngineRunStartView(CityAdminRequiredMixin, View):
    def post(self, request):
        from core.queue import enqueue

        enqueue("assistance.tasks.run_engine")
        audit_record(actor=request.user, action=events.ENGINE_START, summary="手动启动资格核查")
        messages.success(request, _("资格核查已排队，刷新本页查看进度。"))
        return redirect("assistance:engine_runs")


# ---------------------------------------------------------------- cases

class CaseListView(InternalRequiredMixin, ListView):
    template_name = "assistance/case_list.html"
    paginate_by = 30

    def get_queryset(self):
        qs = selectors.case_queryset(user=self.request.user).order_by("state_changed_at", "id")
        self.filterset = CaseFilterSet(self.request.GET or None, queryset=qs)
        self.form = self.filterset.form
        if self.filterset.is_bound and not self.filterset.is_valid():
            return qs.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(form=self.form, query=query.urlencode(), **kwargs)


def _case_context(request, case, **extra):
    scope = scope_of(request.user)
    docs = list(case.documents.all())
    return {
        "case": case, "transitions": case.transitions.all(), "documents": docs,
        "missing": case.missing_documents(),
        "is_staff": scope.is_staff_member, "is_reviewer": scope.is_admin,
        "own_submission": case.submitted_by_id == request.user.pk,
        "transition_form": TransitionForm(initial={"expected_state": case.state}),
        "pay_form": extra.pop("pay_form", None) or PayForm(initial={
            "expected_state": case.state, "amount": case.policy.amount, "paid_on": timezone.localdate()}),
        "checklist_form": ChecklistForm(initial={"expected_state": case.state, "checked": case.checklist},
                                        documents=case.version.required_documents),
        "upload_form": extra.pop("upload_form", None) or UploadForm(documents=case.version.required_documents),
        "trace": rules.shown(rules._flat(case.decision_trace["tree"])) if case.decision_trace.get("tree") else [],
        **extra,
    }


class CaseDetailView(InternalRequiredMixin, View):
    def get(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        return render(request, "assistance/case_detail.html", _case_context(request, case))


class CaseCreateView(InternalRequiredMixin, View):
    def post(self, request):
        form = CaseCreateForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择档案和政策，未做任何修改。"))
            return redirect(request.META.get("HTTP_REFERER") or "assistance:case_list")
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=form.cleaned_data["archive"])
        try:
            case = services.case_create(actor=request.user, archive=archive, policy=form.cleaned_data["policy"],
                                        claim_period=form.cleaned_data["claim_period"],
                                        kind=form.cleaned_data["kind"] or None)
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
            return redirect(archive)
        messages.success(request, _("案件已起草，请核验材料后提交。"))
        return redirect(case)


ACTIONS = {
    "submit": services.case_submit, "withdraw": services.case_withdraw, "review": services.case_review_start,
    "approve": services.case_approve, "return": services.case_return, "reject": services.case_reject,
}


class CaseTransitionView(InternalRequiredMixin, View):
    def post(self, request, pk, action):
        case = selectors.case_get(user=request.user, pk=pk)
        if action == "pay":
            form = PayForm(request.POST)
            if form.is_valid():
                try:
                    services.case_pay(actor=request.user, case=case, amount=form.cleaned_data["amount"],
                                      paid_on=form.cleaned_data["paid_on"],
                                      payment_reference=form.cleaned_data["payment_reference"],
                                      expected_state=form.cleaned_data["expected_state"])
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("发放已登记。"))
                    return redirect(case)
            return render(request, "assistance/case_detail.html", _case_context(request, case, pay_form=form),
                          status=400)
        service = ACTIONS.get(action)
        if service is None:
            return HttpResponse(status=404)
        form = TransitionForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请求不完整，未做任何修改。请刷新页面后重试。"))
            return redirect(case)
        kwargs = {"expected_state": form.cleaned_data["expected_state"]}
        if action == "reject":
            kwargs["reason"] = form.cleaned_data["note"]
        else:
            kwargs["note"] = form.cleaned_data["note"]
        try:
            service(actor=request.user, case=case, **kwargs)
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
            return render(request, "assistance/case_detail.html",
                          _case_context(request, selectors.case_get(user=request.user, pk=pk)), status=400)
        messages.success(request, _("案件状态已更新。"))
        return redirect(case)


class CaseChecklistView(InternalRequiredMixin, View):
    def post(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        form = ChecklistForm(request.POST, documents=case.version.required_documents)
        if not form.is_valid():
            messages.error(request, _("材料清单有误，未做任何修改。"))
            return redirect(case)
        try:
            services.case_checklist_update(actor=request.user, case=case, checked=form.cleaned_data["checked"],
                                           expected_state=form.cleaned_data["expected_state"])
        except ValidationError as exc:
            messages.error(request, _errors_text(exc))
        else:
            messages.success(request, _("材料清单已保存。"))
        return redirect(case)


class DocumentUploadView(InternalRequiredMixin, View):
    def post(self, request, pk):
        case = selectors.case_get(user=request.user, pk=pk)
        form = UploadForm(request.POST, request.FILES, documents=case.version.required_documents)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            if upload.size > services.MAX_DOCUMENT_BYTES:
                form.add_error("file", _("文件过大（%(kb)s KB），最大 %(mb)s MB。") % {"kb": upload.size // 1024, "mb": 5})
            else:
                try:
                    services.document_upload(actor=request.user, case=case, item=form.cleaned_data["item"],
                                             file_name=upload.name, content=upload.read())
                except ValidationError as exc:
                    add_service_errors(form, exc)
                else:
                    messages.success(request, _("材料已上传。"))
                    return redirect(case)
        return render(request, "assistance/case_detail.html", _case_context(request, case, upload_form=form),
                      status=400)


class DocumentDownloadView(InternalRequiredMixin, View):
    """The only way to a document: scope-checked (404 outside it), each download audited."""

    def get(self, request, pk):
        document = get_object_or_404(CaseDocument.objects.visible_to(request.user).select_related("case__archive"),
                                     pk=pk)
        content = services.document_download(actor=request.user, document=document)
        response = HttpResponse(content, content_type=document.content_type)
        from urllib.parse import quote

        response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(document.file_name)}"
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# ---------------------------------------------------------------- public self-check

class SelfCheckView(View):
    """政策自测: public, phone-first; the verified policies' questions only; nothing stored."""

    template_name = "assistance/self_check.html"

    def _policies(self):
        return list(Policy.objects.public().select_related("current_version").order_by("code"))

    def get(self, request):
        policies = self._policies()
        needed = rules.facts_needed([p.current_version.rule for p in policies])
        form = SelfCheckForm(request.GET or None, needed=needed)
        results, station = [], None
        if form.is_bound and form.is_valid():
            ref = timezone.localdate()
            facts = form.facts(ref=ref)
            for p in policies:
                result = rules.evaluate(p.current_version.rule, facts, policy_id=p.pk)
                if not p.in_force(ref):
                    continue
                results.append((p, result))
            station = _nearest_station(form.cleaned_data.get("street"), form.cleaned_data.get("district"))
        return render(request, self.template_name, {"form": form, "results": results, "station": station,
                                                    "policies": policies})


def _nearest_station(street_code, district_code):
    from stations.models import Street
    from stations.selectors import station_nearest, street_point

    street = Street.objects.filter(code=street_code).select_related("district").first() if street_code else None
    if street is None and district_code:
        street = Street.objects.filter(district__code=district_code).select_related("district").order_by("code").first()
    if street is None:
        return None
    point = street_point(street)
    return station_nearest(lat=point.lat, lng=point.lng) if point else None


# ---------------------------------------------------------------- one-to-one helpers

class UnassignedView(InternalRequiredMixin, ListView):
    """Key-group archives without a helper, with a bulk assignment form."""

    template_name = "assistance/unassigned.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.unassigned_key_group(user=self.request.user)

    def get_context_data(self, **kwargs):
        return super().get_context_data(helpers=_helpers(self.request.user), **kwargs)


def _helpers(user):
    scope = scope_of(user)
    memberships = StationMembership.objects.filter(is_active=True)
    if scope.is_staff_member:
        memberships = memberships.filter(station_id__in=scope.station_ids)
    elif scope.is_district:
        memberships = memberships.filter(station__street__district_id=scope.district_id)
    return get_user_model().objects.filter(pk__in=memberships.values("user_id")).order_by("username")


class CaseloadView(InternalRequiredMixin, View):
    """A helper's caseload: their archives, open cases, unclaimed entitlements, overdue follow-ups."""

    def get(self, request, user_id=None):
        helpers = _helpers(request.user)
        helper = get_object_or_404(helpers, pk=user_id) if user_id else request.user
        if user_id is None and not helpers.filter(pk=helper.pk).exists():
            return redirect("assistance:unassigned")
        archives = list(selectors.caseload(user=request.user, helper=helper, today=timezone.localdate()))
        return render(request, "assistance/caseload.html", {
            "helper": helper, "archives": archives, "helpers": helpers,
            "totals": {"cases": sum(a.open_cases for a in archives), "unclaimed": sum(a.unclaimed for a in archives),
                       "overdue": sum(a.overdue for a in archives)}})


class ReassignView(InternalRequiredMixin, View):
    """Bulk (re)assignment of archives to a helper (when a helper leaves); audited."""

    def post(self, request):
        try:
            ids = [int(v) for v in request.POST.getlist("archive")]
        except ValueError:
            ids = []
        helper = _helpers(request.user).filter(pk=request.POST.get("helper") or 0).first()
        back = request.POST.get("next") or reverse("assistance:unassigned")
        if not back.startswith("/"):
            back = reverse("assistance:unassigned")
        if not ids or helper is None:
            messages.error(request, _("请选择档案和帮办员，未做任何修改。"))
            return redirect(back)
        try:
            n = services.helpers_reassign(actor=request.user, archive_ids=ids, helper=helper)
        except ValidationError as exc:
            messages.error(request, _errors_text(exc) + " " + _("未做任何修改。"))
        else:
            messages.success(request, ngettext("已为 %(n)s 份档案分配帮办员 %(helper)s。", "已为 %(n)s 份档案分配帮办员 %(helper)s。", n)
                             % {"n": n, "helper": helper.get_username()})
        return redirect(back)
