"""Pages: the public catalog, program detail and leaflet; staff providers, programs, referrals, worklist, report."""

from __future__ import annotations

import io

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext, pgettext
from django.views import View
from django.views.generic import ListView

from core import import_views
from core.forms import add_service_errors
from core.permissions import InternalRequiredMixin
from core.scoping import scope_of
from core.spreadsheets import xlsx_response
from jobs.views import rate_limited_response, too_many_posts
from jobseekers.models import JobseekerArchive
from stations.models import District, Station, Street

from . import selectors, services
from .forms import (
    CatalogForm,
    CertifyForm,
    DropForm,
    ProgramForm,
    ProgramImportForm,
    ProviderForm,
    ReferForm,
    SignupForm,
)
from .imports import PROGRAMS
from .models import Program, Provider, Referral, WaitlistEntry
from .notices import SIGNUP_NOTICE

# Public -------------------------------------------------------------------------------------------------


def catalog(request):
    """公开培训目录: no login, phone-first."""
    form = CatalogForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    page = selectors.catalog_search(data=data)
    return render(request, "training/catalog.html", {"form": form, "page": page,
                                                     "streets": Street.objects.select_related("district").order_by("code"),
                                                     "districts": District.objects.order_by("code")})


def program_public(request, pk: int, form: SignupForm | None = None, status: int = 200):
    program = selectors.program_public_get(pk)
    if program is None:
        raise Http404("培训项目不存在或已结束。")
    return render(request, "training/program_public.html", {
        "program": program, "verification": selectors.verification_text(program),
        "designated": program.provider.designated_on(timezone.localdate()),
        "form": form or SignupForm(), "signup_notice": SIGNUP_NOTICE,
    }, status=status)


def program_signup(request, pk: int):
    """POST only: "我想报名" leaves a lead in the nearest station's worklist (jobs' leads, public throttle)."""
    if request.method != "POST":
        return redirect("training:program_public", pk=pk)
    program = selectors.program_public_get(pk)
    if program is None:
        raise Http404("培训项目不存在或已结束。")
    if too_many_posts(request, "training-signup"):
        return rate_limited_response(request)
    form = SignupForm(request.POST)
    if form.is_valid():
        try:
            lead = services.program_signup(program=program, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "training/signup_done.html", {"program": program, "lead": lead})
    return program_public(request, pk, form=form, status=400)


def _qr_svg(url: str) -> str:
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="svg", scale=4, xmldecl=False, svgns=True, border=2)
    return out.getvalue().decode()


def program_leaflet(request, pk: int):
    """A printable A4 leaflet with a QR code to the public page."""
    program = selectors.program_public_get(pk)
    if program is None:
        raise Http404("培训项目不存在或已结束。")
    url = request.build_absolute_uri(program.get_public_url())
    return render(request, "training/program_leaflet.html", {
        "program": program, "verification": selectors.verification_text(program), "url": url, "qr_svg": _qr_svg(url),
    })


# Staff: providers ---------------------------------------------------------------------------------------

class ProviderListView(InternalRequiredMixin, ListView):
    template_name = "training/provider_list.html"
    paginate_by = 30

    def get_queryset(self):
        return selectors.provider_list(user=self.request.user).order_by("name")


class ProviderFormView(InternalRequiredMixin, View):
    template_name = "training/provider_form.html"

    def get_object(self, pk):
        return None if pk is None else get_object_or_404(Provider.objects.visible_to(self.request.user), pk=pk)

    def get(self, request, pk=None):
        provider = self.get_object(pk)
        return render(request, self.template_name,
                      {"form": ProviderForm(instance=provider, user=request.user), "provider": provider})

    def post(self, request, pk=None):
        provider = self.get_object(pk)
        form = ProviderForm(request.POST, instance=provider, user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "station"}
            try:
                if provider is None:
                    provider = services.provider_create(actor=request.user, station=form.cleaned_data["station"],
                                                        **data)
                else:
                    provider = services.provider_update(actor=request.user, provider=provider, **data)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("已保存培训机构：%(name)s") % {"name": provider.name})
                return redirect("training:provider_list")
        return render(request, self.template_name, {"form": form, "provider": self.get_object(pk)}, status=400)


# Staff: programs ----------------------------------------------------------------------------------------

class ProgramListView(InternalRequiredMixin, ListView):
    template_name = "training/program_list.html"
    paginate_by = 30

    def get_queryset(self):
        qs = selectors.program_list(user=self.request.user)
        self.status = self.request.GET.get("status") or ""
        return qs.filter(status=self.status) if self.status in Program.Status.values else qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(status=self.status, statuses=Program.Status.choices, **kwargs)


class ProgramDetailView(InternalRequiredMixin, View):
    def get(self, request, pk):
        program = get_object_or_404(Program.objects.visible_to(request.user).select_related(
            "provider", "station", "occupation", "street__district"), pk=pk)
        return render(request, "training/program_detail.html", {
            "program": program, "referrals": selectors.program_referrals(program=program, user=request.user),
            "waitlist": selectors.program_waitlist(program=program, user=request.user),
            "drop_form": DropForm(), "certify_form": CertifyForm(),
        })


class ProgramFormView(InternalRequiredMixin, View):
    template_name = "training/program_form.html"

    def get_object(self, pk):
        return None if pk is None else get_object_or_404(Program.objects.visible_to(self.request.user), pk=pk)

    def get(self, request, pk=None):
        program = self.get_object(pk)
        return render(request, self.template_name,
                      {"form": ProgramForm(instance=program, user=request.user), "program": program})

    def post(self, request, pk=None):
        program = self.get_object(pk)
        form = ProgramForm(request.POST, instance=program, user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "station"}
            try:
                if program is None:
                    program = services.program_create(actor=request.user, station=form.cleaned_data["station"], **data)
                else:
                    program = services.program_update(actor=request.user, program=program, **data)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("已保存培训项目：%(title)s") % {"title": program.title})
                return redirect("training:program_detail", pk=program.pk)
        return render(request, self.template_name, {"form": form, "program": self.get_object(pk)}, status=400)


# Staff: a provider's program list from Excel (core.import_views, as the archive import) ------------------

class ProgramImportJobMixin:
    importer = PROGRAMS
    url_names = {"upload": "training:program_import", "progress": "training:program_import_detail",
                 "report": "training:program_import_errors", "retry": "training:program_import_retry"}

    def get_job(self, request, pk):
        return selectors.program_import_get(user=request.user, pk=pk)


class ProgramImportTemplateView(import_views.ImportTemplateView):
    importer = PROGRAMS
    filename = "培训项目导入模板.xlsx"


class ProgramImportView(import_views.ImportUploadView):
    template_name = "training/program_import.html"
    form_class = ProgramImportForm
    progress_url_name = "training:program_import_detail"

    def context(self, request, form) -> dict:
        return {"form": form, "max_rows": PROGRAMS.max_rows,
                "jobs": selectors.program_imports_recent(user=request.user)}

    def start(self, request, form):
        return services.program_import_start(actor=request.user, provider=form.cleaned_data["provider"],
                                             file_name=form.cleaned_data["file"].name, content=form.content,
                                             mode=form.cleaned_data["mode"])


class ProgramImportDetailView(ProgramImportJobMixin, import_views.ImportProgressView):
    template_name = "training/program_import_detail.html"


class ProgramImportRetryView(ProgramImportJobMixin, import_views.ImportRetryView):
    def retry(self, request, job):
        return services.program_import_retry(actor=request.user, job=job)


class ProgramImportErrorsView(ProgramImportJobMixin, import_views.ImportReportView):
    filename = "培训项目导入错误报告_{pk}.xlsx"


class ProgramCancelView(InternalRequiredMixin, View):
    """POST only: 取消培训项目 (waitlist closed, referrals dropped, people texted); a second time is refused."""

    def post(self, request, pk):
        program = get_object_or_404(Program.objects.visible_to(request.user), pk=pk)
        try:
            done = services.program_cancel(actor=request.user, program=program)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, gettext(
                "已取消培训项目：%(title)s。退出推荐 %(referrals)s 人，结束候补 %(waitlist)s 人，发送短信 %(sms)s 条。")
                % {"title": program.title, **done})
        return redirect("training:program_detail", pk=program.pk)


# Staff: referrals and the waitlist ---------------------------------------------------------------------

def _next(request, default: str) -> str:
    target = request.POST.get("next") or ""
    ok = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure())
    return target if target and ok else default


def _errors(request, exc) -> None:
    if isinstance(exc, ValidationError):
        messages.error(request, pgettext("between error messages", "；").join(exc.messages))
    else:
        messages.error(request, str(exc))


class ReferralListView(InternalRequiredMixin, ListView):
    """培训推荐: every referral of the user's archives, by program, state and station."""

    template_name = "training/referral_list.html"
    paginate_by = 30

    def get_queryset(self):
        self.filterset = selectors.referral_list(user=self.request.user, data=self.request.GET or None,
                                                 request=self.request)
        if self.filterset.is_bound and not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(filter=self.filterset, **kwargs)
        rows = context["object_list"]
        managed = set(Program.objects.visible_to(self.request.user)
                      .filter(pk__in={r.program_id for r in rows}).values_list("pk", flat=True))
        for r in rows:  # another station's program: its public page (its staff page would be a 404)
            r.program_url = r.program.get_absolute_url() if r.program_id in managed else r.program.get_public_url()
        return context


class ArchiveReferView(InternalRequiredMixin, View):
    """POST from the archive page's training panel: refer (or, when full, put on the waitlist)."""

    def post(self, request, archive_pk):
        archive = get_object_or_404(JobseekerArchive.objects.visible_to(request.user), pk=archive_pk)
        form = ReferForm(request.POST, programs=Program.objects.all())
        if not form.is_valid():
            messages.error(request, gettext("请选择培训项目。"))
            return redirect(archive)
        program = form.cleaned_data["program"]
        try:
            if request.POST.get("waitlist"):
                services.waitlist_join(actor=request.user, archive=archive, program=program)
                messages.success(request, gettext("已登记候补：%(t)s") % {"t": program.title})
            else:
                services.referral_create(actor=request.user, archive=archive, program=program,
                                         note=form.cleaned_data["note"])
                messages.success(request, gettext("已推荐培训：%(t)s") % {"t": program.title})
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        return redirect(archive)


class ReferralTransitionView(InternalRequiredMixin, View):
    ACTIONS = ("enrol", "complete", "certify", "drop", "claim")

    def post(self, request, pk, action):
        if action not in self.ACTIONS:
            raise Http404
        referral = get_object_or_404(Referral.objects.visible_to(request.user), pk=pk)
        try:
            if action == "enrol":
                services.referral_enrol(actor=request.user, referral=referral)
            elif action == "complete":
                services.referral_complete(actor=request.user, referral=referral)
            elif action == "certify":
                form = CertifyForm(request.POST)
                if not form.is_valid():
                    raise ValidationError(gettext("证书信息有误，请检查发证日期。"))
                services.referral_certify(actor=request.user, referral=referral, **form.cleaned_data)
            elif action == "drop":
                form = DropForm(request.POST)
                services.referral_drop(actor=request.user, referral=referral,
                                       reason=form.cleaned_data.get("reason", "") if form.is_valid() else "")
            else:
                opened = services.subsidy_claim_open(actor=request.user, referral=referral)
                if not opened:
                    messages.info(request, gettext("补贴申领功能尚未开通，请按原流程办理。"))
                    return redirect(_next(request, referral.program.get_absolute_url()))
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, gettext("已更新培训推荐。"))
        return redirect(_next(request, referral.program.get_absolute_url()))


class WaitlistTransitionView(InternalRequiredMixin, View):
    def post(self, request, pk, action):
        if action not in ("accept", "leave"):
            raise Http404
        entry = get_object_or_404(WaitlistEntry.objects.visible_to(request.user), pk=pk)
        try:
            if action == "accept":
                services.waitlist_accept(actor=request.user, entry=entry)
            else:
                services.waitlist_leave(actor=request.user, entry=entry)
        except (ValidationError, PermissionDenied) as exc:
            _errors(request, exc)
        else:
            messages.success(request, gettext("已更新候补。"))
        return redirect("training:program_detail", pk=entry.program_id) if Program.objects.visible_to(
            request.user).filter(pk=entry.program_id).exists() else redirect(entry.archive)


# Staff: worklist and report ----------------------------------------------------------------------------

class SuggestWorklistView(InternalRequiredMixin, View):
    def get(self, request):
        return render(request, "training/suggest_worklist.html", {
            "archives": selectors.suggest_training_worklist(user=request.user),
            "threshold": selectors.SUGGEST_BELOW_SCORE,
        })


def _report_district(request):
    scope = scope_of(request.user)
    if scope.is_district:
        return District.objects.get(pk=scope.district_id)
    if scope.is_staff_member:
        station = Station.objects.filter(pk__in=scope.station_ids).select_related("street__district").first()
        return station.street.district if station else None
    code = request.GET.get("district")
    return District.objects.filter(code=code).first() if code else District.objects.order_by("code").first()


class DemandSupplyView(InternalRequiredMixin, View):
    def get(self, request):
        district = _report_district(request)
        rows = selectors.demand_supply(user=request.user, district=district) if district else []
        if request.GET.get("format") == "xlsx":
            from openpyxl import Workbook

            wb = Workbook()
            ws = wb.active
            ws.title = "供需对比"
            ws.append(["职业代码", "职业", "岗位需求人数", "求职意向人数", "培训名额", "供需差（岗位−求职者）", "培训缺口"])
            for r in rows:
                ws.append([r.code, r.name, r.headcount, r.jobseekers, r.places, r.gap, r.training_gap])
            return xlsx_response(wb, f"培训供需对比-{district.name if district else ''}.xlsx")
        return render(request, "training/demand_supply.html", {
            "district": district, "rows": rows, "districts": District.objects.order_by("code"),
            "choose_district": scope_of(request.user).is_city,
        })
