"""One scope decision (core.scoping) and one API error body (core.api.exceptions), seen from outside."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from core.models import AuditEvent
from core.scoping import Scope
from jobs import services as jobs_services
from jobs.models import Employer, JobPosting
from jobseekers.models import JobseekerArchive
from matching import services as matching_services
from matching.models import GuidanceSession, PushRecord
from stations import services as stations_services
from stations.models import Area, Station, StationMembership
from tests.factories import UserFactory, street
from tests.jobs.factories import credit_code, make_employer, make_posting
from tests.jobseekers.factories import make_archive, make_id_number

pytestmark = pytest.mark.django_db

PD_STREET = "310115005"  # 浦东新区: outside the 徐汇区 admin's district


def _assert_error_body(body: dict) -> None:
    assert set(body) == {"detail", "errors"} and isinstance(body["detail"], str) and body["detail"]
    assert isinstance(body["errors"], dict)


# --- the predicate --------------------------------------------------------------------------------------

def test_scope_allows_each_role_its_own_and_nothing_else():
    city, district, staff = Scope("city"), Scope("district", district_id=7), Scope("staff", station_ids=frozenset({3}))
    assert city.allows(station_id=1) and city.allows(district_id=1)
    assert district.allows(station_id=1, district_id=7) and not district.allows(station_id=1, district_id=8)
    assert not district.allows(station_id=3)  # a station whose district is unknown is not the admin's
    assert staff.allows(station_id=3, district_id=8) and not staff.allows(station_id=4, district_id=7)
    assert not staff.allows(district_id=7)  # street-owned registry data is for admins
    assert not Scope("expert").allows(station_id=3, district_id=7)
    assert not Scope("anonymous").allows(station_id=3, district_id=7)


# --- every service refuses an out-of-scope write the same way ---------------------------------------------

def _employer_create(world):
    return lambda: jobs_services.employer_create(actor=world["staff"], station=world["station_b"], name="越权有限公司",
                                                 kind=Employer.Kind.ENTERPRISE, credit_code=credit_code())


def _posting_create(world):
    employer = make_employer(world["station_b"])
    return lambda: jobs_services.posting_create(actor=world["staff"], employer=employer, title="保安员")


def _posting_publish(world):
    posting = make_posting(make_employer(world["station_c"]), publish=False)
    return lambda: jobs_services.posting_submit(actor=world["district"], posting=posting)


def _station_create(world):
    return lambda: stations_services.station_create(actor=world["district"], code="PD-X", name="越权站点",
                                                    street=street(PD_STREET), host_type="social_work",
                                                    address="浦东某路1号")


def _station_update(world):
    return lambda: stations_services.station_update(actor=world["district_other"], station=world["station_a"],
                                                    name="改名")


def _area_create(world):
    return lambda: stations_services.area_create(actor=world["district"], street=street(PD_STREET), name="越权片区")


def _membership_add(world):
    user = UserFactory(username="newcomer")
    return lambda: stations_services.membership_add(actor=world["district_other"], station=world["station_a"],
                                                    user=user, role="specialist")


def _archive_create(world):
    return lambda: make_archive(world["station_b"], actor=world["staff"], id_number=make_id_number())


def _push_create(world):
    archive = make_archive(world["station_a"])
    posting = make_posting(make_employer(world["station_a"]))
    return lambda: matching_services.push_create(actor=world["staff_other"], archive=archive, postings=[posting],
                                                 channel="phone")


def _push_outcome(world):
    archive = make_archive(world["station_a"])
    posting = make_posting(make_employer(world["station_a"]))
    push = matching_services.push_create(actor=world["staff"], archive=archive, postings=[posting], channel="phone")[0]
    return lambda: matching_services.push_record_outcome(actor=world["staff_far"], push=push, outcome="interview",
                                                         outcome_date=dt.date.today())


def _guidance_create(world):
    archive = make_archive(world["station_a"])
    return lambda: matching_services.guidance_create(actor=world["district_other"], archive=archive,
                                                     held_on=dt.date.today(), kind="career", topics="求职")


@pytest.mark.parametrize("make_call", [
    _employer_create, _posting_create, _posting_publish, _station_create, _station_update, _area_create,
    _membership_add, _archive_create, _push_create, _push_outcome, _guidance_create,
], ids=lambda f: f.__name__.strip("_"))
def test_every_service_refuses_an_out_of_scope_write_with_permission_denied_and_changes_nothing(world, make_call):
    call = make_call(world)
    models = [AuditEvent, Employer, JobPosting, Station, Area, StationMembership, JobseekerArchive, PushRecord,
              GuidanceSession]
    before = [m.objects.count() for m in models]
    names = dict(Station.objects.values_list("pk", "name"))
    with pytest.raises(PermissionDenied) as caught:
        call()
    assert str(caught.value)  # a Chinese sentence saying why
    assert [m.objects.count() for m in models] == before
    assert dict(Station.objects.values_list("pk", "name")) == names


@pytest.mark.parametrize("user, url, payload", [
    ("staff", "/api/employers/", lambda w: {"station": w["station_b"].pk, "name": "越权有限公司", "kind": "enterprise",
                                            "credit_code": credit_code()}),
    ("staff", "/api/postings/", lambda w: {"employer": make_employer(w["station_b"]).pk, "title": "保安员"}),
    ("district", "/api/stations/", lambda w: {"code": "PD-X", "name": "越权站点", "street": street(PD_STREET).pk,
                                              "host_type": "social_work", "address": "浦东某路1号"}),
], ids=["employer", "posting", "station"])
def test_out_of_scope_api_writes_are_403_with_the_error_body(client, world, user, url, payload):
    data = payload(world)
    before = AuditEvent.objects.count()
    client.force_login(world[user])
    response = client.post(url, data, content_type="application/json")
    assert response.status_code == 403
    body = response.json()
    _assert_error_body(body)
    assert body["errors"] == {} and ("本站点" in body["detail"] or "本区" in body["detail"])
    assert AuditEvent.objects.count() == before


# --- one error body for every API error -------------------------------------------------------------------

def test_a_service_field_error_is_400_with_the_message_under_its_field(client, world):
    client.force_login(world["district"])
    response = client.post("/api/stations/", {"code": "A-001", "name": "重复编码站", "street": street("310104014").pk,
                                              "host_type": "social_work", "address": "某路1号"},
                           content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    _assert_error_body(body)
    assert body["errors"] == {"code": ["站点编码已被使用，请换一个。"]}
    assert body["detail"] == "站点编码已被使用，请换一个。"  # the only message is the sentence


def test_a_service_non_field_error_is_400_under_non_field_errors(client, world):
    posting = make_posting(make_employer(world["station_a"]))  # already published
    client.force_login(world["district"])  # a reviewer: the refusal is the transition's own
    response = client.post(f"/api/postings/{posting.pk}/publish/")
    assert response.status_code == 400
    body = response.json()
    _assert_error_body(body)
    assert list(body["errors"]) == ["non_field_errors"] and "不能执行此操作" in body["detail"]
    assert body["errors"]["non_field_errors"] == [body["detail"]]


def test_several_field_errors_get_one_sentence_and_each_field_its_messages(client, world):
    client.force_login(world["staff"])
    response = client.post("/api/pushes/", {}, content_type="application/json")  # DRF's own validation
    assert response.status_code == 400
    body = response.json()
    _assert_error_body(body)
    assert {"archive", "postings", "channel"} <= set(body["errors"])
    assert "请按各项的提示修改" in body["detail"]


def test_an_object_of_another_station_is_404_with_the_error_body(client, world):
    archive = make_archive(world["station_a"])
    client.force_login(world["staff_other"])
    response = client.get(f"/api/jobseekers/{archive.pk}/")
    assert response.status_code == 404
    body = response.json()
    _assert_error_body(body)
    assert body["errors"] == {}


def test_anonymous_and_stale_version_errors_keep_their_status_and_the_body(client, world):
    body = client.get("/api/employers/").json()
    _assert_error_body(body)
    archive = make_archive(world["station_a"])
    client.force_login(world["staff"])
    response = client.patch(f"/api/jobseekers/{archive.pk}/", {"address": "乙", "version": 99},
                            content_type="application/json")
    assert response.status_code == 409
    _assert_error_body(response.json())


def test_the_openapi_schema_documents_the_error_body(client):
    import yaml

    spec = yaml.safe_load(client.get("/api/schema/").content)
    error = spec["components"]["schemas"]["Error"]
    assert set(error["properties"]) == {"detail", "errors", "offer"}  # offer: only on a 409 (core/errors.py)
    assert set(error["required"]) == {"detail", "errors"}
    create = spec["paths"]["/api/employers/"]["post"]["responses"]
    for code in ("400", "403"):
        assert create[code]["content"]["application/json"]["schema"]["$ref"].endswith("/Error")
    assert "404" in spec["paths"]["/api/employers/{id}/"]["get"]["responses"]
