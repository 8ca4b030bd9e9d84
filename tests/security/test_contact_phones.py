"""Issue 12 item 14: employer and posting contact phones are encrypted at rest, masked, revealed with audit."""

import importlib

import pytest
from django.db import connection
from django.urls import reverse

from core.crypto import decrypt, encrypt
from core.models import AuditEvent
from jobs.models import Employer, JobPosting
from tests.jobs.factories import make_employer, make_posting
from tests.matrix import OWNED_BY_A, assert_matrix

pytestmark = pytest.mark.django_db

PHONE = "13912345678"


def _stored(table: str, pk: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT contact_phone FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


@pytest.fixture
def owned(world):
    employer = make_employer(world["station_a"], contact_name="张经理", contact_phone=PHONE)
    posting = make_posting(employer, contact_name="李主管", contact_phone="021-64001234")
    return employer, posting


def test_contact_phones_are_encrypted_in_the_database(owned):
    employer, posting = owned
    assert PHONE not in _stored("jobs_employer", employer.pk)
    assert decrypt(_stored("jobs_employer", employer.pk)) == PHONE
    assert "64001234" not in _stored("jobs_jobposting", posting.pk)
    assert Employer.objects.get(pk=employer.pk).contact_phone == PHONE


def test_detail_pages_and_api_show_the_phone_masked(client, world, owned):
    employer, posting = owned
    client.force_login(world["staff"])
    for url in (reverse("jobs:employer_detail", args=[employer.pk]), reverse("jobs:posting_detail", args=[posting.pk]),
                reverse("jobs:employer_update", args=[employer.pk]), reverse("jobs:posting_update", args=[posting.pk]),
                f"/api/employers/{employer.pk}/", f"/api/postings/{posting.pk}/"):
        body = client.get(url).content.decode()
        assert PHONE not in body and "64001234" not in body, url
    assert "139****5678" in client.get(reverse("jobs:employer_detail", args=[employer.pk])).content.decode()


def test_reveal_shows_the_full_phone_and_is_audited(client, world, owned):
    employer, posting = owned
    client.force_login(world["staff"])
    response = client.post(reverse("jobs:employer_phone", args=[employer.pk]))
    assert PHONE in response.content.decode() and "no-store" in response["Cache-Control"]
    assert "021-64001234" in client.post(reverse("jobs:posting_phone", args=[posting.pk])).content.decode()
    events = AuditEvent.objects.filter(action__in=["employer.reveal_phone", "posting.reveal_phone"])
    assert events.count() == 2 and all(PHONE not in e.summary for e in events)
    assert client.get(reverse("jobs:employer_phone", args=[employer.pk])).status_code == 405


@pytest.mark.parametrize("name", ["jobs:employer_phone", "jobs:posting_phone"])
def test_reveal_matrix(client, world, owned, name):
    pk = owned[0].pk if name == "jobs:employer_phone" else owned[1].pk
    assert_matrix(client, world, reverse(name, args=[pk]), OWNED_BY_A, method="post")


def test_editing_without_retyping_keeps_the_phone(client, world, owned):
    employer, _ = owned
    client.force_login(world["staff"])
    form = client.get(reverse("jobs:employer_update", args=[employer.pk])).context["form"]
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k in form.fields}
    data.update(name="改名后的公司", street=employer.street_id, version=form["version"].initial)
    response = client.post(reverse("jobs:employer_update", args=[employer.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    employer.refresh_from_db()
    assert employer.name == "改名后的公司" and employer.contact_phone == PHONE


def test_the_migration_encrypts_existing_clear_values_once(owned):
    employer, posting = owned
    with connection.cursor() as cursor:
        cursor.execute("UPDATE jobs_employer SET contact_phone = %s WHERE id = %s", [PHONE, employer.pk])
    migration = importlib.import_module("jobs.migrations.0008_contact_phone_encrypted")
    with connection.schema_editor() as editor:
        migration.encrypt_existing(None, editor)
        migration.encrypt_existing(None, editor)  # idempotent: a token is not encrypted twice
    assert Employer.objects.get(pk=employer.pk).contact_phone == PHONE
    assert JobPosting.objects.get(pk=posting.pk).contact_phone == "021-64001234"
    with connection.schema_editor() as editor:
        migration.decrypt_existing(None, editor)
    assert _stored("jobs_employer", employer.pk) == PHONE
    assert encrypt("x") != "x"
