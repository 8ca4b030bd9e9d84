"""Reads of the consulting app."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from .models import Appointment, Expert, Slot

HELD = [Appointment.Status.BOOKED, Appointment.Status.ATTENDED, Appointment.Status.NO_SHOW]


def expert_fields() -> list[str]:
    """Every field of expertise of an active expert, for the public page's first step."""
    fields = set()
    for values in Expert.objects.active().values_list("fields", flat=True):
        fields.update(values)
    return sorted(fields)


def public_experts(*, field: str = "") -> list[Expert]:
    qs = Expert.objects.active()
    if field:
        qs = qs.filter(fields__contains=[field])
    now = timezone.now()
    free = Slot.objects.open().filter(expert=OuterRef("pk"), start__gt=now).exclude(
        Exists(Appointment.objects.filter(slot=OuterRef("pk"), status__in=HELD)))
    return list(qs.annotate(has_free=Exists(free)).order_by("-has_free", "name"))


def free_slots(expert: Expert, *, limit: int = 60) -> list[Slot]:
    """The expert's bookable slots: open, in the future, nobody holding them."""
    return list(Slot.objects.open().filter(expert=expert, start__gt=timezone.now())
                .exclude(Exists(Appointment.objects.filter(slot=OuterRef("pk"), status__in=HELD)))
                .select_related("station", "session").order_by("start")[:limit])


def public_slot_get(pk: int) -> Slot | None:
    return (Slot.objects.select_related("expert", "station", "session").filter(pk=pk, expert__is_active=True)
            .first())


def noshow_rates(*, user) -> list[dict]:
    """Per station in the user's scope: attended, no-show and the no-show rate of past appointments (staff only)."""
    rows = (Appointment.objects.visible_to(user).filter(status__in=[Appointment.Status.ATTENDED,
                                                                    Appointment.Status.NO_SHOW])
            .values("station_id", "station__name")
            .annotate(attended=Count("pk", filter=Q(status=Appointment.Status.ATTENDED)),
                      no_show=Count("pk", filter=Q(status=Appointment.Status.NO_SHOW)))
            .order_by("station__name"))
    return [{"station": r["station__name"], "attended": r["attended"], "no_show": r["no_show"],
             "rate": round(100 * r["no_show"] / (r["attended"] + r["no_show"]))} for r in rows]
