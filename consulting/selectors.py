"""Reads of the consulting app."""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from assistance.models import Case
from assistance.selectors import archives_with_open_case
from core.scoping import scope_of

from . import services
from .models import Appointment, ConsultationRecord, Expert, Session, Slot

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


def session_list(*, user, status: str = "") -> list[Session]:
    """坐诊安排 in scope with their future slots and how many of those are booked (the sessions page)."""
    now = timezone.now()
    future = Q(slots__start__gt=now, slots__status=Slot.Status.OPEN)
    qs = (Session.objects.visible_to(user).select_related("expert", "station")
          .annotate(future_slots=Count("slots", filter=future, distinct=True),
                    future_booked=Count("slots__appointments", distinct=True,
                                        filter=future & Q(slots__appointments__status=Appointment.Status.BOOKED)))
          .order_by("status", "weekday", "start_time", "expert__name", "pk"))
    return qs.filter(status=status) if status else qs


def week_slots(*, user, monday) -> dict:
    """The week's slots in scope, by day, each with its active appointment (the staff calendar)."""
    import datetime as dt

    start = dt.datetime.combine(monday, dt.time.min, tzinfo=timezone.get_current_timezone())
    slots = (Slot.objects.visible_to(user).filter(start__gte=start, start__lt=start + dt.timedelta(days=7))
             .select_related("expert", "station", "session").order_by("start"))
    held = {a.slot_id: a for a in Appointment.objects.visible_to(user).active()
            .filter(slot__in=[s.pk for s in slots])}
    days = {monday + dt.timedelta(days=i): [] for i in range(7)}
    for slot in slots:
        slot.appointment = held.get(slot.pk)
        days[timezone.localdate(slot.start)].append(slot)
    return days


def startup_subsidy_openable(*, user, records) -> set[int]:
    """The records whose "申请创业补贴" button shows: linked to an archive that has no open 创业补贴 case yet, for
    staff of the record's station (only they draft cases), while an opener is registered."""
    scope = scope_of(user)
    if not scope.is_staff_member or "startup_subsidy" not in services.CASE_OPENERS:
        return set()
    archive_of = {r.pk: r.archive_id or r.appointment.archive_id for r in records
                  if r.station_id in scope.station_ids}
    busy = archives_with_open_case(archive_ids=archive_of.values(), kind=Case.Kind.STARTUP)
    return {pk for pk, archive in archive_of.items() if archive and archive not in busy}


def appointment_list(*, user):
    """Appointments in scope, newest first (filtered by `filtersets.AppointmentFilterSet`)."""
    return (Appointment.objects.visible_to(user).select_related("expert", "station", "archive", "record")
            .order_by("-start"))


def record_list(*, user, expert_id: int | None = None, open_followups: bool = False, q: str = ""):
    """咨询记录 in scope, newest first, with how many of their follow-ups are still open (the records page)."""
    qs = (ConsultationRecord.objects.visible_to(user).select_related("appointment", "expert", "station", "archive")
          .annotate(open_actions=Count("actions", filter=Q(actions__done_at__isnull=True)))
          .order_by("-appointment__start", "-pk"))
    if expert_id:
        qs = qs.filter(expert_id=expert_id)
    if open_followups:
        qs = qs.filter(open_actions__gt=0)
    if q:
        qs = qs.filter(Q(topics__contains=[q]) | Q(appointment__topic__icontains=q) | Q(advice__icontains=q))
    return qs


def record_experts(*, user):
    """The experts the records page can filter by: those with a record in the user's scope."""
    records = ConsultationRecord.objects.visible_to(user)
    return Expert.objects.defer("photo").filter(pk__in=records.values("expert_id")).order_by("name", "pk")


def utilisation(*, user, month_start, month_end) -> list[dict]:
    """Per expert in the month (slots offered, booked, attended, no-show) over the user's scope."""
    slots = (Slot.objects.visible_to(user).filter(start__date__gte=month_start, start__date__lt=month_end)
             .values("expert_id", "expert__name")
             .annotate(offered=Count("pk", distinct=True, filter=Q(status=Slot.Status.OPEN)),
                       booked=Count("appointments", filter=Q(appointments__status__in=HELD)),
                       attended=Count("appointments", filter=Q(appointments__status=Appointment.Status.ATTENDED)),
                       no_show=Count("appointments", filter=Q(appointments__status=Appointment.Status.NO_SHOW)))
             .order_by("expert__name"))
    return [{"expert": r["expert__name"], "offered": r["offered"], "booked": r["booked"], "attended": r["attended"],
             "no_show": r["no_show"]} for r in slots]


def staff_free_slots(*, user, limit: int = 200) -> list[Slot]:
    """Free slots staff may book: their stations' sessions (district/city admins: their scope's)."""
    return list(Slot.objects.visible_to(user).open().filter(start__gt=timezone.now(), expert__is_active=True)
                .exclude(Exists(Appointment.objects.filter(slot=OuterRef("pk"), status__in=HELD)))
                .select_related("expert", "station", "session").order_by("start")[:limit])
