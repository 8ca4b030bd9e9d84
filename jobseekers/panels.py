"""The staff home's worklist panel: open follow-up tasks of the user's stations, overdue first."""

from django.utils import timezone

from .selectors import worklist_for


def staff_panels(request):
    today = timezone.localdate()
    tasks = list(worklist_for(user=request.user, today=today)[:8])
    return [{"template": "jobseekers/_worklist_panel.html", "context": {"tasks": tasks, "today": today}}]
