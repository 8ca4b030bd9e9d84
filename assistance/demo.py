"""Demo assistance data: the seeded catalogue, entitlements found by a full engine run, and at the demo
station 徐家汇街道汇站 cases in every state (staff_demo drafts, district_demo decides). Idempotent:
nothing is added when the demo cases exist."""

from __future__ import annotations

from django.utils import timezone

from jobseekers.models import EmploymentStatus, JobseekerArchive

from . import engine, seed, services
from .models import Case, Policy

STATION = "XH-XJH-01"
MARK = "演示案件"


def _ready(case, staff):
    return services.case_checklist_update(actor=staff, case=case, checked=list(case.version.required_documents))


def _paid_startup_subsidy(staff, district, founder) -> int:
    """A founder living in 虹口区 paid the verified one-off 8000元 首次创业一次性补贴 (the only verified amount
    a person can claim): one demo archive of the station becomes that founder, through the services."""
    from jobseekers.services import archive_update, status_add
    from stations.models import Street

    if founder is None:
        return 0
    founder = archive_update(actor=staff, archive=founder, expected_version=founder.version, area=None, grid=None,
                             street=Street.objects.filter(district__code=seed.HONGKOU).order_by("code").first())
    status_add(actor=staff, archive=founder, status=EmploymentStatus.SELF_EMPLOYED,
               effective_date=timezone.localdate(), source="visit", note="在虹口区创办个体工商户")
    policy = Policy.objects.get(code="HK-STARTUP-FIRST")
    case = services.case_create(actor=staff, archive=founder, policy=policy, kind=Case.Kind.STARTUP, note=MARK)
    case = services.case_submit(actor=staff, case=_ready(case, staff))
    case = services.case_approve(actor=district, case=services.case_review_start(actor=district, case=case))
    services.case_pay(actor=district, case=case, amount=policy.amount, paid_on=timezone.localdate(),
                      payment_reference="DEMO-HK-0001")
    return 1


def load(*, users, stations, stdout) -> None:
    seed.load()
    staff, district = users["staff_demo"], users["district_demo"]
    if Case.objects.filter(note=MARK).exists():
        stdout.write("assistance: demo cases exist")
        return
    registration = Policy.objects.get(code="SH-UNEMP-REG")
    benefit = Policy.objects.get(code="SH-UI-BENEFIT")
    people = list(JobseekerArchive.objects.filter(station=stations[STATION], is_open=True,
                                                  current_status=EmploymentStatus.UNEMPLOYED).order_by("pk"))
    plan = ["paid", "approved", "rejected", "under_review", "returned", "submitted", "withdrawn", "draft"]
    used = {p.pk for p in people[:len(plan)]}
    founder = (JobseekerArchive.objects.filter(station=stations[STATION], is_open=True).exclude(pk__in=used)
               .order_by("-pk").first())
    made = 0
    for person, target in zip(people, plan, strict=False):
        case = services.case_create(actor=staff, archive=person, policy=registration, note=MARK)
        made += 1
        if target == "draft":
            continue
        case = services.case_submit(actor=staff, case=_ready(case, staff))
        if target == "submitted":
            continue
        if target == "withdrawn":
            services.case_withdraw(actor=staff, case=case, note="本人已找到工作，暂不办理")
            continue
        case = services.case_review_start(actor=district, case=case)
        if target == "under_review":
            continue
        if target == "returned":
            services.case_return(actor=district, case=case, note="户口簿复印件不清晰，请重新提供")
            continue
        if target == "rejected":
            services.case_reject(actor=district, case=case, reason="经核实本人仍在原单位参保，不符合失业登记条件")
            continue
        services.case_approve(actor=district, case=case, note="材料齐全")
        if target == "paid":
            # registered unemployed now qualifies for 失业保险金: a claim, approved, awaiting payment (its
            # amount is not verified, so the demo records no payment of it)
            claim = services.case_create(actor=staff, archive=person, policy=benefit, note=MARK)
            claim = services.case_submit(actor=staff, case=_ready(claim, staff))
            services.case_approve(actor=district, case=services.case_review_start(actor=district, case=claim))
            made += 1
    made += _paid_startup_subsidy(staff, district, founder)
    run = engine.run_full()
    stdout.write(f"assistance: {made} demo cases; {run.eligible} entitlements over {run.archives} archives")
