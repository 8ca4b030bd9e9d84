"""Dashboard figures of the jobs app (protocol: core/figures.py): the staff posting list shows each one's rows."""

from django.utils.translation import gettext_noop

from core.figures import Figure, Trend

from .models import JobPosting

PLACES = {"station": "station", "street": "station_street", "district": "station_district"}  # the list's filters

FIGURES = [
    Figure("jobs.published", gettext_noop("在招岗位"), gettext_noop("岗位"), "jobs:posting_list", rows=JobPosting.objects.published,
           params={"status": JobPosting.Status.PUBLISHED}, place_params=PLACES, breakdown=True),
    Figure("jobs.headcount", gettext_noop("在招岗位招聘人数"), gettext_noop("岗位"), "jobs:posting_list", rows=JobPosting.objects.published,
           params={"status": JobPosting.Status.PUBLISHED}, place_params=PLACES, sum_field="headcount"),
]

TRENDS = [
    Trend("jobs.published", gettext_noop("发布岗位"), rows=lambda: JobPosting.objects.filter(published_at__isnull=False),
          month_field="published_at"),
]
