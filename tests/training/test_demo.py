import pytest
from django.core.management import call_command

from jobseekers.models import Certificate
from training.models import Program, Referral, WaitlistEntry


@pytest.mark.django_db
def test_demo_data_fills_every_training_page_and_is_idempotent(reference_data, client):
    call_command("load_demo_data", verbosity=0)
    counts = (Program.objects.count(), Referral.objects.count(), Certificate.objects.filter(training_referral__isnull=False).count(),
              WaitlistEntry.objects.count())
    assert counts[0] >= 10 and counts[1] >= 4 and counts[2] == 1 and counts[3] == 1  # one certified referral
    call_command("load_demo_data", verbosity=0)
    assert (Program.objects.count(), Referral.objects.count(), Certificate.objects.filter(training_referral__isnull=False).count(),
            WaitlistEntry.objects.count()) == counts
    assert "养老护理员" in client.get("/training/").content.decode()
