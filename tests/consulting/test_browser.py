"""A resident books on a phone: field → expert → slot → form; the slot is then gone, and the cancel link frees it."""

import pytest

from consulting.models import Appointment
from consulting.services import cancel_token

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_resident_books_on_a_phone_and_cancels_through_the_link(page, live_server, slots):
    page.goto(f"{live_server.url}/consulting/")
    page.click("[data-testid=fields] >> text=餐饮")
    page.click("[data-testid=experts] >> text=选择时段")
    page.locator("[data-testid=slots] a").first.click()
    assert page.locator("#id_website").is_hidden()  # the honeypot is not for people
    page.fill("#id_name", "陈小明")
    page.fill("#id_phone", "13912345678")
    page.fill("#id_topic", "想开一家奶茶店")
    page.check("#id_consent")
    page.click("text=确认预约")
    assert "已预约 王创业" in page.locator("[data-testid=booked]").inner_text()
    appointment = Appointment.objects.get()
    assert appointment.slot_id == slots[0].pk
    page.goto(f"{live_server.url}/consulting/cancel/{cancel_token(appointment)}/")
    page.click("text=确认取消预约")
    assert page.locator("[data-testid=cancel-done]").is_visible()
    assert Appointment.objects.get().status == "cancelled"
