"""Lost updates (issue 12 item 11): employers, postings, stations and insurance help carry a version.

The second of two writers who read the same version gets "数据已被他人修改，请刷新后重试。" — on the page the
form comes back with what they typed, in the API a 409 — and the first writer's save stands.
"""

from __future__ import annotations

import threading

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from core.versioning import STALE_MESSAGE
from jobs import services as job_services
from jobs.models import Employer, JobPosting
from matching import services as matching_services
from matching.models import InsuranceHelp
from stations import services as station_services
from stations.models import Station
from tests.jobs.factories import make_employer, make_posting
from tests.jobseekers.factories import make_archive
from tests.stations.factories import station_post


def _form_data(form) -> dict:
    """What the browser posts back for an unchanged form."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if value is None:
            continue
        data[name] = value
    return data


@pytest.fixture
def owned(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    posting = make_posting(employer, actor=world["staff"])
    return {"employer": employer, "posting": posting}


def test_a_stale_employer_form_is_refused_and_keeps_what_was_typed(client, world, owned):
    employer = owned["employer"]
    client.force_login(world["staff"])
    url = reverse("jobs:employer_update", args=[employer.pk])
    data = _form_data(client.get(url).context["form"])
    job_services.employer_update(actor=world["staff"], employer=employer,
                                 expected_version=data["version"], name="上海先保存的名字有限公司")
    data["name"] = "上海我正在输入的名字有限公司"
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400 and STALE_MESSAGE in html
    assert 'value="上海我正在输入的名字有限公司"' in html
    employer.refresh_from_db()
    assert employer.name == "上海先保存的名字有限公司" and employer.version == 2


def test_a_current_employer_form_saves_and_moves_the_version_on(client, world, owned):
    employer = owned["employer"]
    client.force_login(world["staff"])
    url = reverse("jobs:employer_update", args=[employer.pk])
    data = _form_data(client.get(url).context["form"])
    data["name"] = "上海改好的名字有限公司"
    assert client.post(url, data).status_code == 302
    employer.refresh_from_db()
    assert employer.name == "上海改好的名字有限公司" and employer.version == 2


def test_a_stale_posting_form_is_refused_and_keeps_what_was_typed(client, world, owned):
    posting = owned["posting"]
    client.force_login(world["staff"])
    url = reverse("jobs:posting_update", args=[posting.pk])
    data = _form_data(client.get(url).context["form"])
    job_services.posting_update(actor=world["staff"], posting=posting, expected_version=data["version"],
                                title="先保存的标题")
    data["title"] = "我正在输入的标题"
    response = client.post(url, data)
    html = response.content.decode()
    assert response.status_code == 400 and STALE_MESSAGE in html and 'value="我正在输入的标题"' in html
    posting.refresh_from_db()
    assert posting.title == "先保存的标题"


def test_a_stale_station_form_is_refused_and_keeps_what_was_typed(client, world):
    station = world["station_a"]
    client.force_login(world["district"])
    url = reverse("stations:station_update", args=[station.pk])
    version = client.get(url).context["form"]["version"].value()
    station_services.station_update(actor=world["district"], station=station, expected_version=version,
                                    name="先保存的站名")
    response = client.post(url, station_post(station.street, code=station.code, name="我正在输入的站名",
                                             version=version))
    html = response.content.decode()
    assert response.status_code in (200, 400) and STALE_MESSAGE in html and 'value="我正在输入的站名"' in html
    station.refresh_from_db()
    assert station.name == "先保存的站名"


def test_a_stale_insurance_form_is_refused_with_the_conflict_message(client, world):
    archive = make_archive(world["station_a"], actor=world["staff"])
    client.force_login(world["staff"])
    url = reverse("matching:insurance_update", args=[archive.pk])
    assert client.post(url, {"status": "collecting", "checklist": ["id_card"], "version": 0}).status_code == 302
    help_ = InsuranceHelp.objects.get(archive=archive)
    matching_services.insurance_update(actor=world["staff"], archive=archive, status="collecting",
                                       checklist=["id_card", "contract"], expected_version=help_.version)
    response = client.post(url, {"status": "collecting", "checklist": [], "note": "我的备注",
                                 "version": help_.version}, follow=True)
    assert STALE_MESSAGE in response.content.decode()
    help_.refresh_from_db()
    assert help_.checklist == ["contract", "id_card"] and help_.note == ""


def _api(user):
    api = APIClient()
    api.force_authenticate(user)
    return api


@pytest.mark.parametrize("kind", ["employer", "posting", "station"])
def test_api_updates_need_the_version_read_and_a_stale_one_is_a_409(world, owned, kind):
    obj, user, url, field, value = {
        "employer": (owned["employer"], world["staff"], "/api/employers/{}/", "name", "上海接口改的名字有限公司"),
        "posting": (owned["posting"], world["staff"], "/api/postings/{}/", "title", "接口改的标题"),
        "station": (world["station_a"], world["district"], "/api/stations/{}/", "name", "接口改的站名"),
    }[kind]
    api, url = _api(user), url.format(obj.pk)
    read = api.get(url).json()
    assert read["version"] == 1
    missing = api.patch(url, {field: value}, format="json")
    assert missing.status_code == 400 and "version" in missing.json()["errors"]
    ok = api.patch(url, {field: value, "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["version"] == 2 and ok.json()[field] == value
    stale = api.patch(url, {field: "覆盖别人的修改", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json() == {"detail": STALE_MESSAGE, "errors": {}}
    model = {"employer": Employer, "posting": JobPosting, "station": Station}[kind]
    assert getattr(model.objects.get(pk=obj.pk), field) == value


@pytest.mark.django_db(transaction=True)
def test_two_concurrent_employer_edits_from_one_version_save_once(world):
    employer = make_employer(world["station_a"], actor=world["staff"])
    barrier, outcomes = threading.Barrier(2), []

    def edit(name):
        try:
            barrier.wait()
            job_services.employer_update(actor=world["staff"], employer=employer, expected_version=1, name=name)
            outcomes.append("saved")
        except Exception as exc:
            outcomes.append(type(exc).__name__)
        finally:
            connection.close()

    threads = [threading.Thread(target=edit, args=(f"上海并发名字{i}有限公司",)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["StaleVersionError", "saved"]
    assert Employer.objects.get(pk=employer.pk).version == 2
