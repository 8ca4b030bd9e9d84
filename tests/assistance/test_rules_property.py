"""SQL and Python agree: over generated archives (status timelines with month-end dates, cases,
payments) and generated rules, the compiled SQL selects exactly the archives the Python evaluator passes,
and the SQL facts equal the Python facts."""

import datetime as dt

import pytest
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assistance import rules
from assistance.models import Case
from tests.assistance.factories import make_person
from tests.factories import StationFactory, street

REF = dt.date(2026, 2, 28)
STATUSES = ["employed", "unemployed", "flexible", "self_employed", "training", "in_school", "not_seeking"]
KEY_GROUPS = ["graduate", "difficulty", "long_unemployed", "4050", "veteran", "disabled", "zero_family", "dibao"]
DISTRICTS = ["310104", "310115", "310109"]
STREETS = ["310104014", "310104004", "310115005"]
POLICY_ID = 1  # the policy of the generated rules (its payments are generated too)

dates = st.dates(min_value=dt.date(2018, 1, 1), max_value=dt.date(2026, 3, 31)) | st.sampled_from(
    [dt.date(2025, 12, 31), dt.date(2026, 1, 31), dt.date(2025, 2, 28), dt.date(2024, 2, 29), REF])
person = st.fixed_dictionaries({
    "birth": st.dates(min_value=dt.date(1956, 1, 1), max_value=dt.date(2008, 12, 31))
    | st.sampled_from([dt.date(1976, 2, 28), dt.date(1976, 2, 29), dt.date(1976, 3, 1)]),
    "male": st.booleans(),
    "hukou": st.sampled_from(["local", "non_local"]),
    "education": st.sampled_from(["", "junior", "senior", "college", "bachelor"]),
    "graduation_year": st.none() | st.integers(2000, 2026),
    "key_groups": st.lists(st.sampled_from(KEY_GROUPS), unique=True, max_size=3),
    "street": st.none() | st.sampled_from(STREETS),
    "entries": st.lists(st.tuples(st.sampled_from(STATUSES), dates), max_size=4),
    "status": st.sampled_from(STATUSES),
    "cases": st.lists(st.tuples(st.sampled_from(["registration", "certification", "claim"]),
                                st.sampled_from(["approved", "paid", "rejected"]), dates), max_size=3),
    "is_open": st.booleans() | st.just(True),
})


def leaf():
    return st.one_of(
        st.builds(lambda op, v: {"fact": "age", "op": op, "value": v}, st.sampled_from(list(rules.NUMBER_OPS)),
                  st.integers(15, 70)),
        st.builds(lambda op, v: {"fact": "months_out_of_work", "op": op, "value": v},
                  st.sampled_from(list(rules.NUMBER_OPS)), st.integers(-2, 40)),
        st.builds(lambda op, v: {"fact": "graduation_year", "op": op, "value": v},
                  st.sampled_from(list(rules.NUMBER_OPS)), st.integers(1999, 2027)),
        st.builds(lambda f, op, v: {"fact": f, "op": op, "value": v},
                  st.sampled_from(["status"]), st.sampled_from(["in", "not_in"]),
                  st.lists(st.sampled_from(STATUSES), min_size=1, max_size=3, unique=True)),
        st.builds(lambda op, v: {"fact": "hukou", "op": op, "value": v}, st.sampled_from(["in", "not_in"]),
                  st.lists(st.sampled_from(["local", "non_local"]), min_size=1, unique=True)),
        st.builds(lambda op, v: {"fact": "sex", "op": op, "value": v}, st.sampled_from(["in", "not_in"]),
                  st.lists(st.sampled_from(["M", "F"]), min_size=1, unique=True)),
        st.builds(lambda op, v: {"fact": "education", "op": op, "value": v}, st.sampled_from(["in", "not_in"]),
                  st.lists(st.sampled_from(["junior", "senior", "college", "bachelor"]), min_size=1, unique=True)),
        st.builds(lambda op, v: {"fact": "district", "op": op, "value": v}, st.sampled_from(["in", "not_in"]),
                  st.lists(st.sampled_from(DISTRICTS), min_size=1, unique=True)),
        st.builds(lambda op, v: {"fact": "street", "op": op, "value": v}, st.sampled_from(["in", "not_in"]),
                  st.lists(st.sampled_from(STREETS), min_size=1, unique=True)),
        st.builds(lambda op, v: {"fact": "key_groups", "op": op, "value": v}, st.sampled_from(list(rules.SET_OPS)),
                  st.lists(st.sampled_from(KEY_GROUPS), min_size=1, max_size=3, unique=True)),
        st.builds(lambda f, v: {"fact": f, "op": "is", "value": v},
                  st.sampled_from(["registered_unemployed", "certified_difficulty"]), st.booleans()),
        st.builds(lambda v: {"fact": "received_policy", "op": "not_within_months", "value": v}, st.integers(1, 36)),
    )


rule_strategy = st.recursive(leaf(), lambda children: st.one_of(
    st.builds(lambda c: {"all": c}, st.lists(children, min_size=1, max_size=4)),
    st.builds(lambda c: {"any": c}, st.lists(children, min_size=1, max_size=4)),
    st.builds(lambda c: {"not": c}, children)), max_leaves=8)


def _create(station, policy, people) -> list[int]:
    ids = []
    for p in people:
        a = make_person(station, birth=p["birth"], male=p["male"], status=p["status"], entries=p["entries"],
                        hukou=p["hukou"], education=p["education"], graduation_year=p["graduation_year"],
                        key_groups=p["key_groups"], street=street(p["street"]) if p["street"] else None,
                        is_open=p["is_open"], closed_reason="" if p["is_open"] else "迁出")
        if p["street"] is None:
            type(a).objects.filter(pk=a.pk).update(street=None)
        for n, (kind, state, day) in enumerate(p["cases"]):
            Case.objects.create(archive=a, policy=policy, version=policy.current_version, kind=kind, state=state,
                                is_open=False, claim_period=f"{2000 + n}-01",  # one payment per period
                                amount_paid=100 if state == "paid" else None, paid_on=day if state == "paid" else None,
                                payment_reference="R" if state == "paid" else "",
                                decision_reason="x" if state == "rejected" else "")
        ids.append(a.pk)
    return ids


@pytest.fixture
def policy(reference_data):
    from tests.assistance.factories import make_policy

    return make_policy(rule={"fact": "age", "op": ">=", "value": 0})


def _sql_rows(ids) -> dict[int, dict]:
    with connection.cursor() as cur:
        cur.execute(f"SELECT * FROM ({rules.facts_sql()}) f WHERE f.id = ANY(%(ids)s)", {"ref": REF, "ids": ids})
        cols = [c.name for c in cur.description]
        return {row[0]: dict(zip(cols, row, strict=True)) for row in cur.fetchall()}


@settings(max_examples=40, deadline=None, report_multiple_bugs=False, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                  HealthCheck.too_slow])
@given(people=st.lists(person, min_size=1, max_size=6), rule_list=st.lists(rule_strategy, min_size=1, max_size=5))
def test_sql_and_python_agree_on_facts_and_on_every_rule(policy, people, rule_list):
    station = StationFactory()
    with transaction.atomic():
        ids = _create(station, policy, people)
        python = rules.load_facts(ids, ref=REF)
        sql = _sql_rows(ids)
        open_ids = {i for i, p in zip(ids, people, strict=True) if p["is_open"]}
        assert set(sql) == open_ids
        for aid in open_ids:
            mine = python[aid].to_json()
            theirs = dict(sql[aid], key_groups=sorted(sql[aid]["key_groups"]))
            assert {c: theirs[c] for c in rules.FACT_COLUMNS} == {c: mine[c] for c in rules.FACT_COLUMNS}
        for rule in rule_list:
            rules.validate(rule)
            cond, params = rules.compile_sql(rule, policy_id=policy.pk)
            text, named = rules.render_params(
                f"SELECT f.id FROM ({rules.facts_sql()}) f WHERE f.id = ANY(%(ids)s) AND {cond}", params,
                {"ref": REF, "ids": ids})
            with connection.cursor() as cur:
                cur.execute(text, named)
                selected = {r[0] for r in cur.fetchall()}
            passed = {aid for aid in open_ids if rules.evaluate(rule, python[aid], policy_id=policy.pk).ok}
            assert selected == passed, rule
        transaction.set_rollback(True)
