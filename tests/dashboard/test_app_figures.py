"""The assistance tiles (cases by state, subsidies paid, unclaimed entitlements): each equals its list, scoped."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assistance.models import Case, Entitlement
from dashboard import selectors, services
from tests.assistance.factories import make_person, make_policy
from tests.dashboard.test_dashboard import list_figure

pytestmark = pytest.mark.django_db


def _case(archive, policy, state, **fields):
    return Case.objects.create(archive=archive, policy=policy, version=policy.current_version,
                               kind=Case.Kind.CLAIM, state=state, is_open=state not in {"paid", "rejected"}, **fields)


def test_assistance_tiles_equal_their_lists_and_count_only_the_users_stations(client, world, reference_data):
    from core.figures import Figure
    from dashboard import registry

    policy = make_policy(rule={"all": []}, amount="500.00")
    other = make_policy(rule={"all": []}, amount="800.00")
    a, b = make_person(world["station_a"], name="甲"), make_person(world["station_b"], name="乙")
    today = timezone.localdate()
    _case(a, policy, Case.State.PAID, amount_paid=Decimal("500.00"), paid_on=today, claim_period="2026-11", payment_reference="P1")
    _case(a, other, Case.State.DRAFT)
    _case(b, policy, Case.State.PAID, amount_paid=Decimal("800.00"), paid_on=today, claim_period="2026-11", payment_reference="P1")
    Entitlement.objects.create(archive=a, policy=other, station=a.station, version=other.current_version,
                               first_eligible_on=today - dt.timedelta(days=3), last_checked_on=today)
    services.summaries_refresh()
    figures = {f.key: f for f in registry.figures()}
    tiles = {t.key: t for t in selectors.board_for(user=world["staff"]).tiles}
    expected = {"assistance.case.paid": 1, "assistance.case.draft": 1, "assistance.paid_amount": 500,
                "assistance.unclaimed": 1, "assistance.case.submitted": 0}
    for key, value in expected.items():
        assert tiles[key].value == value, key
        assert isinstance(figures[key], Figure)
        assert list_figure(client, world["staff"], figures[key], tiles[key].url) == value, key
    assert "state=paid" in tiles["assistance.case.paid"].url
    city = {t.key: t for t in selectors.board_for(user=world["city"]).tiles}
    assert city["assistance.paid_amount"].value == 1300
