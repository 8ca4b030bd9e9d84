"""Demo training providers and programs near the demo stations, with referrals, a full program with a waitlist
and a certificate, so every training page shows something real (idempotent)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from core.validators import credit_code_check_char

from . import services
from .models import Program, Provider, Referral, SkillLevel

# (title, occupation-name word, level, hours, capacity, fee, policy code or None)
PROGRAMS = [
    ("养老护理员（五级）培训", "养老护理", SkillLevel.LEVEL5, 120, 30, 0, "SH-PX-BT"),
    ("保洁员专项能力培训", "保洁", SkillLevel.SPECIAL, 40, 20, 0, "SH-PX-BT"),
    ("中式烹调师（四级）培训", "中式烹调", SkillLevel.LEVEL4, 160, 2, 1800, "SH-PX-BT"),
    ("电工（五级）培训", "电工", SkillLevel.LEVEL5, 200, 25, 2400, None),
    ("家政服务员（五级）培训", "家政", SkillLevel.LEVEL5, 80, 25, 0, "SH-PX-BT"),
]
DEMO_STATIONS = ["XH-XJH-01", "XH-HN-01", "PD-LJZ-01", "HP-NJD-01"]
SUBSIDY = ("这是政府补贴的培训。符合条件的本市户籍或持居住证人员，结业并取得证书后，"
           "可以到服务站申请培训补贴，最高可报销全部培训费。带上身份证和证书即可。")


def load(*, users, stations, stdout) -> None:
    from core.models import Occupation
    from jobseekers.models import JobseekerArchive

    today = timezone.localdate()
    created = 0
    chosen = [stations[c] for c in DEMO_STATIONS if c in stations]  # the demo logins' stations first
    for n, station in enumerate(chosen):
        first17 = f"52310{104 + n:03d}{n:09d}"
        code = first17 + credit_code_check_char(first17)
        provider = Provider.objects.filter(credit_code=code).first()
        if provider is None:
            provider = services.provider_create(
                actor=None, station=station, name=f"{station.street.name}职业技能培训学校", credit_code=code,
                is_designated=n != 3, designated_from=today - dt.timedelta(days=200) if n != 3 else None,
                designated_until=today + dt.timedelta(days=500) if n != 3 else None,
                contact_name="陈老师", contact_phone=f"021-641{n:02d}000", street=station.street,
                address=f"{station.street.name}培训路 {n + 1} 号", lat=station.lat + 0.002, lng=station.lng + 0.002)
        for i, (title, word, level, hours, capacity, fee, policy) in enumerate(PROGRAMS):
            if Program.objects.filter(provider=provider, title=title).exists():
                continue
            occupation = Occupation.objects.filter(level=4, name__contains=word).order_by("code").first()
            if occupation is None:
                continue
            start = today + dt.timedelta(days=7 + 9 * i + n)
            services.program_create(
                actor=None, station=station, provider=provider, title=title, occupation=occupation, skill_level=level,
                description=f"{title}，理论与实操结合，结业参加职业技能等级认定。", hours=hours, start_date=start,
                end_date=start + dt.timedelta(days=30 + hours // 8), schedule="每周一、三、五 9:00-16:00",
                street=station.street, place=provider.address, lat=provider.lat, lng=provider.lng,
                capacity=capacity, fee=fee, policy_code=policy, subsidy_text=SUBSIDY if policy else "",
                status=Program.Status.ENROLLING if i != 4 else Program.Status.PLANNED)
            created += 1
    _referrals(users, stations, JobseekerArchive)
    stdout.write(f"training: {created} programs created ({Program.objects.count()} in all)")


def _referrals(users, stations, JobseekerArchive) -> None:
    """On the first demo station: one referral at each stage, a full program and one person waiting."""
    if Referral.objects.exists():
        return
    station = stations.get("XH-XJH-01")
    if station is None:
        return
    archives = list(JobseekerArchive.objects.filter(station=station, is_open=True).order_by("id")[:5])
    programs = list(Program.objects.filter(station=station).order_by("start_date"))
    full = next((p for p in programs if p.capacity == 2), None)
    if len(archives) < 5 or full is None:
        return
    actor = users.get("staff_demo")
    first = next(p for p in programs if p.pk != full.pk)
    services.referral_create(actor=actor, archive=archives[0], program=first)
    certified = services.referral_create(actor=actor, archive=archives[1], program=first)
    services.referral_enrol(actor=actor, referral=certified)
    services.referral_complete(actor=actor, referral=certified)
    services.referral_certify(actor=actor, referral=certified, number="3101202600012")
    for archive in archives[2:4]:
        services.referral_enrol(actor=actor, referral=services.referral_create(actor=actor, archive=archive,
                                                                               program=full))
    services.waitlist_join(actor=actor, archive=archives[4], program=full)
