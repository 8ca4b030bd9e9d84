"""The archive list filters the dashboard's survey tiles open (survey_due, visited_since), and their bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from jobseekers.models import Visit
from tests.matching.factories import make_archive

pytestmark = pytest.mark.django_db


def test_survey_due_and_visited_since_select_the_right_archives(client, world):
    today = timezone.localdate()
    a = world["station_a"]
    due = make_archive(a, name="到期", next_survey_due=today, desired=())
    make_archive(a, name="未到期", next_survey_due=today + dt.timedelta(days=3), desired=())
    visited = make_archive(a, name="走访过", desired=())
    Visit.objects.create(archive=visited, visit_date=today - dt.timedelta(days=5), method="phone", findings="x")
    Visit.objects.create(archive=visited, visit_date=today - dt.timedelta(days=2), method="phone", findings="y")
    client.force_login(world["staff"])
    listed = client.get("/jobseekers/", {"survey_due": "true"}).context["paginator"].object_list
    assert [x.pk for x in listed] == [due.pk]
    since = (today - dt.timedelta(days=10)).isoformat()
    response = client.get("/jobseekers/", {"visited_since": since})
    assert [x.pk for x in response.context["paginator"].object_list] == [visited.pk]  # once, not per visit


def test_a_bad_date_is_refused_with_a_message_and_lists_nothing(client, world):
    make_archive(world["station_a"], desired=())
    client.force_login(world["staff"])
    response = client.get("/jobseekers/", {"visited_since": "2026-13-45"})
    assert response.context["paginator"].count == 0
    assert "有效的日期" in response.content.decode() or "Enter a valid date" in response.content.decode()
