"""The public phone-first booking pages: field → expert → slot → form; honeypot, throttles, refusals."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from consulting.models import Appointment
from consulting.services import cancel_token
from matching.models import SmsOutbox
from tests.consulting.conftest import PHONE, make_expert
from tests.matrix import PUBLIC, assert_matrix

pytestmark = pytest.mark.django_db

FORM = {"name": "陈小明", "phone": PHONE, "topic": "开网店要办什么手续", "consent": "on"}


def test_field_then_expert_then_slot_then_booking(client, slots):
    make_expert(name="赵律师", fields=["法律"])
    page = client.get("/consulting/").content.decode()
    assert "王创业" in page and "赵律师" in page and "餐饮" in page
    page = client.get("/consulting/", {"field": "法律"}).content.decode()
    assert "赵律师" in page and "王创业" not in page
    page = client.get(f"/consulting/experts/{slots[0].expert_id}/").content.decode()
    assert f"/consulting/book/{slots[0].pk}/" in page
    response = client.post(f"/consulting/book/{slots[0].pk}/", FORM)
    assert response.status_code == 200 and "已预约" in response.content.decode()
    assert Appointment.objects.get().phone == PHONE
    page = client.get(f"/consulting/experts/{slots[0].expert_id}/").content.decode()
    assert f"/consulting/book/{slots[0].pk}/" not in page  # taken slots are no longer offered


def test_a_taken_slot_answers_409_with_the_next_free_slots(client, slots):
    client.post(f"/consulting/book/{slots[0].pk}/", FORM)
    response = client.post(f"/consulting/book/{slots[0].pk}/", {**FORM, "phone": "13800000009"})
    page = response.content.decode()
    assert response.status_code == 409 and "已被预约" in page and f"/consulting/book/{slots[1].pk}/" in page
    assert Appointment.objects.count() == 1


def test_missing_consent_or_bad_phone_is_refused_on_the_form_and_nothing_is_booked(client, slots):
    response = client.post(f"/consulting/book/{slots[0].pk}/", {**FORM, "consent": "", "phone": "123"})
    page = response.content.decode()
    assert response.status_code == 400 and "须同意" in page and "11位手机号" in page
    assert not Appointment.objects.exists()


def test_the_honeypot_books_nothing(client, slots):
    response = client.post(f"/consulting/book/{slots[0].pk}/", {**FORM, "website": "http://spam"})
    assert response.status_code == 200 and not Appointment.objects.exists() and not SmsOutbox.objects.exists()


@override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"consulting_booking_address": "100/hour",
                                                              "consulting_booking_phone": "2/hour"}})
def test_booking_is_throttled_per_phone(client, slots):
    cache.clear()
    for slot in slots[:2]:
        client.post(f"/consulting/book/{slot.pk}/", FORM)
    response = client.post(f"/consulting/book/{slots[2].pk}/", FORM)
    assert response.status_code == 429 and "过于频繁" in response.content.decode()
    response = client.post(f"/consulting/book/{slots[2].pk}/", {**FORM, "phone": "13800000011"})
    assert response.status_code == 200
    cache.clear()


@override_settings(REST_FRAMEWORK={"DEFAULT_THROTTLE_RATES": {"consulting_booking_address": "2/hour",
                                                              "consulting_booking_phone": "100/hour"}})
def test_booking_is_throttled_per_address(client, slots):
    cache.clear()
    for i, slot in enumerate(slots[:2]):
        client.post(f"/consulting/book/{slot.pk}/", {**FORM, "phone": f"1380000002{i}"})
    response = client.post(f"/consulting/book/{slots[2].pk}/", {**FORM, "phone": "13800000029"})
    assert response.status_code == 429 and Appointment.objects.count() == 2
    cache.clear()


def test_the_cancel_link_page_cancels_once_and_refuses_reuse_and_tampering(client, slots):
    client.post(f"/consulting/book/{slots[0].pk}/", FORM)
    token = cancel_token(Appointment.objects.get())
    assert "确认取消预约" in client.get(f"/consulting/cancel/{token}/").content.decode()
    response = client.post(f"/consulting/cancel/{token}x/")
    assert response.status_code == 400 and "链接无效" in response.content.decode()
    assert client.post(f"/consulting/cancel/{token}/").status_code == 200
    response = client.post(f"/consulting/cancel/{token}/")
    assert response.status_code == 400 and "已使用过" in response.content.decode()


def test_no_show_rates_are_shown_to_staff_not_to_residents(client, world, slots):
    client.post(f"/consulting/book/{slots[0].pk}/", FORM)
    Appointment.objects.update(status=Appointment.Status.NO_SHOW, start=timezone.now())
    assert "爽约率" not in client.get("/consulting/").content.decode()
    client.force_login(world["staff"])
    page = client.get("/consulting/").content.decode()
    assert "爽约率" in page and "100%" in page


def test_public_pages_open_to_everyone(client, world, slots):
    for url in ("/consulting/", f"/consulting/experts/{slots[0].expert_id}/", f"/consulting/book/{slots[0].pk}/"):
        assert_matrix(client, world, url, PUBLIC)


def test_an_expert_photo_is_checked_by_content_and_served_through_its_view(client, world, expert):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consulting.admin import ExpertAdminForm

    png = b"\x89PNG\r\n\x1a\n" + b"\x00" * 50
    base = {"name": expert.name, "fields": "餐饮", "district": expert.district_id, "is_active": "on"}
    form = ExpertAdminForm(base, {"photo_upload": SimpleUploadedFile("a.png", b"<svg onload=x>")}, instance=expert)
    assert not form.is_valid() and "JPEG 或 PNG" in str(form.errors)
    form = ExpertAdminForm(base, {"photo_upload": SimpleUploadedFile("a.png", png)}, instance=expert)
    assert form.is_valid(), form.errors
    form.save()
    response = client.get(f"/consulting/experts/{expert.pk}/photo/")
    assert response.status_code == 200 and response.content == png and response["Content-Type"] == "image/png"
    assert client.get(f"/consulting/experts/{expert.pk + 999}/photo/").status_code == 404
