"""The consulting tiles (appointments by status) equal the staff appointment list they open, which paginates."""

from __future__ import annotations

import pytest

from consulting.models import Appointment
from consulting.services import appointment_book, appointment_cancel
from dashboard import registry, selectors, services
from tests.dashboard.test_dashboard import list_figure

pytestmark = pytest.mark.django_db


def test_appointment_tiles_equal_the_list_they_open(client, world, slots):
    booked = [appointment_book(actor=None, slot=s, name=f"居民{i}", phone=f"1380000{i:04d}", topic="开店",
                               consent=True) for i, s in enumerate(slots[:3])]
    appointment_cancel(actor=world["staff"], appointment=booked[0])
    services.summaries_refresh()
    figures = {f.key: f for f in registry.figures()}
    tiles = {t.key: t for t in selectors.board_for(user=world["staff"]).tiles}
    tile = tiles["consulting.appointment.booked"]
    assert tile.value == 2 and "status=booked" in tile.url
    assert list_figure(client, world["staff"], figures[tile.key], tile.url) == 2
    assert tiles["consulting.appointment.attended"].value == 0
    far = {t.key: t for t in selectors.board_for(user=world["staff_far"]).tiles}
    assert far["consulting.appointment.booked"].value == 0
    assert Appointment.objects.filter(status=Appointment.Status.CANCELLED).count() == 1
