"""Helpers for the assistance tests: archives with chosen facts, policies with chosen rules."""

from __future__ import annotations

import datetime as dt
import itertools

from django.utils import timezone

from assistance.models import Policy, PolicyVersion
from jobseekers.identity import identity_fields
from jobseekers.models import ConsentScope, JobseekerArchive, StatusEntry
from tests.jobseekers.factories import make_id_number

_codes = itertools.count(1)


def make_policy(*, rule: dict, kind: str = Policy.Kind.SUBSIDY, docs: tuple[str, ...] = ("身份证",),
                status: str = Policy.Verification.VERIFIED, amount=None, **fields) -> Policy:
    n = next(_codes)
    defaults = {"code": f"T-{n:03d}", "name": f"测试政策{n}", "kind": kind, "verification_status": status,
                "source_url": "https://rsj.sh.gov.cn/" if status == Policy.Verification.VERIFIED else "",
                "amount": amount}
    defaults.update(fields)
    policy = Policy.objects.create(**defaults)
    version = PolicyVersion.objects.create(policy=policy, number=1, rule=rule, required_documents=list(docs))
    policy.current_version = version
    policy.save(update_fields=["current_version"])
    return policy


def make_person(station, *, birth: dt.date = dt.date(1975, 3, 10), male: bool = True, status: str = "unemployed",
                entries: list[tuple[str, dt.date]] | None = None, street=None, **fields) -> JobseekerArchive:
    """An archive written directly (fast, any facts wanted): status entries as given (else one, a year ago)."""
    identity = identity_fields(make_id_number(birth, male=male))
    archive = JobseekerArchive.objects.create(
        station=station, name=fields.pop("name", "测试居民"), consent_date=timezone.localdate(),
        consent_scope=ConsentScope.SERVICE, current_status=status, street=street or station.street,
        **identity, **fields)
    for s, d in entries if entries is not None else [(status, timezone.localdate() - dt.timedelta(days=365))]:
        StatusEntry.objects.create(archive=archive, status=s, effective_date=d, source=StatusEntry.Source.VISIT)
    return archive
