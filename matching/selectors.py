"""Reads: recommendations for a jobseeker (fast path and exhaustive), candidates for a posting, pushes.

The fast path ranks candidates in SQL with the mirror of the scoring function (candidates.py says which
postings can possibly make the top 20), then re-scores a window of them with `scoring.score`, which
decides the final order and the explanation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext

from core.scoping import scope_of
from jobs.models import JobPosting
from jobseekers.models import LOOKING_STATUSES, JobseekerArchive

from . import candidates, scoring
from .filtersets import PushRecordFilterSet
from .funnel import push_funnel
from .models import PushRecord, StoredRecommendation

TOP_N = 20
RESCORE_MARGIN = 1e-3  # far above the SQL mirror's float noise (< 1e-6)


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


def _ranked(profile: scoring.Profile, arms, *, now: datetime, exclude: list[int], window: int, seed: bool = False,
            ids: list[int] | None = None) -> list[tuple[int, float]]:
    """(posting id, SQL score) of the best `window` published postings among the arms' union (or of `ids`)."""
    expr, params = scoring.score_sql()
    if ids is not None:
        where, wparams = "p.id = ANY(%(seed_ids)s)", {"seed_ids": ids}
    else:
        where, wparams = (candidates.seed_where_sql(arms, "seed") if seed else candidates.where_sql(arms, "arm"))
    params.update(scoring.archive_params(profile), **wparams, now=now, exclude=exclude or [0], window=window)
    # OFFSET 0 keeps the subquery whole, so the long expression is planned and evaluated once per row
    sql = (
        f"WITH {scoring.ARCHIVE_CTE} SELECT id, s FROM (SELECT p.id, {expr} AS s FROM a, jobs_jobposting p "  # noqa: S608
        "LEFT JOIN core_occupation o ON o.id = p.occupation_id "
        f"WHERE p.status = 'published' AND p.id <> ALL(%(exclude)s) AND {where} OFFSET 0) q "
        f"ORDER BY {scoring.SCORE_KEY_SQL.format(expr='s')} DESC, id DESC LIMIT %(window)s"
    )
    with connection.cursor() as cur, transaction.atomic():
        cur.execute("SET LOCAL jit = off")  # JIT-compiling the long expression costs more than it saves
        cur.execute(sql, params)
        return cur.fetchall()


def _postings(ids) -> dict[int, JobPosting]:
    # the search columns (text and its grams, hundreds per posting) are never shown: not fetched
    return {p.pk: p for p in JobPosting.objects.filter(pk__in=ids).select_related("employer", "occupation")
            .defer("search_text", "search_grams")}


def rank_top(profile: scoring.Profile, *, now: datetime, exclude: list[int] | None = None,
             window: int = scoring.WINDOW, limit: int = TOP_N) -> tuple[list[tuple[int, float]], bool]:
    """The best `window` (posting id, SQL score) pairs, a superset of the true top `limit`; and whether a
    threshold bounded the search (False: every published posting was ranked). See candidates.py."""
    w = scoring.weights()
    seed = []
    # Last night's top 20 (the batch's), scored now, give a threshold close to the true one: any `limit`
    # published postings do, so this is only a better seed, never a different answer.
    stored = list(StoredRecommendation.objects.filter(archive_id=profile.archive_id)
                  .values_list("posting_id", flat=True)) if profile.archive_id else []
    if len(stored) >= limit:
        seed = _ranked(profile, None, now=now, exclude=exclude or [], window=limit, ids=stored)
    if len(seed) < limit:
        seed = _ranked(profile, candidates.seed_arms(profile), now=now, exclude=exclude or [], window=limit,
                       seed=True)
    threshold = seed[-1][1] - candidates.EPS if len(seed) == limit else None
    arms = candidates.arms_for(profile, threshold, w)
    return _ranked(profile, arms, now=now, exclude=exclude or [], window=window), arms is not None


def recommend_fast(profile: scoring.Profile, *, now: datetime | None = None, limit: int = TOP_N,
                   exclude: list[int] | None = None) -> tuple[list[Recommendation], int]:
    """Top `limit` recommendations (equal to exhaustive scoring) and 1 if a threshold bounded the search,
    0 if every published posting had to be ranked."""
    now = now or timezone.now()
    w = scoring.weights()
    ranked, bounded = rank_top(profile, now=now, exclude=exclude, limit=limit)
    # The SQL mirror equals the Python score to within 1e-6 (tested), so the Python top `limit` lies among
    # the rows whose SQL score reaches the `limit`-th one minus a margin: only those are fetched and re-scored.
    if len(ranked) > limit:
        floor = sorted((s for _pk, s in ranked), reverse=True)[limit - 1] - RESCORE_MARGIN
        ranked = [(pk, s) for pk, s in ranked if s >= floor]
    postings = _postings([pk for pk, _s in ranked])
    recs = sorted((Recommendation(p, scoring.score(profile, facts_of(p), now, w)) for p in postings.values()),
                  key=lambda r: r.match.sort_key)[:limit]
    return recs, int(bounded)


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


def profile_of(archive: JobseekerArchive, street_points: dict | None = None) -> scoring.Profile:
    return scoring.Profile.of(archive, street_points=street_points)


def not_looking_reason(archive: JobseekerArchive) -> str:
    """Why an archive gets no recommendations (closed, or a status of someone not looking); "" if it does."""
    if not archive.is_open:
        return gettext("该档案已关闭，不再推荐岗位。")
    if not archive.is_looking:
        return gettext("当前就业状态为“%(status)s”，不再推荐岗位；如其重新求职，请先记录新的就业状态。") % {
            "status": archive.get_current_status_display()}
    return ""


def archive_recommendations(*, archive: JobseekerArchive, limit: int = TOP_N) -> list[Recommendation]:
    """Ranked published postings for the archive, excluding ones already pushed and declined; none for an
    archive of someone not looking for work (see `not_looking_reason`)."""
    if not archive.is_looking:
        return []
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
    """Ranked archives of people looking for work that the user may see (a station's staff: their stations;
    admins: their district)."""
    facts = facts_of(posting)
    now = timezone.now()
    w = scoring.weights()
    declined = set(PushRecord.objects.filter(posting=posting, outcome=PushRecord.Outcome.DECLINED)
                   .values_list("archive_id", flat=True))
    archives = (JobseekerArchive.objects.visible_to(user).looking().exclude(pk__in=declined)
                .select_related("station", "street__district").prefetch_related("desired_occupations", "certificates")
                [:max_archives])
    points: dict = {}  # one street-point look-up per street, for the archives without coordinates
    out = [Candidate(a, scoring.score(profile_of(a, points), facts, now, w)) for a in archives]
    out.sort(key=lambda c: (-scoring.score_key(c.match.score), -c.archive.pk))
    return out[:limit]


def archive_pushes(*, archive: JobseekerArchive):
    return (PushRecord.objects.filter(archive=archive)
            .select_related("posting__employer", "pushed_by").order_by("-pushed_at", "-id"))


def new_good_matches(*, user, since: datetime, min_score: float = 60, limit: int = 20):
    """Stored recommendations first seen since `since` with a good score, for the user's archives of people
    still looking (a status recorded since the batch ran hides its rows at once)."""
    return (StoredRecommendation.objects.visible_to(user)
            .filter(first_seen_at__gte=since, score__gte=min_score, archive__is_open=True,
                    archive__current_status__in=LOOKING_STATUSES, posting__status=JobPosting.Status.PUBLISHED)
            .select_related("archive", "posting__employer").order_by("-score", "-id")[:limit])


FUNNEL_DEFAULT_DAYS = 90


def push_funnel_for(*, user, data) -> dict:
    """The funnel a user may see, filtered like the push list (default: pushes of the last 90 days), with
    the push-list link behind every figure; rows per district for the city, per station otherwise."""
    data = data.copy()
    if not any(data.get(k) for k in ("pushed_after", "pushed_before")):
        data["pushed_after"] = (timezone.localdate() - timedelta(days=FUNNEL_DEFAULT_DAYS)).isoformat()
    filterset = PushRecordFilterSet(data, queryset=PushRecord.objects.visible_to(user))
    scope = scope_of(user)
    by = "district" if scope.is_city else ("station" if scope.is_district or len(scope.station_ids) > 1 else None)
    if not filterset.is_valid():
        return {"filter": filterset, "stages": [], "rows": [], "by": by}
    total, rows = push_funnel(filterset.qs, by=by)
    kept = ("channel", "pushed_after", "pushed_before", "station", "district")
    base = {k: str(v) for k, v in filterset.form.cleaned_data.items() if k in kept and v}
    list_url = reverse("matching:push_list")

    def link(stages, **extra) -> None:
        for stage in stages:
            params = {**base, **extra, **({"stage": stage.key} if stage.key != "pushed" else {})}
            stage.url = f"{list_url}?{urlencode(params)}"

    link(total)
    for row in rows:
        link(row.stages, **{by: str(row.key)})
    return {"filter": filterset, "stages": total, "rows": rows, "by": by}
