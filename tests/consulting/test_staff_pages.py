"""Staff pages: week calendar, appointments (masked), attendance, the expert's day, district utilisation + Excel."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
from django.utils import timezone

from consulting.models import Appointment, Slot
from consulting.services import appointment_book
from tests.consulting.conftest import PHONE, make_expert
from tests.matrix import ADMINS_ONLY, ANY_INTERNAL, OWNED_BY_A, assert_matrix

pytestmark = pytest.mark.django_db

BOOK = {"name": "陈小明", "phone": PHONE, "topic": "开店", "consent": True}


def test_pages_follow_the_permission_matrix(client, world, slots):
    assert_matrix(client, world, "/consulting/staff/week/", ANY_INTERNAL)
    assert_matrix(client, world, "/consulting/staff/appointments/", ANY_INTERNAL)
    assert_matrix(client, world, "/consulting/staff/utilisation/", ADMINS_ONLY)
    assert_matrix(client, world, "/consulting/staff/sessions/", ANY_INTERNAL)
    assert_matrix(client, world, "/consulting/staff/sessions/new/", ANY_INTERNAL)
    a = appointment_book(actor=None, slot=slots[0], **BOOK)
    expect = {"anonymous": "login", "staff": 302, "staff_other": 404, "staff_far": 404, "district": 302,
              "district_other": 404, "city": 302}
    assert_matrix(client, world, f"/consulting/staff/appointments/{a.pk}/attended/", expect, method="post")
    assert_matrix(client, world, f"/consulting/staff/slots/{slots[5].pk}/cancel/", expect, method="post")
    assert_matrix(client, world, f"/consulting/staff/appointments/{a.pk}/record/", OWNED_BY_A)
    from consulting.services import attachment_add, record_create

    Appointment.objects.filter(pk=a.pk).update(start=timezone.now() - dt.timedelta(minutes=1))
    a.refresh_from_db()
    record = record_create(actor=world["staff"], appointment=a, advice="建议")
    attachment = attachment_add(actor=world["staff"], record=record, name="a.pdf", content=b"%PDF-1.4 x")
    assert_matrix(client, world, f"/consulting/staff/attachments/{attachment.pk}/", OWNED_BY_A)
    assert_matrix(client, world, f"/api/consulting/records/{record.pk}/", OWNED_BY_A, api=True)
    assert_matrix(client, world, f"/consulting/staff/sessions/{slots[5].session_id}/cancel/",
                  expect | {"staff": 302}, method="post")


def test_week_calendar_shows_the_booked_name_and_appointments_list_masks_the_phone(client, world, slots):
    appointment_book(actor=None, slot=slots[0], **BOOK)
    client.force_login(world["staff"])
    week = client.get("/consulting/staff/week/", {"week": str(timezone.localdate(slots[0].start))}).content.decode()
    assert "陈小明" in week and "王创业" in week
    page = client.get("/consulting/staff/appointments/").content.decode()
    assert "139****5678" in page and PHONE not in page
    client.force_login(world["staff_other"])
    assert "陈小明" not in client.get("/consulting/staff/appointments/").content.decode()


def test_marking_before_the_start_is_refused_with_a_message_and_nothing_changes(client, world, slots):
    a = appointment_book(actor=None, slot=slots[0], **BOOK)
    client.force_login(world["staff"])
    response = client.post(f"/consulting/staff/appointments/{a.pk}/attended/", follow=True)
    assert "预约时间未到" in response.content.decode()
    assert Appointment.objects.get().status == Appointment.Status.BOOKED


def test_the_expert_sees_their_own_day_and_no_one_elses(client, world, expert, slots):
    a = appointment_book(actor=None, slot=slots[0], **BOOK)
    other = make_expert(name="赵律师", login="expert_zhao")
    client.force_login(expert.user)
    day = timezone.localdate(a.start)
    page = client.get("/consulting/staff/appointments/", {"day": str(day)}).content.decode()
    assert "陈小明" in page
    client.force_login(other.user)
    assert "陈小明" not in client.get("/consulting/staff/appointments/", {"day": str(day)}).content.decode()
    assert client.post(f"/consulting/staff/appointments/{a.pk}/cancel/").status_code == 404


def test_district_utilisation_per_expert_per_month_and_its_excel_export(client, world, slots):
    a = appointment_book(actor=None, slot=slots[0], **BOOK)
    b = appointment_book(actor=None, slot=slots[1], **{**BOOK, "phone": "13800000005"})
    Appointment.objects.filter(pk=a.pk).update(status=Appointment.Status.ATTENDED)
    Appointment.objects.filter(pk=b.pk).update(status=Appointment.Status.NO_SHOW)
    month = timezone.localdate(slots[0].start).strftime("%Y-%m")
    offered = Slot.objects.filter(start__date__gte=f"{month}-01",
                                  start__date__lt=(timezone.localdate(slots[0].start).replace(day=1)
                                                   + dt.timedelta(days=32)).replace(day=1)).count()
    client.force_login(world["district"])
    response = client.get("/consulting/staff/utilisation/", {"month": month, "format": "xlsx"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[2]] == ["王创业", offered, 2, 1, 1]
    client.force_login(world["district_other"])
    assert "王创业" not in client.get("/consulting/staff/utilisation/", {"month": month}).content.decode()


def test_staff_book_for_a_jobseeker_of_their_station_from_the_archive(client, world, slots):
    from tests.matching.factories import make_archive

    archive = make_archive(world["station_a"], phone="13712345678", name="李求职")
    url = f"/consulting/staff/archives/{archive.pk}/book/"
    assert_matrix(client, world, url, {"anonymous": "login", "staff": 200, "staff_other": 404, "district": 200,
                                       "district_other": 404, "city": 200})
    client.force_login(world["staff"])
    response = client.post(url, {"slot": slots[0].pk, "topic": "开店"})
    assert response.status_code == 400 and "须同意" in response.content.decode()
    assert client.post(url, {"slot": slots[0].pk, "topic": "开店", "consent": "on"}).status_code == 302
    a = Appointment.objects.get()
    assert a.archive_id == archive.pk and a.phone == "13712345678" and a.channel == "staff"


def test_lists_take_the_same_number_of_queries_for_one_row_or_five(client, world, slots):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(world["staff"])
    counts = []
    for n in (1, 5):
        Appointment.objects.all().delete()
        for i in range(n):
            appointment_book(actor=None, slot=slots[i], **{**BOOK, "phone": f"1380000010{i}"})
        row = []
        for url in ("/consulting/staff/appointments/", "/api/consulting/appointments/",
                    f"/consulting/staff/week/?week={timezone.localdate(slots[0].start)}"):
            with CaptureQueriesContext(connection) as ctx:
                assert client.get(url).status_code == 200
            row.append(len(ctx.captured_queries))
        counts.append(row)
    assert counts[0] == counts[1]


def test_the_appointment_list_filters_by_place_and_refuses_a_bad_value(client, world, slots):
    appointment_book(actor=None, slot=slots[0], **BOOK)
    client.force_login(world["district"])
    listed = client.get("/consulting/staff/appointments/", {"station": world["station_a"].pk})
    assert listed.context["paginator"].count == 1 and 'data-testid="place-filter"' in listed.content.decode()
    assert client.get("/consulting/staff/appointments/",
                      {"station": world["station_b"].pk}).context["paginator"].count == 0
    bad = client.get("/consulting/staff/appointments/", {"status": "nonsense"})
    assert bad.context["paginator"].count == 0 and "nonsense" in bad.content.decode()
