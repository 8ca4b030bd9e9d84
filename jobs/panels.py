"""Staff home: new "我感兴趣" leads and postings waiting for review."""

from .models import JobPosting, Lead


def staff_panels(request):
    leads = Lead.objects.visible_to(request.user).filter(status=Lead.Status.NEW)
    return [{"template": "jobs/_panel_staff.html", "context": {
        "new_leads": leads.count(),
        "recent": list(leads.select_related("posting")[:5]),
        "pending": JobPosting.objects.visible_to(request.user).filter(status=JobPosting.Status.PENDING).count(),
    }}]
