"""Nightly refresh of the top 20 of every jobseeker looking for work (`.looking()`) into StoredRecommendation.

Batched: chunks of archives, each ranked in memory by `vector.PostingIndex` (every published posting
loaded once per run as numpy arrays; the fast path's exact threshold method, candidates.py; the scoring
function's arithmetic term by term). Two SQL-only designs were measured first and dropped: per-archive
ranking with the SQL mirror of the score (two planned statements per archive, ~62 archives/s at 200,000
postings) and one LATERAL statement per chunk (~36 archives/s): see bench/RESULTS.md.
Each chunk commits its rows and the run's progress together, so an interrupted run resumes where it
stopped; only changed rows are written (refreshed_at and run say when and by which run a row last
changed), so re-running is safe and cheap.
"""

from __future__ import annotations

import io
from collections import defaultdict

from django.db import connection, transaction
from django.db.models import Prefetch
from django.utils import timezone

from jobseekers.models import LOOKING_STATUSES, Certificate, JobseekerArchive

from . import scoring
from .models import BatchRun, PushRecord
from .selectors import TOP_N, all_published_facts
from .vector import PostingIndex

LOCK_KEY = 60_006  # pg advisory lock: one batch at a time


def _profiles(ids: list[int], street_points: dict | None = None) -> dict[int, scoring.Profile]:
    codes: dict[int, list[str]] = defaultdict(list)
    through = JobseekerArchive.desired_occupations.through
    for aid, code in through.objects.filter(jobseekerarchive_id__in=ids).values_list(
            "jobseekerarchive_id", "occupation__code"):
        codes[aid].append(code)
    rows = JobseekerArchive.objects.filter(pk__in=ids).select_related("street__district").prefetch_related(
        Prefetch("certificates", queryset=Certificate.objects.only("archive", "name", "occupation_code", "level"))
    ).only(
        "id", "lat", "lng", "desired_salary", "desired_hours", "max_commute_minutes", "key_groups", "skills",
        "street", "street__lat", "street__lng", "street__district", "street__district__lat",
        "street__district__lng")
    # archives without coordinates are placed at their street's point, looked up once per street per run
    points = street_points if street_points is not None else {}
    return {a.pk: scoring.Profile.of(a, codes.get(a.pk, []), points) for a in rows}


def _declined(ids: list[int]) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for aid, pid in PushRecord.objects.filter(archive_id__in=ids, outcome=PushRecord.Outcome.DECLINED).values_list(
            "archive_id", "posting_id"):
        out[aid].append(pid)
    return out


def refresh_chunk(*, run: BatchRun, ids: list[int], now, index: PostingIndex, street_points: dict | None = None) -> int:
    """Rank and store one chunk (inside the caller's transaction); returns how many needed a full scan."""
    profiles = _profiles(ids, street_points)
    declined = _declined(ids)
    ranked, full_scans = {}, 0
    for aid, profile in profiles.items():
        rows, bounded = index.rank(profile, now=now, exclude=declined.get(aid, ()), limit=TOP_N)
        ranked[aid] = rows
        full_scans += not bounded
    new = {(aid, pid): (sc, i) for aid, rows in ranked.items() for i, (pid, sc) in enumerate(rows, start=1)}
    with connection.cursor() as cur:
        # Only what changed is written: rows that left an archive's top 20 go, new ones come in, and a row
        # whose score and rank are unchanged is left alone (most of them, night after night).
        cur.execute("SELECT id, archive_id, posting_id, score, rank FROM matching_storedrecommendation "
                    "WHERE archive_id = ANY(%s)", [ids])
        old = {(a, p): (pk, sc, r) for pk, a, p, sc, r in cur.fetchall()}
        gone = [pk for key, (pk, _s, _r) in old.items() if key not in new]
        changed = [(old[key][0], sc, r) for key, (sc, r) in new.items() if key in old and old[key][1:] != (sc, r)]
        added = [(*key, sc, r) for key, (sc, r) in new.items() if key not in old]
        if gone:
            cur.execute("DELETE FROM matching_storedrecommendation WHERE id = ANY(%s)", [gone])
        if changed:
            cur.execute(
                "UPDATE matching_storedrecommendation s SET score = t.s, rank = t.r, refreshed_at = %s, run_id = %s "
                "FROM unnest(%s::bigint[], %s::float8[], %s::int[]) AS t(id, s, r) WHERE s.id = t.id",
                [now, run.pk, *map(list, zip(*changed, strict=True))])
        if added:  # COPY: the cheapest way in for thousands of rows (the advisory lock: the only writer)
            stamp = now.isoformat()
            data = "".join(f"{a}\t{p}\t{sc!r}\t{r}\t{stamp}\t{stamp}\t{run.pk}\n" for a, p, sc, r in added)
            cur.copy_expert("COPY matching_storedrecommendation (archive_id, posting_id, score, rank, first_seen_at, "
                            "refreshed_at, run_id) FROM STDIN", io.StringIO(data))
    return full_scans


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
        run = BatchRun.objects.create(total=JobseekerArchive.objects.looking().count(), chunk_size=chunk_size)
    chunks = 0
    index = None
    street_points: dict = {}
    try:
        while max_chunks is None or chunks < max_chunks:
            ids = list(JobseekerArchive.objects.looking().filter(pk__gt=run.last_archive_id).order_by("pk")
                       .values_list("pk", flat=True)[: run.chunk_size])
            if not ids:
                break
            if index is None:
                index = PostingIndex(all_published_facts())
            with transaction.atomic():
                # A chunk lost in a crash is redone on resume (its progress commits with it): no need to
                # wait for each chunk's WAL flush.
                with connection.cursor() as cur:
                    cur.execute("SET LOCAL synchronous_commit = off")
                fallbacks = refresh_chunk(run=run, ids=ids, now=now or timezone.now(), index=index,
                                          street_points=street_points)
                run.processed += len(ids)
                run.fallbacks += fallbacks
                run.last_archive_id = ids[-1]
                run.heartbeat_at = timezone.now()
                run.save(update_fields=["processed", "fallbacks", "last_archive_id", "heartbeat_at"])
            chunks += 1
        else:
            return run
        with transaction.atomic():
            # archives closed, or of people no longer looking, keep no recommendations (also those that
            # changed since their chunk was ranked)
            with connection.cursor() as cur:
                cur.execute("DELETE FROM matching_storedrecommendation s USING jobseekers_jobseekerarchive a "
                            "WHERE a.id = s.archive_id AND NOT (a.is_open AND a.current_status = ANY(%s))",
                            [list(LOOKING_STATUSES)])
            run.status, run.finished_at = BatchRun.Status.DONE, timezone.now()
            run.total = max(run.total, run.processed)
            run.save(update_fields=["status", "finished_at", "total"])
    except Exception as exc:
        run.status, run.error, run.finished_at = BatchRun.Status.FAILED, repr(exc)[:2000], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        raise
    return run
