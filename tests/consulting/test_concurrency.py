"""No double booking under real concurrent requests: the database constraints decide, every loser hears 已被预约."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import connection

from consulting.models import Appointment
from tests.consulting.storm import phones, storm

pytestmark = pytest.mark.django_db(transaction=True)

OVERLAPS = """SELECT count(*) FROM consulting_appointment a JOIN consulting_appointment b
              ON a.expert_id = b.expert_id AND a.id < b.id AND a.status <> 'cancelled' AND b.status <> 'cancelled'
              AND tstzrange(a.start, a."end") && tstzrange(b.start, b."end")"""


def _overlaps() -> int:
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        return cursor.fetchone()[0]


def test_100_concurrent_requests_for_one_slot_give_exactly_one_booking_and_no_5xx(slots):
    statuses, _ = storm([(slots[0].pk, p) for p in phones(100)])
    assert Counter(statuses) == {200: 1, 409: 99}
    assert Appointment.objects.filter(slot=slots[0]).count() == 1


def test_200_concurrent_requests_over_20_slots_give_exactly_20_bookings_and_no_overlap(slots):
    chosen = slots[:20]
    statuses, _ = storm([(chosen[i % 20].pk, p) for i, p in enumerate(phones(200))])
    assert Counter(statuses) == {200: 20, 409: 180}
    assert Appointment.objects.active().count() == 20
    assert sorted(Appointment.objects.values_list("slot_id", flat=True)) == sorted(s.pk for s in chosen)
    assert _overlaps() == 0
