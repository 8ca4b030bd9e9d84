"""Pages of consulting: the public booking pages (no login) and the staff and expert pages."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views import View
from openpyxl import Workbook

from core.errors import ConflictError
from core.forms import add_service_errors
from core.permissions import AdminRequiredMixin, InternalRequiredMixin, RoleRequiredMixin
from core.scoping import scope_of
from core.spreadsheets import xlsx_response
from jobseekers.selectors import archive_get

from .filtersets import AppointmentFilterSet
from .forms import BookingForm, ExpertForm, RecordForm, SessionForm, StaffBookingForm
from .models import Appointment, ConsultationRecord, Expert, RecordAttachment, Session, Slot
from .selectors import (
    appointment_list,
    expert_fields,
    free_slots,
    noshow_rates,
    public_experts,
    public_slot_get,
    record_experts,
    record_list,
    session_list,
    staff_free_slots,
    startup_subsidy_openable,
    utilisation,
    week_slots,
)
from .services import (
    appointment_book,
    appointment_cancel,
    appointment_cancel_by_token,
    appointment_mark,
    attachment_add,
    attachment_read,
    case_open,
    expert_save,
    record_create,
    session_cancel,
    session_create,
    slot_cancel,
    slots_generate,
)
from .throttles import booking_throttled

# Public -------------------------------------------------------------------------------------------------


def home(request):
    """创业指导预约, step 1 and 2: a field of expertise, then an expert."""
    field = request.GET.get("field", "").strip()
    context = {"fields": expert_fields(), "field": field, "experts": public_experts(field=field)}
    if scope_of(request.user).is_internal:  # staff see no-show rates; residents never do
        context["noshow_rates"] = noshow_rates(user=request.user)
    return render(request, "consulting/home.html", context)


def expert_public(request, pk: int):
    """Step 3: the expert's free slots by day."""
    expert = get_object_or_404(Expert.objects.active(), pk=pk)
    days: dict = {}
    for slot in free_slots(expert):
        days.setdefault(timezone.localdate(slot.start), []).append(slot)
    return render(request, "consulting/expert_public.html", {"expert": expert, "days": sorted(days.items())})


def expert_photo(request, pk: int):
    """An active expert's photo (stored in the database, type checked by content on upload)."""
    expert = get_object_or_404(Expert.objects.active().exclude(photo=None), pk=pk)
    response = HttpResponse(bytes(expert.photo), content_type=expert.photo_content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "public, max-age=3600"
    return response


def book(request, slot_pk: int):
    """Step 4: name, phone, topic, consent; throttled per address and phone, with a honeypot."""
    slot = public_slot_get(slot_pk)
    if slot is None:
        raise Http404
    form = BookingForm(request.POST or None)
    offer = []
    status = 200
    if request.method == "POST":
        if booking_throttled(request):
            return render(request, "consulting/rate_limited.html", status=429)
        if form.is_bot:  # a bot filled the hidden field: answer like a success, book nothing
            return render(request, "consulting/booked.html", {"slot": slot, "bot": True})
        if form.is_valid():
            data = form.cleaned_data
            try:
                appointment = appointment_book(actor=None, slot=slot, name=data["name"], phone=data["phone"],
                                               topic=data["topic"], consent=data["consent"])
            except ValidationError as exc:
                add_service_errors(form, exc)
                if isinstance(exc, ConflictError):
                    offer, status = free_slots(slot.expert, limit=3), 409
            else:
                return render(request, "consulting/booked.html", {"slot": slot, "appointment": appointment})
        if status == 200:
            status = 400
    return render(request, "consulting/book.html", {"slot": slot, "form": form, "offer": offer}, status=status)


def appointment_cancel_public(request, token: str):
    """The signed cancel link of the confirmation SMS: GET asks, POST cancels."""
    context = {"token": token}
    if request.method == "POST":
        try:
            appointment = appointment_cancel_by_token(token=token)
        except ValidationError as exc:
            return render(request, "consulting/cancel.html", {**context, "error": exc.messages[0]}, status=400)
        return render(request, "consulting/cancel.html", {**context, "done": True,
                                                          "when": timezone.localtime(appointment.start)})
    return render(request, "consulting/cancel.html", context)


# Staff, experts, district admins ------------------------------------------------------------------------

class ConsultingMixin(RoleRequiredMixin):
    allowed_levels = ("staff", "district", "city", "expert")


def _date(value: str | None, default: dt.date) -> dt.date:
    try:
        return dt.date.fromisoformat(value) if value else default
    except ValueError:
        return default


class WeekView(ConsultingMixin, View):
    """坐诊日历: the week's slots in scope, by day, with who booked them (names only, phones masked)."""

    def get(self, request):
        day = _date(request.GET.get("week"), timezone.localdate())
        monday = day - dt.timedelta(days=day.weekday())
        return render(request, "consulting/week.html", {
            "days": sorted(week_slots(user=request.user, monday=monday).items()), "monday": monday,
            "prev": monday - dt.timedelta(days=7), "next": monday + dt.timedelta(days=7), "now": timezone.now()})


class ExpertListView(AdminRequiredMixin, View):
    """创业指导专家: the experts a district admin manages (city admins: all), active and not."""

    def get(self, request):
        experts = Expert.objects.visible_to(request.user).defer("photo").select_related("district", "user")
        return render(request, "consulting/expert_list.html", {"rows": experts.order_by("-is_active", "name", "pk")})


class ExpertEditView(AdminRequiredMixin, View):
    """Add an expert (no pk) or edit one of the admin's district; another district's expert is a 404."""

    def _expert(self, request, pk):
        return get_object_or_404(Expert.objects.visible_to(request.user).defer("photo"), pk=pk) if pk else None

    def get(self, request, pk: int | None = None):
        expert = self._expert(request, pk)
        return render(request, "consulting/expert_form.html",
                      {"form": ExpertForm(user=request.user, expert=expert), "expert": expert})

    def post(self, request, pk: int | None = None):
        expert = self._expert(request, pk)
        form = ExpertForm(request.POST, request.FILES, user=request.user, expert=expert)
        if form.is_valid():
            try:
                with transaction.atomic():
                    expert = expert_save(actor=request.user, expert=expert, **form.values())
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("专家信息已保存。"))
                return redirect("consulting:expert_list")
        return render(request, "consulting/expert_form.html", {"form": form, "expert": expert}, status=400)


class SessionListView(ConsultingMixin, View):
    """坐诊安排: the recurring rules in scope, their future slots and bookings, and cancelling a whole rule."""

    def get(self, request):
        status = request.GET.get("status", Session.Status.ACTIVE)
        status = status if status in Session.Status.values else ""
        paginator = Paginator(session_list(user=request.user, status=status), 50)
        page = paginator.get_page(request.GET.get("page"))
        return render(request, "consulting/session_list.html", {
            "rows": page.object_list, "paginator": paginator, "page_obj": page, "is_paginated": page.has_other_pages(),
            "status": status, "statuses": Session.Status.choices, "can_edit": scope_of(request.user).is_internal})


class SessionCreateView(InternalRequiredMixin, View):
    """新增坐诊安排: the rule is saved and its slots for the coming weeks are made at once (the beat task keeps
    them going)."""

    def get(self, request):
        return render(request, "consulting/session_form.html", {"form": SessionForm(user=request.user)})

    def post(self, request):
        form = SessionForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                with transaction.atomic():
                    session = session_create(actor=request.user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                made = slots_generate(only=session)
                messages.success(request, _("坐诊安排已保存，已生成 %(n)s 个可预约时段。") % {"n": made})
                return redirect("consulting:session_list")
        return render(request, "consulting/session_form.html", {"form": form}, status=400)


class SessionCancelView(InternalRequiredMixin, View):
    """Cancel a whole rule and its future slots; every resident booked in them is told by SMS."""

    def post(self, request, pk: int):
        session = get_object_or_404(Session.objects.visible_to(request.user), pk=pk)
        reason = request.POST.get("reason", "").strip()[:30] or "专家时间调整"
        try:
            told = session_cancel(actor=request.user, session=session, reason=reason)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("坐诊安排已取消；已通知 %(n)s 位已预约的居民。") % {"n": told})
        return redirect("consulting:session_list")


class SlotCancelView(ConsultingMixin, View):
    def post(self, request, pk: int):
        slot = get_object_or_404(Slot.objects.visible_to(request.user), pk=pk)
        try:
            slot_cancel(actor=request.user, slot=slot)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("时段已取消；已预约的居民会收到短信通知。"))
        return redirect(f"{reverse('consulting:week')}?week={timezone.localdate(slot.start)}")


class AppointmentListView(ConsultingMixin, View):
    """预约列表 (the expert's day page when the expert logs in: today's appointments by default)."""

    def get(self, request):
        is_expert = scope_of(request.user).is_expert
        query = request.GET.copy()
        if is_expert and not query.get("day"):  # the expert's day: today unless they pick another
            query["day"] = timezone.localdate().isoformat()
        filters = AppointmentFilterSet(query, queryset=appointment_list(user=request.user))
        rows = filters.qs if filters.is_valid() else filters.queryset.none()
        paginator = Paginator(rows, 50)
        page = paginator.get_page(request.GET.get("page"))
        records = [a.record for a in page.object_list if hasattr(a, "record")]
        return render(request, "consulting/appointment_list.html", {
            "rows": page.object_list, "openable": startup_subsidy_openable(user=request.user, records=records),
            "paginator": paginator, "page_obj": page, "is_paginated": page.has_other_pages(), "filter": filters,
            "day": filters.form.cleaned_data.get("day") if filters.is_valid() else None,
            "is_expert": is_expert, "now": timezone.now()})


class RecordListView(ConsultingMixin, View):
    """咨询记录: the consultations recorded in scope (an expert: their own), filters by expert, open follow-ups
    and a word of the topic or advice."""

    def get(self, request):
        expert = request.GET.get("expert", "")
        expert_id = int(expert) if expert.isdigit() else None
        q = request.GET.get("q", "").strip()[:40]
        open_followups = request.GET.get("open") == "1"
        paginator = Paginator(record_list(user=request.user, expert_id=expert_id, open_followups=open_followups, q=q),
                              50)
        page = paginator.get_page(request.GET.get("page"))
        return render(request, "consulting/record_list.html", {
            "rows": page.object_list, "paginator": paginator, "page_obj": page, "is_paginated": page.has_other_pages(),
            "openable": startup_subsidy_openable(user=request.user, records=page.object_list),
            "experts": record_experts(user=request.user),
            "expert_id": expert_id, "q": q, "open": open_followups})


class AppointmentActionView(ConsultingMixin, View):
    """Mark attended / no-show, or cancel on the resident's behalf."""

    def post(self, request, pk: int, what: str):
        appointment = get_object_or_404(Appointment.objects.visible_to(request.user), pk=pk)
        try:
            if what == "cancel":
                appointment_cancel(actor=request.user, appointment=appointment)
            elif what in (Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW):
                appointment_mark(actor=request.user, appointment=appointment, status=what)
            else:
                raise Http404
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
        else:
            messages.success(request, _("已保存。"))
        return redirect("consulting:appointment_list")


class UtilisationView(AdminRequiredMixin, View):
    """District admins: per expert per month, slots offered, booked, attended, no-show; Excel export."""

    def get(self, request):
        month = _date(f"{request.GET['month']}-01" if request.GET.get("month") else None,
                      timezone.localdate()).replace(day=1)
        end = (month + dt.timedelta(days=32)).replace(day=1)
        rows = utilisation(user=request.user, month_start=month, month_end=end)
        if request.GET.get("format") == "xlsx":
            wb = Workbook()
            ws = wb.active
            ws.title = f"{month:%Y-%m}"
            ws.append([_("专家"), _("开放时段"), _("已预约"), _("到场"), _("未到场")])
            for r in rows:
                ws.append([r["expert"], r["offered"], r["booked"], r["attended"], r["no_show"]])
            return xlsx_response(wb, f"创业指导专家利用率-{month:%Y-%m}.xlsx")
        return render(request, "consulting/utilisation.html", {"rows": rows, "month": month})


class RecordCreateView(ConsultingMixin, View):
    """咨询记录 of one appointment: advice, topics, follow-ups, an attachment."""

    def _page(self, request, appointment, form, status=200):
        record = ConsultationRecord.objects.visible_to(request.user).filter(appointment=appointment).first()
        attachments = list(RecordAttachment.objects.visible_to(request.user).filter(record=record)) if record else []
        openable = startup_subsidy_openable(user=request.user, records=[record]) if record else set()
        return render(request, "consulting/record.html", {"appointment": appointment, "form": form, "record": record,
                                                          "attachments": attachments, "openable": openable},
                      status=status)

    @staticmethod
    def _offer_archive(request, appointment) -> bool:
        return appointment.archive_id is None and scope_of(request.user).is_staff_member

    def get(self, request, pk: int):
        appointment = get_object_or_404(Appointment.objects.visible_to(request.user).select_related("expert"), pk=pk)
        return self._page(request, appointment, RecordForm(offer_archive=self._offer_archive(request, appointment)))

    def post(self, request, pk: int):
        appointment = get_object_or_404(Appointment.objects.visible_to(request.user)
                                        .select_related("expert", "station__street"), pk=pk)
        form = RecordForm(request.POST, request.FILES, offer_archive=self._offer_archive(request, appointment))
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    record = record_create(actor=request.user, appointment=appointment, advice=data["advice"],
                                           topics=data["topics"], actions=data["actions"],
                                           archive=appointment.archive,
                                           create_archive=form.create_archive(street=appointment.station.street))
                    if data["file"]:
                        attachment_add(actor=request.user, record=record, name=data["file"].name,
                                       content=data["file"].read(ATTACHMENT_READ_LIMIT))
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc, {"id_number": "archive_id_number", "consent_scope": "archive_consent_scope"})
            else:
                messages.success(request, _("咨询记录已保存。"))
                return redirect("consulting:record", pk=appointment.pk)
        return self._page(request, appointment, form, status=400)


class RecordStartupSubsidyView(RoleRequiredMixin, View):
    """"申请创业补贴": a 创业补贴 draft pre-filled from the record (assistance's opener), then its case page."""

    allowed_levels = ("staff", "district", "city")

    def post(self, request, pk: int):
        record = get_object_or_404(ConsultationRecord.objects.visible_to(request.user)
                                   .select_related("appointment", "expert", "station"), pk=pk)
        try:
            case = case_open(actor=request.user, kind="startup_subsidy", record=record)
        except (ValidationError, PermissionDenied) as exc:
            messages.error(request, " ".join(getattr(exc, "messages", [str(exc)])))
            return redirect("consulting:record", pk=record.appointment_id)
        messages.success(request, _("已根据咨询记录起草创业补贴申请，请核对材料后提交。"))
        return redirect(case.get_absolute_url())


ATTACHMENT_READ_LIMIT = 5 * 1024 * 1024 + 1  # one byte more than allowed, so the service can refuse it


class AttachmentDownloadView(ConsultingMixin, View):
    """The only way to an attachment: scope-checked, decrypted, audited, never rendered inline."""

    def get(self, request, pk: int):
        attachment = get_object_or_404(RecordAttachment.objects.visible_to(request.user).select_related(
            "record__station", "record__expert"), pk=pk)
        content = attachment_read(actor=request.user, attachment=attachment)
        response = HttpResponse(content, content_type=attachment.content_type)
        response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=attachment.name)
        response["X-Content-Type-Options"] = "nosniff"
        return response


class ArchiveBookView(RoleRequiredMixin, View):
    """Staff book a consultation for a jobseeker (from the archive): a free slot of their station's experts."""

    allowed_levels = ("staff", "district", "city")

    def _render(self, request, archive, form, status=200):
        return render(request, "consulting/archive_book.html", {"archive": archive, "form": form}, status=status)

    def get(self, request, archive_pk: int):
        archive = archive_get(user=request.user, pk=archive_pk)
        return self._render(request, archive, StaffBookingForm(slots=staff_free_slots(user=request.user)))

    def post(self, request, archive_pk: int):
        archive = archive_get(user=request.user, pk=archive_pk)
        slots = staff_free_slots(user=request.user)
        form = StaffBookingForm(request.POST, slots=slots)
        if form.is_valid():
            slot = next(s for s in slots if s.pk == form.cleaned_data["slot"])
            try:
                appointment_book(actor=request.user, slot=slot, name=archive.name, phone=archive.phone,
                                 topic=form.cleaned_data["topic"], consent=form.cleaned_data["consent"],
                                 archive=archive)
            except (ValidationError, PermissionDenied) as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已为该求职者预约创业指导，确认短信将发到其手机。"))
                return redirect("consulting:appointment_list")
        return self._render(request, archive, form, status=409 if form.errors.get("__all__") else 400)
