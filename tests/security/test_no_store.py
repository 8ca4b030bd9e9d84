"""Issue 12 item 9: responses holding full personal data are never stored by a browser or proxy."""

import pytest
from django.urls import reverse

from jobseekers.models import ImportJob
from tests.jobs.factories import make_employer, make_posting
from tests.jobseekers.factories import make_archive

pytestmark = pytest.mark.django_db


def _no_store(response):
    assert response.status_code == 200, response.status_code
    assert "no-store" in response["Cache-Control"]


def test_archive_reveal_and_full_export_are_not_cacheable(client, world):
    archive = make_archive(world["station_a"], actor=world["staff"], phone="13912345678")
    client.force_login(world["district"])
    _no_store(client.post(reverse("jobseekers:archive_reveal", args=[archive.pk])))
    _no_store(client.post(reverse("jobseekers:archive_export_full"),
                          {"reason": "报送区就业促进中心核对名单", "confirm": "on", "query": ""}))
    _no_store(client.get(reverse("jobseekers:archive_export")))


def test_lead_phone_reveal_is_not_cacheable(client, world):
    from jobs.services import lead_create

    lead = lead_create(posting=make_posting(make_employer(world["station_a"])), name="王阿姨", phone="13912345678",
                       consent=True)
    client.force_login(world["staff"])
    _no_store(client.post(reverse("jobs:lead_reveal", args=[lead.pk])))


def test_import_error_report_is_not_cacheable(client, world):
    job = ImportJob(station=world["station_a"], created_by=world["staff"], file_name="a.xlsx", failed_rows=1)
    job.set_report(b"PK fake xlsx bytes")
    job.save()
    client.force_login(world["staff"])
    _no_store(client.get(reverse("jobseekers:import_errors", args=[job.pk])))
