"""Demo archives (~30) across the demo stations, with certificates, visits, status changes and due follow-ups. Idempotent:
ID numbers are generated deterministically (valid check digits) and an existing one is skipped."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from core.models import Occupation
from core.validators import id_number_check_char

from . import services
from .identity import id_hash
from .models import ConsentScope, Education, EmploymentStatus, JobseekerArchive, SkillLevel, StatusEntry

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
GIVEN = ["建华", "丽娟", "志强", "秀英", "海燕", "国平", "晓东", "雪梅", "文杰", "佳怡", "俊", "敏", "磊", "婷", "伟"]
# station code → (region code for ID numbers, demo user acting there, number of archives)
PLAN = {
    "XH-XJH-01": ("310104", "staff_demo", 9),
    "XH-HN-01": ("310104", "staff_demo2", 7),
    "XH-TL-01": ("310104", "district_demo", 3),
    "PD-LJZ-01": ("310115", "staff_demo3", 6),
    "PD-HM-01": ("310115", "city_demo", 3),
    "HP-NJD-01": ("310101", "city_demo", 2),
}
KEY_GROUP_SETS = [[], [], ["4050"], ["difficulty", "4050"], ["graduate"], ["long_unemployed"], ["veteran"],
                  ["disabled"], ["dibao", "difficulty"], []]
OCCUPATION_WORDS = ["保洁", "保安", "营业员", "快递", "家政", "收银", "养老护理", "厨师", "仓储", "电工"]


def _id_number(rng: random.Random, region: str) -> tuple[str, dt.date]:
    birth = dt.date(1965, 1, 1) + dt.timedelta(days=rng.randrange(0, 38 * 365))
    first17 = f"{region}{birth:%Y%m%d}{rng.randrange(0, 1000):03d}"
    return first17 + id_number_check_char(first17), birth


CERT_LEVELS = [SkillLevel.LEVEL5, SkillLevel.LEVEL4, SkillLevel.LEVEL3]


def _certificates(actor, archive, i: int, words, occupations, skills: str, today: dt.date) -> None:
    """Every other archive holds a skill certificate in its first desired occupation (so matching shows
    "持有证书"), drivers a licence without an occupation code. No random draw: the sequence stays the same."""
    chosen = occupations.get(words[0]) or []
    if i % 2 == 0 and chosen:
        level = CERT_LEVELS[i % len(CERT_LEVELS)]
        services.certificate_create(
            actor=actor, archive=archive, name=f"{chosen[0].name}（{SkillLevel(level).label}）",
            occupation_code=chosen[0].code, level=level, number=f"31{archive.pk:010d}",
            issuer="上海市职业技能鉴定中心", issued_on=today - dt.timedelta(days=300 + 30 * i))
    if skills == "驾驶":
        services.certificate_create(actor=actor, archive=archive, name="机动车驾驶证（C1）", issuer="上海市公安局交通警察总队")


def load(*, users, stations, stdout) -> None:
    rng = random.Random(20261125)
    today = timezone.localdate()
    occupations = {}
    for word in OCCUPATION_WORDS:
        occupations[word] = list(Occupation.objects.filter(level=4, name__contains=word).order_by("code")[:2])
    created = 0
    for code, (region, username, count) in PLAN.items():
        station = stations[code]
        actor = users[username]
        helper = actor if username.startswith("staff") else None
        for i in range(count):
            number, birth = _id_number(rng, region)
            name = rng.choice(SURNAMES) + rng.choice(GIVEN)
            key_groups = list(KEY_GROUP_SETS[(i + len(code)) % len(KEY_GROUP_SETS)])
            age = (today - birth).days // 365
            draw = rng.random()  # drawn unconditionally: the sequence must not depend on the date
            if age >= 40 and "4050" not in key_groups and draw < 0.3:
                key_groups.append("4050")
            if age < 40 and "4050" in key_groups:  # 4050人员: women over 40, men over 50
                key_groups.remove("4050")
            status = rng.choice([EmploymentStatus.UNEMPLOYED] * 4 + [EmploymentStatus.EMPLOYED,
                                                                     EmploymentStatus.FLEXIBLE,
                                                                     EmploymentStatus.TRAINING])
            words = rng.sample(OCCUPATION_WORDS, 2)
            phone = f"13{rng.randrange(5, 10)}{rng.randrange(0, 10 ** 8):08d}"
            visit_days_ago = rng.choice([5, 20, 40, 75, 100])
            method = rng.choice(["door", "phone", "station"])
            needs = rng.sample(["job", "training", "policy", "startup"], rng.randrange(1, 3))
            house = rng.randrange(1, 80)
            education = rng.choice(Education.values)
            salary = rng.choice([4500, 5500, 6500, 8000])
            skills = rng.choice(["", "驾驶", "电脑操作", "烹饪"])
            # home within a short walk or ride of the station (about ±900 m), so matching and coverage
            # have distances to show
            dlat, dlng = rng.uniform(-0.008, 0.008), rng.uniform(-0.009, 0.009)
            # every random draw happens before this check, so a second run walks the same sequence
            found = JobseekerArchive.objects.filter(id_number_hash=id_hash(number)).first()
            if found is not None:
                if found.lat is None and station.lat is not None:  # rows from before homes had positions
                    JobseekerArchive.objects.filter(pk=found.pk).update(lat=station.lat + dlat, lng=station.lng + dlng)
                continue
            archive = services.archive_create(
                actor=actor, station=station, id_number=number, phone=phone, name=name,
                street=station.street, address=f"{station.street.name}示例小区 {house} 号",
                lat=station.lat + dlat if station.lat is not None else None,
                lng=station.lng + dlng if station.lng is not None else None,
                education=education, key_groups=key_groups, helper=helper, desired_salary=salary, skills=skills,
                consent_date=today - dt.timedelta(days=120), consent_scope=ConsentScope.CITY,
                desired_occupations=[o for w in words for o in occupations.get(w, [])][:3],
                initial_status=EmploymentStatus.UNEMPLOYED, status_since=today - dt.timedelta(days=120),
            )
            _certificates(actor, archive, i, words, occupations, skills, today)
            if status != EmploymentStatus.UNEMPLOYED:
                services.status_add(actor=actor, archive=archive, status=status,
                                    effective_date=today - dt.timedelta(days=visit_days_ago),
                                    source=StatusEntry.Source.PHONE, note="电话回访了解")
            services.visit_create(actor=actor, archive=archive, visit_date=today - dt.timedelta(days=visit_days_ago),
                                  method=method, findings="了解求职意向和困难，介绍就业服务。",
                                  needs=needs)
            created += 1
    tasks = services.followups_create_due(today=today)
    stdout.write(f"jobseekers: {created} demo archives created, {tasks} follow-up tasks due")
