"""Pages of the jobseekers app: thin — parse input, call a selector or service, render."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.forms import modelformset_factory
from django.http import JsonResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views import View
from django.views.decorators.cache import never_cache
from django.views.generic import ListView

from core import import_views
from core.forms import add_service_errors
from core.permissions import CityAdminRequiredMixin, InternalRequiredMixin
from core.plugins import panels
from core.scoping import scope_of
from core.spreadsheets import xlsx_response
from stations.models import StationMembership

from . import imports, selectors, services
from .filtersets import search_by_hash
from .forms import ArchiveForm, CertificateForm, FullExportForm, ImportForm, StatusEntryForm, VisitForm
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
    """The search form posts; a full ID number comes back as its keyed hash in the redirect's URL."""

    template_name = "jobseekers/archive_list.html"
    paginate_by = 20

    def get(self, request, *args, **kwargs):
        hashed = search_by_hash(request.GET)  # an old bookmark or a typed URL: stop it spreading
        if hashed is not None:
            return redirect(f"{request.path}?{hashed.urlencode()}")
        return super().get(request, *args, **kwargs)

    def post(self, request, *args, **kwargs):
        data = search_by_hash(request.POST) or request.POST.copy()
        data.pop("csrfmiddlewaretoken", None)
        data.pop("page", None)
        query = urlencode([(k, v) for k, values in data.lists() for v in values if v])
        return redirect(f"{request.path}?{query}" if query else request.path)

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
                messages.success(request, _("档案已建立。"))
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
                messages.success(request, _("档案已保存。"))
                return redirect(archive)
        archive.refresh_from_db()
        return render(request, self.template_name, {"form": form, "archive": archive}, status=400)


def _detail_context(request, archive, **extra):
    return {
        "archive": archive,
        "entries": archive.status_entries.select_related("recorded_by"),
        "visits": archive.visits.select_related("staff"),
        "tasks": archive.followups.all()[:20],
        "certificates": selectors.certificate_list(archive=archive),
        "status_form": extra.pop("status_form", None) or StatusEntryForm(),
        "today": timezone.localdate(),
        "main_panels": panels("archive_main", request=request, archive=archive),  # e.g. assistance's 可享政策
        "side_panels": panels("archive_side", request=request, archive=archive),  # e.g. training's referrals
        **extra,
    }


class ArchiveDetailView(InternalRequiredMixin, View):
    def get(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        return render(request, "jobseekers/archive_detail.html", _detail_context(request, archive))


@method_decorator(never_cache, name="dispatch")  # personal data: no browser or proxy keeps a copy
class ArchiveRevealView(InternalRequiredMixin, View):
    """POST only: the full ID number and phone, audited."""

    def post(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        values = services.archive_reveal(actor=request.user, archive=archive)
        return render(request, "jobseekers/_revealed.html", {"archive": archive, **values})


class CertificateCreateView(InternalRequiredMixin, View):
    """添加证书 on an archive."""

    template_name = "jobseekers/certificate_form.html"

    def get(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        return render(request, self.template_name, {"archive": archive, "form": CertificateForm()})

    def post(self, request, pk):
        archive = selectors.archive_get(user=request.user, pk=pk)
        form = CertificateForm(request.POST)
        if form.is_valid():
            try:
                services.certificate_create(actor=request.user, archive=archive, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("证书已添加。"))
                return redirect(archive)
        return render(request, self.template_name, {"archive": archive, "form": form}, status=400)


class CertificateUpdateView(InternalRequiredMixin, View):
    """修改证书."""

    template_name = "jobseekers/certificate_form.html"

    def get(self, request, pk, certificate_pk):
        certificate = selectors.certificate_get(user=request.user, archive_pk=pk, pk=certificate_pk)
        return render(request, self.template_name, {"archive": certificate.archive, "certificate": certificate,
                                                    "form": CertificateForm(instance=certificate)})

    def post(self, request, pk, certificate_pk):
        certificate = selectors.certificate_get(user=request.user, archive_pk=pk, pk=certificate_pk)
        archive = certificate.archive
        form = CertificateForm(request.POST, instance=certificate)
        if form.is_valid():
            try:
                services.certificate_update(actor=request.user, certificate=certificate, **form.service_kwargs())
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("证书已保存。"))
                return redirect(archive)
        return render(request, self.template_name, {"archive": archive, "certificate": certificate, "form": form},
                      status=400)


class CertificateDeleteView(InternalRequiredMixin, View):
    """POST only: 删除证书 (entered by mistake)."""

    def post(self, request, pk, certificate_pk):
        certificate = selectors.certificate_get(user=request.user, archive_pk=pk, pk=certificate_pk)
        services.certificate_delete(actor=request.user, certificate=certificate)
        messages.success(request, _("证书已删除。"))
        return redirect(certificate.archive)


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


def _export_rows(request, data, *, stations=None):
    """The archives an export writes (the list's filters, in scope), or a response refusing them."""
    filterset = selectors.archive_list(user=request.user, data=data, request=request)
    if not filterset.is_valid():
        messages.error(request, _("筛选条件有误，未导出。"))
        return None, redirect("jobseekers:archive_list")
    qs = filterset.qs if stations is None else filterset.qs.filter(station_id__in=stations)
    if qs.count() > EXPORT_MAX_ROWS:
        messages.error(request, _("符合条件的档案超过 %(max)s 份，请缩小筛选范围（如按街镇、站点）后分批导出。")
                       % {"max": EXPORT_MAX_ROWS})
        return None, redirect(f"{reverse('jobseekers:archive_list')}?{data.urlencode()}")
    return list(qs.order_by("station_id", "id")), None


def _filters_text(data) -> str:
    return "&".join(f"{k}={v}" for k, v in data.items() if k not in {"full", "page", "q"} and v)


def _export_response(archives, *, full: bool):
    name = f"求职者档案{'（完整）' if full else ''}_{timezone.localdate():%Y%m%d}.xlsx"
    response = xlsx_response(imports.export_workbook(archives, full=full), name)
    response["Cache-Control"] = "no-store"
    return response


class ArchiveExportView(InternalRequiredMixin, View):
    """The masked export (a link). `?full=1` goes to the full export's confirmation page."""

    def get(self, request):
        if request.GET.get("full") == "1":
            query = request.GET.copy()
            query.pop("full")
            return redirect(f"{reverse('jobseekers:archive_export_full')}?{query.urlencode()}")
        archives, refused = _export_rows(request, request.GET)
        if refused:
            return refused
        services.archive_export_record(actor=request.user, archives=archives, full=False,
                                       filters=_filters_text(request.GET))
        return _export_response(archives, full=False)


class ArchiveFullExportView(InternalRequiredMixin, View):
    """导出完整信息: station heads (their stations) and district/city admins, after a reason and a confirmation."""

    template_name = "jobseekers/export_full.html"

    def allowed_stations(self, request):
        allowed = full_export_stations(request.user)
        if allowed == []:
            raise PermissionDenied(_("只有站长和区级、市级管理员可以导出完整身份证号和手机号；请导出脱敏版本。"))
        return allowed

    def get(self, request):
        self.allowed_stations(request)
        form = FullExportForm(initial={"query": request.GET.urlencode()})
        return render(request, self.template_name, {"form": form, "filters": _filters_text(request.GET)})

    def post(self, request):
        stations = self.allowed_stations(request)
        form = FullExportForm(request.POST)
        data = QueryDict(request.POST.get("query", ""))
        if not form.is_valid():
            return render(request, self.template_name, {"form": form, "filters": _filters_text(data)}, status=400)
        archives, refused = _export_rows(request, data, stations=stations)
        if refused:
            return refused
        services.archive_export_record(actor=request.user, archives=archives, full=True,
                                       filters=_filters_text(data), reason=form.cleaned_data["reason"])
        return _export_response(archives, full=True)


class ArchiveImportJobMixin:
    importer = imports.ARCHIVES
    url_names = {"upload": "jobseekers:import", "progress": "jobseekers:import_detail",
                 "report": "jobseekers:import_errors", "retry": "jobseekers:import_retry"}

    def get_job(self, request, pk):
        return selectors.import_job_get(user=request.user, pk=pk)

    def report_allowed(self, request, job) -> bool:
        return services.import_report_allowed(user=request.user, job=job)


class ImportTemplateView(import_views.ImportTemplateView):
    importer = imports.ARCHIVES
    filename = "求职者档案导入模板.xlsx"


class ImportView(import_views.ImportUploadView):
    template_name = "jobseekers/import_form.html"
    form_class = ImportForm
    progress_url_name = "jobseekers:import_detail"

    def context(self, request, form) -> dict:
        return {"form": form, "max_rows": imports.MAX_ROWS, "jobs": selectors.import_jobs_recent(user=request.user)}

    def start(self, request, form):
        return services.import_start(actor=request.user, station=form.cleaned_data["station"],
                                     file_name=form.cleaned_data["file"].name, content=form.content,
                                     mode=form.cleaned_data["mode"])


class ImportJobDetailView(ArchiveImportJobMixin, import_views.ImportProgressView):
    template_name = "jobseekers/import_detail.html"


class ImportRetryView(ArchiveImportJobMixin, import_views.ImportRetryView):
    def retry(self, request, job):
        return services.import_retry(actor=request.user, job=job)


class ImportErrorsView(ArchiveImportJobMixin, import_views.ImportReportView):
    """The failed rows with every column as uploaded (full ID numbers: the uploader's own data back), audited."""

    refused = _lazy("错误报告含完整身份证号，只有上传人、本站站长和管理员可以下载。")

    def downloaded(self, request, job) -> None:
        services.import_report_download(actor=request.user, job=job)


class OccupationSearchView(InternalRequiredMixin, View):
    def get(self, request):
        q = request.GET.get("q", "")
        if "\x00" in q:  # PostgreSQL refuses NUL in a string literal: refuse it here, not with a 500
            return JsonResponse({"results": [], "error": gettext("搜索词含有不允许的字符。")}, status=400)
        return JsonResponse({"results": selectors.occupation_search(q=q)})


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

