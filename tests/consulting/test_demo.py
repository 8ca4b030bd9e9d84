import pytest
from django.core.management import call_command
from django.utils import timezone

from consulting.models import Appointment, ConsultationRecord, Expert, FollowUpAction, Slot
from core.scoping import scope_of

pytestmark = pytest.mark.django_db


def test_demo_data_has_experts_free_and_booked_slots_and_past_records_and_is_idempotent(reference_data):
    call_command("load_demo_data", verbosity=0)
    counts = (Expert.objects.count(), Slot.objects.count(), Appointment.objects.count())
    assert counts[0] == 4
    assert Slot.objects.open().filter(start__gt=timezone.now(), appointments__isnull=True).exists()
    assert Appointment.objects.filter(status="booked", start__gt=timezone.now()).exists()
    assert Appointment.objects.filter(status="no_show").exists() and Appointment.objects.filter(status="attended").exists()
    assert scope_of(Expert.objects.get(user__username="expert_demo").user).expert_id is not None
    records = ConsultationRecord.objects.count()
    assert records == Appointment.objects.filter(status="attended").count()
    assert FollowUpAction.objects.open().exists() and FollowUpAction.objects.filter(done_at__isnull=False).exists()
    call_command("load_demo_data", verbosity=0)
    assert (Expert.objects.count(), Slot.objects.count(), Appointment.objects.count()) == counts
    assert ConsultationRecord.objects.count() == records
