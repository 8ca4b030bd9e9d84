"""Test data for matching: archives and postings created directly from the CONTRACT fields."""

from __future__ import annotations

import itertools
from datetime import date, timedelta

from django.utils import timezone

from core.crypto import encrypt, keyed_hash
from core.models import Occupation
from jobs.models import Employer, JobPosting
from jobseekers.models import JobseekerArchive

_seq = itertools.count(1)


def occupation(code: str) -> Occupation:
    return Occupation.objects.get(code=code)


def make_employer(station, **kw) -> Employer:
    n = next(_seq)
    return Employer.objects.create(station=station, name=kw.pop("name", f"测试单位{n}"), street=station.street,
                                   lat=station.lat, lng=station.lng, **kw)


def make_posting(station, *, employer=None, occupation_code: str | None = "4-04-05-05", status="published",
                 published_days_ago: float = 1, **kw) -> JobPosting:
    employer = employer or make_employer(station)
    defaults = dict(title=f"测试岗位{next(_seq)}", description="", requirements="", salary_min=5000, salary_max=6000,
                    headcount=1, lat=station.lat, lng=station.lng, street=station.street)
    defaults.update(kw)
    return JobPosting.objects.create(
        employer=employer, station=station, status=status,
        occupation=occupation(occupation_code) if occupation_code else None,
        published_at=timezone.now() - timedelta(days=published_days_ago) if status != "draft" else None,
        **defaults,
    )


def id_number(n: int) -> str:
    return f"310104199001{n % 100000000:06d}"[:18].ljust(18, "0")


def make_archive(station, *, desired: tuple[str, ...] = ("4-04-05-05",), phone: str = "13800138000",
                 **kw) -> JobseekerArchive:
    n = next(_seq)
    number = f"3101041990{n:08d}"
    defaults = dict(name=kw.pop("name", f"求职者{n}"), lat=station.lat, lng=station.lng, street=station.street,
                    desired_salary=5000, max_commute_minutes=30)
    defaults.update(kw)
    archive = JobseekerArchive.objects.create(
        station=station, id_number_encrypted=encrypt(number), id_number_hash=keyed_hash(number),
        id_number_last4=number[-4:], birth_date=date(1990, 1, 1), sex="M",
        phone_encrypted=encrypt(phone) if phone else "", **defaults,
    )
    if desired:
        archive.desired_occupations.set(Occupation.objects.filter(code__in=desired))
    return archive
