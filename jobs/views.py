"""Pages: public search, detail, interest and employer submission; staff employers, postings, leads, import."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext, pgettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from core.forms import add_service_errors
from core.geo import walk_model
from core.permissions import InternalRequiredMixin
from core.spreadsheets import xlsx_response

from . import imports, services
from .filtersets import EmployerFilterSet, PostingFilterSet
from .forms import (
    EmployerForm,
    ImportForm,
    InterestForm,
    PostingForm,
    PublicSubmitForm,
    ReasonForm,
)
from .maplinks import map_links
from .models import Employer, JobPosting, Lead
from .notices import LEAD_NOTICE
from .search_page import display_rows, search_options
from .selectors import (
    lead_list,
    posting_ended_get,
    posting_nearest_stations,
    posting_public_get,
    posting_search,
    postings_similar,
)

# Public -------------------------------------------------------------------------------------------------

PERIODS = {"second": 1, "minute": 60, "hour": 3600, "day": 86400}


def too_many_posts(request, scope: str) -> bool:
    """Public forms: at most the `public_form` throttle rate (settings) per client address."""
    rate = settings.REST_FRAMEWORK.get("DEFAULT_THROTTLE_RATES", {}).get("public_form", "20/hour")
    number, period = rate.split("/")
    key = f"jobs:rate:{scope}:{request.META.get('REMOTE_ADDR', '')}"
    count = 1 if cache.add(key, 1, PERIODS.get(period, 3600)) else cache.incr(key)
    return count > int(number)


def rate_limited_response(request):
    return render(request, "jobs/rate_limited.html", status=429)


def job_search(request):
    """公开岗位搜索: no login; published postings only."""
    page = posting_search(data=request.GET)
    params = request.GET.copy()
    params.pop("cursor", None)
    next_url = None
    if page.next_cursor:
        nxt = params.copy()
        nxt["cursor"] = page.next_cursor
        next_url = f"?{nxt.urlencode()}"
    model = walk_model()
    return render(request, "jobs/job_search.html", {
        "walk_detour": model.detour_factor, "walk_speed": model.speed_kmh,
        "result": page, "rows": display_rows(page.rows), "form": page.filterset.form, "next_url": next_url,
        "first_url": f"?{params.urlencode()}",
        "has_query": any(v for k, v in request.GET.items() if k not in {"cursor", "q"}),
        "options": search_options(request.GET),
    })


def job_detail(request, pk: int, form: InterestForm | None = None, status: int = 200):
    posting = posting_public_get(pk)
    if posting is None:
        return job_ended(request, pk)
    nearest = posting_nearest_stations(posting)
    return render(request, "jobs/job_detail.html", {
        "posting": posting, "nearest": nearest[0] if nearest else None, "form": form or InterestForm(),
        "maps": map_links(posting.lat, posting.lng, posting.title), "lead_notice": LEAD_NOTICE,
    }, status=status)


def job_ended(request, pk: int):
    """An old link (an SMS, a shared page) to a posting that has ended says so and offers similar jobs."""
    posting = posting_ended_get(pk)
    if posting is None:
        raise Http404(_("岗位不存在或已停止招聘。"))
    return render(request, "jobs/job_ended.html", {
        "posting": posting, "similar": postings_similar(posting),
        "nearest": (posting_nearest_stations(posting) or [None])[0],
        "search_occupation": "-".join(posting.occupation.code.split("-")[:2]) if posting.occupation else "",
    }, status=410)


def job_interest(request, pk: int):
    """POST only: "我感兴趣" becomes a lead in the nearest station's worklist."""
    if request.method != "POST":
        return redirect("jobs:job_detail", pk=pk)
    posting = posting_public_get(pk)
    if posting is None:
        return job_ended(request, pk)
    if too_many_posts(request, "interest"):
        return rate_limited_response(request)
    form = InterestForm(request.POST)
    if form.is_valid():
        try:
            lead = services.lead_create(posting=posting, name=form.cleaned_data["name"],
                                        phone=form.cleaned_data["phone"], consent=form.cleaned_data["consent"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(request, "jobs/interest_done.html", {"posting": posting, "lead": lead})
    return job_detail(request, pk, form=form, status=400)


def job_submit(request):
    """Employers propose a posting; it waits for review at the station nearest the workplace."""
    if request.method == "POST" and too_many_posts(request, "submit"):
        return rate_limited_response(request)
    form = PublicSubmitForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            posting = services.posting_submit_public(**data)
        except ValidationError as exc:
            add_service_errors(form, exc, PublicSubmitForm.MAPPING)
        else:
            return render(request, "jobs/submit_done.html", {"posting": posting})
    return render(request, "jobs/job_submit.html", {"form": form}, status=400 if form.errors else 200)


# Staff: employers ----------------------------------------------------------------------------------------

class EmployerListView(InternalRequiredMixin, ListView):
    template_name = "jobs/employer_list.html"
    paginate_by = 30

    def get_queryset(self):
        qs = Employer.objects.visible_to(self.request.user).select_related("station")
        self.filterset = EmployerFilterSet(self.request.GET, queryset=qs)
        return self.filterset.qs if self.filterset.is_valid() else qs.none()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class EmployerDetailView(InternalRequiredMixin, DetailView):
    template_name = "jobs/employer_detail.html"
    context_object_name = "employer"

    def get_queryset(self):
        return Employer.objects.visible_to(self.request.user).select_related("station", "street")

    def get_context_data(self, **kwargs):
        return super().get_context_data(postings=self.object.postings.order_by("-id")[:50], **kwargs)


class EmployerFormView(InternalRequiredMixin, View):
    template_name = "jobs/employer_form.html"

    def get_object(self, pk):
        if pk is None:
            return None
        return get_object_or_404(Employer.objects.visible_to(self.request.user), pk=pk)

    def get(self, request, pk=None):
        employer = self.get_object(pk)
        return render(request, self.template_name,
                      {"form": EmployerForm(instance=employer, user=request.user), "employer": employer})

    def post(self, request, pk=None):
        employer = self.get_object(pk)
        form = EmployerForm(request.POST, instance=employer, user=request.user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("station", "version")}
            try:
                if employer is None:
                    employer = services.employer_create(actor=request.user, station=form.cleaned_data["station"],
                                                        **data)
                else:
                    employer = services.employer_update(actor=request.user, employer=employer,
                                                        expected_version=form.cleaned_data["version"], **data)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("已保存用人单位：%(name)s") % {"name": employer.name})
                return redirect("jobs:employer_detail", pk=employer.pk)
        if employer is not None:
            employer.refresh_from_db()
        return render(request, self.template_name, {"form": form, "employer": employer}, status=400)


# Staff: postings -------------------------------------------------------------------------------------

class PostingListView(InternalRequiredMixin, ListView):
    template_name = "jobs/posting_list.html"
    paginate_by = 30

    def get_queryset(self):
        qs = (JobPosting.objects.visible_to(self.request.user).select_related("employer", "station")
              .order_by("-created_at", "-id"))
        self.filterset = PostingFilterSet(self.request.GET, queryset=qs)
        return self.filterset.qs if self.filterset.is_valid() else qs.none()

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class PostingDetailView(InternalRequiredMixin, DetailView):
    template_name = "jobs/posting_detail.html"
    context_object_name = "posting"

    def get_queryset(self):
        return JobPosting.objects.visible_to(self.request.user).select_related(
            "employer", "station", "street__district", "occupation")

    def get_context_data(self, **kwargs):
        from django.contrib.contenttypes.models import ContentType

        from core.models import AuditEvent

        events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(JobPosting),
                                           object_id=str(self.object.pk)).order_by("-created_at")[:20]
        review_refusal = (services.posting_review_refusal(actor=self.request.user, posting=self.object)
                          if self.object.status in {JobPosting.Status.DRAFT, JobPosting.Status.PENDING} else "")
        posting = self.object
        kwargs.update(term_ended=posting.public_service_term_ended(timezone.localdate()),
                      quota_full=posting.is_public_service and posting.filled_count >= posting.hire_limit)
        return super().get_context_data(events=events, reason_form=ReasonForm(), review_refusal=review_refusal,
                                        leads=self.object.leads.select_related("station")[:20], **kwargs)


class PostingFormView(InternalRequiredMixin, View):
    template_name = "jobs/posting_form.html"

    def get_object(self, pk):
        if pk is None:
            return None
        return get_object_or_404(JobPosting.objects.visible_to(self.request.user), pk=pk)

    def get(self, request, pk=None):
        posting = self.get_object(pk)
        initial = {"employer": request.GET.get("employer")} if posting is None else None
        return render(request, self.template_name,
                      {"form": PostingForm(instance=posting, user=request.user, initial=initial), "posting": posting})

    def post(self, request, pk=None):
        posting = self.get_object(pk)
        form = PostingForm(request.POST, instance=posting, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            employer = data.pop("employer")
            expected_version = data.pop("version")
            try:
                if posting is None:
                    posting = services.posting_create(actor=request.user, employer=employer, **data)
                else:
                    posting = services.posting_update(actor=request.user, posting=posting,
                                                      expected_version=expected_version, **data)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, gettext("已保存岗位：%(title)s") % {"title": posting.title})
                return redirect("jobs:posting_detail", pk=posting.pk)
        return render(request, self.template_name, {"form": form, "posting": self.get_object(pk)}, status=400)


TRANSITIONS = {  # the message context keeps "published" apart from the status "Published"
    "submit": (services.posting_submit, pgettext_lazy("after a posting action", "已提交审核")),
    "publish": (services.posting_publish, pgettext_lazy("after a posting action", "已发布")),
    "withdraw": (services.posting_withdraw, pgettext_lazy("after a posting action", "已撤回")),
    "fill": (services.posting_fill, pgettext_lazy("after a posting action", "已标记为招满")),
    "expire": (services.posting_expire, pgettext_lazy("after a posting action", "已标记为过期")),
    "reject": (services.posting_reject, pgettext_lazy("after a posting action", "已退回修改")),
}


class PostingTransitionView(InternalRequiredMixin, View):
    def post(self, request, pk, action):
        if action not in TRANSITIONS:
            raise Http404
        posting = get_object_or_404(JobPosting.objects.visible_to(request.user), pk=pk)
        fn, done = TRANSITIONS[action]
        extra = {}
        if action in {"withdraw", "reject"}:
            form = ReasonForm(request.POST)
            extra["reason"] = form.cleaned_data.get("reason", "") if form.is_valid() else ""
        try:
            fn(actor=request.user, posting=posting, **extra)
        except ValidationError as exc:
            messages.error(request, pgettext("between error messages", "；").join(exc.messages))
        except PermissionDenied as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, gettext("岗位“%(title)s”%(done)s。") % {"title": posting.title, "done": done})
        return redirect("jobs:posting_detail", pk=pk)


class PostingImportView(InternalRequiredMixin, View):
    template_name = "jobs/posting_import.html"

    def get(self, request):
        if request.GET.get("template"):
            return xlsx_response(imports.template_workbook(), "岗位导入模板.xlsx")
        return render(request, self.template_name, {"form": ImportForm(user=request.user)})

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if not form.is_valid():
            return render(request, self.template_name, {"form": form}, status=400)
        # Queued on commit; with the broker down it waits in the outbox (DeferredWorkMiddleware says so).
        job = imports.import_store(actor=request.user, station=form.cleaned_data["station"],
                                   content=form.content, file_name=form.cleaned_data["file"].name)
        return redirect("jobs:posting_import_status", token=job.pk)


class PostingImportStatusView(InternalRequiredMixin, View):
    """The job's progress (polled by htmx while it runs), then its result; only for the uploader."""

    def get(self, request, token):
        state = imports.import_state(user_id=request.user.pk, token=token)
        if state is None:
            raise Http404(_("该导入已过期，请重新导入。"))
        template = "jobs/_posting_import_progress.html" if request.headers.get("HX-Request") else \
            "jobs/posting_import.html"
        report_url = reverse("jobs:posting_import_errors", args=[token]) if state.get("errors") else None
        return render(request, template, {"state": state, "token": token, "report_url": report_url,
                                          "form": ImportForm(user=request.user)})


@method_decorator(never_cache, name="dispatch")
class PostingImportErrorsView(InternalRequiredMixin, View):
    def get(self, request, token):
        data = imports.import_report(user_id=request.user.pk, token=token)
        if data is None:
            raise Http404(_("错误报告已过期，请重新导入。"))
        return xlsx_response(data, "岗位导入错误报告.xlsx")


# Staff: leads ----------------------------------------------------------------------------------------

class LeadListView(InternalRequiredMixin, ListView):
    template_name = "jobs/lead_list.html"
    paginate_by = 30

    def get_queryset(self):
        self.status = self.request.GET.get("status") or ""
        return lead_list(user=self.request.user, status=self.status if self.status in Lead.Status.values else None)

    def get_context_data(self, **kwargs):
        return super().get_context_data(status=self.status, statuses=Lead.Status.choices, **kwargs)


@method_decorator(never_cache, name="dispatch")  # a full phone: no browser or proxy keeps a copy
class LeadRevealView(InternalRequiredMixin, View):
    """POST only: show one lead's full phone number to staff of its station; each reveal is audited."""

    def post(self, request, pk):
        lead = get_object_or_404(Lead.objects.visible_to(request.user).select_related("posting"), pk=pk)
        try:
            phone = services.lead_reveal_phone(actor=request.user, lead=lead)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("jobs:lead_list")
        return render(request, "jobs/lead_reveal.html", {"lead": lead, "phone": phone})


@method_decorator(never_cache, name="dispatch")
class ContactPhoneRevealView(InternalRequiredMixin, View):
    """POST only: an employer's or a posting's full contact phone; each reveal is audited."""

    model = None

    def post(self, request, pk):
        obj = get_object_or_404(self.model.objects.visible_to(request.user).select_related("station__street"), pk=pk)
        try:
            phone = services.contact_phone_reveal(actor=request.user, obj=obj)
        except PermissionDenied as exc:
            messages.error(request, str(exc))
            return redirect("jobs:posting_detail" if self.model is JobPosting else "jobs:employer_detail", pk=pk)
        return render(request, "jobs/contact_reveal.html", {"obj": obj, "phone": phone})


class LeadUpdateView(InternalRequiredMixin, View):
    def post(self, request, pk):
        lead = get_object_or_404(Lead.objects.visible_to(request.user), pk=pk)
        try:
            services.lead_update(actor=request.user, lead=lead, status=request.POST.get("status", ""),
                                 note=request.POST.get("note", ""))
        except ValidationError as exc:
            messages.error(request, pgettext("between error messages", "；").join(exc.messages))
        else:
            messages.success(request, gettext("已更新跟进状态。"))
        return redirect("jobs:lead_list")


