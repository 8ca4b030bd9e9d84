"""Small things a resident or a station notices every day (issue 11, item 15)."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.jobs.factories import make_employer, make_posting

pytestmark = pytest.mark.django_db


def test_walking_limit_without_a_location_asks_for_one_instead_of_being_ignored(client, world):
    make_posting(make_employer(world["station_a"]), title="便利店理货员")
    body = client.get("/jobs/search/", {"within": "15"}).content.decode()
    assert 'data-testid="search-errors"' in body and "才能只看步行范围内的岗位" in body
    assert 'data-testid="result"' not in body
    api = client.get("/api/jobs/", {"within": "15"})
    assert api.status_code == 400 and "才能只看步行范围内的岗位" in api.content.decode()
    # with a street it works as before
    ok = client.get("/jobs/search/", {"within": "15", "near_street": world["station_a"].street_id}).content.decode()
    assert 'data-testid="search-errors"' not in ok and "便利店理货员" in ok


def test_the_station_phone_on_a_job_page_is_a_tel_link(client, world):
    a = world["station_a"]
    a.phone = "021-64871234"
    a.save(update_fields=["phone"])
    posting = make_posting(make_employer(a), title="门店收银员", lat=a.lat + 0.001, lng=a.lng)
    body = client.get(reverse("jobs:job_detail", args=[posting.pk])).content.decode()
    link = re.search(r'<a[^>]*data-testid="station-phone"[^>]*>', body).group(0)
    assert 'href="tel:021-64871234"' in link


def test_guidance_date_defaults_to_today(client, world):
    from matching.forms import GuidanceForm

    assert f'value="{timezone.localdate():%Y-%m-%d}"' in str(GuidanceForm()["held_on"])


def test_posting_form_picks_the_occupation_by_search_not_from_a_1640_option_select(client, world):
    from core.models import Occupation

    client.force_login(world["staff"])
    body = client.get(reverse("jobs:posting_create")).content.decode()
    assert body.count("<option") < 600  # the employer, unit, hours and street (~240) selects; no 1,640 occupations
    assert 'class="occupation-picker"' in body and 'data-search-url="/jobseekers/occupations/"' in body
    assert "js/occupation-picker.js" in body
    employer = make_employer(world["station_a"], name="汇站物业")
    cleaner = Occupation.objects.filter(level=4, name__contains="保洁").first()
    data = {"employer": employer.pk, "title": "小区保洁员", "occupation": cleaner.pk, "salary_unit": "month",
            "headcount": 1, "hours_type": "full_time", "description": "", "expires_on": ""}
    response = client.post(reverse("jobs:posting_create"), data)
    assert response.status_code == 302, response.content.decode()[:500]
    from jobs.models import JobPosting

    posting = JobPosting.objects.get(title="小区保洁员")
    assert posting.occupation == cleaner
    edit = client.get(reverse("jobs:posting_update", args=[posting.pk])).content.decode()
    assert f'<input type="hidden" name="occupation" value="{cleaner.pk}">' in edit and cleaner.name in edit


def test_the_public_street_list_follows_the_chosen_district(client, world):
    xuhui = world["station_a"].street.district
    body = client.get("/jobs/search/", {"district": xuhui.pk}).content.decode()
    street_select = body.split('name="street" id="id_street"')[1].split("</select>")[0]
    offered = re.findall(r'<option value="\d+" data-district="(\d+)"(?![^>]*hidden)', street_select)
    assert offered and set(offered) == {str(xuhui.pk)}
    assert "陆家嘴街道" in street_select and re.search(r'hidden disabled>浦东新区 陆家嘴街道<', street_select)
    # "我在（街镇）" is where the resident is, not a filter: every street stays offered there
    near = body.split('id="id_near_street"')[1].split("</select>")[0]
    assert "浦东新区 陆家嘴街道" in near and "hidden" not in near
