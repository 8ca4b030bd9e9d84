"""The archive form reports every error it can find in one round, and names helpers as colleagues know them."""

import pytest
from django.urls import reverse

from core.models import AuditEvent, UserProfile
from jobseekers.models import JobseekerArchive

from .factories import archive_post_data, make_archive, make_id_number, wrong_check_digit

pytestmark = pytest.mark.django_db


def test_a_missing_consent_scope_no_longer_hides_the_id_check_digit_and_phone_errors(client, world):
    client.force_login(world["staff"])
    data = archive_post_data(world["station_a"], id_number=wrong_check_digit(make_id_number()), phone="1381234567",
                             consent_scope="")
    response = client.post(reverse("jobseekers:archive_create"), data)
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert "校验位错误" in " ".join(errors["id_number"])
    assert "11位手机号" in " ".join(errors["phone"])
    assert "同意的信息使用范围" in " ".join(errors["consent_scope"])
    body = response.content.decode()
    assert all(f'data-testid="error-{name}"' in body for name in ("id_number", "phone", "consent_scope"))
    assert not JobseekerArchive.objects.exists() and not AuditEvent.objects.filter(action="jobseeker.create").exists()


def test_a_valid_form_still_gets_the_services_database_checks(client, world):
    number = make_id_number()
    make_archive(world["station_c"], id_number=number, name="赵六")
    client.force_login(world["staff"])
    response = client.post(reverse("jobseekers:archive_create"), archive_post_data(world["station_a"], id_number=number))
    assert response.status_code == 400 and "全市每人只能有一份档案" in response.content.decode()


def test_helpers_are_offered_and_shown_by_name_not_username(client, world):
    UserProfile.objects.filter(user=world["staff"]).update(display_name="王晓燕")
    client.force_login(world["staff"])
    form_page = client.get(reverse("jobseekers:archive_create")).content.decode()
    helper_select = form_page.split('name="helper"')[1].split("</select>")[0]
    assert "王晓燕" in helper_select and ">staff_a<" not in helper_select

    archive = make_archive(world["station_a"], helper=world["staff"])
    assert "王晓燕" in client.get(archive.get_absolute_url()).content.decode()
    listing = client.get(reverse("jobseekers:archive_list")).content.decode()
    assert "王晓燕" in listing.split('data-testid="archive-table"')[1]
