"""THE scoring function of matching, and its SQL mirror used to rank candidates in the database.

`score(profile, posting, now)` is the single source of truth: pages, API, pushes and the exhaustive
check all call it. `score_sql()` returns the same formula as a PostgreSQL expression over an archive
row `a` (see `ARCHIVE_COLUMNS`) and a posting `p` joined to its occupation `o`; the fast path ranks
with it in SQL and then re-scores a margin window with `score()` (see selectors.py), so the Python
function decides the final order and the explanation.

Weights come from settings.MATCHING_WEIGHTS (merged over DEFAULT_WEIGHTS).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_lazy, pgettext

from core.choices import MONTHLY_FACTOR, SalaryUnit
from core.geo import haversine_m, walk_model, walking_minutes

DEFAULT_WEIGHTS: dict[str, float] = {
    # occupation fit through the classification tree (shared leading code segments)
    "occ_4": 50,  # same 细类 (职业)
    "occ_3": 40,  # same 小类
    "occ_2": 30,  # same 中类
    "occ_1": 10,  # same 大类
    # a certificate in the posting's occupation, by the same tree (shared leading code segments with the
    # certificate's occupation code); a 大类 alone is too broad to say anything
    "cert_4": 10, "cert_3": 6, "cert_2": 3, "cert_1": 0,
    "skill_each": 4, "skill_max": 12,  # each word of the skills or of a certificate's name found in the posting
    "walk_commute": 20,  # within the commute limit, scaled by how short the walk is
    "walk_bonus": 10, "walk_bonus_minutes": 15,  # the 15-minute circle
    "salary_meets": 10, "salary_near": 5, "salary_near_ratio": 0.9,
    "hours": 6,
    "friendly": 6,
    "fresh_week": 4, "fresh_month": 2,
}

# Explanation parts are lazy: `Match.explanation` renders them in the reader's language; stored rows (pushes)
# keep the Chinese text, rendered under `core.audit.in_chinese()`.
OCC_LABELS = {4: gettext_lazy("同一职业"), 3: gettext_lazy("同一职业小类"), 2: gettext_lazy("同一职业中类"),
              1: gettext_lazy("同一职业大类")}
TOKEN_SPLIT = r"[ ,，、;；/|。\t\r\n]+"
MAX_TOKENS = 8
WINDOW = 60  # SQL-ranked rows re-scored in Python by the fast path
_FACTORS = {str(unit.value): factor for unit, factor in MONTHLY_FACTOR.items()}


def weights() -> dict[str, float]:
    return {**DEFAULT_WEIGHTS, **getattr(settings, "MATCHING_WEIGHTS", {})}


def skill_tokens(skills: str, certificates: str) -> list[str]:
    """Words of the skills text and of the certificates' names (2–20 characters, first 8 distinct, in order)."""
    out: list[str] = []
    for t in re.split(TOKEN_SPLIT, f"{skills or ''},{certificates or ''}"):
        if 2 <= len(t) <= 20 and t not in out:
            out.append(t)
            if len(out) == MAX_TOKENS:
                break
    return out


def occupation_fit(code: str | None, desired: list[str]) -> int:
    """Shared leading segments with the closest desired occupation: 4 细类, 3 小类, 2 中类, 1 大类, 0."""
    if not code:
        return 0
    parts = code.split("-")
    best = 0
    for d in desired:
        dp = d.split("-")
        n = 0
        for x, y in zip(parts, dp, strict=False):
            if x != y:
                break
            n += 1
        best = max(best, n)
    return best


def certificate_fit(code: str | None, certificates) -> tuple[int, str]:
    """(fit, label) of the certificate closest to a posting's occupation code: fit as `occupation_fit`, the
    first certificate of the best fit; (0, "") when none shares a segment."""
    best, label = 0, ""
    for cert_code, cert_label in certificates:
        fit = occupation_fit(code, [cert_code])
        if fit > best:
            best, label = fit, cert_label
    return best, label


LOCATED_BY_STREET = "street"
STREET_ESTIMATE = "按居住街镇估算"


def archive_point(archive, street_points: dict | None = None) -> tuple[float | None, float | None, str]:
    """(lat, lng, how it was found) of a jobseeker: the archive's own coordinates, else the point of the street
    they live in — `stations.selectors.street_point`, the station finder's rule (almost no archive has
    coordinates: 19 of 3,025 in the demo) — else none. `street_points` memoises streets across archives."""
    if archive.lat is not None and archive.lng is not None:
        return archive.lat, archive.lng, "archive"
    if not archive.street_id:
        return None, None, ""
    if street_points is None or archive.street_id not in street_points:
        from stations.selectors import street_point

        point = street_point(archive.street)
        if street_points is None:
            street_points = {}
        street_points[archive.street_id] = point
    point = street_points[archive.street_id]
    return (point[0], point[1], LOCATED_BY_STREET) if point else (None, None, "")


@dataclass(frozen=True)
class Profile:
    """What scoring needs of a jobseeker archive."""

    archive_id: int
    lat: float | None
    lng: float | None
    desired_codes: tuple[str, ...]
    desired_salary: int | None
    desired_hours: str
    max_commute: int
    key_groups: tuple[str, ...]
    tokens: tuple[str, ...]
    located_by: str = "archive"  # "archive" (its coordinates), "street" (its street's point) or "" (unknown)
    certificates: tuple[tuple[str, str], ...] = ()  # (occupation code, label) of the certificates with a code

    @classmethod
    def of(cls, archive, desired_codes=None, street_points: dict | None = None) -> Profile:
        """`archive.certificates` is read with `.all()`: callers scoring many archives prefetch it."""
        codes = desired_codes if desired_codes is not None else [o.code for o in archive.desired_occupations.all()]
        lat, lng, located_by = archive_point(archive, street_points)
        certificates = list(archive.certificates.all())
        return cls(archive.pk, lat, lng, tuple(sorted(codes)), archive.desired_salary,
                   archive.desired_hours, max(1, archive.max_commute_minutes or 1), tuple(archive.key_groups or ()),
                   tuple(skill_tokens(archive.skills, "，".join(c.name for c in certificates))), located_by,
                   tuple((c.occupation_code, c.label) for c in certificates if c.occupation_code))

    @property
    def certificate_codes(self) -> list[str]:
        return [code for code, _label in self.certificates]


@dataclass(frozen=True)
class PostingFacts:
    """What scoring needs of a posting (see POSTING_FIELDS)."""

    posting_id: int
    occupation_code: str | None
    lat: float | None
    lng: float | None
    text: str
    salary_min: int | None
    salary_max: int | None
    salary_unit: str
    hours_type: str
    friendly_to: tuple[str, ...]
    published_at: datetime | None

    @classmethod
    def from_values(cls, v: dict) -> PostingFacts:
        return cls(v["id"], v["occupation__code"], v["lat"], v["lng"],
                   f"{v['title']} {v['requirements']} {v['description']}", v["salary_min"], v["salary_max"],
                   v["salary_unit"], v["hours_type"], tuple(v["friendly_to"] or ()), v["published_at"])


POSTING_FIELDS = ("id", "occupation__code", "lat", "lng", "title", "requirements", "description", "salary_min",
                  "salary_max", "salary_unit", "hours_type", "friendly_to", "published_at")


@dataclass
class Match:
    posting_id: int
    score: float
    parts: list[tuple[str, float, str]] = field(default_factory=list)
    walk_minutes: int | None = None

    @property
    def explanation(self) -> str:
        """The parts that counted, in the active language."""
        return (pgettext("between explanation parts", "；").join(str(text) for _key, _pts, text in self.parts if text)
                or gettext("综合条件一般"))

    @property
    def sort_key(self):
        return (-score_key(self.score), -self.posting_id)


def _hours_label(value: str) -> str:
    from core.choices import HoursType

    return dict(HoursType.choices).get(value, value)


def _group_label(value: str) -> str:
    from core.choices import KeyGroup

    return dict(KeyGroup.choices).get(value, value)


def score(profile: Profile, p: PostingFacts, now: datetime, w: dict | None = None) -> Match:
    """Score one posting for one jobseeker, with the parts that counted (for the explanation)."""
    w = w or weights()
    parts: list[tuple[str, float, str]] = []
    fit = occupation_fit(p.occupation_code, profile.desired_codes)
    if fit:
        parts.append(("occupation", float(w[f"occ_{fit}"]), OCC_LABELS[fit]))
    cert_fit, cert_label = certificate_fit(p.occupation_code, profile.certificates)
    if cert_fit and w[f"cert_{cert_fit}"]:
        parts.append(("certificate", float(w[f"cert_{cert_fit}"]),
                      format_lazy(gettext_lazy("持有证书：{}"), cert_label)))
    minutes = None
    if None not in (profile.lat, profile.lng, p.lat, p.lng):
        minutes = walking_minutes(haversine_m(profile.lat, profile.lng, p.lat, p.lng))
        if minutes <= profile.max_commute:
            pts = w["walk_commute"] * (profile.max_commute - minutes + 1) / profile.max_commute
            if minutes <= w["walk_bonus_minutes"]:
                pts += w["walk_bonus"]
            text = (gettext_lazy("步行约 {minutes} 分钟（按居住街镇估算）") if profile.located_by == LOCATED_BY_STREET
                    else gettext_lazy("步行约 {minutes} 分钟"))
            parts.append(("walk", pts, format_lazy(text, minutes=minutes)))
    top = p.salary_max if p.salary_max is not None else p.salary_min
    if profile.desired_salary and top is not None:
        monthly = top * _FACTORS.get(p.salary_unit, 1.0)
        if monthly >= profile.desired_salary:
            pct = round(100 * (monthly - profile.desired_salary) / profile.desired_salary)
            parts.append(("salary", float(w["salary_meets"]), format_lazy(gettext_lazy("薪资高于期望 {pct}%"), pct=pct) if pct >= 5
                          else gettext_lazy("薪资符合期望")))
        elif monthly >= w["salary_near_ratio"] * profile.desired_salary:
            parts.append(("salary", float(w["salary_near"]), gettext_lazy("薪资略低于期望")))
    if profile.tokens:
        found = [t for t in profile.tokens if t in p.text]
        if found:
            parts.append(("skills", float(min(len(found) * w["skill_each"], w["skill_max"])),
                          format_lazy(gettext_lazy("技能匹配：{}"), "、".join(found[:3]))))
    if p.hours_type == profile.desired_hours:
        parts.append(("hours", float(w["hours"]), format_lazy(gettext_lazy("工时相符（{}）"),
                                                                gettext_lazy(_hours_label(p.hours_type)))))
    common = [g for g in profile.key_groups if g in p.friendly_to]
    if common:
        parts.append(("friendly", float(w["friendly"]), format_lazy(gettext_lazy("对{}友好"),
                                                                      gettext_lazy(_group_label(common[0])))))
    if p.published_at is not None:
        if p.published_at >= now - timedelta(days=7):
            parts.append(("fresh", float(w["fresh_week"]), gettext_lazy("近一周发布")))
        elif p.published_at >= now - timedelta(days=30):
            parts.append(("fresh", float(w["fresh_month"]), ""))
    return Match(p.posting_id, sum(pts for _k, pts, _t in parts), parts, minutes)


def outsider_bound(profile: Profile, min_fit: int, w: dict | None = None) -> float:
    """Highest score a posting could reach if its occupation fit is below `min_fit` and it lies outside
    the commute box (so it earns no walking points): the fast path may stop when its 20th is above."""
    w = w or weights()
    occ = float(w[f"occ_{min_fit - 1}"]) if profile.desired_codes and min_fit >= 2 else 0.0
    # a certificate may be in any occupation, not only the desired ones: its best possible points count
    cert = max((float(w[f"cert_{k}"]) for k in (1, 2, 3, 4) if code_prefixes(profile.certificate_codes, k)),
               default=0.0)
    skills = min(len(profile.tokens) * w["skill_each"], w["skill_max"])
    salary = w["salary_meets"] if profile.desired_salary else 0
    friendly = w["friendly"] if profile.key_groups else 0
    return occ + max(cert, 0.0) + skills + salary + w["hours"] + friendly + max(w["fresh_week"], w["fresh_month"])


def commute_box(profile: Profile) -> tuple[float, float, float, float] | None:
    from core.geo import bounding_box

    if profile.lat is None or profile.lng is None:
        return None
    return bounding_box(profile.lat, profile.lng, walk_model().radius_m(profile.max_commute))


# ---------------------------------------------------------------------------------------------
# SQL mirror. `a` has columns: lat, lng, d4, d3, d2, d1 (text[]: desired codes cut to 4/3/2/1 segments,
# see code_prefixes), c4, c3, c2, c1 (the same of the certificates' codes), tokens text[], desired_salary, desired_hours, max_commute, key_groups varchar[];
# `p` is jobs_jobposting, `o` its core_occupation (LEFT JOIN). Occupation codes of the 2022 classification
# have fixed widths (4, 4-04, 4-04-05, 4-04-05-05), so a k-segment prefix is left(code, 1/4/7/10).

PREFIX_WIDTH = {1: 1, 2: 4, 3: 7, 4: 10}


def code_prefixes(codes, depth: int) -> list[str]:
    """Distinct `depth`-segment prefixes of the codes that have at least `depth` segments."""
    return sorted({"-".join(c.split("-")[:depth]) for c in codes if len(c.split("-")) >= depth})


def score_sql_parts(now_param: str = "%(now)s") -> tuple[dict[str, str], dict]:
    """({component: SQL expression}, params) of `score()`; params are named (%(name)s)."""
    w = weights()
    wm = walk_model()
    params = {
        "w_occ4": float(w["occ_4"]), "w_occ3": float(w["occ_3"]), "w_occ2": float(w["occ_2"]),
        "w_occ1": float(w["occ_1"]), "w_cert4": float(w["cert_4"]), "w_cert3": float(w["cert_3"]),
        "w_cert2": float(w["cert_2"]), "w_cert1": float(w["cert_1"]), "w_skill_each": float(w["skill_each"]), "w_skill_max": float(w["skill_max"]),
        "w_walk": float(w["walk_commute"]), "w_bonus": float(w["walk_bonus"]),
        "w_bonus_min": float(w["walk_bonus_minutes"]), "w_sal": float(w["salary_meets"]),
        "w_sal_near": float(w["salary_near"]), "w_sal_ratio": float(w["salary_near_ratio"]),
        "w_hours": float(w["hours"]), "w_friendly": float(w["friendly"]), "w_week": float(w["fresh_week"]),
        "w_month": float(w["fresh_month"]), "detour": float(wm.detour_factor), "mpm": float(wm.metres_per_minute),
        "f_day": float(MONTHLY_FACTOR[SalaryUnit.DAY]), "f_hour": float(MONTHLY_FACTOR[SalaryUnit.HOUR]),
    }
    occ = ("CASE WHEN o.code IS NULL THEN 0.0 WHEN o.code = ANY(a.d4) THEN %(w_occ4)s "
           "WHEN left(o.code, 7) = ANY(a.d3) THEN %(w_occ3)s WHEN left(o.code, 4) = ANY(a.d2) THEN %(w_occ2)s "
           "WHEN left(o.code, 1) = ANY(a.d1) THEN %(w_occ1)s ELSE 0 END")
    cert = ("CASE WHEN o.code IS NULL THEN 0.0 WHEN o.code = ANY(a.c4) THEN %(w_cert4)s "
            "WHEN left(o.code, 7) = ANY(a.c3) THEN %(w_cert3)s WHEN left(o.code, 4) = ANY(a.c2) THEN %(w_cert2)s "
            "WHEN left(o.code, 1) = ANY(a.c1) THEN %(w_cert1)s ELSE 0 END")
    dist = ("(2 * 6371000.0 * asin(sqrt(power(sin((radians(p.lat) - radians(a.lat)) / 2), 2) + "
            "cos(radians(a.lat)) * cos(radians(p.lat)) * power(sin((radians(p.lng) - radians(a.lng)) / 2), 2))))")
    m = f"greatest(1, ceil({dist} * %(detour)s / %(mpm)s))"
    # Outside the commute box the walk is longer than the limit (no points): skip the trigonometry there.
    walk = ("CASE WHEN p.lat BETWEEN a.lat_min AND a.lat_max AND p.lng BETWEEN a.lng_min AND a.lng_max THEN "  # noqa: S608
            f"(SELECT CASE WHEN mm.m > a.max_commute THEN 0.0 ELSE %(w_walk)s * (a.max_commute - mm.m + 1) / a.max_commute "
            f"+ CASE WHEN mm.m <= %(w_bonus_min)s THEN %(w_bonus)s ELSE 0.0 END END FROM (SELECT {m} AS m) mm) "
            "ELSE 0.0 END")
    top = ("(coalesce(p.salary_max, p.salary_min)::float8 * CASE p.salary_unit WHEN 'day' THEN %(f_day)s "
           "WHEN 'hour' THEN %(f_hour)s ELSE 1.0::float8 END)")
    salary = (f"CASE WHEN a.desired_salary IS NULL OR a.desired_salary = 0 OR {top} IS NULL THEN 0 "
              f"WHEN {top} >= a.desired_salary THEN %(w_sal)s "
              f"WHEN {top} >= %(w_sal_ratio)s * a.desired_salary THEN %(w_sal_near)s ELSE 0 END")
    # tokens hold no spaces, so "in title + ' ' + requirements + ' ' + description" = "in one of them"
    found = " + ".join(
        f"CASE WHEN a.tokens[{i}] IS NULL THEN 0 WHEN strpos(p.title, a.tokens[{i}]) > 0 "
        f"OR strpos(p.requirements, a.tokens[{i}]) > 0 OR strpos(p.description, a.tokens[{i}]) > 0 THEN 1 ELSE 0 END"
        for i in range(1, MAX_TOKENS + 1))
    skills = (f"CASE WHEN cardinality(a.tokens) = 0 THEN 0 "
              f"ELSE least(%(w_skill_each)s * ({found}), %(w_skill_max)s) END")
    hours = "CASE WHEN p.hours_type = a.desired_hours THEN %(w_hours)s ELSE 0 END"
    friendly = "CASE WHEN p.friendly_to && a.key_groups THEN %(w_friendly)s ELSE 0 END"
    fresh = (f"CASE WHEN p.published_at >= {now_param}::timestamptz - interval '7 days' THEN %(w_week)s "
             f"WHEN p.published_at >= {now_param}::timestamptz - interval '30 days' THEN %(w_month)s ELSE 0 END")
    parts = {"occ": occ, "cert": cert, "walk": walk, "salary": salary, "skills": skills, "hours": hours, "friendly": friendly,
             "fresh": fresh}
    for name, sql in parts.items():  # typed, or PostgreSQL reads 50.0 as numeric and casts on every row
        for key in params:
            sql = sql.replace(f"%({key})s", f"%({key})s::float8")
        parts[name] = sql
    return parts, params


def score_sql(now_param: str = "%(now)s") -> tuple[str, dict]:
    """(SQL expression, params) of `score()`; params are named (%(name)s)."""
    parts, params = score_sql_parts(now_param)
    return "(" + " + ".join(parts.values()) + ")", params


def archive_params(profile: Profile) -> dict:
    """Named params for the one-row archive CTE (ARCHIVE_CTE) of a profile."""
    box = commute_box(profile) or (None, None, None, None)
    return dict(lat=profile.lat, lng=profile.lng, lat_min=box[0], lat_max=box[1], lng_min=box[2], lng_max=box[3],
                tokens=list(profile.tokens), salary=profile.desired_salary,
                hours=profile.desired_hours, max_commute=profile.max_commute, groups=list(profile.key_groups),
                **{f"d{k}": code_prefixes(profile.desired_codes, k) for k in (1, 2, 3, 4)},
                **{f"c{k}": code_prefixes(profile.certificate_codes, k) for k in (1, 2, 3, 4)})


ARCHIVE_CTE = (
    "a AS (SELECT %(lat)s::float8 AS lat, %(lng)s::float8 AS lng, %(lat_min)s::float8 AS lat_min, "
    "%(lat_max)s::float8 AS lat_max, %(lng_min)s::float8 AS lng_min, %(lng_max)s::float8 AS lng_max, %(d4)s::text[] AS d4, %(d3)s::text[] AS d3, "
    "%(d2)s::text[] AS d2, %(d1)s::text[] AS d1, %(c4)s::text[] AS c4, %(c3)s::text[] AS c3, %(c2)s::text[] AS c2, "
    "%(c1)s::text[] AS c1, %(tokens)s::text[] AS tokens, %(salary)s::int AS desired_salary, "
    "%(hours)s::varchar AS desired_hours, %(max_commute)s::int AS max_commute, %(groups)s::varchar[] AS key_groups)"
)


def score_key(x: float) -> float:
    """Ranking key: the score in millionths, so float noise never decides an order (SQL: SCORE_KEY_SQL)."""
    return math.floor(x * 1e6 + 0.5)


SCORE_KEY_SQL = "floor(({expr}) * 1e6 + 0.5)"


def round_score(x: float) -> float:
    return math.floor(x * 100 + 0.5) / 100
