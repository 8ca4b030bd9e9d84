"""Pages of matching: an archive's matching page, recommendations, candidates, pushes, outbox, batch runs."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext, pgettext
from django.views import View
from django.views.generic import ListView, TemplateView

from core.crypto import decrypt
from core.masking import mask_id_number
from core.permissions import AdminRequiredMixin, InternalRequiredMixin
from jobs.models import JobPosting
from jobseekers.models import JobseekerArchive

from . import selectors, services
from .filtersets import PushRecordFilterSet, SmsOutboxFilterSet
from .forms import GuidanceForm, InsuranceForm, OutcomeForm, PushForm
from .models import BatchRun, GuidanceSession, InsuranceHelp, PushRecord, SmsOutbox


def _joined(texts: list[str]) -> str:
    return pgettext("between error messages", "；").join(texts)


def _error_text(exc: ValidationError) -> str:
    return _joined(exc.messages)


def _form_error_text(form) -> str:
    return _joined([e for errs in form.errors.values() for e in errs])


def _archive(request, pk) -> JobseekerArchive:
    return get_object_or_404(JobseekerArchive.objects.visible_to(request.user).select_related("station"), pk=pk)


class ArchiveMatchingView(InternalRequiredMixin, TemplateView):
    """/matching/archives/<pk>/: recommendations, pushes, guidance and insurance help of one archive."""

    template_name = "matching/archive_matching.html"
    with_details = True

    def get_context_data(self, **kwargs):
        archive = _archive(self.request, kwargs["pk"])
        ctx = super().get_context_data(**kwargs)
        ctx.update(archive=archive, masked_id=mask_id_number(decrypt(archive.id_number_encrypted))
                   if archive.id_number_encrypted else "", recommendations=selectors.archive_recommendations(
                       archive=archive), push_form=PushForm(), channels=PushRecord.Channel.choices,
                   not_looking=selectors.not_looking_reason(archive))
        if self.with_details:
            insurance = InsuranceHelp.objects.filter(archive=archive).first()
            ctx.update(
                pushes=list(selectors.archive_pushes(archive=archive)), outcome_choices=OutcomeForm().fields[
                    "outcome"].choices,
                guidance=list(GuidanceSession.objects.filter(archive=archive).select_related("counsellor")),
                guidance_form=GuidanceForm(), insurance=insurance,
                insurance_form=InsuranceForm(instance=insurance or InsuranceHelp(archive=archive)),
            )
        return ctx


class ArchiveRecommendationsView(ArchiveMatchingView):
    """/matching/archives/<pk>/recommendations/: the ranked, explained recommendations only."""

    template_name = "matching/archive_recommendations.html"
    with_details = False


class _ArchivePostView(InternalRequiredMixin, View):
    def redirect_back(self, archive):
        return redirect(reverse("matching:archive", args=[archive.pk]))


class PushCreateView(_ArchivePostView):
    def post(self, request, pk):
        archive = _archive(request, pk)
        form = PushForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("推送失败：%(errors)s") % {"errors": _form_error_text(form)})
            return self.redirect_back(archive)
        try:
            pushes = services.push_create(actor=request.user, archive=archive, postings=list(form.cleaned_data["postings"]),
                                          channel=form.cleaned_data["channel"], note=form.cleaned_data["note"])
        except ValidationError as exc:
            messages.error(request, gettext("推送失败：%(errors)s") % {"errors": _error_text(exc)})
        else:
            messages.success(request, ngettext("已推送 %(n)s 个岗位。", "已推送 %(n)s 个岗位。", len(pushes))
                             % {"n": len(pushes)})
        return self.redirect_back(archive)


class PushOutcomeView(_ArchivePostView):
    def post(self, request, pk):
        push = get_object_or_404(PushRecord.objects.visible_to(request.user).select_related("archive"), pk=pk)
        form = OutcomeForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("登记失败：%(errors)s") % {"errors": _form_error_text(form)})
            return self.redirect_back(push.archive)
        try:
            services.push_record_outcome(actor=request.user, push=push, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, gettext("登记失败：%(errors)s") % {"errors": _error_text(exc)})
        else:
            messages.success(request, gettext("已登记反馈：%(outcome)s。")
                             % {"outcome": dict(PushRecord.Outcome.choices)[form.cleaned_data["outcome"]]})
        return self.redirect_back(push.archive)


class GuidanceCreateView(_ArchivePostView):
    def post(self, request, pk):
        archive = _archive(request, pk)
        form = GuidanceForm(request.POST)
        if not form.is_valid():
            messages.error(request, gettext("保存失败：%(errors)s") % {"errors": _form_error_text(form)})
            return self.redirect_back(archive)
        try:
            services.guidance_create(actor=request.user, archive=archive, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, gettext("保存失败：%(errors)s") % {"errors": _error_text(exc)})
        else:
            messages.success(request, gettext("已记录职业指导。"))
        return self.redirect_back(archive)


class InsuranceUpdateView(_ArchivePostView):
    def post(self, request, pk):
        archive = _archive(request, pk)
        form = InsuranceForm(request.POST, instance=InsuranceHelp.objects.filter(archive=archive).first()
                             or InsuranceHelp(archive=archive))
        if not form.is_valid():
            messages.error(request, gettext("保存失败：%(errors)s") % {"errors": _form_error_text(form)})
            return self.redirect_back(archive)
        try:
            data = dict(form.cleaned_data)
            services.insurance_update(actor=request.user, archive=archive, expected_version=data.pop("version"),
                                      **data)
        except ValidationError as exc:
            messages.error(request, gettext("保存失败：%(errors)s") % {"errors": _error_text(exc)})
        else:
            messages.success(request, gettext("已更新就业参保登记。"))
        return self.redirect_back(archive)


class PostingCandidatesView(InternalRequiredMixin, TemplateView):
    """/matching/postings/<pk>/candidates/: ranked active archives the user may see for a posting."""

    template_name = "matching/posting_candidates.html"

    def get_context_data(self, **kwargs):
        posting = get_object_or_404(JobPosting.objects.visible_to(self.request.user)
                                    .select_related("employer", "occupation"), pk=kwargs["pk"])
        return super().get_context_data(posting=posting, candidates=selectors.posting_candidates(
            posting=posting, user=self.request.user), **kwargs)


class PushListView(InternalRequiredMixin, ListView):
    template_name = "matching/push_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = (PushRecord.objects.visible_to(self.request.user)
              .select_related("archive", "posting__employer", "pushed_by").order_by("-pushed_at", "-id"))
        self.filterset = PushRecordFilterSet(self.request.GET, queryset=qs)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class OutboxListView(InternalRequiredMixin, ListView):
    template_name = "matching/outbox_list.html"
    paginate_by = 50

    def get_queryset(self):
        qs = SmsOutbox.objects.visible_to(self.request.user).select_related("archive").order_by("-created_at")
        self.filterset = SmsOutboxFilterSet(self.request.GET, queryset=qs)
        return self.filterset.qs

    def get_context_data(self, **kwargs):
        return super().get_context_data(filter=self.filterset, **kwargs)


class OutboxRetryView(InternalRequiredMixin, View):
    def post(self, request, pk):
        msg = get_object_or_404(SmsOutbox.objects.visible_to(request.user), pk=pk)
        try:
            services.sms_retry(actor=request.user, outbox=msg)
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
        else:
            messages.success(request, gettext("已重新加入发送队列。"))
        return redirect("matching:outbox")


class BatchRunListView(AdminRequiredMixin, ListView):
    """Nightly batch runs with their progress (admins)."""

    template_name = "matching/batch_list.html"
    paginate_by = 20
    queryset = BatchRun.objects.order_by("-started_at")


class FunnelView(InternalRequiredMixin, TemplateView):
    """推送成效: how many pushes led to interest, an interview and a hire, per station or district."""

    template_name = "matching/funnel.html"

    def get(self, request, *args, **kwargs):
        context = self.get_context_data(**kwargs)
        return self.render_to_response(context, status=400 if context["filter"].errors else 200)

    def get_context_data(self, **kwargs):
        funnel = selectors.push_funnel_for(user=self.request.user, data=self.request.GET)
        return super().get_context_data(**funnel, **kwargs)
