"""Demo employers and about 60 published postings around the demo stations (idempotent)."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from core.validators import credit_code_check_char

from .models import Employer, JobPosting
from .sample_text import TITLES, description, employer_name
from .services import employer_create, posting_create, posting_publish

POSTINGS_PER_STATION = 9


def load(*, users, stations, stdout) -> None:
    from core.models import Occupation

    actor = users["city_demo"]
    rng = random.Random(5)
    occupations = {o.code: o for o in Occupation.objects.filter(level=4)}
    created = 0
    operating = [s for s in stations.values() if s.status in {"operating", "pilot"}]
    for n, station in enumerate(sorted(operating, key=lambda s: s.code)):
        employers = []
        for k in range(2):
            first17 = f"91310{104 + n:03d}{n * 10 + k:09d}"
            code = first17 + credit_code_check_char(first17)
            employer = Employer.objects.filter(credit_code=code).first()
            if employer is None:
                employer = employer_create(
                    actor=actor, station=station, name=employer_name(rng, station.street.name[:3]), credit_code=code,
                    contact_name="张经理", contact_phone=f"021-640{n:02d}{k:03d}", street=station.street,
                    address=f"{station.street.name}示范路 {10 + k} 号", lat=station.lat + rng.uniform(-0.006, 0.006),
                    lng=station.lng + rng.uniform(-0.006, 0.006), verified=True)
            employers.append(employer)
        for i in range(POSTINGS_PER_STATION):
            base, code, (low, high) = TITLES[(n * POSTINGS_PER_STATION + i) % len(TITLES)]
            employer = employers[i % 2]
            existing = JobPosting.objects.filter(employer=employer, title=base).first()
            if existing is not None:
                if existing.occupation_id is None and code in occupations:  # rows from before codes were set
                    JobPosting.objects.filter(pk=existing.pk).update(occupation=occupations[code])
                continue
            salary = rng.randrange(low, high + 1, 500)
            # drafted by the demo loader (no author), approved by the city admin: review is a second person
            posting = posting_create(
                actor=None, employer=employer, title=base, occupation=occupations.get(code),
                description=description(rng, base, station.street.name), requirements="身体健康，有责任心。",
                salary_min=salary, salary_max=salary + 1500, headcount=rng.randint(1, 5), street=station.street,
                address=employer.address, lat=employer.lat + rng.uniform(-0.002, 0.002),
                lng=employer.lng + rng.uniform(-0.002, 0.002), benefits="五险一金",
                friendly_to=["4050", "difficulty"] if i % 3 == 0 else [],
                is_public_service=base in {"社区网格员", "停车管理员", "社区助餐员"},
                public_service_quota=2 if base in {"社区网格员", "停车管理员", "社区助餐员"} else None,
                public_service_term_start=timezone.localdate() if base in {"社区网格员", "停车管理员", "社区助餐员"} else None,
                public_service_term_end=(timezone.localdate() + dt.timedelta(days=365))
                if base in {"社区网格员", "停车管理员", "社区助餐员"} else None,
                expires_on=timezone.localdate() + dt.timedelta(days=60 + i))
            posting_publish(actor=actor, posting=posting)
            created += 1
    stdout.write(f"jobs: {created} postings created ({JobPosting.objects.published().count()} published)")
