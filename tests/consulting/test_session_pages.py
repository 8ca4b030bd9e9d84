"""坐诊安排 pages: staff create a recurring rule (its slots appear at once) and cancel a whole rule (booked
residents told by SMS); bad input is refused with a message and nothing changes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consulting.models import Appointment, Session, Slot
from consulting.services import appointment_book
from core.models import AuditEvent
from matching.models import SmsOutbox
from tests.consulting.conftest import PHONE, make_expert

pytestmark = pytest.mark.django_db

URL = "/consulting/staff/sessions/new/"


def _form(expert, station, **over):
    data = {"expert": expert.pk, "station": station.pk, "kind": "onsite", "weekday": 1, "start_time": "14:00",
            "end_time": "17:00", "slot_minutes": 30, "valid_from": str(timezone.localdate()), "valid_until": ""}
    return data | over


def test_staff_create_a_weekly_rule_and_its_slots_are_bookable_at_once(client, world, expert):
    client.force_login(world["staff"])
    page = client.get(URL).content.decode()
    assert "新增坐诊安排" in page and "王创业" in page and world["station_b"].name not in page
    response = client.post(URL, _form(expert, world["station_a"]), follow=True)
    session = Session.objects.get()
    made = Slot.objects.filter(session=session).count()
    assert made >= 6 * 3  # 14:00–17:00 in 30 minutes, every Tuesday of the coming weeks
    assert f"已生成 {made} 个可预约时段" in response.content.decode()
    assert {timezone.localtime(s.start).weekday() for s in Slot.objects.all()} == {1}
    listing = client.get("/consulting/staff/sessions/").content.decode()
    assert "王创业" in listing and "星期二" in listing and "14:00–17:00" in listing
    assert AuditEvent.objects.filter(action="consulting.session_create").exists()
    # the public page offers them
    assert client.get(f"/consulting/experts/{expert.pk}/").status_code == 200


@pytest.mark.parametrize(("over", "message"), [
    ({"end_time": "13:00"}, "结束时间必须晚于开始时间"),
    ({"slot_minutes": 5}, "10 到 240 分钟"),
    ({"valid_from": "2020-01-01"}, "起始日期不能早于今天"),
    ({"valid_until": "2020-01-01"}, "截止日期不能早于起始日期"),
    ({"weekday": 9}, "9"),
    ({"start_time": "25:00"}, "时间"),
])
def test_bad_rules_are_refused_with_a_message_and_nothing_is_saved(client, world, expert, over, message):
    client.force_login(world["staff"])
    response = client.post(URL, _form(expert, world["station_a"], **over))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Session.objects.exists() and not Slot.objects.exists()


def test_an_overlapping_rule_and_another_stations_rule_are_refused(client, world, session):
    client.force_login(world["staff"])
    response = client.post(URL, _form(session.expert, world["station_a"], weekday=session.weekday,
                                      start_time="16:00", end_time="18:00"))
    assert response.status_code == 400 and "时间重叠" in response.content.decode()
    response = client.post(URL, _form(session.expert, world["station_b"], weekday=(session.weekday + 1) % 7))
    assert response.status_code == 400 and "选择一个有效的选项" in response.content.decode()
    assert Session.objects.count() == 1


def test_an_inactive_expert_cannot_be_scheduled(client, world):
    gone = make_expert(name="李退休", is_active=False)
    client.force_login(world["district"])
    response = client.post(URL, _form(gone, world["station_b"]))
    assert response.status_code == 400 and not Session.objects.exists()


def test_cancelling_a_whole_rule_cancels_its_future_slots_and_texts_the_booked(client, world, slots):
    appointment_book(actor=None, slot=slots[0], name="陈小明", phone=PHONE, topic="开店", consent=True)
    SmsOutbox.objects.all().delete()
    client.force_login(world["staff"])
    session = slots[0].session
    response = client.post(f"/consulting/staff/sessions/{session.pk}/cancel/", {"reason": "专家出差"}, follow=True)
    assert "已通知 1 位" in response.content.decode()
    session.refresh_from_db()
    assert session.status == Session.Status.CANCELLED
    assert not Slot.objects.filter(session=session, status=Slot.Status.OPEN).exists()
    assert Appointment.objects.get().status == Appointment.Status.CANCELLED
    sms = SmsOutbox.objects.get()
    assert "专家出差" in sms.body
    # a second cancel is refused with the reason and sends nothing
    response = client.post(f"/consulting/staff/sessions/{session.pk}/cancel/", follow=True)
    assert "该坐诊安排已取消" in response.content.decode()
    assert SmsOutbox.objects.count() == 1
    # the cancelled rule is under "已取消", not in the default (active) list
    assert "王创业" not in client.get("/consulting/staff/sessions/").content.decode()
    assert "王创业" in client.get("/consulting/staff/sessions/", {"status": "cancelled"}).content.decode()


def test_an_expert_sees_their_own_rules_but_cannot_create_or_cancel(client, world, slots):
    expert_user = slots[0].expert.user
    other = make_expert(name="赵律师", login="expert_zhao")
    client.force_login(other.user)
    assert "王创业" not in client.get("/consulting/staff/sessions/").content.decode()
    client.force_login(expert_user)
    page = client.get("/consulting/staff/sessions/").content.decode()
    assert "王创业" in page and "取消安排</button>" not in page and "新增坐诊安排" not in page
    assert client.get(URL).status_code == 403
    assert client.post(f"/consulting/staff/sessions/{slots[0].session_id}/cancel/").status_code == 403
    assert Session.objects.get().status == Session.Status.ACTIVE


def test_the_api_creates_slots_with_the_rule_and_refuses_a_past_start(client, world, expert):
    client.force_login(world["staff"])
    data = _form(expert, world["station_a"], valid_until=None)
    response = client.post("/api/consulting/sessions/", data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert Slot.objects.filter(session_id=response.json()["id"]).exists()
    response = client.post("/api/consulting/sessions/", data | {"valid_from": str(timezone.localdate() - dt.timedelta(days=1)),
                                                                  "weekday": 3}, content_type="application/json")
    assert response.status_code == 400 and "起始日期不能早于今天" in response.content.decode()
    assert Session.objects.count() == 1
