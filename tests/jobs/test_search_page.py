"""The search page's selects, rendered once per language (jobs/search_page.py): what was chosen stays chosen,
a value that is no option selects nothing, and the language switch changes the options' text."""

import re

import pytest
from django.test import Client

from tests.jobs.factories import make_employer, make_posting

pytestmark = pytest.mark.django_db


def _selected(body: str, name: str) -> list[str]:
    select = body.split(f'name="{name}"')[1].split("</select>")[0]
    return re.findall(r'<option value="([^"]*)"[^>]*\sselected', select)


def test_the_chosen_filters_stay_selected(client, world):
    a = world["station_a"]
    body = client.get("/jobs/search/", {
        "district": a.street.district_id, "street": a.street_id, "near_street": a.street_id, "occupation": "4-09",
        "hours_type": "part_time", "friendly_to": "veteran", "sort": "salary"}).content.decode()
    for name, value in [("district", a.street.district_id), ("street", a.street_id), ("near_street", a.street_id),
                        ("occupation", "4-09"), ("hours_type", "part_time"), ("friendly_to", "veteran"),
                        ("sort", "salary")]:
        assert _selected(body, name) == [str(value)], name
    # another request of the same process starts from clean options
    body = client.get("/jobs/search/").content.decode()
    assert all(_selected(body, name) == [] for name in ("district", "street", "hours_type", "sort"))


def test_a_value_that_is_no_option_selects_nothing_and_escapes(client, world):
    response = client.get("/jobs/search/", {"district": '1"><script>', "hours_type": "x\"onfocus='1'"})
    body = response.content.decode()
    assert response.status_code == 200 and "<script>" not in body.split('id="search-form"')[1].split("</form>")[0]
    assert _selected(body, "district") == [] and _selected(body, "hours_type") == []


def test_cards_and_options_follow_the_language(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    make_posting(employer, actor=world["staff"], title="收银员", salary_min=4000, salary_max=4000)
    english = Client()
    english.post("/i18n/setlang/", {"language": "en", "next": "/"})
    en = english.get("/jobs/search/").content.decode()
    zh = Client().get("/jobs/search/").content.decode()
    assert ">Part-time<" in en and ">兼职<" in zh and ">兼职<" not in en
    assert "4000 yuan/month" in en and "4000 元/月" in zh  # one figure when the range is a single amount
