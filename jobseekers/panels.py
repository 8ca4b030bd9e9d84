"""Panels: the staff home's worklist (open follow-up tasks, overdue first), the admin home's full-export
volume warning and, on the coverage page,
the share of open archives living within the walking circle of an operating station."""

import datetime as dt

from django.conf import settings
from django.utils import timezone

from stations.selectors import archive_coverage

from .models import JobseekerArchive
from .selectors import full_export_volume, worklist_for


def staff_panels(request):
    today = timezone.localdate()
    tasks = list(worklist_for(user=request.user, today=today)[:8])
    return [{"template": "jobseekers/_worklist_panel.html", "context": {"tasks": tasks, "today": today}}]


def admin_panels(request):
    """A warning when someone exported unusually many full ID numbers and phones in the last 24 hours."""
    threshold = settings.FULL_EXPORT_WARN_ROWS
    heavy = full_export_volume(user=request.user, since=timezone.now() - dt.timedelta(hours=24), threshold=threshold)
    if not heavy:
        return []
    return [{"template": "jobseekers/_export_volume_panel.html", "context": {"heavy": heavy, "threshold": threshold}}]


def coverage_panels(*, user, district, minutes: int, radius_m: float):
    archives = JobseekerArchive.objects.visible_to(user).active()
    if district is not None:
        archives = archives.filter(station__street__district=district)
    return [{"template": "jobseekers/_coverage_panel.html", "context": {
        "minutes": minutes, "archives": archive_coverage(archives=archives, radius_m=radius_m),
    }}]
