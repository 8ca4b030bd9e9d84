"""Issue 12 item 12: the system sources of a status entry (推荐就业 / 导入 / 建档) cannot be forged."""

import datetime as dt

import pytest
from django.urls import reverse

from core.models import AuditEvent
from jobseekers.models import StatusEntry
from tests.jobseekers.factories import make_archive

pytestmark = pytest.mark.django_db

MESSAGE = "由系统在录用、导入和建档时记录，不能手工选择"
SYSTEM = ["placement", "import", "registration"]


@pytest.mark.parametrize("source", SYSTEM)
def test_the_status_form_refuses_a_system_source_and_records_nothing(client, world, source):
    archive = make_archive(world["station_a"], actor=world["staff"])
    before = (StatusEntry.objects.count(), AuditEvent.objects.count())
    client.force_login(world["staff"])
    response = client.post(reverse("jobseekers:status_add", args=[archive.pk]),
                           {"status": "employed", "effective_date": dt.date.today().isoformat(), "source": source})
    assert response.status_code == 400
    assert MESSAGE in response.content.decode()
    assert (StatusEntry.objects.count(), AuditEvent.objects.count()) == before


@pytest.mark.parametrize("source", SYSTEM)
def test_the_api_refuses_a_system_source_and_records_nothing(client, world, source):
    archive = make_archive(world["station_a"], actor=world["staff"])
    before = StatusEntry.objects.count()
    client.force_login(world["staff"])
    response = client.post(f"/api/jobseekers/{archive.pk}/status-entries/",
                           {"status": "employed", "effective_date": dt.date.today().isoformat(), "source": source},
                           content_type="application/json")
    assert response.status_code == 400
    assert MESSAGE in response.json()["errors"]["source"][0]
    assert StatusEntry.objects.count() == before


def test_the_status_form_offers_only_manual_sources(client, world):
    archive = make_archive(world["station_a"], actor=world["staff"])
    client.force_login(world["staff"])
    body = client.get(archive.get_absolute_url()).content.decode()
    assert 'value="phone"' in body
    assert not any(f'value="{s}"' in body for s in SYSTEM)


def test_creation_still_records_the_registration_source(world):
    archive = make_archive(world["station_a"], actor=world["staff"])
    assert archive.status_entries.get().source == "registration"
