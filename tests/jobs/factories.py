"""Factories for jobs tests: rows are created through the services so the search columns are filled."""

from __future__ import annotations

import itertools

from django.utils import timezone

from core.validators import credit_code_check_char
from jobs.models import Employer, JobPosting
from jobs.services import employer_create, posting_create, posting_publish

_seq = itertools.count(1)


def credit_code(n: int | None = None) -> str:
    first17 = f"9131010{(n if n is not None else next(_seq)):010d}"
    return first17 + credit_code_check_char(first17)


def make_employer(station, *, actor=None, **fields) -> Employer:
    defaults = {"name": f"上海测试物业管理有限公司{next(_seq)}", "kind": Employer.Kind.ENTERPRISE,
                "credit_code": credit_code(), "street": station.street, "lat": station.lat, "lng": station.lng}
    return employer_create(actor=actor, station=station, **{**defaults, **fields})


def make_posting(employer, *, actor=None, publish=True, reviewer=None, **fields) -> JobPosting:
    """Drafted by `actor`; published (unless publish=False) by `reviewer`, by default a city admin: never the
    author, since review is a second person's."""
    defaults = {"title": "保洁员", "description": "负责小区公共区域保洁，做六休一。", "salary_min": 4500,
                "salary_max": 5500, "street": employer.street, "lat": employer.lat, "lng": employer.lng,
                "expires_on": timezone.localdate() + timezone.timedelta(days=30)}
    posting = posting_create(actor=actor, employer=employer, **{**defaults, **fields})
    if publish:
        from tests.factories import make_city_admin

        posting = posting_publish(actor=reviewer or make_city_admin("jobs_factory_city"), posting=posting)
    return posting


def post_import(client, capture, data):
    """Upload a posting sheet as the page does; the import task is queued on commit, so run the captured
    callbacks (`django_capture_on_commit_callbacks`) and then open the job's page as the redirect would."""
    from django.urls import reverse

    with capture(execute=True):
        response = client.post(reverse("jobs:posting_import"), data)
    if response.status_code != 302:
        return response
    page = client.get(response.url)
    page.status_url = response.url
    return page
