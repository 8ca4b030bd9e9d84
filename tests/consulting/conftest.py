"""Consulting fixtures: an expert of 徐汇区 with a weekly session at station A, and its generated slots."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from consulting.models import Expert, Session, Slot
from consulting.services import session_create, slots_generate
from core.models import Role, UserProfile
from tests.factories import UserFactory, district

PHONE = "13912345678"


def make_expert(name="王创业", district_code="310104", login: str | None = None, **fields) -> Expert:
    user = None
    if login:
        user = UserFactory(username=login)
        UserProfile.objects.update_or_create(user=user, defaults={"role": Role.EXPERT})
    return Expert.objects.create(name=name, fields=fields.pop("fields", ["餐饮", "财税"]),
                                 district=district(district_code), user=user, **fields)


def next_weekday(weekday: int, today: dt.date | None = None) -> dt.date:
    today = today or timezone.localdate()
    return today + dt.timedelta(days=(weekday - today.weekday()) % 7 or 7)


@pytest.fixture
def expert(world):
    return make_expert(login="expert_wang")


@pytest.fixture
def session(world, expert) -> Session:
    """Every weekday of tomorrow, 14:00–17:00 at station A, 30-minute slots, from today."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    return session_create(actor=world["staff"], expert=expert, station=world["station_a"], weekday=tomorrow.weekday(),
                          start_time=dt.time(14), end_time=dt.time(17), valid_from=timezone.localdate())


@pytest.fixture
def slots(session) -> list[Slot]:
    slots_generate()
    return list(Slot.objects.filter(session=session).order_by("start"))
