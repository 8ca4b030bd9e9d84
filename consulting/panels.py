"""Home-page panel: the consultations' follow-up actions due in the next week join the station's worklist."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from .models import FollowUpAction


def staff_panels(request):
    horizon = timezone.localdate() + dt.timedelta(days=7)
    actions = list(FollowUpAction.objects.visible_to(request.user).open().filter(due_date__lte=horizon)
                   .select_related("record__appointment", "record__expert").order_by("due_date")[:20])
    return [{"template": "consulting/_panel_staff.html", "context": {"actions": actions,
                                                                     "today": timezone.localdate()}}]


def archive_side_panels(*, request, archive):
    """The archive page: this jobseeker's upcoming consultations and a link to book one (staff booking page)."""
    from .models import Appointment

    upcoming = list(Appointment.objects.visible_to(request.user)
                    .filter(archive=archive, status=Appointment.Status.BOOKED, start__gte=timezone.now())
                    .select_related("expert", "station").order_by("start")[:10])
    return [{"template": "consulting/_archive_panel.html", "context": {"upcoming": upcoming}}]
