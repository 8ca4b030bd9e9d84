"""Every breakdown cell (by district, street, station) opens the list it counts, narrowed to its row, and that
list's count is the cell's number; a cell whose list cannot be narrowed so is plain text."""

from __future__ import annotations

import pytest
from django.utils.html import escape

from dashboard import selectors, services
from tests.dashboard.test_dashboard import list_figure

pytestmark = pytest.mark.django_db


def _walk(client, user, board) -> int:
    """Check the linked cells of every row with a count, and of the first row without one, in every table."""
    checked = 0
    for name, rows in board.tables.items():
        empty_seen = False
        for row in rows:
            if not any(row.values):
                if empty_seen:
                    continue
                empty_seen = True
            for column, value, url in zip(board.columns, row.values, row.links, strict=True):
                if not url:
                    assert name not in column.place_params, (name, column.key)  # the list cannot be narrowed
                    continue
                assert list_figure(client, user, column, url) == value, (name, row.name, column.key, url)
                checked += 1
    return checked


@pytest.mark.parametrize("role", ["staff", "district", "city"])
def test_every_linked_cell_equals_the_count_of_the_list_it_opens(client, generated_apps, role):
    services.summaries_refresh()
    user = generated_apps[role]
    board = selectors.board_for(user=user)
    assert _walk(client, user, board) >= {"staff": 7, "district": 30, "city": 40}[role]
    linked = {c.key for c in board.columns if c.place_params}
    assert {"jobseekers.open", "matching.hired", "assistance.case.paid", "jobs.published"} <= linked


def test_the_city_admins_district_board_cells_equal_their_lists(client, generated_apps):
    services.summaries_refresh()
    district = generated_apps["station_a"].street.district
    board = selectors.board_for(user=generated_apps["city"], district=district)
    assert set(board.tables) == {"street", "station"}
    assert _walk(client, generated_apps["city"], board) >= 30


def test_cells_are_links_on_the_page_and_unlinked_columns_are_plain(client, generated_apps):
    services.summaries_refresh()
    client.force_login(generated_apps["district"])
    response = client.get("/dashboard/")
    page = response.content.decode()
    board = response.context["board"]
    station_rows = dict(response.context["board"].tables)["station"]
    row = next(r for r in station_rows if r.key == generated_apps["station_a"].pk)
    columns = [c.key for c in board.columns]
    open_url = row.links[columns.index("jobseekers.open")]
    assert f'station={generated_apps["station_a"].pk}' in open_url
    assert f'<a href="{escape(open_url)}">{row.values[columns.index("jobseekers.open")]}</a>' in page
    # the appointment and referral lists narrow to a station too
    for key, path in (("consulting.appointment.attended", "/consulting/staff/appointments/"),
                      ("training.referral.active", "/training/referrals/")):
        link = row.links[columns.index(key)]
        assert path in link and f'station={generated_apps["station_a"].pk}' in link, key


def test_a_bad_place_filter_is_refused_with_a_message_and_lists_nothing(client, generated_apps):
    client.force_login(generated_apps["city"])
    response = client.get("/assistance/cases/", {"station_street": "x"})
    assert response.status_code == 200 and response.context["paginator"].count == 0
    assert "error-station_street" in response.content.decode()
    response = client.get("/jobseekers/", {"station_district": "999999"})
    assert response.context["paginator"].count == 0


def test_the_worklist_narrows_to_a_street_or_district_and_refuses_a_bad_one(client, generated_apps):
    services.summaries_refresh()
    station = generated_apps["station_a"]
    client.force_login(generated_apps["city"])
    everything = client.get("/assistance/worklist/").context["paginator"].count
    street = client.get("/assistance/worklist/", {"station_street": station.street_id}).context["paginator"].count
    district = client.get("/assistance/worklist/",
                          {"station_district": station.street.district_id}).context["paginator"].count
    assert 0 < street <= district <= everything
    bad = client.get("/assistance/worklist/", {"station_street": "x"})
    assert bad.context["paginator"].count == 0 and "error-station_street" in bad.content.decode()
