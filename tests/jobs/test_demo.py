import pytest
from django.core.management import call_command

from jobs.models import Employer, JobPosting

pytestmark = pytest.mark.django_db


def test_demo_data_idempotent(reference_data):
    call_command("load_demo_data", verbosity=0)
    counts = (Employer.objects.count(), JobPosting.objects.count())
    assert JobPosting.objects.published().count() >= 50
    call_command("load_demo_data", verbosity=0)
    assert (Employer.objects.count(), JobPosting.objects.count()) == counts
