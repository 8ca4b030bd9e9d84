"""Generated data across the `world` stations for the dashboard's tests."""

from __future__ import annotations

import datetime as dt
import random

import pytest
from django.utils import timezone

from jobseekers.models import EmploymentStatus, Visit
from matching.models import PushRecord
from tests.matching.factories import make_archive, make_posting

KEY_GROUPS = ["graduate", "difficulty", "4050", "veteran"]


def generate(world, *, seed: int = 1, archives: int = 12) -> None:
    """Archives of every status and key group, visits, due and overdue surveys, postings and pushes at
    each stage, some back-dated over two years, at stations A, B (徐汇) and C (浦东)."""
    rng = random.Random(seed)
    today = timezone.localdate()
    statuses = list(EmploymentStatus.values)
    for station in (world["station_a"], world["station_b"], world["station_c"]):
        postings = [make_posting(station, headcount=rng.randint(1, 5)) for _ in range(3)]
        make_posting(station, status="draft")
        for _ in range(rng.randint(archives // 2, archives)):
            archive = make_archive(
                station, current_status=rng.choice(statuses), is_open=rng.random() > 0.15,
                closed_reason="迁出", key_groups=rng.sample(KEY_GROUPS, rng.randint(0, 2)),
                next_survey_due=today + dt.timedelta(days=rng.randint(-20, 20)), desired=())
            back = dt.timedelta(days=rng.randint(0, 700))
            type(archive).objects.filter(pk=archive.pk).update(created_at=timezone.now() - back)
            if rng.random() < 0.6:
                Visit.objects.create(archive=archive, visit_date=today - dt.timedelta(days=rng.randint(0, 90)),
                                     method="phone", findings="电话回访")
            for posting in rng.sample(postings, rng.randint(0, 2)):
                pushed = today - dt.timedelta(days=rng.randint(0, 700))
                outcome = rng.choice(["", "declined", "interested", "interview", "hired"])
                PushRecord.objects.create(archive=archive, posting=posting, channel="sms", pushed_on=pushed,
                                          outcome=outcome, outcome_date=pushed if outcome else None)


@pytest.fixture
def generated(world):
    generate(world)
    return world
