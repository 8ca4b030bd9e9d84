"""The archive page's consulting panel: upcoming bookings of this jobseeker and the 预约创业专家 link."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from consulting.services import appointment_book, appointment_cancel
from tests.assistance.factories import make_person

pytestmark = pytest.mark.django_db


def test_the_archive_page_lists_upcoming_consultations_and_links_to_booking(client, world, slots, expert):
    archive = make_person(world["station_a"], name="创业者")
    other = make_person(world["station_a"], name="别人")
    kept = appointment_book(actor=world["staff"], slot=slots[0], name="创业者", phone="13800001111", topic="开奶茶店",
                            consent=True, archive=archive)
    gone = appointment_book(actor=world["staff"], slot=slots[1], name="创业者", phone="13800001112", topic="已取消的",
                            consent=True, archive=archive)
    appointment_cancel(actor=world["staff"], appointment=gone)
    appointment_book(actor=world["staff"], slot=slots[2], name="别人", phone="13800001113", topic="别人的",
                     consent=True, archive=other)
    client.force_login(world["staff"])
    html = client.get(archive.get_absolute_url()).content.decode()
    assert 'data-testid="consulting-panel"' in html
    assert "开奶茶店" in html and expert.name in html and timezone.localtime(kept.start).strftime("%Y-%m-%d %H:%M") in html
    assert "已取消的" not in html and "别人的" not in html
    assert reverse("consulting:archive_book", args=[archive.pk]) in html and "预约创业专家" in html
    assert client.get(reverse("consulting:archive_book", args=[archive.pk])).status_code == 200
    client.force_login(world["staff_other"])  # another station's staff: the archive page is a 404, no panel leaks
    assert client.get(archive.get_absolute_url()).status_code == 404
