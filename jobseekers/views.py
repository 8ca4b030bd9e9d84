"""Pages of the jobseekers app: thin — parse input, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelformset_factory
from django.http import Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views import View
from django.views.generic import ListView

from core.forms import add_service_errors
from core.permissions import CityAdminRequiredMixin, InternalRequiredMixin
from core.plugins import panels
from core.scoping import scope_of
from core.spreadsheets import xlsx_response
from stations.models import StationMembership

from . import imports, selectors, services
from .forms import ArchiveForm, ImportForm, StatusEntryForm, VisitForm
from .models import ResurveyRule

EXPORT_MAX_ROWS = 50_000


def full_export_stations(user):
    """Who may export full ID numbers and phones: district/city admins (their scope), and station heads
    (站长) for their own stations. None means "everything in scope"; an empty list means not allowed."""
    scope = scope_of(user)
    if scope.is_admin:
        return None
    if scope.is_staff_member:
        return list(StationMembership.objects.filter(user=user, is_active=True,
                                                     role=StationMembership.StaffRole.HEAD)
                    .values_list("station_id", flat=True))
    return []


class ArchiveListView(InternalRequiredMixin, ListView):
    template_name = "jobseekers/archive_list.html"
    paginate_by = 20

    def get_queryset(self):
        self.filterset = selectors.archive_list(user=self.request.user, data=self.request.GET, request=self.request)
        return self.filterset.qs if self.filterset.is_valid() else self.filterset.queryset.none()

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query.pop("page", None)
        return super().get_context_data(filter=self.filterset, query=query.urlencode(),
                                        can_export_full=full_export_stations(self.request.user) != [],
                                        today=timezone.localdate(), **kwargs)


class ArchiveCreateView(InternalRequiredMixin, View):
    template_name = "jobseekers/archive_form.html"

    def get(self, request):
        return render(request, self.template_name, {"form": ArchiveForm(user=request.user)})

    def post(self, request):
        form = ArchiveForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                archive = services.archive_create(
                    actor=request.user, station=form.cleaned_data["station"],
                    id_number=form.cleaned_data["id_number"], phone=form.cleaned_data["phone"],
                    desired_occupations=form.cleaned_data["desired_occupations"],
                    initial_status=form.cleaned_data["initial_status"], **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "档案已建立。")
                return redirect(archive)
        return render(request, self.template_name, {"form": form}, status=400)


class ArchiveUpdateView(InternalRequiredMixin, View):
    template_name = "jobseekers/archive_form.html"

    def get(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        return render(request, self.template_name, {"form": ArchiveForm(instance=archive, user=request.user),
                                                    "archive": archive})

    def post(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        form = ArchiveForm(request.POST, instance=archive, user=request.user)
        if form.is_valid():
            try:
                services.archive_update(
                    actor=request.user, archive=archive, expected_version=form.cleaned_data["version"],
                    phone=form.cleaned_data["phone"] or None,
                    desired_occupations=form.cleaned_data["desired_occupations"], **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, "档案已保存。")
                return redirect(archive)
        archive.refresh_from_db()
        return render(request, self.template_name, {"form": form, "archive": archive}, status=400)


def _detail_context(request, archive, **extra):
    return {
        "archive": archive,
        "entries": archive.status_entries.select_related("recorded_by"),
        "visits": archive.visits.select_related("staff"),
        "tasks": archive.followups.all()[:20],
        "status_form": extra.pop("status_form", None) or StatusEntryForm(),
        "today": timezone.localdate(),
        "archive_panels": panels("archive", request=request, archive=archive),  # e.g. training's referrals
        **extra,
    }


class ArchiveDetailView(InternalRequiredMixin, View):
    def get(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        return render(request, "jobseekers/archive_detail.html", _detail_context(request, archive))


class ArchiveRevealView(InternalRequiredMixin, View):
    """POST only: the full ID number and phone, audited."""

    def post(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        values = services.archive_reveal(actor=request.user, archive=archive)
        return render(request, "jobseekers/_revealed.html", {"archive": archive, **values})


class StatusAddView(InternalRequiredMixin, View):
    def post(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        form = StatusEntryForm(request.POST)
        if form.is_valid():
            try:
                entry = services.status_add(actor=request.user, archive=archive, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                current, text = selectors.status_entry_effect(archive=archive, entry=entry)
                (messages.success if current else messages.warning)(request, text)
                return redirect(archive)
        return render(request, "jobseekers/archive_detail.html",
                      _detail_context(request, archive, status_form=form), status=400)


class VisitCreateView(InternalRequiredMixin, View):
    template_name = "jobseekers/visit_form.html"

    def get(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        return render(request, self.template_name, {"archive": archive, "form": VisitForm()})

    def post(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        form = VisitForm(request.POST)
        if form.is_valid():
            try:
                visit = services.visit_create(actor=request.user, archive=archive, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, f"走访已记录，下次排摸日期：{archive.next_survey_due:%Y-%m-%d}。")
                if visit.status_entry is not None:
                    current, text = selectors.status_entry_effect(archive=archive, entry=visit.status_entry)
                    if not current:
                        messages.warning(request, text)
                return redirect(archive)
        return render(request, self.template_name, {"archive": archive, "form": form}, status=400)


class WorklistView(InternalRequiredMixin, ListView):
    template_name = "jobseekers/worklist.html"
    paginate_by = 50

    def get_queryset(self):
        return selectors.worklist_for(user=self.request.user, today=timezone.localdate())

    def get_context_data(self, **kwargs):
        return super().get_context_data(today=timezone.localdate(), **kwargs)


class ArchiveExportView(InternalRequiredMixin, View):
    def get(self, request):
        filterset = selectors.archive_list(user=request.user, data=request.GET, request=request)
        if not filterset.is_valid():
            messages.error(request, "筛选条件有误，未导出。")
            return redirect("jobseekers:archive_list")
        qs = filterset.qs
        full = request.GET.get("full") == "1"
        if full:
            allowed = full_export_stations(request.user)
            if allowed == []:
                raise PermissionDenied("只有站长和区级、市级管理员可以导出完整身份证号和手机号；请导出脱敏版本。")
            if allowed is not None:
                qs = qs.filter(station_id__in=allowed)
        if qs.count() > EXPORT_MAX_ROWS:
            messages.error(request, f"符合条件的档案超过 {EXPORT_MAX_ROWS} 份，请缩小筛选范围（如按街镇、站点）后分批导出。")
            return redirect(f"{reverse('jobseekers:archive_list')}?{request.GET.urlencode()}")
        archives = list(qs.order_by("station_id", "id"))
        filters = "&".join(f"{k}={v}" for k, v in request.GET.items() if k not in {"full", "page", "q"} and v)
        services.archive_export_record(actor=request.user, count=len(archives), full=full, filters=filters or "无")
        name = f"求职者档案{'（完整）' if full else ''}_{timezone.localdate():%Y%m%d}.xlsx"
        return xlsx_response(imports.export_workbook(archives, full=full), name)


class ImportTemplateView(InternalRequiredMixin, View):
    def get(self, request):
        return xlsx_response(imports.template_workbook(), "求职者档案导入模板.xlsx")


class ImportView(InternalRequiredMixin, View):
    template_name = "jobseekers/import_form.html"

    def context(self, request, form) -> dict:
        return {"form": form, "max_rows": imports.MAX_ROWS, "jobs": selectors.import_jobs_recent(user=request.user)}

    def get(self, request):
        return render(request, self.template_name, self.context(request, ImportForm(user=request.user)))

    def post(self, request):
        form = ImportForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            job = services.import_start(actor=request.user, station=form.cleaned_data["station"],
                                        file_name=form.cleaned_data["file"].name, content=form.content,
                                        mode=form.cleaned_data["mode"])
            return redirect("jobseekers:import_detail", pk=job.pk)
        return render(request, self.template_name, self.context(request, form), status=400)


class ImportJobDetailView(InternalRequiredMixin, View):
    def get(self, request, pk):
        job = selectors.import_job_get(user=request.user, pk=pk)
        template = "jobseekers/_import_progress.html" if request.headers.get("HX-Request") else \
            "jobseekers/import_detail.html"
        return render(request, template, {"job": job})


class ImportRetryView(InternalRequiredMixin, View):
    def post(self, request, pk):
        job = selectors.import_job_get(user=request.user, pk=pk)
        try:
            services.import_retry(actor=request.user, job=job)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect("jobseekers:import_detail", pk=job.pk)


class ImportErrorsView(InternalRequiredMixin, View):
    """The failed rows with every column as uploaded (full ID numbers: the uploader's own data back), audited."""

    def get(self, request, pk):
        job = selectors.import_job_get(user=request.user, pk=pk)
        content = job.get_report()
        if not content:
            raise Http404("错误报告已按保留期限删除，或本次导入没有错误行。")
        services.import_report_download(actor=request.user, job=job)
        response = xlsx_response(content, f"导入错误报告_{job.pk}.xlsx")
        response["Cache-Control"] = "no-store"
        return response


class OccupationSearchView(InternalRequiredMixin, View):
    def get(self, request):
        return JsonResponse({"results": selectors.occupation_search(q=request.GET.get("q", ""))})


RuleFormSet = modelformset_factory(ResurveyRule, fields=["interval_days"], extra=0)


class ResurveyRulesView(CityAdminRequiredMixin, View):
    template_name = "jobseekers/rules.html"

    def get(self, request):
        services.resurvey_rules_seed()
        return render(request, self.template_name, {"formset": RuleFormSet(queryset=ResurveyRule.objects.all())})

    def post(self, request):
        formset = RuleFormSet(request.POST, queryset=ResurveyRule.objects.all())
        if formset.is_valid():
            intervals = {f.instance.pk: f.cleaned_data["interval_days"] for f in formset.forms if f.instance.pk}
            try:
                changed = services.resurvey_rules_update(actor=request.user, intervals=intervals)
            except ValidationError as exc:
                messages.error(request, "；".join(exc.messages))
            else:
                messages.success(request, f"已保存，修改了 {changed} 条规则；新间隔从各档案下一次走访起生效。")
                return redirect("jobseekers:rules")
        return render(request, self.template_name, {"formset": formset}, status=400)

