"""Twenty real connections at once: one open case per archive × policy, one payment per claim period,
and concurrent engine runs create no duplicate entitlements."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from assistance import engine
from assistance import services as svc
from assistance.models import Case, Entitlement, Policy
from tests.assistance.factories import make_person, make_policy
from tests.factories import StationFactory, make_district_admin, make_staff, street

N = 20


def _race(fn) -> list:
    barrier = threading.Barrier(N)
    results: list = []

    def worker():
        try:
            barrier.wait()
            results.append(fn())
        except ValidationError as exc:
            results.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(N)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.fixture
def setup(reference_data):
    Policy.objects.update(is_active=False)
    station = StationFactory(street=street("310104014"))
    staff = make_staff("race_staff", station)
    admin = make_district_admin("race_admin", "310104")
    policy = make_policy(rule={"fact": "status", "op": "in", "value": ["unemployed"]}, docs=())
    return station, staff, admin, policy, make_person(station)


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_drafts_leave_exactly_one_open_case(setup):
    _station, staff, _admin, policy, person = setup
    results = _race(lambda: svc.case_create(actor=staff, archive=person, policy=policy))
    assert Case.objects.filter(archive=person, policy=policy, is_open=True).count() == 1
    assert sum(isinstance(r, Case) for r in results) == 1
    assert all("办理中案件" in r.messages[0] for r in results if isinstance(r, ValidationError))


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_payments_of_one_claim_leave_exactly_one(setup):
    _station, staff, admin, policy, person = setup
    case = svc.case_submit(actor=staff, case=svc.case_create(actor=staff, archive=person, policy=policy))
    case = svc.case_approve(actor=admin, case=svc.case_review_start(actor=admin, case=case))
    refs = iter(range(N))
    results = _race(lambda: svc.case_pay(actor=admin, case=Case.objects.get(pk=case.pk), amount=100,
                                         paid_on=timezone.localdate(), payment_reference=f"P{next(refs)}",
                                         expected_state="approved"))
    assert Case.objects.filter(archive=person, policy=policy, state="paid").count() == 1
    assert sum(isinstance(r, Case) for r in results) == 1


@pytest.mark.django_db(transaction=True)
def test_twenty_concurrent_approvals_of_one_case_leave_exactly_one(setup):
    _station, staff, admin, policy, person = setup
    case = svc.case_submit(actor=staff, case=svc.case_create(actor=staff, archive=person, policy=policy))
    case = svc.case_review_start(actor=admin, case=case)
    results = _race(lambda: svc.case_approve(actor=admin, case=Case.objects.get(pk=case.pk),
                                             expected_state="under_review"))
    assert sum(isinstance(r, Case) for r in results) == 1
    assert case.transitions.filter(to_state="approved").count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_re_evaluations_create_no_duplicates(setup):
    _station, _staff, _admin, policy, person = setup
    _race(lambda: engine.reevaluate_archive(person.pk))
    engine.run_full()
    assert Entitlement.objects.filter(archive=person, policy=policy).count() == 1
    assert connection.vendor == "postgresql"
