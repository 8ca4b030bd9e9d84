import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from dashboard import selectors
from dashboard.models import FigureMonth

pytestmark = pytest.mark.django_db


def test_demo_data_gives_two_years_of_trends_and_is_idempotent(client, reference_data):
    call_command("load_demo_data", verbosity=0)
    rows = FigureMonth.objects.count()
    board = selectors.board_for(user=get_user_model().objects.get(username="district_demo"))
    assert board.as_of is not None
    pushed = dict((k, v) for k, _label, v in board.series)["matching.pushed"]
    assert len(pushed) == 24 and sum(1 for v in pushed if v) >= 20 and len(set(pushed)) > 5
    assert next(t for t in board.tiles if t.key == "jobseekers.open").value > 0
    call_command("load_demo_data", verbosity=0)
    assert FigureMonth.objects.count() == rows
    client.force_login(get_user_model().objects.get(username="city_demo"))
    assert client.get("/dashboard/").status_code == 200
