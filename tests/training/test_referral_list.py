"""/training/referrals/: every referral of the user's archives (station, district, city), filtered by program,
state and station, masked, paginated; the same filters on /api/training-referrals/."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.matrix import ANY_INTERNAL, assert_matrix
from training import services

from ..jobseekers.factories import make_archive
from .factories import make_program, make_provider

pytestmark = pytest.mark.django_db

URL = "/training/referrals/"


@pytest.fixture
def referrals(world):
    """Referrals from stations A, B (徐汇) and C (浦东); A refers one person to C's program."""
    program_a = make_program(make_provider(world["station_a"]), title="养老护理员培训", capacity=5)
    program_c = make_program(make_provider(world["station_c"]), title="西式面点师培训", capacity=5)
    made = {}
    for key, station, program, name in (
            ("a1", "station_a", program_a, "阿一"), ("a2", "station_a", program_c, "阿二"),
            ("b1", "station_b", program_a, "贝一"), ("c1", "station_c", program_c, "丙一")):
        archive = make_archive(world[station], name=name, phone="13912345678", id_number=None)
        made[key] = services.referral_create(actor=None, archive=archive, program=program)
    services.referral_enrol(actor=None, referral=made["a1"])
    return {"program_a": program_a, "program_c": program_c, **made}


def _names(client, user, query: str = "") -> set[str]:
    client.force_login(user)
    response = client.get(URL + query)
    assert response.status_code == 200
    html = response.content.decode()
    return {n for n in ("阿一", "阿二", "贝一", "丙一") if n in html}


def test_the_page_is_for_internal_users_and_in_the_staff_nav(client, world, referrals):
    assert reverse("training:referral_list") == URL
    assert_matrix(client, world, URL, ANY_INTERNAL)
    client.force_login(world["staff"])
    assert f'href="{URL}"' in client.get(reverse("training:program_list")).content.decode()


def test_each_role_sees_its_own_scope(client, world, referrals):
    assert _names(client, world["staff"]) == {"阿一", "阿二"}
    assert _names(client, world["staff_other"]) == {"贝一"}
    assert _names(client, world["staff_far"]) == {"丙一"}
    assert _names(client, world["district"]) == {"阿一", "阿二", "贝一"}
    assert _names(client, world["district_other"]) == {"丙一"}
    assert _names(client, world["city"]) == {"阿一", "阿二", "贝一", "丙一"}


def test_filters_by_program_state_and_station(client, world, referrals):
    pa, pc = referrals["program_a"].pk, referrals["program_c"].pk
    assert _names(client, world["district"], f"?program={pa}") == {"阿一", "贝一"}
    assert _names(client, world["district"], f"?program={pc}") == {"阿二"}
    assert _names(client, world["district"], "?status=enrolled") == {"阿一"}
    assert _names(client, world["district"], f"?station={world['station_b'].pk}") == {"贝一"}
    assert _names(client, world["city"], f"?program={pc}&status=referred") == {"阿二", "丙一"}


def test_a_filter_outside_the_scope_or_a_bad_value_shows_nothing_and_says_why(client, world, referrals):
    client.force_login(world["staff"])
    for query in (f"?station={world['station_c'].pk}", "?status=lost", "?program=abc"):
        response = client.get(URL + query)
        html = response.content.decode()
        assert response.status_code == 200
        assert "阿一" not in html and "没有符合条件的培训推荐" in html, query
        assert "is-invalid" in html or "invalid-feedback" in html, query


def test_rows_are_masked_and_link_the_archive_and_the_program(client, world, referrals):
    client.force_login(world["staff"])
    html = client.get(URL).content.decode()
    a1 = referrals["a1"].archive
    assert a1.id_number not in html and a1.id_number_masked in html
    assert "13912345678" not in html and a1.phone_masked in html
    assert a1.get_absolute_url() in html
    assert referrals["program_a"].get_absolute_url() in html
    # another station's program: its public page, not a staff page the user would get a 404 on
    assert referrals["program_c"].get_public_url() in html
    assert referrals["program_c"].get_absolute_url() not in html


def test_the_list_is_paginated_with_its_filters_kept(client, world, referrals, settings):
    program = referrals["program_a"]
    for _ in range(31):
        services.referral_create(actor=None, archive=make_archive(world["station_a"], name="分页"), program=program)
    client.force_login(world["staff"])
    html = client.get(URL + f"?program={program.pk}").content.decode()
    assert "1 / 2" in html and f"program={program.pk}&amp;page=2" in html
    assert "分页" in client.get(URL + f"?program={program.pk}&page=2").content.decode()


def test_the_list_takes_a_fixed_number_of_queries(client, world, referrals, django_assert_max_num_queries):
    for _ in range(10):
        services.referral_create(actor=None, archive=make_archive(world["station_a"]), program=referrals["program_a"])
    client.force_login(world["staff"])
    client.get(URL)
    with django_assert_max_num_queries(9):
        client.get(URL)


def test_the_api_filters_the_same_way(client, world, referrals):
    client.force_login(world["district"])
    url = reverse("training-referral-list")
    ids = {r["id"] for r in client.get(url, {"status": "enrolled"}).json()["results"]}
    assert ids == {referrals["a1"].pk}
    ids = {r["id"] for r in client.get(url, {"station": world["station_b"].pk}).json()["results"]}
    assert ids == {referrals["b1"].pk}
    assert client.get(url, {"station": world["station_c"].pk}).status_code == 400
