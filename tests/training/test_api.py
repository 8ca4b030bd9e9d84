"""The training API: scoping, validation through the models, transitions, the public catalog."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from tests.matrix import ANY_INTERNAL, OWNED_BY_A, PUBLIC, assert_matrix
from training import services
from training.models import Program, Provider, Referral

from ..jobs.factories import credit_code
from ..jobseekers.factories import make_archive
from .factories import make_program, make_provider, occupation

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle():
    cache.clear()
    yield


@pytest.fixture
def program(world):
    return make_program(make_provider(world["station_a"]), title="西式面点师培训", capacity=1)


def test_endpoint_matrix(client, world, program):
    referral = services.referral_create(actor=None, archive=make_archive(world["station_a"]), program=program)
    for name in ("training-provider", "training-program", "training-referral", "training-certificate"):
        assert_matrix(client, world, reverse(f"{name}-list"), ANY_INTERNAL, api=True)
    assert_matrix(client, world, reverse("training-program-detail", args=[program.pk]), OWNED_BY_A, api=True)
    assert_matrix(client, world, reverse("training-provider-detail", args=[program.provider_id]), OWNED_BY_A,
                  api=True)
    assert_matrix(client, world, reverse("training-referral-detail", args=[referral.pk]), OWNED_BY_A, api=True)
    assert_matrix(client, world, reverse("training-catalog-list"), PUBLIC, api=True)
    assert_matrix(client, world, reverse("training-catalog-detail", args=[program.pk]), PUBLIC, api=True)


def test_lists_hold_only_the_callers_rows(client, world, program):
    make_program(make_provider(world["station_c"]), title="浦东项目")
    client.force_login(world["staff"])
    titles = [p["title"] for p in client.get(reverse("training-program-list")).json()["results"]]
    assert titles == ["西式面点师培训"]


def test_a_provider_with_a_bad_credit_code_is_refused_with_the_one_error_body(client, world):
    client.force_login(world["staff"])
    response = client.post(reverse("training-provider-list"), {
        "station": world["station_a"].pk, "name": "某学校", "credit_code": "91310000MA1FL0XX0X"},
        content_type="application/json")
    assert response.status_code == 400
    body = response.json()
    assert "credit_code" in body["errors"] and body["detail"]
    assert not Provider.objects.exists()
    ok = client.post(reverse("training-provider-list"), {
        "station": world["station_a"].pk, "name": "某学校", "credit_code": credit_code()},
        content_type="application/json")
    assert ok.status_code == 201


def test_a_program_at_another_station_is_a_403_and_end_before_start_a_400(client, world):
    provider = make_provider(world["station_a"])
    client.force_login(world["staff"])
    data = {"station": world["station_b"].pk, "provider": provider.pk, "title": "电工", "occupation": occupation().pk,
            "skill_level": "4", "hours": 40, "start_date": "2026-12-01", "end_date": "2026-12-20", "capacity": 5,
            "status": "enrolling"}
    assert client.post(reverse("training-program-list"), data, content_type="application/json").status_code == 403
    data.update(station=world["station_a"].pk, end_date="2026-11-01")
    response = client.post(reverse("training-program-list"), data, content_type="application/json")
    assert response.status_code == 400 and "end_date" in response.json()["errors"]
    assert not Program.objects.exists()


def test_referral_through_the_api_and_a_full_program_is_a_400(client, world, program):
    client.force_login(world["staff"])
    a1, a2 = make_archive(world["station_a"]), make_archive(world["station_a"])
    r1 = client.post(reverse("training-referral-list"), {"archive": a1.pk, "program": program.pk},
                     content_type="application/json").json()
    assert client.post(reverse("training-referral-enrol", args=[r1["id"]])).json()["status"] == "enrolled"
    r2 = client.post(reverse("training-referral-list"), {"archive": a2.pk, "program": program.pk},
                     content_type="application/json").json()
    response = client.post(reverse("training-referral-enrol", args=[r2["id"]]))
    assert response.status_code == 400 and response.json()["detail"] == services.FULL_MESSAGE
    dup = client.post(reverse("training-referral-list"), {"archive": a1.pk, "program": program.pk},
                      content_type="application/json")
    assert dup.status_code == 400 and "已被推荐" in dup.json()["detail"]
    far = make_archive(world["station_c"])
    response = client.post(reverse("training-referral-list"), {"archive": far.pk, "program": program.pk},
                           content_type="application/json")
    assert response.status_code == 400 and not Referral.objects.filter(archive=far).exists()
    client.post(reverse("training-referral-complete", args=[r1["id"]]))
    certified = client.post(reverse("training-referral-certify", args=[r1["id"]]), {"number": "C-1"},
                            content_type="application/json").json()
    assert certified["status"] == "certified"
    certs = client.get(reverse("training-certificate-list"), {"archive": a1.pk}).json()["results"]
    assert [c["number"] for c in certs] == ["C-1"]


def test_the_public_catalog_api_is_anonymous_and_scoped_to_open_programs(client, world, program):
    make_program(program.provider, title="已取消项目", status=Program.Status.CANCELLED)
    body = client.get(reverse("training-catalog-list"), {"q": "培训"}).json()
    assert [r["title"] for r in body["results"]] == ["西式面点师培训"]
    detail = client.get(reverse("training-catalog-detail", args=[program.pk])).json()
    assert detail["designated"] is True and "定点培训机构" in detail["verification"]
    response = client.get(reverse("training-catalog-list"), {"within": "15"})
    assert response.status_code == 400 and "near_street" in response.json()["errors"]
