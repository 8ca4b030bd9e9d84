"""The pages of a spreadsheet import (core.imports), shared by every importer: upload, progress (polled by htmx
as a fragment), retry, the template and the row-error report. An app subclasses each with its importer, its
scoped job look-up and its URL names; templates/includes/import_progress.html is the one progress fragment."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.cache import never_cache

from .imports import SheetImport
from .permissions import InternalRequiredMixin
from .spreadsheets import xlsx_response


class ImportJobMixin(InternalRequiredMixin):
    """`get_job(request, pk)`: the job in the user's scope (404 otherwise); `url_names`: the app's pages."""

    importer: SheetImport
    url_names: dict[str, str] = {}  # "upload", "progress", "report", "retry" → URL names

    def get_job(self, request, pk: int):
        raise NotImplementedError

    def report_allowed(self, request, job) -> bool:
        return True

    def job_context(self, request, job) -> dict:
        urls = {name: reverse(url, args=[job.pk]) for name, url in self.url_names.items() if name != "upload"}
        if "upload" in self.url_names:
            urls["upload"] = reverse(self.url_names["upload"])
        return {"job": job, "import_urls": urls, "can_download_report": self.report_allowed(request, job)}


class ImportTemplateView(InternalRequiredMixin, View):
    importer: SheetImport
    filename = "导入模板.xlsx"

    def get(self, request):
        return xlsx_response(self.importer.template_workbook(), self.filename)


class ImportUploadView(InternalRequiredMixin, View):
    """GET the form (and the recent jobs), POST an upload: `start` stores it and queues the run."""

    template_name = ""
    form_class = None
    progress_url_name = ""

    def context(self, request, form) -> dict:
        return {"form": form}

    def start(self, request, form):
        raise NotImplementedError

    def get(self, request):
        return render(request, self.template_name, self.context(request, self.form_class(user=request.user)))

    def post(self, request):
        form = self.form_class(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                job = self.start(request, form)
            except (ValidationError, PermissionDenied) as exc:
                form.add_error(None, exc.messages if isinstance(exc, ValidationError) else str(exc))
            else:
                return redirect(self.progress_url_name, pk=job.pk)
        return render(request, self.template_name, self.context(request, form), status=400)


class ImportProgressView(ImportJobMixin, View):
    """The job's page; under htmx only the progress fragment, which polls itself until the job is finished."""

    template_name = ""
    fragment_template = "includes/import_progress.html"

    def get(self, request, pk):
        job = self.get_job(request, pk)
        template = self.fragment_template if request.headers.get("HX-Request") else self.template_name
        return render(request, template, self.job_context(request, job))


class ImportRetryView(ImportJobMixin, View):
    def retry(self, request, job):
        return self.importer.retry(actor=request.user, job=job)

    def post(self, request, pk):
        job = self.get_job(request, pk)
        try:
            self.retry(request, job)
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
        return redirect(self.url_names["progress"], pk=job.pk)


@method_decorator(never_cache, name="dispatch")  # the rows as uploaded
class ImportReportView(ImportJobMixin, View):
    """The failed rows with every column as uploaded, then the row number and the reason."""

    filename = "导入错误报告_{pk}.xlsx"
    refused = ""

    def downloaded(self, request, job) -> None:
        """Called before the report is sent (e.g. to audit it)."""

    def get(self, request, pk):
        job = self.get_job(request, pk)
        if not self.report_allowed(request, job):
            raise PermissionDenied(self.refused)
        content = job.get_report()
        if not content:
            raise Http404(_("错误报告已按保留期限删除，或本次导入没有错误行。"))
        self.downloaded(request, job)
        response = xlsx_response(content, self.filename.format(pk=job.pk))
        response["Cache-Control"] = "no-store"
        return response
