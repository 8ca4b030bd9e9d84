"""The rule language: validation messages, the trace, near misses, stored traces re-evaluated."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from assistance import rules
from assistance.rules import Facts

REF = "2026-12-01"


def facts(**kw) -> Facts:
    base = {"ref": REF, "age": 52, "sex": "M", "hukou": "local", "status": "unemployed", "months_out_of_work": 7,
            "key_groups": ["4050"]}
    base.update(kw)
    return Facts(**base)


@pytest.mark.parametrize(("rule", "message"), [
    ({"fact": "salary", "op": ">=", "value": 1}, "未知的条件项“salary”"),
    ({"fact": "age", "op": "~", "value": 1}, "不支持运算符“~”"),
    ({"fact": "age", "op": ">=", "value": "50"}, "值须为整数，收到文字“50”"),
    ({"fact": "age", "op": ">=", "value": True}, "值须为整数"),
    ({"fact": "hukou", "op": "in", "value": ["mars"]}, "没有取值“mars”"),
    ({"fact": "registered_unemployed", "op": "is", "value": "yes"}, "须为 true 或 false"),
    ({"xor": []}, "未知的运算符“xor”"),
    ({"all": []}, "非空的条件列表"),
    ({"all": [{"fact": "age", "op": ">=", "value": 1}], "any": []}, "不能与其他键并列"),
    ("age >= 50", "须为一个条件对象"),
])
def test_a_bad_rule_is_refused_with_a_message_naming_what_is_wrong(rule, message, db):
    with pytest.raises(ValidationError) as exc:
        rules.validate(rule)
    assert message in exc.value.messages[0]


def test_each_condition_is_explained_with_the_persons_own_value():
    rule = {"all": [{"fact": "age", "op": ">=", "value": 50},
                    {"fact": "registered_unemployed", "op": "is", "value": True}]}
    result = rules.evaluate(rule, facts(), policy_id=1)
    assert [c["text"] for c in result.conditions] == ["年龄 52 岁，需 ≥ 50 岁 ✓", "未办理失业登记 ✗"]
    assert not result.ok and result.near_miss


def test_a_person_two_conditions_away_is_not_a_near_miss():
    rule = {"all": [{"fact": "age", "op": ">=", "value": 60}, {"fact": "hukou", "op": "in", "value": ["non_local"]}]}
    result = rules.evaluate(rule, facts(), policy_id=1)
    assert result.fixes == 2 and not result.near_miss


def test_near_miss_counts_through_any_and_not():
    rule = {"all": [{"not": {"fact": "key_groups", "op": "has_any", "value": ["4050"]}},
                    {"any": [{"fact": "age", "op": "<", "value": 30}, {"fact": "sex", "op": "in", "value": ["M"]}]}]}
    result = rules.evaluate(rule, facts(), policy_id=1)
    assert not result.ok and result.fixes == 1


def test_months_out_of_work_is_missing_for_someone_employed_and_the_condition_is_false():
    rule = {"fact": "months_out_of_work", "op": "<", "value": 100}
    result = rules.evaluate(rule, facts(status="employed", months_out_of_work=None), policy_id=1)
    assert not result.ok and "无（在业或无失业记录）" in result.conditions[0]["text"]
    assert rules.evaluate({"not": rule}, facts(months_out_of_work=None), policy_id=1).ok


def test_received_this_policy_counts_only_this_policy_and_only_within_the_months():
    rule = {"fact": "received_policy", "op": "not_within_months", "value": 12}
    assert not rules.evaluate(rule, facts(paid={"7": ["2026-06-01"]}), policy_id=7).ok
    assert rules.evaluate(rule, facts(paid={"7": ["2025-12-01"]}), policy_id=7).ok  # exactly 12 months ago
    assert rules.evaluate(rule, facts(paid={"8": ["2026-06-01"]}), policy_id=7).ok


def test_month_arithmetic_clips_to_the_end_of_the_month():
    assert rules.months_before(dt.date(2024, 3, 31), 1) == dt.date(2024, 2, 29)
    assert rules.months_between(dt.date(2024, 1, 31), dt.date(2024, 2, 29)) == 0
    assert rules.months_between(dt.date(2024, 1, 31), dt.date(2024, 3, 31)) == 2
    assert rules.age_on(dt.date(2000, 2, 29), dt.date(2026, 2, 28)) == 25


def test_a_stored_trace_re_evaluated_gives_the_same_result():
    rule = {"any": [{"fact": "age", "op": ">=", "value": 50}, {"fact": "education", "op": "in", "value": ["college"]}]}
    stored = rules.evaluate(rule, facts(), policy_id=3).to_json()
    again = rules.evaluate(rule, Facts.from_json(facts().to_json()), policy_id=3).to_json()
    assert stored == again and stored["ok"] is True
