"""Home-page panels: new good matches (staff), nightly batch progress and SMS failures (admins)."""

from datetime import timedelta

from django.utils import timezone

from .models import BatchRun, SmsOutbox
from .selectors import new_good_matches


def staff_panels(request):
    since = timezone.now() - timedelta(days=1)
    return [{"template": "matching/_panel_staff.html",
             "context": {"matches": list(new_good_matches(user=request.user, since=since))}}]


def admin_panels(request):
    return [{"template": "matching/_panel_admin.html", "context": {
        "run": BatchRun.objects.order_by("-started_at").first(),
        "sms_failed": SmsOutbox.objects.visible_to(request.user).filter(status=SmsOutbox.Status.FAILED).count(),
    }}]
