"""Exact candidate generation by threshold (used by the fast path and the nightly batch).

A posting's score is occ(fit) + walk(minutes) + rest, with rest ≤ R (what the archive can earn besides
occupation and walking: skills, salary, hours, friendliness, freshness). Given a threshold T, only
postings whose optimistic score occ(fit) + walk(m) + R reaches T can score T or more: for each fit level
that is "fit ≥ f within m_f minutes" (a box on an index), where m_f is the longest walk still earning
T − R − occ(f) points (anywhere when that is ≤ 0).

Step 1 ranks a small seed set (same 小类 within the commute box, or anything within 10 minutes); its 20th
score s20 is reached by at least 20 postings. Step 2 ranks every posting whose optimistic score reaches
s20 — a set that contains those 20 and therefore the true top 20. No guess can make it wrong; a poor
seed only makes step 2 larger.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.geo import bounding_box, walk_model

from . import scoring

EPS = 1e-6
SEED_NEAR_MINUTES = 10


def rest_bound(profile: scoring.Profile, w: dict) -> float:
    return scoring.outsider_bound(profile, 0, w)


def walk_points(profile: scoring.Profile, minutes: int, w: dict) -> float:
    if minutes > profile.max_commute:
        return 0.0
    pts = w["walk_commute"] * (profile.max_commute - minutes + 1) / profile.max_commute
    return pts + (w["walk_bonus"] if minutes <= w["walk_bonus_minutes"] else 0.0)


def longest_walk(profile: scoring.Profile, need: float, w: dict) -> int:
    """Longest walk (minutes) still earning `need` walking points; 0 if none does."""
    for m in range(profile.max_commute, 0, -1):
        if walk_points(profile, m, w) >= need - EPS:
            return m
    return 0


@dataclass(frozen=True)
class Arm:
    """Postings with fit ≥ `fit` (0: any occupation) within `box` (None: anywhere, coordinates or not)."""

    fit: int
    box: tuple[float, float, float, float] | None


def arms_for(profile: scoring.Profile, threshold: float | None, w: dict) -> list[Arm] | None:
    """The arms whose union holds every posting that could score ≥ threshold; None means every posting."""
    if threshold is None:
        return None
    rest = rest_bound(profile, w)
    arms = []
    for fit in (4, 3, 2, 1, 0):
        if fit and not scoring.code_prefixes(profile.desired_codes, fit):
            continue
        need = threshold - rest - (float(w[f"occ_{fit}"]) if fit else 0.0)
        if need <= EPS:
            if fit == 0:
                return None
            arms.append(Arm(fit, None))
            continue
        if profile.lat is None or profile.lng is None:
            continue
        m = longest_walk(profile, need, w)
        if m:
            arms.append(Arm(fit, bounding_box(profile.lat, profile.lng, walk_model().radius_m(m))))
    return arms


def seed_arms(profile: scoring.Profile) -> list[Arm]:
    """Small, likely high-scoring sets; any 20 postings give a valid threshold, so each arm is LIMITed."""
    box = scoring.commute_box(profile)
    arms = []
    for fit in (4, 3):
        if scoring.code_prefixes(profile.desired_codes, fit):
            arms.append(Arm(fit, None))
            if box:
                arms.append(Arm(fit, box))
    if profile.lat is not None and profile.lng is not None:
        near = min(SEED_NEAR_MINUTES, profile.max_commute)
        arms.append(Arm(0, bounding_box(profile.lat, profile.lng, walk_model().radius_m(near))))
    if not arms and profile.desired_codes:
        arms.append(Arm(min(2, max(len(c.split("-")) for c in profile.desired_codes)), None))
    return arms


def occupation_ids_sql(fit: int, param: str) -> str:
    """Ids of occupations sharing `fit` leading segments with a desired code (param holds the prefixes)."""
    width = scoring.PREFIX_WIDTH[fit]
    return f"ARRAY(SELECT id FROM core_occupation WHERE left(code, {width}) = ANY({param}))"  # noqa: S608


def _arm_sql(arm: Arm, i: int, prefix: str, params: dict) -> str:
    """One arm's condition on posting `p`; its box bounds go into `params` under `prefix` and the arm's index."""
    conds = []
    if arm.fit:
        conds.append(f"p.occupation_id = ANY({occupation_ids_sql(arm.fit, f'%(d{arm.fit})s')})")
    if arm.box:
        keys = [f"{prefix}{i}_{k}" for k in ("a", "b", "c", "d")]
        params.update(dict(zip(keys, arm.box, strict=True)))
        conds.append(f"p.lat BETWEEN %({keys[0]})s AND %({keys[1]})s AND p.lng BETWEEN %({keys[2]})s AND "
                     f"%({keys[3]})s")
    return "(" + " AND ".join(conds) + ")" if conds else "TRUE"


def seed_where_sql(arms: list[Arm], prefix: str, per_arm: int = 200) -> tuple[str, dict]:
    """Condition: the posting is among the first `per_arm` published postings of some arm."""
    params: dict = {}
    subs = [f"(SELECT p.id FROM jobs_jobposting p WHERE p.status = 'published' AND {_arm_sql(arm, i, prefix, params)} "  # noqa: S608
            f"LIMIT {int(per_arm)})" for i, arm in enumerate(arms)]
    if not subs:
        return "FALSE", params
    return f"p.id IN ({' UNION '.join(subs)})", params


def where_sql(arms: list[Arm] | None, prefix: str) -> tuple[str, dict]:
    """SQL condition (with named params under `prefix`) for the union of the arms."""
    if arms is None:
        return "TRUE", {}
    params: dict = {}
    ors = [_arm_sql(arm, i, prefix, params) for i, arm in enumerate(arms)]
    return ("(" + " OR ".join(ors) + ")") if ors else "FALSE", params
