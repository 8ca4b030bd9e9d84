"""The schema against real responses of real rows: the operations whose bodies schemathesis' random ids
never reach (they answer 404 to an id that names nothing). Each call is validated by schemathesis' checks."""

from __future__ import annotations

import pytest
from django.utils import timezone
from rest_framework.authtoken.models import Token

from tests.api.test_schemathesis import EXCLUDED, schema
from tests.jobs.factories import make_employer, make_posting
from tests.jobseekers.factories import make_archive


def _token(user) -> dict:
    return {"Authorization": f"Token {Token.objects.get_or_create(user=user)[0].key}"}


def _call(path, method, headers, **kwargs):
    case = schema[path][method].Case(**kwargs)
    response = case.call_and_validate(headers=headers, excluded_checks=EXCLUDED)
    assert response.status_code < 300, response.text
    return response


@pytest.fixture
def rows(world):
    archive = make_archive(world["station_a"], actor=world["staff"], lat=31.194, lng=121.437)
    employer = make_employer(world["station_a"], actor=world["staff"])
    posting = make_posting(employer, actor=world["staff"])
    return {"archive": archive, "employer": employer, "posting": posting}


def test_the_bodies_of_archive_operations_match_the_schema(world, rows):
    staff, pk, today = _token(world["staff"]), rows["archive"].pk, timezone.localdate().isoformat()
    _call("/api/archives/{id}/recommendations/", "GET", staff, path_parameters={"id": pk})
    _call("/api/jobseekers/{id}/", "GET", staff, path_parameters={"id": pk})
    _call("/api/jobseekers/{id}/status-entries/", "GET", staff, path_parameters={"id": pk})
    _call("/api/jobseekers/{id}/status-entries/", "POST", staff, path_parameters={"id": pk},
          body={"status": "flexible", "effective_date": today, "source": "phone"}, media_type="application/json")
    _call("/api/jobseekers/{id}/visits/", "GET", staff, path_parameters={"id": pk})
    _call("/api/jobseekers/{id}/visits/", "POST", staff, path_parameters={"id": pk},
          body={"visit_date": today, "method": "phone", "findings": "电话回访"}, media_type="application/json")
    _call("/api/jobseekers/", "GET", staff)


def test_the_bodies_of_posting_and_push_operations_match_the_schema(world, rows):
    staff, posting = _token(world["staff"]), rows["posting"]
    _call("/api/postings/{id}/candidates/", "GET", staff, path_parameters={"id": posting.pk})
    _call("/api/postings/{id}/", "PATCH", staff, path_parameters={"id": posting.pk},
          body={"headcount": 3, "version": posting.version}, media_type="application/json")
    _call("/api/employers/{id}/", "PATCH", staff, path_parameters={"id": rows["employer"].pk},
          body={"address": "测试路 1 号", "version": 1}, media_type="application/json")
    pushed = _call("/api/pushes/", "POST", staff, body={"archive": rows["archive"].pk, "postings": [posting.pk],
                                                         "channel": "phone"}, media_type="application/json")
    _call("/api/pushes/{id}/outcome/", "POST", staff, path_parameters={"id": pushed.json()[0]["id"]},
          body={"outcome": "interested", "outcome_date": timezone.localdate().isoformat()},
          media_type="application/json")
    _call("/api/pushes/funnel/", "GET", staff)
    _call("/api/jobs/", "GET", {}, query={"q": "保洁"})
    _call("/api/jobs/{id}/", "GET", {}, path_parameters={"id": posting.pk})


def test_the_bodies_of_station_and_reference_operations_match_the_schema(world, rows):
    station = world["station_a"]
    _call("/api/stations/{id}/", "PATCH", _token(world["district"]), path_parameters={"id": station.pk},
          body={"phone": "021-64009999", "version": station.version}, media_type="application/json")
    _call("/api/public/stations/nearest/", "GET", {}, query={"lat": 31.19, "lng": 121.43})
    _call("/api/public/stations/nearest/", "GET", {}, query={"street": station.street_id})
    _call("/api/audit-events/", "GET", _token(world["district"]))
    _call("/api/me/", "GET", _token(world["staff"]))
    _call("/api/streets/", "GET", {}, query={"district": station.street.district_id})


def test_a_list_items_error_is_a_string_of_the_error_body_with_its_position(world):
    case = schema["/api/jobseekers/"]["POST"].Case(body={"station": world["station_a"].pk, "name": "张三",
                                                        "key_groups": ["AAA"]}, media_type="application/json")
    response = case.call_and_validate(headers=_token(world["staff"]), excluded_checks=EXCLUDED)
    assert response.status_code == 400
    assert response.json()["errors"]["key_groups"] == ["第1项：“AAA” 不是合法选项。"]


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/jobseekers/0.5/")
    assert response.status_code == 404 and response.json() == {"detail": "未找到。", "errors": {}}
