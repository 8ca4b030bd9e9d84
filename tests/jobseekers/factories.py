"""Helpers for the jobseekers tests: valid ID numbers and archives created through the service."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from core.validators import id_number_check_char
from jobseekers import services
from jobseekers.models import ConsentScope

_seq = itertools.count(101)


def make_id_number(birth: dt.date | None = None, *, seq: int | None = None, region: str = "310104",
                   male: bool = True, lower_x: bool = False) -> str:
    """A valid, unique 18-digit ID number (correct check digit); `seq` picks the sequence code."""
    while True:
        n = next(_seq)
        day = birth or dt.date(1985, 6, 15) + dt.timedelta(days=n // 400)
        s = seq if seq is not None else (n % 400) * 2
        s = s - (s % 2) + (1 if male else 0)
        first17 = f"{region}{day:%Y%m%d}{s % 1000:03d}"
        number = first17 + id_number_check_char(first17)
        if seq is not None or not lower_x or number.endswith("X"):
            return number.lower() if lower_x else number


def wrong_check_digit(number: str) -> str:
    last = number[-1]
    return number[:-1] + ("0" if last != "0" else "1")


def make_archive(station, *, actor=None, id_number: str | None = None, **fields):
    defaults = {"name": "测试居民", "consent_date": timezone.localdate(), "consent_scope": ConsentScope.SERVICE}
    defaults.update(fields)
    return services.archive_create(actor=actor, station=station, id_number=id_number or make_id_number(),
                                   **defaults)


def archive_post_data(station, **overrides) -> dict:
    data = {
        "station": station.pk, "name": "王小明", "id_number": make_id_number(), "phone": "13812345678",
        "hukou": "local", "desired_hours": "full_time", "max_commute_minutes": 30,
        "consent_date": timezone.localdate().isoformat(), "consent_scope": ConsentScope.SERVICE,
        "initial_status": "unemployed",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}
