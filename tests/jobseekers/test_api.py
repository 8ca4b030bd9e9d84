"""API /api/jobseekers/: scoping matrix, masked responses, the same validation as the pages, nested resources."""

import datetime as dt

import pytest
from django.utils import timezone

from core.models import AuditEvent
from jobseekers.models import JobseekerArchive, Visit
from tests.matrix import ANY_INTERNAL, OWNED_BY_A, assert_matrix

from .factories import make_archive, make_id_number, wrong_check_digit

pytestmark = pytest.mark.django_db

LIST = "/api/jobseekers/"


def payload(world, **overrides):
    data = {"station": world["station_a"].pk, "name": "接口建档", "id_number": make_id_number(),
            "phone": "13612345678", "consent_date": timezone.localdate().isoformat(), "consent_scope": "service",
            "key_groups": ["graduate"], "desired_occupations": ["4-04-05-05"], "initial_status": "unemployed"}
    data.update(overrides)
    return data


def test_api_matrix(client, world, archive_a):
    assert_matrix(client, world, LIST, ANY_INTERNAL, api=True)
    for url in (f"{LIST}{archive_a.pk}/", f"{LIST}{archive_a.pk}/status-entries/", f"{LIST}{archive_a.pk}/visits/"):
        assert_matrix(client, world, url, OWNED_BY_A, api=True)


def test_list_is_scoped_masked_and_has_no_n_plus_one(client, world, archive_a, django_assert_max_num_queries):
    make_archive(world["station_c"], name="浦东档案")
    client.force_login(world["district"])
    with django_assert_max_num_queries(8):
        body = client.get(LIST).json()
    assert [r["name"] for r in body["results"]] == ["张阿姨"]
    record = body["results"][0]
    assert record["id_number_masked"] == archive_a.id_number_masked and record["phone_masked"] == "139****5678"
    assert "id_number" not in record and "phone" not in record
    assert archive_a.id_number not in str(body) and "13912345678" not in str(body)
    for _ in range(5):
        make_archive(world["station_a"])
    with django_assert_max_num_queries(8):
        assert client.get(LIST).json()["count"] == 6


def test_filters_are_shared_with_the_page(client, world, archive_a):
    make_archive(world["station_a"], name="别人", initial_status="employed")
    client.force_login(world["staff"])
    assert [r["name"] for r in client.get(LIST, {"q": archive_a.id_number_last4}).json()["results"]] == ["张阿姨"]
    assert [r["name"] for r in client.get(LIST, {"status": "employed"}).json()["results"]] == ["别人"]
    assert [r["name"] for r in client.get(LIST, {"key_group": "4050"}).json()["results"]] == ["张阿姨"]


def test_create_through_the_api_validates_and_returns_masked_values(client, world):
    client.force_login(world["staff"])
    data = payload(world)
    response = client.post(LIST, data, content_type="application/json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["id_number_masked"].endswith(data["id_number"][-4:]) and data["id_number"] not in str(body)
    archive = JobseekerArchive.objects.get()
    assert archive.id_number == data["id_number"] and archive.desired_occupations.get().code == "4-04-05-05"
    assert AuditEvent.objects.filter(action="jobseeker.create").count() == 1


@pytest.mark.parametrize("overrides, field, text", [
    ({"id_number": "wrong_check"}, "id_number", "校验位错误"),
    ({"id_number": "31010419850615001"}, "id_number", "18位"),
    ({"id_number": "310104198513150011"}, "id_number", "出生日期不存在"),
    ({"id_number": "future"}, "id_number", "未来"),
    ({"phone": "1361234567"}, "phone", "11位"),
    ({"consent_date": None}, "consent_date", "同意"),
    ({"desired_occupations": ["4-04"]}, "desired_occupations", ""),
    ({"station": "other"}, "station", ""),
])
def test_bad_api_input_is_refused_and_nothing_saved(client, world, overrides, field, text):
    if overrides.get("id_number") == "wrong_check":
        overrides["id_number"] = wrong_check_digit(make_id_number())
    if overrides.get("id_number") == "future":
        overrides["id_number"] = make_id_number(timezone.localdate() + dt.timedelta(days=5))
    if overrides.get("station") == "other":
        overrides["station"] = world["station_c"].pk
    client.force_login(world["staff"])
    data = {k: v for k, v in payload(world, **overrides).items() if v is not None}
    response = client.post(LIST, data, content_type="application/json")
    assert response.status_code == 400
    assert text in " ".join(response.json()["errors"][field])
    assert not JobseekerArchive.objects.exists()


def test_duplicate_registration_through_the_api_names_the_holding_station(client, world, archive_a):
    client.force_login(world["staff_far"])
    response = client.post(LIST, payload(world, station=world["station_c"].pk, id_number=archive_a.id_number),
                           content_type="application/json")
    assert response.status_code == 400 and world["station_a"].name in response.json()["errors"]["id_number"][0]


def test_update_needs_the_current_version_and_a_stale_one_gets_409(client, world, archive_a):
    client.force_login(world["staff"])
    url = f"{LIST}{archive_a.pk}/"
    assert client.patch(url, {"address": "甲"}, content_type="application/json").status_code == 400
    ok = client.patch(url, {"address": "甲", "version": 1}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["version"] == 2
    stale = client.patch(url, {"address": "乙", "version": 1}, content_type="application/json")
    assert stale.status_code == 409 and "已被其他人修改" in stale.json()["detail"]
    archive_a.refresh_from_db()
    assert archive_a.address == "甲"


def test_other_station_cannot_update_or_add_to_the_archive(client, world, archive_a):
    client.force_login(world["staff_other"])
    assert client.patch(f"{LIST}{archive_a.pk}/", {"version": 1, "name": "x"},
                        content_type="application/json").status_code == 404
    assert client.post(f"{LIST}{archive_a.pk}/visits/", {}, content_type="application/json").status_code == 404


def test_nested_status_entries_and_visits(client, world, archive_a):
    client.force_login(world["staff"])
    today = timezone.localdate().isoformat()
    url = f"{LIST}{archive_a.pk}/"
    created = client.post(url + "status-entries/", {"status": "employed", "effective_date": today, "source": "phone"},
                          content_type="application/json")
    assert created.status_code == 201
    bad = client.post(url + "status-entries/", {"status": "rich", "effective_date": today, "source": "phone"},
                      content_type="application/json")
    assert bad.status_code == 400
    assert [e["status"] for e in client.get(url + "status-entries/").json()] == ["employed", "unemployed"]
    visit = client.post(url + "visits/", {"visit_date": today, "method": "phone", "findings": "电话回访",
                                          "needs": ["policy"]}, content_type="application/json")
    assert visit.status_code == 201
    bad_visit = client.post(url + "visits/", {"visit_date": today, "method": "phone", "findings": "x",
                                              "next_follow_up": today}, content_type="application/json")
    assert bad_visit.status_code == 400 and "晚于走访日期" in str(bad_visit.json())
    assert Visit.objects.count() == 1 and client.get(url + "visits/").json()[0]["needs"] == ["policy"]
    archive_a.refresh_from_db()
    assert archive_a.current_status == "employed"


def test_openapi_schema_documents_the_jobseeker_endpoints(client, world):
    client.force_login(world["city"])
    schema = client.get("/api/schema/", {"format": "json"}).json()
    assert {"/api/jobseekers/", "/api/jobseekers/{id}/", "/api/jobseekers/{id}/status-entries/",
            "/api/jobseekers/{id}/visits/"} <= set(schema["paths"])
