"""The case list's filters: one FilterSet for the page and the API, the same rows on both, bad values a 400."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from assistance import services as svc
from assistance.models import Case
from tests.assistance.factories import make_person, make_policy

pytestmark = pytest.mark.django_db

API = "/api/assistance/cases/"
PAGE = "/assistance/cases/"


@pytest.fixture
def cases(world, claim_policy):
    """A: a claim draft of today and a 创业补贴 submitted 10 days ago; B: a claim draft waiting 40 days."""
    startup = make_policy(rule={"all": []}, name="一次性创业补贴")
    a1 = svc.case_create(actor=world["staff"], archive=make_person(world["station_a"], name="甲"), policy=claim_policy)
    a2 = svc.case_create(actor=world["staff"], archive=make_person(world["station_a"], name="乙"), policy=startup,
                         kind=Case.Kind.STARTUP)
    b1 = svc.case_create(actor=world["staff_other"], archive=make_person(world["station_b"], name="丙"),
                         policy=claim_policy)
    now = timezone.now()
    Case.objects.filter(pk=a2.pk).update(state=Case.State.SUBMITTED, state_changed_at=now - dt.timedelta(days=10))
    Case.objects.filter(pk=b1.pk).update(state_changed_at=now - dt.timedelta(days=40))
    return {"a1": a1.pk, "a2": a2.pk, "b1": b1.pk, "startup": startup.pk, "claim": claim_policy.pk}


def _api_ids(client, params) -> set[int]:
    response = client.get(API, params)
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def _page_ids(client, params) -> set[int]:
    response = client.get(PAGE, params)
    assert response.status_code == 200
    return {int(pk) for pk in re.findall(r'href="/assistance/cases/(\d+)/"', response.content.decode())}


def test_each_filter_narrows_the_api_as_it_narrows_the_page(client, world, cases):
    client.force_login(world["district"])
    expected = [
        ({}, {"a1", "a2", "b1"}),
        ({"kind": "startup"}, {"a2"}),
        ({"kind": "claim"}, {"a1", "b1"}),
        ({"state": "submitted"}, {"a2"}),
        ({"state": "draft"}, {"a1", "b1"}),
        ({"policy": cases["claim"]}, {"a1", "b1"}),
        ({"station": world["station_b"].pk}, {"b1"}),
        ({"waiting_days": 7}, {"a2", "b1"}),
        ({"waiting_days": 30}, {"b1"}),
        ({"kind": "claim", "station": world["station_a"].pk}, {"a1"}),
    ]
    for params, names in expected:
        wanted = {cases[n] for n in names}
        assert _api_ids(client, params) == wanted, params
        assert _page_ids(client, params) == wanted, params


def test_filters_keep_the_scope(client, world, cases):
    client.force_login(world["staff"])
    assert _api_ids(client, {}) == {cases["a1"], cases["a2"]}
    assert _api_ids(client, {"station": world["station_b"].pk}) == set()  # another station's cases stay unseen
    assert _page_ids(client, {"station": world["station_b"].pk}) == set()
    client.force_login(world["district_other"])
    assert _api_ids(client, {"policy": cases["claim"]}) == set()


@pytest.mark.parametrize(("params", "field"), [
    ({"state": "lost"}, "state"), ({"kind": "loan"}, "kind"), ({"waiting_days": -1}, "waiting_days"),
    ({"waiting_days": "abc"}, "waiting_days"), ({"station": "0"}, "station"), ({"policy": "999999"}, "policy"),
])
def test_a_bad_filter_value_is_a_400_with_the_error_body(client, world, cases, params, field):
    client.force_login(world["staff"])
    response = client.get(API, params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) >= {"detail", "errors"} and body["detail"]
    assert body["errors"][field] and all(isinstance(m, str) for m in body["errors"][field])
    page = client.get(PAGE, params)  # the page shows the same refusal on the filter bar and lists nothing
    assert page.status_code == 200 and f'data-testid="error-{field}"' in page.content.decode()
    assert _page_ids(client, params) == set()
