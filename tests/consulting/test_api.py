"""The consulting API: scoped viewsets (the expert role included), the anonymous booking's 201/400/409."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consulting.models import Appointment, Session
from consulting.services import appointment_book
from tests.consulting.conftest import PHONE
from tests.matrix import OWNED_BY_A, assert_matrix

pytestmark = pytest.mark.django_db

BOOK = {"name": "陈小明", "phone": PHONE, "topic": "开店", "consent": True}


def test_anonymous_booking_gives_201_then_409_with_the_next_free_slots(client, slots):
    response = client.post("/api/consulting/public/bookings/", {**BOOK, "slot": slots[0].pk},
                           content_type="application/json")
    assert response.status_code == 201, response.content
    response = client.post("/api/consulting/public/bookings/", {**BOOK, "slot": slots[0].pk, "phone": "13800000001"},
                           content_type="application/json")
    body = response.json()
    assert response.status_code == 409 and "已被预约" in body["detail"] and body["errors"]
    assert [o["slot"] for o in body["offer"]] == [s.pk for s in slots[1:4]]
    assert Appointment.objects.count() == 1


def test_anonymous_booking_refuses_bad_input_with_the_one_error_body(client, slots):
    response = client.post("/api/consulting/public/bookings/", {**BOOK, "slot": slots[0].pk, "consent": False,
                                                                 "phone": "12"}, content_type="application/json")
    body = response.json()
    assert response.status_code == 400 and set(body["errors"]) == {"phone", "consent"}
    assert not Appointment.objects.exists()


def test_public_experts_and_their_free_slots_are_anonymous(client, slots):
    experts = client.get("/api/consulting/public/experts/", {"field": "餐饮"}).json()
    assert [e["name"] for e in experts] == ["王创业"]
    free = client.get(f"/api/consulting/public/experts/{experts[0]['id']}/slots/").json()
    assert free[0]["id"] == slots[0].pk


def test_an_expert_login_reads_only_their_appointments_and_may_mark_them(client, world, expert, slots):
    a = appointment_book(actor=None, slot=slots[0], **BOOK)
    Appointment.objects.filter(pk=a.pk).update(start=timezone.now() - dt.timedelta(minutes=1))
    client.force_login(expert.user)
    assert [r["id"] for r in client.get("/api/consulting/appointments/").json()["results"]] == [a.pk]
    assert client.get("/api/consulting/appointments/").json()["results"][0]["phone"].startswith("139****")
    response = client.post(f"/api/consulting/appointments/{a.pk}/mark/", {"status": "attended"},
                           content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "attended"


def test_staff_create_a_session_and_an_overlapping_one_is_refused_unchanged(client, world, session):
    client.force_login(world["staff"])
    data = {"expert": session.expert_id, "station": world["station_a"].pk, "kind": "phone",
            "weekday": session.weekday, "start_time": "16:00", "end_time": "18:00",
            "valid_from": str(session.valid_from)}
    response = client.post("/api/consulting/sessions/", data, content_type="application/json")
    assert response.status_code == 400 and "时间重叠" in response.json()["detail"]
    response = client.post("/api/consulting/sessions/", {**data, "station": world["station_b"].pk,
                                                         "start_time": "18:00", "end_time": "19:00"},
                           content_type="application/json")
    assert response.status_code == 403
    assert Session.objects.count() == 1


def test_api_objects_follow_the_permission_matrix(client, world, slots):
    a = appointment_book(actor=None, slot=slots[0], **BOOK)
    for url in (f"/api/consulting/appointments/{a.pk}/", f"/api/consulting/slots/{slots[0].pk}/",
                f"/api/consulting/sessions/{slots[0].session_id}/"):
        assert_matrix(client, world, url, OWNED_BY_A, api=True)


def test_staff_cancel_a_slot_through_the_api_and_a_second_cancel_is_refused(client, world, slots):
    client.force_login(world["staff"])
    assert client.post(f"/api/consulting/slots/{slots[0].pk}/cancel/").status_code == 200
    response = client.post(f"/api/consulting/slots/{slots[0].pk}/cancel/")
    assert response.status_code == 400 and "已取消" in response.json()["detail"]
