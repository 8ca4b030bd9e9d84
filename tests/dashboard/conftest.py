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


def generate_apps(world) -> None:
    """On top of `generate`: paid and draft assistance cases, unclaimed entitlements and training referrals in
    each status at stations A, B and C (different counts per station, so a wrong filter shows)."""
    from decimal import Decimal

    from assistance.models import Case, Entitlement
    from tests.assistance.factories import make_person, make_policy
    from tests.training.factories import make_program, make_provider
    from training.models import Referral

    today = timezone.localdate()
    policy = make_policy(rule={"all": []}, amount="500.00")
    for n, station in enumerate((world["station_a"], world["station_b"], world["station_c"]), start=1):
        program = make_program(make_provider(station))
        for i in range(n):
            person = make_person(station, name=f"申领{n}{i}")
            Case.objects.create(archive=person, policy=policy, version=policy.current_version, kind=Case.Kind.CLAIM,
                                state=Case.State.PAID, is_open=False, amount_paid=Decimal("500.00"), paid_on=today,
                                claim_period="2026-11", payment_reference=f"P{n}{i}")
            Entitlement.objects.create(archive=person, policy=policy, station=station, version=policy.current_version,
                                       first_eligible_on=today - dt.timedelta(days=i), last_checked_on=today)
            for status in [*list(Referral.Status)[: i + 2], Referral.Status.DROPPED]:
                Referral.objects.create(archive=make_person(station, name=f"培训{n}{i}{status}"), program=program,
                                        status=status, drop_reason="其他" if status == Referral.Status.DROPPED else "",
                                        completed_on=today if status in {"completed", "certified"} else None)


@pytest.fixture
def generated_apps(generated):
    generate_apps(generated)
    return generated
