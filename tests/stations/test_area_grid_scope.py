"""片区 and 网格 follow the same scope as everything else (lists, API, form and filter choices), and an archive's,
a station's or a grid's 片区/网格 belongs to its street — refused with a clear message, and by the database
(composite foreign keys onto (id, street_id)) for anything that bypasses the forms."""

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from jobseekers.models import JobseekerArchive
from stations.models import Grid, Station
from tests.factories import street
from tests.jobseekers.factories import archive_post_data, make_archive
from tests.stations.factories import AreaFactory, GridFactory

pytestmark = pytest.mark.django_db

XJH, HNL, LJZ = "310104014", "310104004", "310115005"  # 徐家汇 (station A), 湖南路 (station B), 陆家嘴 (浦东)


@pytest.fixture
def geo(world):
    own = AreaFactory(name="汇站片区", street=street(XJH))
    neighbour = AreaFactory(name="武康片区", street=street(HNL))
    pudong = AreaFactory(name="陆家嘴片区", street=street(LJZ))
    return {"own": own, "neighbour": neighbour, "pudong": pudong,
            "own_grid": GridFactory(name="汇站一网格", street=street(XJH), area=own),
            "pudong_grid": GridFactory(name="陆家嘴一网格", street=street(LJZ), area=pudong)}


def test_staff_see_only_their_stations_areas_and_grids(client, world, geo):
    client.force_login(world["staff"])
    assert client.get("/stations/areas/").status_code == 403  # management pages are the admins'
    assert [a["name"] for a in client.get("/api/areas/").json()["results"]] == ["汇站片区"]
    assert [g["name"] for g in client.get("/api/grids/").json()["results"]] == ["汇站一网格"]
    assert client.get(f"/api/areas/{geo['pudong'].pk}/").status_code == 404


def test_district_admin_filter_choices_are_the_districts(client, world, geo):
    client.force_login(world["district"])
    grid_filter = client.get("/stations/grids/").context["filter"].form.fields["area"]
    assert sorted(a.name for a in grid_filter.queryset) == ["武康片区", "汇站片区"]


def test_archive_form_offers_only_areas_and_grids_in_scope(client, world, geo):
    client.force_login(world["staff"])
    form = client.get(reverse("jobseekers:archive_create")).context["form"]
    assert [a.name for a in form.fields["area"].queryset] == ["汇站片区"]
    assert [g.name for g in form.fields["grid"].queryset] == ["汇站一网格"]
    list_filter = client.get(reverse("jobseekers:archive_list")).context["filter"].form.fields["grid"]
    assert [g.name for g in list_filter.queryset] == ["汇站一网格"]


def test_archive_under_a_pudong_area_is_refused_on_the_page(client, world, geo):
    client.force_login(world["staff"])
    data = archive_post_data(world["station_a"], street=street(XJH).pk, area=geo["pudong"].pk)
    response = client.post(reverse("jobseekers:archive_create"), data)
    assert response.status_code == 400 and "所选片区不在您的管理范围内" in response.content.decode()
    assert not JobseekerArchive.objects.exists()


def test_area_of_another_street_is_refused_with_a_clear_message(client, world, geo):
    client.force_login(world["district"])  # sees both 徐汇 streets' areas
    data = archive_post_data(world["station_a"], street=street(XJH).pk, area=geo["neighbour"].pk)
    response = client.post(reverse("jobseekers:archive_create"), data)
    assert response.status_code == 400 and "所选片区不属于居住街镇" in response.content.decode()
    data = archive_post_data(world["station_a"], area=geo["own"].pk)  # no street
    response = client.post(reverse("jobseekers:archive_create"), data)
    assert response.status_code == 400 and "请先选择居住街镇" in response.content.decode()
    assert not JobseekerArchive.objects.exists()


def test_api_refuses_an_area_out_of_scope(client, world, geo):
    client.force_login(world["staff"])
    body = {k: v for k, v in archive_post_data(world["station_a"], street=street(XJH).pk).items()}
    response = client.post("/api/jobseekers/", {**body, "grid": geo["pudong_grid"].pk},
                           content_type="application/json")
    assert response.status_code == 400 and "grid" in response.json()["errors"]
    assert not JobseekerArchive.objects.exists()


def test_database_refuses_an_archive_area_or_grid_of_another_street(world, geo):
    archive = make_archive(world["station_a"], street=street(XJH), area=geo["own"], grid=geo["own_grid"])
    with pytest.raises(IntegrityError, match="archive_area_in_street"), transaction.atomic():
        JobseekerArchive.objects.filter(pk=archive.pk).update(area=geo["pudong"])
    with pytest.raises(IntegrityError, match="archive_grid_in_street"), transaction.atomic():
        JobseekerArchive.objects.filter(pk=archive.pk).update(grid=geo["pudong_grid"])
    with pytest.raises(IntegrityError, match="archive_area_in_street"), transaction.atomic():
        JobseekerArchive.objects.filter(pk=archive.pk).update(street=street(LJZ))  # moving keeps the pair
    with pytest.raises(IntegrityError), transaction.atomic():
        JobseekerArchive.objects.filter(pk=archive.pk).update(street=None)  # a 片区 needs its street
    archive.refresh_from_db()
    assert (archive.area, archive.grid) == (geo["own"], geo["own_grid"])


def test_database_refuses_a_grid_or_station_in_an_area_of_another_street(world, geo):
    with pytest.raises(IntegrityError, match="grid_area_in_street"), transaction.atomic():
        Grid.objects.filter(pk=geo["own_grid"].pk).update(area=geo["pudong"])
    with pytest.raises(IntegrityError, match="station_area_in_street"), transaction.atomic():
        Station.objects.filter(pk=world["station_a"].pk).update(area=geo["pudong"])


def test_deleting_an_area_clears_it_on_archives(world, geo):
    archive = make_archive(world["station_a"], street=street(XJH), area=geo["own"])
    Grid.objects.filter(area=geo["own"]).update(area=None)
    geo["own"].delete()
    archive.refresh_from_db()
    assert archive.area is None and archive.street == street(XJH)


def test_an_area_in_use_cannot_move_to_another_street(client, world, geo):
    make_archive(world["station_a"], street=street(XJH), area=geo["own"])
    client.force_login(world["district"])
    response = client.post(f"/stations/areas/{geo['own'].pk}/edit/", {"street": street(HNL).pk, "name": "汇站片区"})
    assert response.status_code == 200 and "该片区已被档案、网格或站点使用，不能改到其他街镇" in response.content.decode()
    geo["own"].refresh_from_db()
    assert geo["own"].street == street(XJH)
