"""Helpers for the training tests: providers and programs created through the services."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from core.models import Occupation
from tests.jobs.factories import credit_code
from training import services
from training.models import Program, SkillLevel

_seq = itertools.count(500)


def occupation(code: str | None = None) -> Occupation:
    qs = Occupation.objects.filter(level=Occupation.Level.OCCUPATION)
    return qs.get(code=code) if code else qs.order_by("code").first()


def make_provider(station, *, actor=None, **fields):
    defaults = {"name": f"上海测试职业技能培训学校{next(_seq)}", "credit_code": credit_code(next(_seq) + 90000),
                "is_designated": True, "designated_until": timezone.localdate() + dt.timedelta(days=365),
                "street": station.street, "address": "测试路 8 号", "lat": station.lat, "lng": station.lng}
    return services.provider_create(actor=actor, station=station, **{**defaults, **fields})


def make_program(provider, *, actor=None, station=None, **fields) -> Program:
    today = timezone.localdate()
    defaults = {"provider": provider, "title": "养老护理员（五级）培训", "occupation": occupation(),
                "skill_level": SkillLevel.LEVEL5, "hours": 80, "start_date": today + dt.timedelta(days=10),
                "end_date": today + dt.timedelta(days=40), "schedule": "每周二、四 9:00-12:00",
                "street": provider.street, "place": provider.address, "lat": provider.lat, "lng": provider.lng,
                "capacity": 10, "fee": 0, "status": Program.Status.ENROLLING}
    return services.program_create(actor=actor, station=station or provider.station, **{**defaults, **fields})
