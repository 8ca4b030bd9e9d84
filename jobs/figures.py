"""Dashboard figures of the jobs app (protocol: core/figures.py): the staff posting list shows each one's rows."""

from core.figures import Figure, Trend

from .models import JobPosting

FIGURES = [
    Figure("jobs.published", "在招岗位", "岗位", "jobs:posting_list", rows=JobPosting.objects.published,
           params={"status": JobPosting.Status.PUBLISHED}, breakdown=True),
    Figure("jobs.headcount", "在招岗位招聘人数", "岗位", "jobs:posting_list", rows=JobPosting.objects.published,
           params={"status": JobPosting.Status.PUBLISHED}, sum_field="headcount"),
]

TRENDS = [
    Trend("jobs.published", "发布岗位", rows=lambda: JobPosting.objects.filter(published_at__isnull=False),
          month_field="published_at"),
]
