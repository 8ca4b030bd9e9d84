"""Panels: the staff home's worklist (open follow-up tasks, overdue first) and, on the coverage page,
the share of open archives living within the walking circle of an operating station."""

from django.utils import timezone

from stations.selectors import archive_coverage

from .models import JobseekerArchive
from .selectors import worklist_for


def staff_panels(request):
    today = timezone.localdate()
    tasks = list(worklist_for(user=request.user, today=today)[:8])
    return [{"template": "jobseekers/_worklist_panel.html", "context": {"tasks": tasks, "today": today}}]


def coverage_panels(*, user, district, minutes: int, radius_m: float):
    archives = JobseekerArchive.objects.visible_to(user).active()
    if district is not None:
        archives = archives.filter(station__street__district=district)
    return [{"template": "jobseekers/_coverage_panel.html", "context": {
        "minutes": minutes, "archives": archive_coverage(archives=archives, radius_m=radius_m),
    }}]
