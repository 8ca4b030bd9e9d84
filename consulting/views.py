"""Pages of consulting: the public booking pages (no login) and the staff and expert pages."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.errors import ConflictError
from core.forms import add_service_errors
from core.scoping import scope_of

from .forms import BookingForm
from .models import Expert
from .selectors import expert_fields, free_slots, noshow_rates, public_experts, public_slot_get
from .services import appointment_book, appointment_cancel_by_token
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
