"""Issue 12 item 13: a district admin enlists only staff of their district; others by a transfer the
other district confirms."""

import pytest
from django.urls import reverse

from core.models import AuditEvent
from stations.models import StaffTransfer, StationMembership
from tests.factories import make_staff
from tests.matrix import ADMINS_ONLY, assert_matrix

pytestmark = pytest.mark.django_db


def _add(client, world, user, station="station_a"):
    return client.post(reverse("stations:membership_add", args=[world[station].pk]),
                       {"user": user.pk, "role": "specialist"}, follow=True)


def test_a_district_admin_enlists_staff_of_their_own_district(client, world):
    client.force_login(world["district"])
    _add(client, world, world["staff_other"])  # station B, also 徐汇区
    assert StationMembership.objects.filter(user=world["staff_other"], station=world["station_a"]).exists()
    newcomer = make_staff("newcomer")  # no station yet
    _add(client, world, newcomer)
    assert StationMembership.objects.filter(user=newcomer, station=world["station_a"]).exists()


def test_staff_of_another_district_need_a_transfer_that_district_confirms(client, world):
    far = world["staff_far"]  # station C, 浦东新区
    client.force_login(world["district"])
    response = _add(client, world, far)
    assert "已向浦东新区管理员发起调动申请" in response.content.decode()
    assert not StationMembership.objects.filter(user=far, station=world["station_a"]).exists()
    transfer = StaffTransfer.objects.get(user=far)
    # the requesting district cannot confirm its own request
    client.post(reverse("stations:transfer_decide", args=[transfer.pk, "confirm"]))
    transfer.refresh_from_db()
    assert transfer.status == "pending"
    assert "已有待确认的调动申请" in _add(client, world, far).content.decode()
    client.force_login(world["district_other"])
    assert far.get_username() in client.get(reverse("stations:transfer_list")).content.decode()
    client.post(reverse("stations:transfer_decide", args=[transfer.pk, "confirm"]))
    transfer.refresh_from_db()
    assert transfer.status == "confirmed"
    assert StationMembership.objects.get(user=far, station=world["station_a"]).is_active
    assert not StationMembership.objects.get(user=far, station=world["station_c"]).is_active
    assert AuditEvent.objects.filter(action="station.transfer_confirm").exists()


def test_a_declined_transfer_changes_nothing(client, world):
    far = world["staff_far"]
    client.force_login(world["district"])
    _add(client, world, far)
    transfer = StaffTransfer.objects.get(user=far)
    client.force_login(world["district_other"])
    client.post(reverse("stations:transfer_decide", args=[transfer.pk, "decline"]))
    assert StaffTransfer.objects.get(pk=transfer.pk).status == "declined"
    assert StationMembership.objects.get(user=far, station=world["station_c"]).is_active
    assert not StationMembership.objects.filter(user=far, station=world["station_a"]).exists()


def test_a_city_admin_enlists_anyone_directly(client, world):
    client.force_login(world["city"])
    _add(client, world, world["staff_far"])
    assert StationMembership.objects.filter(user=world["staff_far"], station=world["station_a"]).exists()


def test_transfer_pages_matrix(client, world):
    assert_matrix(client, world, reverse("stations:transfer_list"), ADMINS_ONLY)


def test_transfer_decision_matrix(client, world):
    """Only the district the staff member leaves (or the city) may decide; others get 404 or 403."""
    client.force_login(world["district"])
    _add(client, world, world["staff_far"])
    transfer = StaffTransfer.objects.get(user=world["staff_far"])
    url = reverse("stations:transfer_decide", args=[transfer.pk, "decline"])
    expect = {"anonymous": "login", "staff": 403, "staff_other": 403, "staff_far": 403, "district": 404}
    assert_matrix(client, world, url, expect, method="post")
    assert StaffTransfer.objects.get(pk=transfer.pk).status == "pending"
    assert_matrix(client, world, url, {"district_other": 302}, method="post")
    assert StaffTransfer.objects.get(pk=transfer.pk).status == "declined"
