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
        facts = sorted(facts, key=lambda f: (f.lat is None, f.lat if f.lat is not None else 0.0, f.posting_id))
        n = len(facts)
        self.n = n
        self.ids = np.fromiter((f.posting_id for f in facts), dtype=np.int64, count=n)
        self.lat = np.array([np.nan if f.lat is None or f.lng is None else f.lat for f in facts], dtype=np.float64)
        self.lng = np.array([np.nan if f.lat is None or f.lng is None else f.lng for f in facts], dtype=np.float64)
        self.n_located = int(np.count_nonzero(~np.isnan(self.lat)))  # located rows come first, by lat
        self.pos_of = {int(pid): i for i, pid in enumerate(self.ids)}
        # occupation: the k-segment prefix of each code as an integer (-1: the code has fewer segments)
        self.prefix_ids: dict[int, dict[str, int]] = {k: {} for k in (1, 2, 3, 4)}
        self.occ = {k: np.full(n, -1, dtype=np.int32) for k in (1, 2, 3, 4)}
        for i, f in enumerate(facts):
            if not f.occupation_code:
                continue
            parts = f.occupation_code.split("-")
            for k in range(1, min(4, len(parts)) + 1):
                table = self.prefix_ids[k]
                self.occ[k][i] = table.setdefault("-".join(parts[:k]), len(table))
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
        self.w = w
        wm = walk_model()
        self.detour, self.mpm = float(wm.detour_factor), float(wm.metres_per_minute)

    @staticmethod
    def _groups(codes: np.ndarray) -> dict[int, np.ndarray]:
        order = np.argsort(codes, kind="stable")
        values, starts = np.unique(codes[order], return_index=True)
        ends = np.append(starts[1:], len(order)) if len(starts) else starts
        return {int(v): np.sort(order[s:e]) for v, s, e in zip(values, starts, ends, strict=True) if v >= 0}

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

    # ---------------------------------------------------------------- candidate sets
    def _prefix_ids(self, profile: scoring.Profile, k: int) -> list[int]:
        table = self.prefix_ids[k]
        return [table[p] for p in scoring.code_prefixes(profile.desired_codes, k) if p in table]

    def in_box(self, box) -> np.ndarray:
        lat_min, lat_max, lng_min, lng_max = box
        lo = np.searchsorted(self.lat[: self.n_located], lat_min, side="left")
        hi = np.searchsorted(self.lat[: self.n_located], lat_max, side="right")
        lng = self.lng[lo:hi]
        return lo + np.flatnonzero((lng >= lng_min) & (lng <= lng_max))

    def arm_rows(self, profile: scoring.Profile, arm: candidates.Arm) -> np.ndarray:
        if arm.box is None:
            groups = self.by_prefix[arm.fit]
            parts = [groups[i] for i in self._prefix_ids(profile, arm.fit) if i in groups]
            return np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
        rows = self.in_box(arm.box)
        if arm.fit:
            rows = rows[np.isin(self.occ[arm.fit][rows], self._prefix_ids(profile, arm.fit))]
        return rows

    def union_rows(self, profile: scoring.Profile, arms) -> np.ndarray:
        if arms is None:
            return np.arange(self.n)
        parts = [self.arm_rows(profile, arm) for arm in arms]
        return np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)

    # ---------------------------------------------------------------- scoring
    def scores(self, profile: scoring.Profile, rows: np.ndarray, now) -> np.ndarray:
        """`scoring.score(profile, posting, now).score` of each row, summed in the same order."""
        w = self.w
        total = np.zeros(len(rows), dtype=np.float64)
        # occupation
        occ = np.zeros(len(rows), dtype=np.float64)
        for k in (1, 2, 3, 4):  # a deeper shared prefix overwrites a shallower one
            ids = self._prefix_ids(profile, k)
            if ids:
                occ[np.isin(self.occ[k][rows], ids)] = float(w[f"occ_{k}"])
        total += occ
        # walking
        if profile.lat is not None and profile.lng is not None:
            plat, plng = self.lat[rows], self.lng[rows]
            p1, p2 = np.radians(profile.lat), np.radians(plat)
            dp, dl = p2 - p1, np.radians(plng - profile.lng)
            a = np.sin(dp / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
            dist = 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(a))
            with np.errstate(invalid="ignore"):
                minutes = np.maximum(1.0, np.ceil(dist * self.detour / self.mpm))
                inside = minutes <= profile.max_commute  # NaN (no position) compares False
            mc = profile.max_commute
            walk = np.where(inside, w["walk_commute"] * (mc - minutes + 1) / mc, 0.0)
            walk = np.where(inside & (minutes <= w["walk_bonus_minutes"]), walk + w["walk_bonus"], walk)
            total += walk
        # salary
        if profile.desired_salary:
            monthly = self.monthly[rows]
            with np.errstate(invalid="ignore"):
                meets = monthly >= profile.desired_salary
                near = ~meets & (monthly >= w["salary_near_ratio"] * profile.desired_salary)
            total += np.where(meets, float(w["salary_meets"]), np.where(near, float(w["salary_near"]), 0.0))
        # skills and certificates
        if profile.tokens:
            found = np.zeros(len(rows), dtype=np.int64)
            for t in profile.tokens:
                found += self.token_rows(t)[rows]
            total += np.minimum(found * w["skill_each"], w["skill_max"]).astype(np.float64)
        # hours, friendliness, freshness
        code = self.hours_codes.get(profile.desired_hours)
        if code is not None:
            total += np.where(self.hours[rows] == code, float(w["hours"]), 0.0)
        bits = self._bits(profile.key_groups)
        if bits:
            total += np.where(self.friendly[rows] & bits, float(w["friendly"]), 0.0)
        published = self.published[rows]
        week, month = _micros(now - timedelta(days=7)), _micros(now - timedelta(days=30))
        total += np.where(published >= week, float(w["fresh_week"]),
                          np.where(published >= month, float(w["fresh_month"]), 0.0))
        return total

    def top(self, profile: scoring.Profile, rows: np.ndarray, now, limit: int) -> tuple[np.ndarray, np.ndarray]:
        """(rows, scores) of the best `limit` rows, by score key and then posting id, both descending."""
        s = self.scores(profile, rows, now)
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
        skip = np.array([self.pos_of[p] for p in exclude if p in self.pos_of], dtype=np.int64)

        def usable(rows):
            return rows[~np.isin(rows, skip)] if len(skip) else rows

        seed = usable(self.union_rows(profile, candidates.seed_arms(profile)))
        arms = None
        if len(seed) >= limit:
            _rows, s = self.top(profile, seed, now, limit)
            arms = candidates.arms_for(profile, float(s[-1]) - candidates.EPS, self.w)
        rows, s = self.top(profile, usable(self.union_rows(profile, arms)), now, limit)
        return [(int(self.ids[r]), float(x)) for r, x in zip(rows, s, strict=True)], arms is not None
