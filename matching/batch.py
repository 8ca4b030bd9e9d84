"""Nightly refresh of every active jobseeker's top 20 into StoredRecommendation.

Set-based: one SQL statement per chunk of archives ranks each archive's candidates (same 中类 as a
desired occupation, or inside the commute box) with the SQL mirror of the scoring function through a
LATERAL top 20. Archives whose 20th score does not beat what a non-candidate could reach are redone
with the exact fast path (selectors.recommend_fast). Each chunk commits its rows and the run's progress
together, so an interrupted run resumes where it stopped; rows are upserted, so re-running is safe.
"""

from __future__ import annotations

from collections import defaultdict

from django.db import connection, transaction
from django.utils import timezone

from core.models import Occupation
from jobseekers.models import JobseekerArchive

from . import scoring
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


def _occupation_ids_by_middle() -> dict[str, list[int]]:
    out: dict[str, list[int]] = defaultdict(list)
    for pk, code in Occupation.objects.values_list("pk", "code"):
        if len(code.split("-")) >= 2:
            out["-".join(code.split("-")[:2])].append(pk)
    return out


def rank_chunk(profiles: list[scoring.Profile], *, now, declined: dict[int, list[int]],
               by_middle: dict[str, list[int]]) -> dict[int, list[tuple[int, float]]]:
    """{archive_id: [(posting_id, score), ...]} for the SQL tier (same 中类 or commute box)."""
    cols: dict[str, list] = defaultdict(list)
    for pr in profiles:
        box = scoring.commute_box(pr) or (None, None, None, None)
        cols["ids"].append(pr.archive_id)
        cols["lat"].append(pr.lat)
        cols["lng"].append(pr.lng)
        for k in (4, 3, 2, 1):
            cols[f"d{k}"].append("|".join(scoring.code_prefixes(pr.desired_codes, k)))
        cols["tokens"].append("|".join(pr.tokens))
        cols["salary"].append(pr.desired_salary)
        cols["hours"].append(pr.desired_hours)
        cols["maxc"].append(pr.max_commute)
        cols["groups"].append("|".join(pr.key_groups))
        occ = sorted({i for m in scoring.code_prefixes(pr.desired_codes, 2) for i in by_middle.get(m, ())})
        cols["occ"].append(",".join(map(str, occ)))
        cols["excl"].append(",".join(map(str, declined.get(pr.archive_id, ()))))
        for i, key in enumerate(("lat_min", "lat_max", "lng_min", "lng_max")):
            cols[key].append(box[i])
    expr, params = scoring.score_sql()
    params.update(cols, now=now, top=TOP_N)
    sql = (
        "WITH a AS MATERIALIZED (SELECT t.id, t.lat, t.lng, string_to_array(t.d4, '|') AS d4, string_to_array(t.d3, '|') AS d3, "  # noqa: S608
        "string_to_array(t.d2, '|') AS d2, string_to_array(t.d1, '|') AS d1, string_to_array(t.tokens, '|') AS tokens, "
        "t.desired_salary, t.desired_hours, t.max_commute, string_to_array(t.groups, '|')::varchar[] AS key_groups, "
        "string_to_array(t.occ, ',')::bigint[] AS occ_ids, string_to_array(t.excl, ',')::bigint[] AS excl, "
        "t.lat_min, t.lat_max, t.lng_min, t.lng_max "
        "FROM unnest(%(ids)s::bigint[], %(lat)s::float8[], %(lng)s::float8[], %(d4)s::text[], %(d3)s::text[], "
        "%(d2)s::text[], %(d1)s::text[], %(tokens)s::text[], %(salary)s::int[], %(hours)s::varchar[], "
        "%(maxc)s::int[], %(groups)s::text[], %(occ)s::text[], %(excl)s::text[], %(lat_min)s::float8[], "
        "%(lat_max)s::float8[], %(lng_min)s::float8[], %(lng_max)s::float8[]) "
        "AS t(id, lat, lng, d4, d3, d2, d1, tokens, desired_salary, desired_hours, max_commute, groups, occ, excl, "
        "lat_min, lat_max, lng_min, lng_max)) "
        "SELECT a.id, r.pid, r.score FROM a CROSS JOIN LATERAL ("
        f"SELECT p.id AS pid, {expr} AS score "
        "FROM jobs_jobposting p LEFT JOIN core_occupation o ON o.id = p.occupation_id "
        "WHERE p.status = 'published' AND p.id <> ALL(a.excl) AND (p.occupation_id = ANY(a.occ_ids) "
        "OR (p.lat BETWEEN a.lat_min AND a.lat_max AND p.lng BETWEEN a.lng_min AND a.lng_max)) "
        f"ORDER BY {scoring.SCORE_KEY_SQL.format(expr=expr)} DESC, p.id DESC LIMIT %(top)s) r"
    )
    out: dict[int, list[tuple[int, float]]] = {pr.archive_id: [] for pr in profiles}
    with connection.cursor() as cur:
        cur.execute(sql, params)
        for aid, pid, sc in cur.fetchall():
            out[aid].append((pid, sc))
    return out


def refresh_chunk(*, run: BatchRun, ids: list[int], now, by_middle) -> int:
    """Rank and store one chunk (inside the caller's transaction); returns how many needed the exact path."""
    profiles = _profiles(ids)
    declined = _declined(ids)
    ranked = rank_chunk(list(profiles.values()), now=now, declined=declined, by_middle=by_middle)
    w = scoring.weights()
    fallbacks = 0
    for aid, rows in ranked.items():
        pr = profiles[aid]
        if len(rows) == TOP_N and rows[-1][1] > scoring.outsider_bound(pr, 2, w) + 1e-6:
            continue
        fallbacks += 1
        recs, _tier = recommend_fast(pr, now=now, exclude=declined.get(aid))
        ranked[aid] = [(r.posting.pk, r.match.score) for r in recs]
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
    by_middle = _occupation_ids_by_middle()
    chunks = 0
    try:
        while max_chunks is None or chunks < max_chunks:
            ids = list(JobseekerArchive.objects.active().filter(pk__gt=run.last_archive_id).order_by("pk")
                       .values_list("pk", flat=True)[: run.chunk_size])
            if not ids:
                break
            with transaction.atomic():
                fallbacks = refresh_chunk(run=run, ids=ids, now=now or timezone.now(), by_middle=by_middle)
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
