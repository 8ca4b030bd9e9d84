"""The training tiles (referrals not dropped, enrolled, completed, certified): counted in the user's scope from
the summary tables, each opening the referral list with the same count, and in the monthly trends."""

from __future__ import annotations

import pytest

from dashboard import registry, selectors, services
from tests.dashboard.conftest import generate_apps
from tests.dashboard.test_dashboard import list_figure

pytestmark = pytest.mark.django_db
KEYS = ("training.referral.active", "training.referral.enrolled", "training.referral.completed",
        "training.referral.certified")


def test_training_tiles_count_the_referrals_in_scope_and_open_lists_with_that_count(client, world):
    # station n (A 1, B 2, C 3) has n people; person i: the first i+2 statuses (referred, enrolled, ...) + dropped
    generate_apps(world)
    services.summaries_refresh()
    expected = {
        "staff": {"training.referral.active": 2, "training.referral.enrolled": 1, "training.referral.completed": 0,
                  "training.referral.certified": 0},
        "staff_far": {"training.referral.active": 9, "training.referral.enrolled": 3,
                      "training.referral.completed": 2, "training.referral.certified": 1},
        "district": {"training.referral.active": 2 + 5, "training.referral.enrolled": 1 + 2,
                     "training.referral.completed": 1, "training.referral.certified": 0},
        "city": {"training.referral.active": 16, "training.referral.enrolled": 6, "training.referral.completed": 3,
                 "training.referral.certified": 1},
    }
    for role, values in expected.items():
        tiles = {t.key: t for t in selectors.board_for(user=world[role]).tiles}
        assert {k: tiles[k].value for k in KEYS} == values, role
        figures = {f.key: f for f in registry.figures()}
        for key in KEYS:
            assert tiles[key].url.startswith("/training/referrals/?"), key
            assert list_figure(client, world[role], figures[key], tiles[key].url) == values[key], (role, key)
    client.force_login(world["district"])
    page = client.get("/dashboard/").content.decode()
    assert 'data-testid="tile-training.referral.active"' in page
    assert "职业培训" in page


def test_training_trends_and_breakdown_column(world):
    generate_apps(world)
    services.summaries_refresh()
    board = selectors.board_for(user=world["city"])
    series = {key: values for key, _label, values in board.series}
    assert series["training.referred"][-1] == 22  # every referral, dropped too, created this month
    assert series["training.completed"][-1] == 4  # completed and certified ones (completed_on set)
    column = [c.key for c in board.columns].index("training.referral.active")
    xuhui = next(r for r in board.tables["district"] if r.name == "徐汇区")
    assert xuhui.values[column] == 7 and "station_district=" in xuhui.links[column]
