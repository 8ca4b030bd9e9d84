"""The eligibility rule language: JSON data, one SQL condition for every archive, one Python evaluator
with a per-condition trace for one person. The two must agree (tests/assistance/test_rules_property.py).

A rule is a node:
    {"all": [node, ...]}   every child holds          {"any": [node, ...]}   at least one holds
    {"not": node}          the child does not hold    {"fact": NAME, "op": OP, "value": VALUE}
Example (失业保险金-style):
    {"all": [{"fact": "status", "op": "in", "value": ["unemployed"]},
             {"fact": "registered_unemployed", "op": "is", "value": true},
             {"any": [{"fact": "age", "op": ">=", "value": 50}, {"fact": "key_groups", "op": "has_any",
                                                                "value": ["difficulty", "4050"]}]}]}

Facts (FACTS below; their SQL is FACTS_SQL, their Python `facts_of`) are computed on a reference date.
A condition on a fact that has no value (no education recorded, employed so no months out of work)
is false, in SQL (COALESCE(…, false)) as in Python: logic stays two-valued, so `not` means "not".
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import NoReturn

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

from core.choices import KeyGroup
from jobseekers.models import Education, EmploymentStatus, Hukou, JobseekerArchive

EMPLOYED_KINDS = (EmploymentStatus.EMPLOYED.value, EmploymentStatus.FLEXIBLE.value,
                  EmploymentStatus.SELF_EMPLOYED.value)
SEXES = {"M": gettext_noop("男"), "F": gettext_noop("女")}

NUMBER_OPS = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "=", "!=": "≠"}
CHOICE_OPS = {"in": gettext_noop("为"), "not_in": gettext_noop("不为")}
SET_OPS = {"has_any": gettext_noop("含其一"), "has_all": gettext_noop("全部包含"), "has_none": gettext_noop("均不含")}
BOOL_OPS = {"is": gettext_noop("为")}
RECEIVED_OPS = {"not_within_months": gettext_noop("近 N 个月未享受")}


@dataclass(frozen=True)
class FactSpec:
    name: str
    label: str
    kind: str  # number | choice | set | bool | received
    unit: str = ""
    choices: dict | None = None  # value → label (None: checked against reference data, or free)

    @property
    def ops(self) -> dict[str, str]:
        return {"number": NUMBER_OPS, "choice": CHOICE_OPS, "set": SET_OPS, "bool": BOOL_OPS,
                "received": RECEIVED_OPS}[self.kind]


def _labels(choices) -> dict:
    return {value: str(label) for value, label in choices.choices}


FACTS: dict[str, FactSpec] = {f.name: f for f in [
    FactSpec("key_groups", gettext_noop("重点群体"), "set", choices=_labels(KeyGroup)),
    FactSpec("age", gettext_noop("年龄"), "number", gettext_noop("岁")),
    FactSpec("sex", gettext_noop("性别"), "choice", choices=SEXES),
    FactSpec("hukou", gettext_noop("户籍"), "choice", choices=_labels(Hukou)),
    FactSpec("status", gettext_noop("当前就业状态"), "choice", choices=_labels(EmploymentStatus)),
    FactSpec("months_out_of_work", gettext_noop("距上次就业结束"), "number", gettext_noop("个月")),
    FactSpec("registered_unemployed", gettext_noop("失业登记"), "bool"),
    FactSpec("certified_difficulty", gettext_noop("就业困难人员认定"), "bool"),
    FactSpec("education", gettext_noop("学历"), "choice", choices=_labels(Education)),
    FactSpec("graduation_year", gettext_noop("毕业年份"), "number", gettext_noop("年")),
    FactSpec("district", gettext_noop("居住区"), "choice"),
    FactSpec("street", gettext_noop("居住街镇"), "choice"),
    FactSpec("received_policy", gettext_noop("本政策享受记录"), "received"),
]}
BOOL_TEXT = {"registered_unemployed": (gettext_noop("已办理失业登记"), gettext_noop("未办理失业登记")),
             "certified_difficulty": (gettext_noop("已认定为就业困难人员"), gettext_noop("未认定为就业困难人员"))}


def _place_labels(kind: str) -> dict[str, str]:
    from stations.models import District, Street

    model = District if kind == "district" else Street
    return dict(model.objects.values_list("code", "name"))


# ---------------------------------------------------------------- validation

def validate(rule, *, path: str | None = None) -> None:
    """Refuse a malformed rule with a message naming the unknown fact, operator or value (where: `path`),
    in the active language."""
    _validate(rule, path=path or gettext("规则"), depth=1)


MAX_DEPTH = 16  # groups within groups: more is no rule a person reads (and the builder draws it recursively)


_TYPE_NAMES = {bool: gettext_noop("真假值"), int: gettext_noop("整数"), float: gettext_noop("小数"),
               str: gettext_noop("文字"), list: gettext_noop("列表"), dict: gettext_noop("对象"),
               type(None): gettext_noop("空值")}


def _type_name(value) -> str:
    name = _TYPE_NAMES.get(type(value))
    return gettext(name) if name else type(value).__name__


def _refuse(code: str, message: str, **params) -> NoReturn:
    raise ValidationError(gettext(message) % params, code=code)


def _validate(node, *, path: str, depth: int) -> None:
    sep = gettext("、")
    if not isinstance(node, dict):
        _refuse("rule_node", gettext_noop("%(path)s须为一个条件对象，收到%(type)s。"), path=path, type=_type_name(node))
    groups = [k for k in ("all", "any", "not") if k in node]
    if groups:
        key = groups[0]
        if depth > MAX_DEPTH:
            _refuse("rule_depth", gettext_noop("%(path)s：条件组最多嵌套 %(n)s 层。"), path=path, n=MAX_DEPTH)
        if len(node) != 1:
            _refuse("rule_node", gettext_noop("%(path)s：“%(key)s”条件组不能与其他键并列（%(keys)s）。"),
                    path=path, key=key, keys=sep.join(sorted(node)))
        if key == "not":
            _validate(node["not"], path=gettext("%(parent)s·非") % {"parent": path}, depth=depth + 1)
            return
        children = node[key]
        if not isinstance(children, list) or not children:
            _refuse("rule_group", gettext_noop("%(path)s：“%(key)s”须为非空的条件列表。"), path=path, key=key)
        for i, child in enumerate(children, start=1):
            _validate(child, path=gettext("%(parent)s·第%(n)s条") % {"parent": path, "n": i}, depth=depth + 1)
        return
    if "fact" not in node:
        _refuse("rule_op", gettext_noop("%(path)s：未知的运算符“%(op)s”，可用 all、any、not 或 fact 条件。"),
                path=path, op=sep.join(sorted(map(str, node))) or gettext("（空）"))
    extra = set(node) - {"fact", "op", "value"}
    if extra:
        _refuse("rule_key", gettext_noop("%(path)s：未知的键“%(keys)s”。"), path=path, keys=sep.join(sorted(extra)))
    spec = FACTS.get(node["fact"]) if isinstance(node["fact"], str) else None
    if spec is None:
        _refuse("rule_fact", gettext_noop("%(path)s：未知的条件项“%(fact)s”。可用：%(facts)s。"),
                path=path, fact=node["fact"], facts=sep.join(FACTS))
    label, op, value = gettext(spec.label), node.get("op"), node.get("value")
    if op not in spec.ops:
        _refuse("rule_op", gettext_noop("%(path)s：条件项“%(label)s”不支持运算符“%(op)s”，可用：%(ops)s。"),
                path=path, label=label, op=op, ops=sep.join(spec.ops))
    got = {"path": path, "label": label, "type": _type_name(value), "value": value}
    if spec.kind in {"number", "received"}:
        if type(value) is not int:
            _refuse("rule_value", gettext_noop("%(path)s：条件项“%(label)s”的值须为整数，收到%(type)s“%(value)s”。"), **got)
        if spec.kind == "received" and not 1 <= value <= 240:
            _refuse("rule_value", gettext_noop("%(path)s：“%(label)s”的月数须在 1 至 240 之间。"), path=path, label=label)
    elif spec.kind == "bool":
        if type(value) is not bool:
            _refuse("rule_value", gettext_noop("%(path)s：条件项“%(label)s”的值须为 true 或 false，收到%(type)s“%(value)s”。"),
                    **got)
    else:
        if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
            _refuse("rule_value",
                    gettext_noop("%(path)s：条件项“%(label)s”的值须为非空的文字列表，收到%(type)s“%(value)s”。"), **got)
        known = spec.choices if spec.choices is not None else _place_labels(spec.name)
        unknown = [v for v in value if v not in known]
        if unknown:
            _refuse("rule_value", gettext_noop("%(path)s：条件项“%(label)s”没有取值“%(values)s”。"),
                    path=path, label=label, values=sep.join(unknown))


def leaves(rule) -> list[dict]:
    if "all" in rule or "any" in rule:
        return [leaf for child in rule.get("all", rule.get("any")) for leaf in leaves(child)]
    if "not" in rule:
        return leaves(rule["not"])
    return [rule]


def facts_needed(rules) -> set[str]:
    return {leaf["fact"] for rule in rules for leaf in leaves(rule)}


# ---------------------------------------------------------------- facts

def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from `start` to `end` (the SQL mirror is MONTHS_SQL)."""
    return (end.year - start.year) * 12 + end.month - start.month - (1 if end.day < start.day else 0)


def months_before(day: dt.date, n: int) -> dt.date:
    """`day` minus n months, clipped to the month's end (as PostgreSQL's date - interval 'n months')."""
    total = day.year * 12 + day.month - 1 - n
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def age_on(birth: dt.date, ref: dt.date) -> int:
    return ref.year - birth.year - (1 if (ref.month, ref.day) < (birth.month, birth.day) else 0)


@dataclass
class Facts:
    """One person's facts on a reference date: what the rule sees, stored with each decision."""

    ref: str
    age: int | None = None
    sex: str | None = None
    hukou: str | None = None
    status: str | None = None
    months_out_of_work: int | None = None
    registered_unemployed: bool = False
    certified_difficulty: bool = False
    education: str | None = None
    graduation_year: int | None = None
    district: str | None = None
    street: str | None = None
    key_groups: list[str] = field(default_factory=list)
    paid: dict[str, list[str]] = field(default_factory=dict)  # policy id → payment dates (ISO)

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> Facts:
        return cls(**data)

    @property
    def ref_date(self) -> dt.date:
        return dt.date.fromisoformat(self.ref)


def facts_of(*, archive: JobseekerArchive, entries, cases, ref: dt.date, district: str | None = None,
             street: str | None = None) -> Facts:
    """Facts of one archive from its rows: `entries` (status, effective_date), `cases` (kind, state, policy_id,
    paid_on). The SQL mirror is FACTS_SQL; both are checked against each other by the property test."""
    last_employed = max((d for s, d in entries if s in EMPLOYED_KINDS), default=None)
    spell = [d for s, d in entries if s not in EMPLOYED_KINDS and (last_employed is None or d > last_employed)]
    months = None
    if archive.current_status not in EMPLOYED_KINDS and spell:
        months = months_between(min(spell), ref)
    paid: dict[str, list[str]] = {}
    for _kind, state, policy_id, paid_on in cases:
        if state == "paid" and paid_on:
            paid.setdefault(str(policy_id), []).append(paid_on.isoformat())
    return Facts(
        ref=ref.isoformat(), age=age_on(archive.birth_date, ref), sex=archive.sex, hukou=archive.hukou or None,
        status=archive.current_status, months_out_of_work=months,
        registered_unemployed=any(k == "registration" and s == "approved" for k, s, _p, _d in cases),
        certified_difficulty=any(k == "certification" and s == "approved" for k, s, _p, _d in cases),
        education=archive.education or None, graduation_year=archive.graduation_year,
        district=district, street=street, key_groups=sorted(archive.key_groups or []),
        paid={k: sorted(v) for k, v in paid.items()},
    )


def entitlement_trace(entitlement):
    """An entitlement's stored decision re-evaluated: its rule version over the facts it was found on."""
    return evaluate(entitlement.version.rule, Facts.from_json(entitlement.facts), policy_id=entitlement.policy_id)


def load_facts(archive_ids: list[int], *, ref: dt.date, stations: dict | None = None) -> dict[int, Facts]:
    """Facts of some archives, computed in Python from their rows (three queries whatever the number).
    `stations`, when given, receives {archive id: station id} of the open ones (for the engine)."""
    from .models import Case

    archives = {a.pk: a for a in JobseekerArchive.objects.filter(pk__in=archive_ids)
                .select_related("street__district")
                .only("id", "birth_date", "sex", "hukou", "current_status", "education", "graduation_year",
                      "key_groups", "street__code", "street__district__code", "station_id", "is_open")}
    if stations is not None:
        stations.update({aid: a.station_id for aid, a in archives.items() if a.is_open})
    entries: dict[int, list] = {}
    from jobseekers.models import StatusEntry

    for aid, status, day in StatusEntry.objects.filter(archive_id__in=archive_ids).values_list(
            "archive_id", "status", "effective_date"):
        entries.setdefault(aid, []).append((status, day))
    cases: dict[int, list] = {}
    for aid, *row in Case.objects.filter(archive_id__in=archive_ids, state__in=["approved", "paid"]).values_list(
            "archive_id", "kind", "state", "policy_id", "paid_on"):
        cases.setdefault(aid, []).append(tuple(row))
    return {aid: facts_of(archive=a, entries=entries.get(aid, []), cases=cases.get(aid, []), ref=ref,
                          street=a.street.code if a.street_id else None,
                          district=a.street.district.code if a.street_id else None)
            for aid, a in archives.items()}


# ---------------------------------------------------------------- SQL

def _months_sql(start: str, end: str) -> str:
    return (f"((extract(year from {end}) - extract(year from {start})) * 12 + extract(month from {end})"
            f" - extract(month from {start}) - CASE WHEN extract(day from {end}) < extract(day from {start})"
            f" THEN 1 ELSE 0 END)::int")


_EMP = "('employed', 'flexible', 'self_employed')"


def facts_sql(*, one_archive: bool = False) -> str:
    """One row of facts per open archive (or per `%(archive)s`), on `%(ref)s`: the SQL mirror of `facts_of`."""
    only = " AND archive_id = %(archive)s" if one_archive else ""
    only_a = " AND a.id = %(archive)s" if one_archive else ""
    ref = "%(ref)s::date"
    return f"""
    WITH le AS (SELECT archive_id, max(effective_date) AS last_emp FROM jobseekers_statusentry
                WHERE status IN {_EMP}{only} GROUP BY archive_id),
         sp AS (SELECT e.archive_id, min(e.effective_date) AS spell_start FROM jobseekers_statusentry e
                LEFT JOIN le ON le.archive_id = e.archive_id
                WHERE e.status NOT IN {_EMP} AND (le.last_emp IS NULL OR e.effective_date > le.last_emp)
                {only.replace("archive_id", "e.archive_id")} GROUP BY e.archive_id),
         cs AS (SELECT archive_id, bool_or(kind = 'registration') AS reg, bool_or(kind = 'certification') AS cert
                FROM assistance_case WHERE state = 'approved'{only} GROUP BY archive_id)
    SELECT a.id, a.station_id,
           (extract(year from {ref}) - extract(year from a.birth_date)
            - CASE WHEN (extract(month from {ref}), extract(day from {ref}))
                        < (extract(month from a.birth_date), extract(day from a.birth_date)) THEN 1 ELSE 0 END)::int
             AS age,
           a.sex, NULLIF(a.hukou, '') AS hukou, a.current_status AS status,
           CASE WHEN a.current_status IN {_EMP} OR sp.spell_start IS NULL THEN NULL
                ELSE {_months_sql("sp.spell_start", ref)} END AS months_out_of_work,
           COALESCE(cs.reg, false) AS registered_unemployed, COALESCE(cs.cert, false) AS certified_difficulty,
           NULLIF(a.education, '') AS education, a.graduation_year, d.code AS district, s.code AS street,
           a.key_groups
    FROM jobseekers_jobseekerarchive a
    LEFT JOIN stations_street s ON s.id = a.street_id LEFT JOIN stations_district d ON d.id = s.district_id
    LEFT JOIN sp ON sp.archive_id = a.id LEFT JOIN cs ON cs.archive_id = a.id
    WHERE a.is_open{only_a}"""  # noqa: S608 - fixed text, values are parameters


FACT_COLUMNS = ("age", "sex", "hukou", "status", "months_out_of_work", "registered_unemployed",
                "certified_difficulty", "education", "graduation_year", "district", "street", "key_groups")


def compile_sql(rule, *, policy_id: int, alias: str = "f") -> tuple[str, list]:
    """The rule as one SQL boolean over a facts row `alias` (see facts_sql); `%(ref)s` is the reference date."""
    params: list = []
    sql = _sql(rule, alias=alias, policy_id=policy_id, params=params)
    return sql, params


def _sql(node, *, alias: str, policy_id: int, params: list) -> str:
    if "all" in node:
        return "(" + " AND ".join(_sql(c, alias=alias, policy_id=policy_id, params=params) for c in node["all"]) + ")"
    if "any" in node:
        return "(" + " OR ".join(_sql(c, alias=alias, policy_id=policy_id, params=params) for c in node["any"]) + ")"
    if "not" in node:
        return "(NOT " + _sql(node["not"], alias=alias, policy_id=policy_id, params=params) + ")"
    spec, op, value = FACTS[node["fact"]], node["op"], node["value"]
    col = f"{alias}.{spec.name}"
    if spec.kind == "number":
        params.append(value)
        cond = f"{col} {'<>' if op == '!=' else '=' if op == '==' else op} %s"
    elif spec.kind == "choice":
        params.append(list(value))
        cond = f"{col} = ANY(%s::text[])" if op == "in" else f"NOT ({col} = ANY(%s::text[]))"
    elif spec.kind == "set":
        params.append(list(value))
        cond = {"has_any": f"{col} && %s::varchar[]", "has_all": f"{col} @> %s::varchar[]",
                "has_none": f"NOT ({col} && %s::varchar[])"}[op]
    elif spec.kind == "bool":
        params.append(value)
        cond = f"{col} = %s"
    else:  # received: no payment of this policy after (ref − N months)
        params.extend([policy_id, value])
        cond = (f"NOT EXISTS (SELECT 1 FROM assistance_case pc WHERE pc.archive_id = {alias}.id AND pc.policy_id = %s"  # noqa: S608
                f" AND pc.state = 'paid' AND pc.paid_on > (%(ref)s::date - make_interval(months => %s))::date)")
    return f"COALESCE({cond}, false)"


def render_params(sql: str, params: list, named: dict) -> tuple[str, dict]:
    """Mix positional %s and named %(x)s placeholders: psycopg2 takes one style, so name them all."""
    out, parts = dict(named), sql.split("%s")
    text = parts[0]
    for i, part in enumerate(parts[1:]):
        out[f"p{i}"] = params[i]
        text += f"%(p{i})s" + part
    return text, out


# ---------------------------------------------------------------- Python evaluation with a trace

@dataclass
class Result:
    ok: bool
    tree: dict
    fixes: int  # the fewest conditions that would have to change for the rule to hold (0 when it holds)

    @property
    def near_miss(self) -> bool:
        return not self.ok and self.fixes == 1

    @property
    def conditions(self) -> list[dict]:
        return _flat(self.tree)

    @property
    def shown_conditions(self) -> list[dict]:
        return shown(self.conditions)

    def to_json(self) -> dict:
        return {"ok": self.ok, "fixes": self.fixes, "tree": self.tree}


def _flat(tree: dict) -> list[dict]:
    if "children" in tree:
        return [leaf for child in tree["children"] for leaf in _flat(child)]
    return [tree]


def evaluate(rule, facts: Facts, *, policy_id: int) -> Result:
    """Evaluate a (validated) rule on one person's facts, condition by condition."""
    tree, ok, to_true, _to_false = _eval(rule, facts, policy_id=policy_id)
    return Result(ok=ok, tree=tree, fixes=to_true)


def _eval(node, facts: Facts, *, policy_id: int) -> tuple[dict, bool, int, int]:
    """(trace, result, fewest flips to make it true, fewest flips to make it false)."""
    if "all" in node or "any" in node:
        key = "all" if "all" in node else "any"
        parts = [_eval(c, facts, policy_id=policy_id) for c in node[key]]
        oks = [p[1] for p in parts]
        if key == "all":
            ok, to_true, to_false = all(oks), sum(p[2] for p in parts), min(p[3] for p in parts)
        else:
            ok, to_true, to_false = any(oks), min(p[2] for p in parts), sum(p[3] for p in parts)
        return ({"group": key, "label": "全部满足" if key == "all" else "满足其一", "ok": ok,
                 "children": [p[0] for p in parts]}, ok, to_true, to_false)
    if "not" in node:
        child, ok, to_true, to_false = _eval(node["not"], facts, policy_id=policy_id)
        return ({"group": "not", "label": "不满足", "ok": not ok, "children": [child]}, not ok, to_false, to_true)
    leaf = _leaf(node, facts, policy_id=policy_id)
    return leaf, leaf["ok"], 0 if leaf["ok"] else 1, 1 if leaf["ok"] else 0


def _choice_text(spec: FactSpec, value) -> str:
    if value is None:
        return gettext("未填写")
    if spec.choices is not None:
        return gettext(spec.choices.get(value, value))
    return _place_label_cache(spec.name).get(value, value)


_PLACE_CACHE: dict[str, dict] = {}


def _place_label_cache(kind: str) -> dict:
    if kind not in _PLACE_CACHE:
        _PLACE_CACHE[kind] = _place_labels(kind)
    return _PLACE_CACHE[kind]


def _leaf(node, facts: Facts, *, policy_id: int) -> dict:
    spec, op, want = FACTS[node["fact"]], node["op"], node["value"]
    actual = getattr(facts, spec.name, None) if spec.kind != "received" else None
    if spec.kind == "number":
        ok = actual is not None and {">=": actual >= want, "<=": actual <= want, ">": actual > want,
                                     "<": actual < want, "==": actual == want, "!=": actual != want}[op] \
            if actual is not None else False
    elif spec.kind == "choice":
        inside = actual is not None and actual in want
        ok = inside if op == "in" else (actual is not None and not inside)
    elif spec.kind == "set":
        have = set(actual or [])
        ok = {"has_any": bool(have & set(want)), "has_all": set(want) <= have,
              "has_none": not (have & set(want))}[op]
    elif spec.kind == "bool":
        ok = bool(actual) == want
    else:
        since = months_before(facts.ref_date, want)
        dates = [d for d in facts.paid.get(str(policy_id), []) if dt.date.fromisoformat(d) > since]
        ok, actual = not dates, (max(dates) if dates else None)
    leaf = {"fact": spec.name, "label": spec.label, "op": op, "value": want, "actual": actual, "ok": ok}
    # The stored text is Chinese (as services join it into Chinese notes); pages re-render it with `shown`.
    with translation.override(settings.LANGUAGE_CODE):
        leaf["text"] = leaf_text(leaf)
    return leaf


def leaf_text(leaf: dict) -> str:
    """One condition's line ("年龄 41 岁，需 ≥ 16 岁 ✓") in the active language, from its structured parts."""
    spec, op, want, actual, ok = FACTS[leaf["fact"]], leaf["op"], leaf["value"], leaf["actual"], leaf["ok"]
    label, unit = gettext(spec.label), gettext(spec.unit) if spec.unit else ""
    if spec.kind == "number":
        shown = f"{actual} {unit}".strip() if actual is not None else gettext("无")
        if spec.name == "months_out_of_work" and actual is None:
            shown = gettext("无（在业或无失业记录）")
        text = gettext("%(label)s %(shown)s，需 %(op)s %(want)s %(unit)s") % {
            "label": label, "shown": shown, "op": NUMBER_OPS[op], "want": want, "unit": unit}
        text = text.rstrip()
    elif spec.kind == "choice":
        wanted = gettext("、").join(_choice_text(spec, v) for v in want)
        template = gettext("%(label)s %(shown)s，需为%(wanted)s") if op == "in" else \
            gettext("%(label)s %(shown)s，需不为%(wanted)s")
        text = template % {"label": label, "shown": _choice_text(spec, actual), "wanted": wanted}
    elif spec.kind == "set":
        labels = spec.choices
        sep = gettext("、")
        shown = sep.join(gettext(labels.get(v, v)) for v in sorted(actual or [])) or gettext("无")
        text = gettext("%(label)s %(shown)s，需%(op)s：%(wanted)s") % {
            "label": label, "shown": shown, "op": gettext(SET_OPS[op]),
            "wanted": sep.join(gettext(labels.get(v, v)) for v in want)}
    elif spec.kind == "bool":
        yes, no = BOOL_TEXT.get(spec.name, (f"{spec.label}：是", f"{spec.label}：否"))
        yes, no = gettext(yes), gettext(no)
        text = (yes if actual else no) + ("" if want else gettext("，需%(text)s") % {"text": no})
    else:
        text = (gettext("近 %(n)s 个月未享受本政策") % {"n": want} if ok else
                gettext("已于 %(date)s 享受本政策，需近 %(n)s 个月未享受") % {"date": actual, "n": want})
    return f"{text} {'✓' if ok else '✗'}"


def shown(conditions: list[dict]) -> list[dict]:
    """Conditions of a trace (stored or fresh) with their text re-rendered in the reader's language."""
    out = []
    for c in conditions:
        if c.get("fact") == "review":  # a rejection's reason, added to the trace by case_reject
            out.append({**c, "text": gettext("审核意见：%(reason)s") % {"reason": c.get("actual", "")} + " ✗"})
            continue
        try:
            out.append({**c, "text": leaf_text(c)})
        except (KeyError, TypeError):  # a trace stored under an older rule language stays as stored
            out.append(c)
    return out
