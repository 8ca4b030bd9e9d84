"""Back-dated status entries. The rule: the current status is the entry with the latest effective date (the
later recording wins a tie). A back-dated entry that is still the latest becomes current; one older than
the current entry is kept in the history and the page says plainly why the header did not change."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jobseekers.models import StatusEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def archive(archive_a, world):
    """Unemployed since 20 days ago (its registration entry is moved there)."""
    today = timezone.localdate()
    archive_a.status_entries.update(effective_date=today - dt.timedelta(days=20))
    return archive_a


def _post(client, archive, status, days_ago):
    day = timezone.localdate() - dt.timedelta(days=days_ago)
    response = client.post(reverse("jobseekers:status_add", args=[archive.pk]),
                           {"status": status, "effective_date": day.isoformat(), "source": "phone"}, follow=True)
    archive.refresh_from_db()
    return [str(m) for m in response.context["messages"]], day


def test_backdated_entry_still_the_latest_becomes_current(client, world, archive):
    client.force_login(world["staff"])
    messages, _day = _post(client, archive, "employed", days_ago=5)
    assert archive.current_status == "employed"
    assert "就业状态已记录，当前就业状态为“已就业”。" in messages


def test_entry_older_than_the_current_one_is_kept_and_the_page_says_why(client, world, archive):
    client.force_login(world["staff"])
    messages, day = _post(client, archive, "employed", days_ago=60)
    assert archive.current_status == "unemployed"
    assert archive.status_entries.filter(status="employed", effective_date=day).exists()
    current_day = timezone.localdate() - dt.timedelta(days=20)
    expected = (f"已记录 {day:%Y-%m-%d} 起的“已就业”，但当前就业状态仍为“失业”：当前状态以生效日期最晚的记录为准，"
                f"已有 {current_day:%Y-%m-%d} 起的“失业”。")
    assert expected in messages, messages
    html = client.get(reverse("jobseekers:archive_detail", args=[archive.pk])).content.decode()
    assert "当前状态以生效日期最晚的记录为准" in html  # the form states the rule before anyone submits


def test_same_day_entry_recorded_later_becomes_current(client, world, archive):
    client.force_login(world["staff"])
    _post(client, archive, "flexible", days_ago=20)
    assert archive.current_status == "flexible"


def test_api_says_whether_the_entry_became_current(client, world, archive):
    client.force_login(world["staff"])
    url = f"/api/jobseekers/{archive.pk}/status-entries/"
    old = (timezone.localdate() - dt.timedelta(days=60)).isoformat()
    data = client.post(url, {"status": "employed", "effective_date": old, "source": "phone"},
                       content_type="application/json").json()
    assert data["became_current"] is False and data["archive_current_status"] == "unemployed"
    assert "当前状态以生效日期最晚的记录为准" in data["message"]
    recent = (timezone.localdate() - dt.timedelta(days=2)).isoformat()
    data = client.post(url, {"status": "employed", "effective_date": recent, "source": "phone"},
                       content_type="application/json").json()
    assert data["became_current"] is True and data["archive_current_status"] == "employed"
    assert StatusEntry.objects.filter(archive=archive).count() == 3


def test_backdated_visit_with_an_older_status_says_why(client, world, archive):
    client.force_login(world["staff"])
    day = timezone.localdate() - dt.timedelta(days=40)
    response = client.post(reverse("jobseekers:visit_create", args=[archive.pk]),
                           {"visit_date": day.isoformat(), "method": "phone", "findings": "补录上月电话",
                            "status_observed": "employed"}, follow=True)
    archive.refresh_from_db()
    assert archive.current_status == "unemployed"
    assert any("但当前就业状态仍为“失业”" in str(m) for m in response.context["messages"])
