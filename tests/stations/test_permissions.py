"""Every stations page and endpoint through the permission matrix."""

import pytest
from django.urls import reverse

from stations.models import Station, StationMembership
from tests.matrix import ADMINS_ONLY, ANY_INTERNAL, OWNED_BY_A, PUBLIC, assert_matrix

from .factories import AreaFactory, GridFactory

pytestmark = pytest.mark.django_db

# Admin pages about an object of station A (徐汇): staff refused, the other district gets 404.
ADMIN_OWNED_BY_A = {"anonymous": "login", "staff": 403, "staff_other": 403, "staff_far": 403,
                    "district": 200, "district_other": 404, "city": 200}


@pytest.mark.parametrize("name", ["station_list", "station_export"])
def test_internal_lists_open_to_every_internal_role(client, world, name):
    assert_matrix(client, world, reverse(f"stations:{name}"), ANY_INTERNAL)


@pytest.mark.parametrize("name", ["station_create", "name_suggestion", "area_list", "grid_list", "area_create",
                                  "grid_create", "coverage"])
def test_admin_pages_refuse_staff(client, world, name):
    assert_matrix(client, world, reverse(f"stations:{name}"), ADMINS_ONLY)


def test_station_page_is_scoped_to_own_station_and_district(client, world):
    assert_matrix(client, world, reverse("stations:station_detail", args=[world["station_a"].pk]), OWNED_BY_A)


@pytest.mark.parametrize("name", ["station_update", "membership_add"])
def test_station_admin_pages_scoped_to_district(client, world, name):
    assert_matrix(client, world, reverse(f"stations:{name}", args=[world["station_a"].pk]), ADMIN_OWNED_BY_A)


def test_membership_edit_scoped_to_district(client, world):
    membership = StationMembership.objects.get(user=world["staff"], station=world["station_a"])
    assert_matrix(client, world, reverse("stations:membership_update", args=[membership.pk]), ADMIN_OWNED_BY_A)


def test_membership_remove_scoped_to_district(client, world):
    membership = StationMembership.objects.get(user=world["staff"], station=world["station_a"])
    url = reverse("stations:membership_remove", args=[membership.pk])
    assert_matrix(client, world, url, {"anonymous": "login", "staff": 403, "staff_other": 403, "staff_far": 403,
                                       "district_other": 404, "district": 302}, method="post")
    assert not StationMembership.objects.filter(pk=membership.pk).exists()


def test_area_and_grid_edit_scoped_to_district(client, world):
    area = AreaFactory()
    grid = GridFactory(area=area)
    assert_matrix(client, world, reverse("stations:area_update", args=[area.pk]), ADMIN_OWNED_BY_A)
    assert_matrix(client, world, reverse("stations:grid_update", args=[grid.pk]), ADMIN_OWNED_BY_A)


def test_finder_and_public_station_page_are_public(client, world):
    assert_matrix(client, world, reverse("stations:finder"), PUBLIC)
    assert_matrix(client, world, reverse("stations:finder") + "?lat=31.2&lng=121.44", PUBLIC)
    assert_matrix(client, world, reverse("stations:public_station", args=[world["station_a"].pk]), PUBLIC)


@pytest.mark.parametrize("status", [Station.Status.PLANNED, Station.Status.SUSPENDED])
def test_public_page_of_a_station_not_in_service_is_404_for_everyone(client, world, status):
    Station.objects.filter(pk=world["station_a"].pk).update(status=status)
    url = reverse("stations:public_station", args=[world["station_a"].pk])
    assert_matrix(client, world, url, dict.fromkeys(PUBLIC, 404))


def test_api_station_list_and_detail(client, world):
    assert_matrix(client, world, "/api/stations/", ANY_INTERNAL, api=True)
    assert_matrix(client, world, f"/api/stations/{world['station_a'].pk}/", OWNED_BY_A, api=True)


def test_api_station_update_is_for_admins_of_the_district(client, world):
    station = world["station_a"]
    for role, wanted in ADMIN_OWNED_BY_A.items():  # each writer sends the version it read
        station.refresh_from_db()
        assert_matrix(client, world, f"/api/stations/{station.pk}/", {role: wanted}, api=True, method="patch",
                      data={"phone": "021-64009999", "version": station.version}, content_type="application/json")


def test_api_station_create_refuses_staff_and_anonymous(client, world):
    assert_matrix(client, world, "/api/stations/",
                  {"anonymous": "login", "staff": 403, "staff_other": 403, "staff_far": 403},
                  api=True, method="post", data={}, content_type="application/json")


def test_api_areas_and_grids_for_internal_users(client, world):
    assert_matrix(client, world, "/api/areas/", ANY_INTERNAL, api=True)
    assert_matrix(client, world, "/api/grids/", ANY_INTERNAL, api=True)


def test_public_nearest_api_needs_no_login(client, world):
    assert_matrix(client, world, "/api/public/stations/nearest/?lat=31.2&lng=121.44", PUBLIC, api=True)
