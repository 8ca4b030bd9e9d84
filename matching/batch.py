"""Nightly refresh of every active jobseeker's top 20 into StoredRecommendation.

Set-based, with the fast path's exact method (candidates.py) in two SQL statements per chunk of
archives, each a LATERAL top 20 scored by the SQL mirror of the scoring function: the seed sets give
each archive a threshold, then every posting that could reach it is ranked. Archives with no usable
threshold (nothing near, nothing of their occupations) go through selectors.recommend_fast. Each chunk commits its rows and the run's progress
together, so an interrupted run resumes where it stopped; rows are upserted, so re-running is safe.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from core.geo import bounding_box, walk_model
from core.models import Occupation
from jobseekers.models import JobseekerArchive

from . import candidates, scoring
from .models import BatchRun, PushRecord
from .selectors import TOP_N, recommend_fast

LOCK_KEY = 60_006  # pg advisory lock: one batch at a time


def _profiles(ids: list[int]) -> dict[int, scoring.Profile]:
    codes: dict[int, list[str]] = defaultdict(list)
    through = JobseekerArchive.desired_occupations.through
    for aid, code in through.objects.filter(jobseekerarchive_id__in=ids).values_list(
            "jobseekerarchive_id", "occupation__code"):
        codes[aid].append(code)
    rows = JobseekerArchive.objects.filter(pk__in=ids).only(
        "id", "lat", "lng", "desired_salary", "desired_hours", "max_commute_minutes", "key_groups", "skills",
        "certificates")
    return {a.pk: scoring.Profile.of(a, codes.get(a.pk, [])) for a in rows}


def _declined(ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for aid, pid in PushRecord.objects.filter(archive_id__in=ids, outcome=PushRecord.Outcome.DECLINED).values_list(
            "archive_id", "posting_id"):
        out[aid].append(pid)
    return out


class OccupationIndex:
    """Occupation ids by code prefix, to turn desired codes into "fit ≥ f" id lists in Python."""

    def __init__(self):
        self.by_prefix: dict[tuple[int, str], list[int]] = defaultdict(list)
        for pk, code in Occupation.objects.values_list("pk", "code"):
            parts = code.split("-")
            for depth in range(1, len(parts) + 1):
                self.by_prefix[(depth, "-".join(parts[:depth]))].append(pk)

    def ids(self, profile: scoring.Profile, fit: int) -> list[int]:
        return sorted({i for x in scoring.code_prefixes(profile.desired_codes, fit) for i in self.by_prefix[(fit, x)]})


def _j(values) -> str:
    return ",".join(map(str, values))


_LATERAL_SQL = (
    "WITH a AS MATERIALIZED (SELECT t.id, t.lat, t.lng, t.lat_min, t.lat_max, t.lng_min, t.lng_max, "
    "string_to_array(t.d4, '|') AS d4, string_to_array(t.d3, '|') AS d3, string_to_array(t.d2, '|') AS d2, "
    "string_to_array(t.d1, '|') AS d1, string_to_array(t.tokens, '|') AS tokens, t.desired_salary, t.desired_hours, "
    "t.max_commute, string_to_array(t.groups, '|')::varchar[] AS key_groups, "
    "string_to_array(t.excl, ',')::bigint[] AS excl, string_to_array(t.oa, ',')::bigint[] AS oa, "
    "string_to_array(t.o4, ',')::bigint[] AS o4, string_to_array(t.o3, ',')::bigint[] AS o3, "
    "string_to_array(t.o2, ',')::bigint[] AS o2, string_to_array(t.o1, ',')::bigint[] AS o1, "
    "string_to_array(t.b4, ',')::float8[] AS b4, string_to_array(t.b3, ',')::float8[] AS b3, "
    "string_to_array(t.b2, ',')::float8[] AS b2, string_to_array(t.b1, ',')::float8[] AS b1, "
    "string_to_array(t.b0, ',')::float8[] AS b0 "
    "FROM unnest(%(ids)s::bigint[], %(lat)s::float8[], %(lng)s::float8[], %(lat_min)s::float8[], "
    "%(lat_max)s::float8[], %(lng_min)s::float8[], %(lng_max)s::float8[], %(d4)s::text[], %(d3)s::text[], "
    "%(d2)s::text[], %(d1)s::text[], %(tokens)s::text[], %(salary)s::int[], %(hours)s::varchar[], %(maxc)s::int[], "
    "%(groups)s::text[], %(excl)s::text[], %(oa)s::text[], %(o4)s::text[], %(o3)s::text[], %(o2)s::text[], "
    "%(o1)s::text[], %(b4)s::text[], %(b3)s::text[], %(b2)s::text[], %(b1)s::text[], %(b0)s::text[]) "
    "AS t(id, lat, lng, lat_min, lat_max, lng_min, lng_max, d4, d3, d2, d1, tokens, desired_salary, desired_hours, "
    "max_commute, groups, excl, oa, o4, o3, o2, o1, b4, b3, b2, b1, b0)) "
    "SELECT a.id, r.pid, r.score FROM a CROSS JOIN LATERAL (SELECT pid, score FROM ("
    "SELECT p.id AS pid, {expr} AS score FROM {source} LEFT JOIN core_occupation o ON o.id = p.occupation_id "
    "WHERE p.status = 'published' AND p.id <> ALL(a.excl) AND ({where}) OFFSET 0) q "
    "ORDER BY {key} DESC, pid DESC LIMIT %(top)s) r"
)


def _box_sql(col: str, extra: str = "") -> str:
    return (f"({extra}p.lat BETWEEN a.{col}[1] AND a.{col}[2] AND p.lng BETWEEN a.{col}[3] AND a.{col}[4])")


# Step 1: the seed arms (fit ≥ 4 / ≥ 3 anywhere and in the commute box, anything within 10 minutes), each LIMITed.
_SEED_SOURCE = "(" + " UNION ".join(f"(SELECT x.id FROM jobs_jobposting x WHERE x.status = 'published' AND {c} LIMIT 200)" for c in [  # noqa: S608
    "x.occupation_id = ANY(a.o4)",
    "x.occupation_id = ANY(a.o4) AND x.lat BETWEEN a.lat_min AND a.lat_max AND x.lng BETWEEN a.lng_min AND a.lng_max",
    "x.occupation_id = ANY(a.o3)",
    "x.occupation_id = ANY(a.o3) AND x.lat BETWEEN a.lat_min AND a.lat_max AND x.lng BETWEEN a.lng_min AND a.lng_max",
    "x.lat BETWEEN a.b0[1] AND a.b0[2] AND x.lng BETWEEN a.b0[3] AND a.b0[4]",
]) + ") s JOIN jobs_jobposting p ON p.id = s.id"
# Step 2: every posting whose optimistic score reaches the archive's threshold (candidates.arms_for).
_ARMS_WHERE = " OR ".join(["p.occupation_id = ANY(a.oa)"] + [
    _box_sql(f"b{f}", f"p.occupation_id = ANY(a.o{f}) AND ") for f in (4, 3, 2, 1)] + [_box_sql("b0")])


def _columns(profiles, *, declined, occ: OccupationIndex, arms_by_id=None) -> dict[str, list]:
    """Parallel arrays for the archive CTE: seed columns, or (with arms_by_id) step-2 arm columns."""
    cols: dict[str, list] = defaultdict(list)
    for pr in profiles:
        p = scoring.archive_params(pr)
        cols["ids"].append(pr.archive_id)
        for k in ("lat", "lng", "lat_min", "lat_max", "lng_min", "lng_max", "salary", "hours"):
            cols[k].append(p[k])
        for k in ("d4", "d3", "d2", "d1", "tokens", "groups"):
            cols[k].append("|".join(p[k]))
        cols["maxc"].append(pr.max_commute)
        cols["excl"].append(_j(declined.get(pr.archive_id, ())))
        boxes: dict[int, list | None] = dict.fromkeys((4, 3, 2, 1, 0))
        ids: dict[str, list[int]] = {"oa": [], "o4": [], "o3": [], "o2": [], "o1": []}
        if arms_by_id is None:  # seed
            ids["o4"], ids["o3"] = occ.ids(pr, 4), occ.ids(pr, 3)
            if pr.lat is not None and pr.lng is not None:
                near = min(candidates.SEED_NEAR_MINUTES, pr.max_commute)
                boxes[0] = list(bounding_box(pr.lat, pr.lng, walk_model().radius_m(near)))
        else:
            for arm in arms_by_id[pr.archive_id]:
                if arm.box is None:
                    ids["oa"] = sorted(set(ids["oa"]) | set(occ.ids(pr, arm.fit)))
                elif arm.fit:
                    ids[f"o{arm.fit}"], boxes[arm.fit] = occ.ids(pr, arm.fit), list(arm.box)
                else:
                    boxes[0] = list(arm.box)
        for k, v in ids.items():
            cols[k].append(_j(v))
        for f, box in boxes.items():
            cols[f"b{f}"].append(",".join(map(repr, box)) if box else "")
    return cols


def _rank(cols, *, where: str, now, source: str = "jobs_jobposting p") -> dict[int, list[tuple[int, float]]]:
    expr, params = scoring.score_sql()
    params.update(cols, now=now, top=TOP_N)
    sql = _LATERAL_SQL.format(expr=expr, where=where, source=source,
                              key=scoring.SCORE_KEY_SQL.format(expr="score"))
    out: dict[int, list[tuple[int, float]]] = {aid: [] for aid in cols["ids"]}
    with connection.cursor() as cur:
        cur.execute("SET LOCAL jit = off")  # compiling this long expression costs more than it saves
        cur.execute(sql, params)
        for aid, pid, sc in cur.fetchall():
            out[aid].append((pid, sc))
    return out


def rank_chunk(profiles: list[scoring.Profile], *, now, declined: dict[int, list[int]], occ: OccupationIndex
               ) -> tuple[dict[int, list[tuple[int, float]]], list[int]]:
    """Exact top 20 of each archive by the SQL score: (ranked, ids left for the exact per-archive path)."""
    w = scoring.weights()
    seeds = _rank(_columns(profiles, declined=declined, occ=occ), where="TRUE", now=now, source=_SEED_SOURCE)
    arms_by_id, rest = {}, []
    for pr in profiles:
        seed = seeds[pr.archive_id]
        arms = candidates.arms_for(pr, seed[-1][1] - candidates.EPS if len(seed) == TOP_N else None, w)
        if arms is None:
            rest.append(pr.archive_id)
        else:
            arms_by_id[pr.archive_id] = arms
    todo = [pr for pr in profiles if pr.archive_id in arms_by_id]
    ranked = _rank(_columns(todo, declined=declined, occ=occ, arms_by_id=arms_by_id), where=_ARMS_WHERE,
                   now=now) if todo else {}
    return ranked, rest


def refresh_chunk(*, run: BatchRun, ids: list[int], now, occ: OccupationIndex) -> int:
    """Rank and store one chunk (inside the caller's transaction); returns how many needed the exact path."""
    profiles = _profiles(ids)
    declined = _declined(ids)
    ranked, rest = rank_chunk(list(profiles.values()), now=now, declined=declined, occ=occ)
    for aid in rest:
        recs, _tier = recommend_fast(profiles[aid], now=now, exclude=declined.get(aid))
        ranked[aid] = [(r.posting.pk, r.match.score) for r in recs]
    fallbacks = len(rest)
    a_ids, p_ids, scores, ranks = [], [], [], []
    for aid, rows in ranked.items():
        for i, (pid, sc) in enumerate(rows, start=1):
            a_ids.append(aid)
            p_ids.append(pid)
            scores.append(sc)
            ranks.append(i)
    with connection.cursor() as cur:
        cur.execute(
            "INSERT INTO matching_storedrecommendation "
            "(archive_id, posting_id, score, rank, first_seen_at, refreshed_at, run_id) "
            "SELECT t.a, t.p, t.s, t.r, %s, %s, %s FROM unnest(%s::bigint[], %s::bigint[], %s::float8[], %s::int[]) "
            "AS t(a, p, s, r) ON CONFLICT (archive_id, posting_id) DO UPDATE SET score = EXCLUDED.score, "
            "rank = EXCLUDED.rank, refreshed_at = EXCLUDED.refreshed_at, run_id = EXCLUDED.run_id",
            [now, now, run.pk, a_ids, p_ids, scores, ranks])
        cur.execute("DELETE FROM matching_storedrecommendation WHERE archive_id = ANY(%s) "
                    "AND run_id IS DISTINCT FROM %s", [ids, run.pk])
    return fallbacks


def batch_refresh(*, chunk_size: int = 500, max_chunks: int | None = None, now=None) -> BatchRun:
    """Run (or resume) the nightly refresh. `max_chunks` stops early, as an interruption would."""
    with connection.cursor() as cur:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [LOCK_KEY])
        if not cur.fetchone()[0]:
            return BatchRun.objects.filter(status=BatchRun.Status.RUNNING).first() or BatchRun.objects.first()
    try:
        return _run(chunk_size=chunk_size, max_chunks=max_chunks, now=now)
    finally:
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", [LOCK_KEY])


def _run(*, chunk_size: int, max_chunks: int | None, now) -> BatchRun:
    run = BatchRun.objects.filter(status=BatchRun.Status.RUNNING).order_by("-started_at").first()
    if run is None:
        run = BatchRun.objects.create(total=JobseekerArchive.objects.active().count(), chunk_size=chunk_size)
    occ = OccupationIndex()
    chunks = 0
    try:
        while max_chunks is None or chunks < max_chunks:
            ids = list(JobseekerArchive.objects.active().filter(pk__gt=run.last_archive_id).order_by("pk")
                       .values_list("pk", flat=True)[: run.chunk_size])
            if not ids:
                break
            with transaction.atomic():
                fallbacks = refresh_chunk(run=run, ids=ids, now=now or timezone.now(), occ=occ)
                run.processed += len(ids)
                run.fallbacks += fallbacks
                run.last_archive_id = ids[-1]
                run.heartbeat_at = timezone.now()
                run.save(update_fields=["processed", "fallbacks", "last_archive_id", "heartbeat_at"])
            chunks += 1
        else:
            return run
        with transaction.atomic():
            # rows not refreshed by this run belong to archives closed since: they go
            with connection.cursor() as cur:
                cur.execute("DELETE FROM matching_storedrecommendation WHERE run_id IS DISTINCT FROM %s", [run.pk])
            run.status, run.finished_at = BatchRun.Status.DONE, timezone.now()
            run.total = max(run.total, run.processed)
            run.save(update_fields=["status", "finished_at", "total"])
    except Exception as exc:
        run.status, run.error, run.finished_at = BatchRun.Status.FAILED, repr(exc)[:2000], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    return run
