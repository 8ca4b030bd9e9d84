"""The engine: the nightly run finds, keeps and lapses entitlements, set-based and idempotent; one archive
is re-evaluated after a change to it is committed."""

import datetime as dt

from django.utils import timezone

from assistance import engine
from assistance.models import EngineRun, Entitlement
from assistance.rules import entitlement_trace
from jobseekers import services as js
from tests.assistance.factories import make_person

TODAY = timezone.localdate


def test_a_full_run_records_who_qualifies_and_a_second_run_changes_nothing(world, claim_policy, person):
    young = make_person(world["station_a"], birth=dt.date(2000, 1, 1))
    run = engine.run_full()
    assert run.status == EngineRun.Status.DONE and run.found == 1 and run.eligible == 1
    row = Entitlement.objects.get(policy=claim_policy)
    assert row.archive == person and row.state == Entitlement.State.ELIGIBLE and row.first_eligible_on == TODAY()
    assert not Entitlement.objects.filter(archive=young).exists()
    again = engine.run_full()
    assert again.found == 0 and Entitlement.objects.count() == 1


def test_the_stored_trace_rebuilds_the_same_result(world, claim_policy, person):
    engine.run_full()
    trace = entitlement_trace(Entitlement.objects.get())
    assert trace.ok and [c["text"] for c in trace.conditions] == ["当前就业状态 失业，需为失业 ✓", "年龄 51 岁，需 ≥ 40 岁 ✓"]


def test_someone_who_found_work_no_longer_qualifies_and_qualifies_again_later(world, claim_policy, person):
    engine.run_full()
    person.current_status = "employed"
    person.save()
    run = engine.run_full()
    row = Entitlement.objects.get()
    assert run.lapsed == 1 and row.state == Entitlement.State.INELIGIBLE and row.reason
    person.current_status = "unemployed"
    person.save()
    engine.run_full()
    row.refresh_from_db()
    assert row.state == Entitlement.State.ELIGIBLE and row.first_eligible_on == TODAY()


def test_a_status_change_re_evaluates_that_archive_after_commit(world, claim_policy, person,
                                                                django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        js.status_add(actor=world["staff"], archive=person, status="unemployed", effective_date=TODAY(),
                      source="visit")
    assert Entitlement.objects.filter(archive=person, state="eligible").exists()
    with django_capture_on_commit_callbacks(execute=True):
        js.status_add(actor=world["staff"], archive=person, status="employed", effective_date=TODAY(),
                      source="visit")
    assert Entitlement.objects.get(archive=person).state == Entitlement.State.INELIGIBLE


def test_a_policy_out_of_force_finds_nobody(world, claim_policy, person):
    claim_policy.valid_to = TODAY() - dt.timedelta(days=1)
    claim_policy.save()
    assert engine.run_full().eligible == 0
    assert engine.sql_matches(claim_policy, ref=TODAY()) == {person.pk}  # the rule itself still matches


def test_closed_archives_lose_their_unclaimed_entitlements(world, claim_policy, person):
    engine.run_full()
    type(person).objects.filter(pk=person.pk).update(is_open=False, closed_reason="迁出本市")
    engine.run_full()
    assert Entitlement.objects.get().state == Entitlement.State.INELIGIBLE


def test_the_seeded_catalogue_keeps_the_statuses_of_the_research_notes(db):
    from assistance.models import Policy
    from assistance.seed import load

    load()
    status = dict(Policy.objects.values_list("code", "verification_status"))
    assert status["HK-STARTUP-FIRST"] == "verified" and status["SH-UI-BENEFIT"] == "partial"
    assert status["SH-DIFFICULTY-CERT"] == status["SH-FLEX-SI"] == status["SH-TRAINING-SUBSIDY"] == "unverified"
    # amounts only where the notes verify one
    assert {c for c, a in Policy.objects.exclude(amount=None).values_list("code", "amount")} == {
        "HK-STARTUP-FIRST", "HK-TRAINEE-MENTOR"}
    from assistance import rules

    for p in Policy.objects.exclude(current_version=None):
        rules.validate(p.current_version.rule)


def test_an_open_or_paid_case_found_before_the_first_run_is_not_shown_as_unclaimed(world, claim_policy, person):
    from assistance import services as svc
    from tests.assistance.factories import make_policy

    svc.case_create(actor=world["staff"], archive=person, policy=claim_policy)
    engine.run_full()
    assert Entitlement.objects.get(policy=claim_policy).state == Entitlement.State.CLAIM_OPEN
    renewing = make_policy(rule={"fact": "received_policy", "op": "not_within_months", "value": 12})
    from assistance.models import Case

    Case.objects.create(archive=person, policy=renewing, version=renewing.current_version, kind="claim",
                        state="paid", is_open=False, claim_period="2020-01", amount_paid=1, payment_reference="R",
                        paid_on=TODAY() - dt.timedelta(days=800))
    engine.run_full()
    assert Entitlement.objects.get(policy=renewing).state == Entitlement.State.ELIGIBLE  # paid long ago
    engine.reevaluate_archive(person.pk)
    assert Entitlement.objects.get(policy=claim_policy).state == Entitlement.State.CLAIM_OPEN
