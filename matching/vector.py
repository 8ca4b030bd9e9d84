"""`scoring.score` over many postings at once (numpy), for the nightly batch.

The batch ranks every active archive against every published posting. Doing that in SQL costs two
planned statements per archive (~60 archives/s at 200,000 postings); here the published postings are
loaded once per run into arrays (`PostingIndex`), and each archive is ranked in memory with the same
exact threshold method as the fast path (candidates.py): score a seed set, take its 20th score T, then
score every posting whose optimistic score can reach T. Arithmetic follows `scoring.score` term by term
and in the same order, so the scores are the Python function's (tests compare the batch with
exhaustive scoring).

The index is a snapshot taken when a run (or a resumed run) starts; postings published later are
ranked by the next night's run, and pages always rank live through selectors.recommend_fast.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import numpy as np

from core.geo import EARTH_RADIUS_M, walk_model

from . import candidates, scoring

_NO_TIME = np.iinfo(np.int64).min
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _micros(dt) -> int:
    """Exact integer microseconds since the epoch (aware datetimes), so comparisons equal Python's."""
    return (dt - _EPOCH) // timedelta(microseconds=1) if dt is not None else _NO_TIME


class PostingIndex:
    """Scoring facts of a set of postings as arrays, ordered by latitude (for box look-ups)."""

    def __init__(self, facts: list[scoring.PostingFacts]) -> None:
        w = scoring.weights()
        def located(f) -> bool:
            return f.lat is not None and f.lng is not None

        facts = sorted(facts, key=lambda f: (not located(f), f.lat if located(f) else 0.0, f.posting_id))
        n = len(facts)
        self.n = n
        self.ids = np.fromiter((f.posting_id for f in facts), dtype=np.int64, count=n)
        self.lat = np.array([f.lat if located(f) else np.nan for f in facts], dtype=np.float64)
        self.lng = np.array([f.lng if located(f) else np.nan for f in facts], dtype=np.float64)
        self.n_located = int(np.count_nonzero(~np.isnan(self.lat)))  # located rows come first, by lat
        self.pos_of = {int(pid): i for i, pid in enumerate(self.ids)}
        self.lat_rad = np.radians(self.lat)
        self.cos_lat = np.cos(self.lat_rad)
        # occupation: the k-segment prefix of each code as an integer from 1 (0: no code, or fewer segments)
        self.prefix_ids: dict[int, dict[str, int]] = {k: {} for k in (1, 2, 3, 4)}
        self.occ = {k: np.zeros(n, dtype=np.int32) for k in (1, 2, 3, 4)}
        for i, f in enumerate(facts):
            if not f.occupation_code:
                continue
            parts = f.occupation_code.split("-")
            for k in range(1, min(4, len(parts)) + 1):
                table = self.prefix_ids[k]
                self.occ[k][i] = table.setdefault("-".join(parts[:k]), len(table) + 1)
        self.by_prefix = {k: self._groups(self.occ[k]) for k in (1, 2, 3, 4)}
        factors = scoring._FACTORS
        top = [f.salary_max if f.salary_max is not None else f.salary_min for f in facts]
        self.monthly = np.array([np.nan if t is None else t * factors.get(f.salary_unit, 1.0)
                                 for t, f in zip(top, facts, strict=True)], dtype=np.float64)
        self.hours_codes: dict[str, int] = {}
        self.hours = np.array([self.hours_codes.setdefault(f.hours_type, len(self.hours_codes)) for f in facts],
                              dtype=np.int32)
        self.group_bits: dict[str, int] = {}
        self.friendly = np.array([self._bits(f.friendly_to, add=True) for f in facts], dtype=np.int64)
        self.published = np.array([_micros(f.published_at) for f in facts], dtype=np.int64)
        # skills: one string of every text, separated by a character no token holds
        self._offsets = np.zeros(n, dtype=np.int64)
        chunks, at = [], 0
        for i, f in enumerate(facts):
            self._offsets[i] = at
            chunks.append(f.text)
            at += len(f.text) + 1
        self._blob = "\n".join(chunks)
        self._token_rows: dict[str, np.ndarray] = {}
        self._fresh: dict = {}
        self.w = w
        self.occ_points = np.array([0.0, *(float(w[f"occ_{k}"]) for k in (1, 2, 3, 4))])
        self.cert_points = np.array([0.0, *(float(w[f"cert_{k}"]) for k in (1, 2, 3, 4))])
        wm = walk_model()
        self.detour, self.mpm = float(wm.detour_factor), float(wm.metres_per_minute)

    @staticmethod
    def _groups(codes: np.ndarray) -> dict[int, np.ndarray]:
        order = np.argsort(codes, kind="stable")
        values, starts = np.unique(codes[order], return_index=True)
        ends = np.append(starts[1:], len(order)) if len(starts) else starts
        return {int(v): np.sort(order[s:e]) for v, s, e in zip(values, starts, ends, strict=True) if v > 0}

    def _bits(self, groups, add: bool = False) -> int:
        out = 0
        for g in groups:
            if g not in self.group_bits:
                if not add:
                    continue
                if len(self.group_bits) == 63:
                    raise ValueError("too many key groups for the bit mask")
                self.group_bits[g] = len(self.group_bits)
            out |= 1 << self.group_bits[g]
        return out

    def token_rows(self, token: str) -> np.ndarray:
        """Boolean array: which postings' text contains the token (computed once per token)."""
        rows = self._token_rows.get(token)
        if rows is None:
            rows = np.zeros(self.n, dtype=bool)
            starts = [m.start() for m in re.finditer(re.escape(token), self._blob)]
            if starts:
                rows[np.searchsorted(self._offsets, np.array(starts, dtype=np.int64), side="right") - 1] = True
            self._token_rows[token] = rows
        return rows

    def fresh_points(self, now) -> np.ndarray:
        """Freshness points of every posting at `now` (computed once per `now`)."""
        pts = self._fresh.get(now)
        if pts is None:
            w = self.w
            week, month = _micros(now - timedelta(days=7)), _micros(now - timedelta(days=30))
            pts = np.where(self.published >= week, float(w["fresh_week"]),
                           np.where(self.published >= month, float(w["fresh_month"]), 0.0))
            self._fresh = {now: pts}
        return pts

    # ---------------------------------------------------------------- candidate sets
    def _box_range(self, box) -> tuple[int, int]:
        """Positions [lo, hi) of the located rows whose latitude lies in the box (rows are in lat order)."""
        located = self.lat[: self.n_located]
        return (int(np.searchsorted(located, box[0], side="left")),
                int(np.searchsorted(located, box[1], side="right")))

    def _lng_filter(self, rows: np.ndarray, box) -> np.ndarray:
        lng = self.lng[rows]
        return rows[(lng >= box[2]) & (lng <= box[3])]

    def in_box(self, box) -> np.ndarray:
        lo, hi = self._box_range(box)
        lng = self.lng[lo:hi]
        return lo + np.flatnonzero((lng >= box[2]) & (lng <= box[3]))

    def arm_rows(self, q: _Query, arm: candidates.Arm) -> np.ndarray:
        if not arm.fit:
            return self.in_box(arm.box)
        groups = self.by_prefix[arm.fit]
        parts = [groups[i] for i in q.prefixes[arm.fit] if i in groups]  # disjoint, each in position order
        if arm.box is not None:
            lo, hi = self._box_range(arm.box)
            parts = [self._lng_filter(g[np.searchsorted(g, lo):np.searchsorted(g, hi)], arm.box) for g in parts]
        if not parts:
            return np.empty(0, dtype=np.int64)
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def union_rows(self, q: _Query, arms) -> np.ndarray:
        if arms is None:
            rows = np.arange(self.n)
        else:
            parts = [r for r in (self.arm_rows(q, arm) for arm in _without_subsets(arms)) if len(r)]
            if not parts:
                rows = np.empty(0, dtype=np.int64)
            elif len(parts) == 1:
                rows = parts[0]
            else:
                rows = np.sort(np.concatenate(parts))
                rows = rows[np.concatenate(([True], rows[1:] != rows[:-1]))]
        return rows[~np.isin(rows, q.skip)] if len(q.skip) else rows

    # ---------------------------------------------------------------- scoring
    def scores(self, q: _Query, rows: np.ndarray) -> np.ndarray:
        """`scoring.score(profile, posting, now).score` of each row, the terms added in the same order."""
        w, profile = self.w, q.profile
        total = self.occ_points[q.fit_rows(self, rows)]  # occupation
        if q.cert_luts:  # a certificate in the posting's occupation
            total += self.cert_points[q.fit_rows(self, rows, q.cert_luts)]
        if q.box is not None:  # walking: only rows inside the commute box can be within the limit
            lat, lng = self.lat[rows], self.lng[rows]
            near = np.flatnonzero((lat >= q.box[0]) & (lat <= q.box[1]) & (lng >= q.box[2]) & (lng <= q.box[3]))
            if len(near):
                at = rows[near]
                dp = self.lat_rad[at] - q.lat_rad
                dl = np.radians(lng[near] - profile.lng)
                a = np.sin(dp / 2) ** 2 + q.cos_lat * self.cos_lat[at] * np.sin(dl / 2) ** 2
                dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
                minutes = np.maximum(1.0, np.ceil(dist * self.detour / self.mpm))
                inside = minutes <= profile.max_commute
                mc = profile.max_commute
                walk = np.where(inside, w["walk_commute"] * (mc - minutes + 1) / mc, 0.0)
                walk = np.where(inside & (minutes <= w["walk_bonus_minutes"]), walk + w["walk_bonus"], walk)
                total[near] += walk
        if profile.desired_salary:  # salary
            monthly = self.monthly[rows]
            with np.errstate(invalid="ignore"):
                meets = monthly >= profile.desired_salary
                near = monthly >= w["salary_near_ratio"] * profile.desired_salary
            total += np.where(meets, float(w["salary_meets"]), np.where(near, float(w["salary_near"]), 0.0))
        if profile.tokens:  # words of the skills and of the certificates' names
            found = np.zeros(len(rows), dtype=np.int64)
            for t in profile.tokens:
                found += self.token_rows(t)[rows]
            total += np.minimum(found * w["skill_each"], w["skill_max"]).astype(np.float64)
        if q.hours_code is not None:  # hours
            total += np.where(self.hours[rows] == q.hours_code, float(w["hours"]), 0.0)
        if q.group_bits:  # friendliness
            total += np.where(self.friendly[rows] & q.group_bits, float(w["friendly"]), 0.0)
        total += self.fresh_points(q.now)[rows]  # freshness
        return total

    def score_rows(self, profile: scoring.Profile, rows: np.ndarray, now) -> np.ndarray:
        return self.scores(_Query(self, profile, now, ()), rows)

    def top(self, q: _Query, rows: np.ndarray, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the best `limit` rows, by score key and then posting id, both descending."""
        s = self.scores(q, rows)
        keys = np.floor(s * 1e6 + 0.5)
        if len(rows) > limit:
            cut = np.partition(keys, len(keys) - limit)[len(keys) - limit]
            keep = keys >= cut
            rows, s, keys = rows[keep], s[keep], keys[keep]
        order = np.lexsort((-self.ids[rows], -keys))[:limit]
        return rows[order], s[order]

    def rank(self, profile: scoring.Profile, *, now, exclude=(), limit: int = 20
             ) -> tuple[list[tuple[int, float]], bool]:
        """The exact top `limit` (posting id, score), and whether a threshold bounded the search."""
        q = _Query(self, profile, now, exclude)
        seed = self.union_rows(q, candidates.seed_arms(profile))
        arms = None
        if len(seed) >= limit:
            # Any `limit` postings give a valid threshold: a large seed is thinned (evenly) to save time.
            if len(seed) > SEED_CAP:
                seed = seed[:: -(-len(seed) // SEED_CAP)]
            _rows, s = self.top(q, seed, limit)
            if len(s) == limit:
                arms = candidates.arms_for(profile, float(s[-1]) - candidates.EPS, self.w)
        rows, s = self.top(q, self.union_rows(q, arms), limit)
        return [(int(self.ids[r]), float(x)) for r, x in zip(rows, s, strict=True)], arms is not None


SEED_CAP = 1500


def _inside(a, b) -> bool:
    """Box a lies within box b (None: everywhere)."""
    if b is None:
        return True
    return a is not None and b[0] <= a[0] and a[1] <= b[1] and b[2] <= a[2] and a[3] <= b[3]


def _without_subsets(arms: list[candidates.Arm]) -> list[candidates.Arm]:
    """Drop each arm whose postings another arm already holds (deeper fit, smaller box)."""
    out = []
    for i, a in enumerate(arms):
        if not any(j != i and b.fit <= a.fit and _inside(a.box, b.box) and (j < i or (b.fit, b.box) != (a.fit, a.box))
                   for j, b in enumerate(arms)):
            out.append(a)
    return out


class _Query:
    """One archive's look-up tables against a PostingIndex."""

    def __init__(self, index: PostingIndex, profile: scoring.Profile, now, exclude) -> None:
        self.profile, self.now = profile, now
        self.skip = np.array([index.pos_of[p] for p in exclude or () if p in index.pos_of], dtype=np.int64)
        self.prefixes = {k: [index.prefix_ids[k][c] for c in scoring.code_prefixes(profile.desired_codes, k)
                             if c in index.prefix_ids[k]] for k in (1, 2, 3, 4)}
        # fit level of each k-segment prefix id: deepest shared level wins (as occupation_fit); the same
        # tables for the certificates' occupation codes (scoring.certificate_fit)
        self.luts = self._luts(index, self.prefixes)
        self.cert_luts = self._luts(index, {k: [index.prefix_ids[k][c] for c in scoring.code_prefixes(
            profile.certificate_codes, k) if c in index.prefix_ids[k]] for k in (1, 2, 3, 4)})
        self.hours_code = index.hours_codes.get(profile.desired_hours)
        self.group_bits = index._bits(profile.key_groups)
        self.box = None
        if profile.lat is not None and profile.lng is not None:
            self.lat_rad = np.radians(profile.lat)
            self.cos_lat = np.cos(self.lat_rad)
            # a hair wider than the commute circle's box, so float rounding at its edge never drops a row
            lat_min, lat_max, lng_min, lng_max = scoring.commute_box(profile)
            self.box = (lat_min - 1e-9, lat_max + 1e-9, lng_min - 1e-9, lng_max + 1e-9)

    @staticmethod
    def _luts(index: PostingIndex, prefixes: dict[int, list[int]]) -> dict[int, np.ndarray]:
        luts = {}
        for k in (1, 2, 3, 4):
            if prefixes[k]:
                lut = np.zeros(len(index.prefix_ids[k]) + 1, dtype=np.int8)
                lut[prefixes[k]] = k
                luts[k] = lut
        return luts

    def fit_rows(self, index: PostingIndex, rows: np.ndarray, luts: dict | None = None) -> np.ndarray:
        fit = np.zeros(len(rows), dtype=np.int8)
        for k, lut in (self.luts if luts is None else luts).items():
            np.maximum(fit, lut[index.occ[k][rows]], out=fit)
        return fit
