"""Reads: recommendations for a jobseeker (fast path and exhaustive), candidates for a posting, pushes.

The fast path ranks candidates in SQL with the mirror of the scoring function, re-scores a window of
them with `scoring.score`, and only trusts the result when the 20th score beats the best score any
non-candidate could reach (`scoring.outsider_bound`); otherwise it widens the candidate set
(same 中类 or within the commute box → same 大类 or box → every published posting).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import connection
from django.utils import timezone

from jobs.models import JobPosting
from jobseekers.models import JobseekerArchive

from . import scoring
from .models import PushRecord, StoredRecommendation

TOP_N = 20


@dataclass
class Recommendation:
    posting: JobPosting
    match: scoring.Match

    @property
    def score(self) -> float:
        return scoring.round_score(self.match.score)

    @property
    def explanation(self) -> str:
        return self.match.explanation


def facts_of(posting: JobPosting) -> scoring.PostingFacts:
    return scoring.PostingFacts(
        posting.pk, posting.occupation.code if posting.occupation_id else None, posting.lat, posting.lng,
        f"{posting.title} {posting.requirements} {posting.description}", posting.salary_min, posting.salary_max,
        posting.salary_unit, posting.hours_type, tuple(posting.friendly_to or ()), posting.published_at)


def declined_posting_ids(archive_id: int) -> list[int]:
    return list(PushRecord.objects.filter(archive_id=archive_id, outcome=PushRecord.Outcome.DECLINED)
                .values_list("posting_id", flat=True))


def _ranked_ids(profile: scoring.Profile, *, min_fit: int, now: datetime, exclude: list[int],
                window: int) -> list[int]:
    """Posting ids ranked by the SQL score among the candidates of one tier (min_fit 0 = all)."""
    expr, params = scoring.score_sql()
    params.update(scoring.archive_params(profile), now=now, exclude=exclude or [0], window=window)
    where = ["p.status = 'published'", "p.id <> ALL(%(exclude)s)"]
    if min_fit:
        ors = []
        prefixes = scoring.code_prefixes(profile.desired_codes, min_fit)
        if prefixes:
            params.update(prefixes=prefixes, patterns=[f"{x}-%" for x in prefixes])
            ors.append("p.occupation_id IN (SELECT id FROM core_occupation WHERE code = ANY(%(prefixes)s) "
                       "OR code LIKE ANY(%(patterns)s))")
        box = scoring.commute_box(profile)
        if box:
            params.update(lat_min=box[0], lat_max=box[1], lng_min=box[2], lng_max=box[3])
            ors.append("(p.lat BETWEEN %(lat_min)s AND %(lat_max)s AND p.lng BETWEEN %(lng_min)s AND %(lng_max)s)")
        if not ors:
            return []
        where.append("(" + " OR ".join(ors) + ")")
    sql = (
        f"WITH {scoring.ARCHIVE_CTE} SELECT p.id FROM a, jobs_jobposting p LEFT JOIN core_occupation o ON o.id = p.occupation_id "  # noqa: S608
        f"WHERE {' AND '.join(where)} ORDER BY {scoring.SCORE_KEY_SQL.format(expr=expr)} DESC, p.id DESC LIMIT %(window)s"
    )
    with connection.cursor() as cur:
        cur.execute(sql, params)
        return [r[0] for r in cur.fetchall()]


def _postings(ids) -> dict[int, JobPosting]:
    return {p.pk: p for p in JobPosting.objects.filter(pk__in=ids).select_related("employer", "occupation")}


def recommend_fast(profile: scoring.Profile, *, now: datetime | None = None, limit: int = TOP_N,
                   exclude: list[int] | None = None) -> tuple[list[Recommendation], int]:
    """Top `limit` recommendations and the tier that answered (2 中类, 1 大类, 0 all)."""
    now = now or timezone.now()
    w = scoring.weights()
    tiers = [2, 1, 0] if profile.desired_codes else [2, 0]
    for min_fit in tiers:
        ids = _ranked_ids(profile, min_fit=min_fit, now=now, exclude=exclude or [], window=scoring.WINDOW)
        postings = _postings(ids)
        recs = sorted((Recommendation(p, scoring.score(profile, facts_of(p), now, w)) for p in postings.values()),
                      key=lambda r: r.match.sort_key)[:limit]
        if min_fit == 0:
            return recs, 0
        if len(recs) == limit and recs[-1].match.score > scoring.outsider_bound(profile, min_fit, w) + 1e-9:
            return recs, min_fit
    return [], 0  # pragma: no cover


def recommend_exhaustive(profile: scoring.Profile, *, now: datetime | None = None, limit: int = TOP_N,
                         exclude: list[int] | None = None, facts: list[scoring.PostingFacts] | None = None
                         ) -> list[scoring.Match]:
    """Score every published posting with `scoring.score` (the reference the fast path must equal)."""
    now = now or timezone.now()
    w = scoring.weights()
    if facts is None:
        facts = all_published_facts()
    skip = set(exclude or ())
    matches = [scoring.score(profile, f, now, w) for f in facts if f.posting_id not in skip]
    matches.sort(key=lambda m: m.sort_key)
    return matches[:limit]


def all_published_facts() -> list[scoring.PostingFacts]:
    qs = JobPosting.objects.published().values(*scoring.POSTING_FIELDS)
    return [scoring.PostingFacts.from_values(v) for v in qs.iterator(chunk_size=5000)]


def profile_of(archive: JobseekerArchive) -> scoring.Profile:
    return scoring.Profile.of(archive)


def archive_recommendations(*, archive: JobseekerArchive, limit: int = TOP_N) -> list[Recommendation]:
    """Ranked published postings for the archive, excluding ones already pushed and declined."""
    recs, _tier = recommend_fast(profile_of(archive), limit=limit, exclude=declined_posting_ids(archive.pk))
    return recs


@dataclass
class Candidate:
    archive: JobseekerArchive
    match: scoring.Match

    @property
    def score(self) -> float:
        return scoring.round_score(self.match.score)


def posting_candidates(*, posting: JobPosting, user, limit: int = TOP_N, max_archives: int = 5000) -> list[Candidate]:
    """Ranked active archives the user may see (a station's staff: their stations; admins: their district)."""
    facts = facts_of(posting)
    now = timezone.now()
    w = scoring.weights()
    declined = set(PushRecord.objects.filter(posting=posting, outcome=PushRecord.Outcome.DECLINED)
                   .values_list("archive_id", flat=True))
    archives = (JobseekerArchive.objects.visible_to(user).active().exclude(pk__in=declined)
                .select_related("station").prefetch_related("desired_occupations")[:max_archives])
    out = [Candidate(a, scoring.score(profile_of(a), facts, now, w)) for a in archives]
    out.sort(key=lambda c: (-scoring.score_key(c.match.score), -c.archive.pk))
    return out[:limit]


def archive_pushes(*, archive: JobseekerArchive):
    return (PushRecord.objects.filter(archive=archive)
            .select_related("posting__employer", "pushed_by").order_by("-pushed_at", "-id"))


def new_good_matches(*, user, since: datetime, min_score: float = 60, limit: int = 20):
    """Stored recommendations first seen since `since` with a good score, for the user's archives."""
    return (StoredRecommendation.objects.visible_to(user)
            .filter(first_seen_at__gte=since, score__gte=min_score, archive__is_open=True,
                    posting__status=JobPosting.Status.PUBLISHED)
            .select_related("archive", "posting__employer").order_by("-score", "-id")[:limit])
