"""Reads: the public search with keyset paging, posting detail, leads worklist."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
from contextlib import nullcontext
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import RawSQL

from core.choices import HoursType, KeyGroup, SalaryUnit
from core.geo import haversine_sql, walking_minutes
from stations.selectors import stations_nearest

from .filtersets import PostingFilterSet
from .models import JobPosting, Lead
from .search import keyword_is_dense, keyword_share, title_contains, title_is_dense, title_match

PAGE_SIZE = 20
COUNT_CAP = 1000
COUNT_CACHE_SECONDS = 120
ROW_FIELDS = ("id", "title", "employer__name", "salary_min", "salary_max", "salary_unit", "hours_type",
              "street__name", "district__name", "published_at", "is_public_service", "friendly_to", "headcount",
              "salary_month_max")
HOURS = dict(HoursType.choices)
UNITS = dict(SalaryUnit.choices)
GROUPS = dict(KeyGroup.choices)


@dataclass
class SearchPage:
    rows: list[dict] = field(default_factory=list)
    page: int = 1
    next_cursor: str | None = None
    count: int = 0
    count_capped: bool = False
    count_estimated: bool = False
    sort: str = "newest"
    origin: tuple[float, float] | None = None
    terms: list[str] = field(default_factory=list)
    truncated: bool = False
    filterset: PostingFilterSet | None = None
    errors: dict = field(default_factory=dict)
    cursor_ignored: bool = False


def encode_cursor(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def decode_cursor(token: str | None) -> dict | None:
    if not token:
        return None
    try:
        data = json.loads(base64.urlsafe_b64decode(token[:400] + "=" * (-len(token[:400]) % 4)))
        if not isinstance(data, dict) or not isinstance(data.get("k"), list) or not isinstance(data.get("p"), int):
            return None
        return data
    except (ValueError, TypeError):
        return None


def _after(sort: str, key: list) -> Q:
    """Rows strictly after the sort key `key` in the order of `sort` (keyset paging: no OFFSET).

    The redundant `<=` on the leading column is what lets PostgreSQL start the index scan at the cursor
    (it does not use an OR of two conditions as an index bound)."""
    if sort == "salary":
        salary, pk = int(key[0]), int(key[1])
        return Q(salary_month_max__lte=salary) & (Q(salary_month_max__lt=salary) | Q(salary_month_max=salary, id__lt=pk))
    if sort == "distance":
        distance, pk = float(key[0]), int(key[1])
        return Q(distance_m__gt=distance) | Q(distance_m=distance, id__gt=pk)
    published, pk = dt.datetime.fromisoformat(key[-2]), int(key[-1])
    return Q(published_at__lte=published) & (Q(published_at__lt=published) | Q(published_at=published, id__lt=pk))


ORDER = {"newest": ("-published_at", "-id"), "relevance": ("-published_at", "-id"),
         "salary": ("-salary_month_max", "-id"), "distance": ("distance_m", "id")}


def _key(sort: str, row: dict, tier: int = 0) -> list:
    if sort == "salary":
        return [row["salary_month_max"], row["id"]]
    if sort == "distance":
        return [row["distance_m"], row["id"]]
    key = [row["published_at"].isoformat(), row["id"]]
    return [tier, *key] if sort == "relevance" else key


# For a common keyword, make PostgreSQL walk a btree in sort order and stop at the LIMIT: its row estimate
# for several LIKEs together is far too low, so left alone it would read every candidate and sort them
# (0.3 s instead of 1 ms for 保洁 in 浦东新区, see bench/RESULTS.md). Scoped to one transaction.
WALK_SQL = "SET LOCAL enable_bitmapscan = off; SET LOCAL enable_seqscan = off; SET LOCAL enable_sort = off; "
WALK_RESET_SQL = "RESET enable_bitmapscan; RESET enable_seqscan; RESET enable_sort"

# The inner query finds the page's ids and sort keys in index order (no joins, so the planner never joins
# thousands of candidates before the LIMIT); MATERIALIZED keeps it planned on its own (as a plain subquery
# the planner could turn the whole into a scan); the outer part reads display columns for ≤ 21 rows.
PAGE_SQL = """WITH k AS MATERIALIZED ({inner})
SELECT k.*, p.title, e.name AS employer__name, p.salary_min, p.salary_max, p.salary_unit, p.hours_type,
       st.name AS street__name, d.name AS district__name, p.published_at AS row_published_at,
       p.is_public_service, p.friendly_to, p.headcount, p.salary_month_max AS row_salary_month_max,
       LEFT(p.description, 60) AS summary
FROM k JOIN jobs_jobposting p ON p.id = k.id JOIN jobs_employer e ON e.id = p.employer_id
LEFT JOIN stations_street st ON st.id = p.street_id LEFT JOIN stations_district d ON d.id = p.district_id"""

SORT_FIELDS = {"newest": ("published_at",), "relevance": ("published_at",), "salary": ("salary_month_max",),
               "distance": ("distance_m",)}


def _fetch(qs, sort: str, after: list | None, limit: int, *, walk: bool = False) -> list[dict]:
    """One page in one statement (see PAGE_SQL), in sort order."""
    if after is not None:
        qs = qs.filter(_after(sort, after))
    extra = ("distance_m",) if "distance_m" in qs.query.annotations and sort != "distance" else ()
    inner, params = qs.order_by(*ORDER[sort]).values("id", *SORT_FIELDS[sort], *extra)[:limit].query.sql_with_params()
    sql = PAGE_SQL.format(inner=inner)
    walk = walk and sort != "distance"
    nested = connection.in_atomic_block
    with transaction.atomic() if walk else nullcontext(), connection.cursor() as cur:
        cur.execute(WALK_SQL + sql if walk else sql, params)
        names = [c.name for c in cur.description]
        rows = [dict(zip(names, r, strict=True)) for r in cur.fetchall()]
        if walk and nested:  # SET LOCAL would outlive this block inside an outer transaction
            cur.execute(WALK_RESET_SQL)
    for row in rows:
        row["published_at"] = row.pop("row_published_at")
        row["salary_month_max"] = row.pop("row_salary_month_max")
    if sort == "distance":
        rows.sort(key=lambda r: (r["distance_m"], r["id"]))
    elif sort == "salary":
        rows.sort(key=lambda r: (r["salary_month_max"], r["id"]), reverse=True)
    else:
        rows.sort(key=lambda r: (r["published_at"], r["id"]), reverse=True)
    return rows


def _count(qs, cache_key: str | None, *, version=None, cached=None, estimate_from=None,
           share: float = 1.0) -> tuple[int, bool, bool]:
    """(count, capped, estimated), cached until the published set changes (stored with the search version;
    `cached` is what the caller read under the current version, if anything).
    Exact up to COUNT_CAP (above it "1000+"). For a common keyword whose estimated matches reach COUNT_CAP,
    an estimate ("约 N"): the planner's row estimate for the other filters times the keyword's share, since
    counting so many matches exactly means reading much of the table (and PostgreSQL misjudges LIKE).
    Below COUNT_CAP the count is exact whatever the keyword: an estimate of 13 beside 14 rows listed is
    wrong where anyone can see it, and the LIMIT bounds the exact count's cost."""
    if cached is None:  # nothing stored under the current version (or a caller's own queryset: never cached)
        estimate = None
        if estimate_from is not None:
            plan = json.loads(estimate_from.order_by().values("id").explain(format="json"))
            estimate = int(plan[0]["Plan"]["Plan Rows"] * share)
        if estimate is not None and estimate >= COUNT_CAP:
            cached = (_round(estimate), False, True)
        else:
            n = qs.order_by().values("id")[: COUNT_CAP + 1].count()
            cached = (min(n, COUNT_CAP), n > COUNT_CAP, False)
        if cache_key:
            cache.set(cache_key, (version, *cached), COUNT_CACHE_SECONDS)
    return tuple(cached)


def _round(n: int) -> int:
    """Two significant figures for an estimate."""
    digits = len(str(n)) - 2
    return round(n, -digits) if digits > 0 else n


def _decorate(rows: list[dict]) -> list[dict]:
    for row in rows:
        row["hours_label"] = HOURS.get(row["hours_type"], "")
        row["unit_label"] = UNITS.get(row["salary_unit"], "")
        row["friendly_labels"] = [GROUPS.get(g, g) for g in row["friendly_to"] or []]
        if row.get("distance_m") is not None:
            row["walk_minutes"] = walking_minutes(row["distance_m"])
    return rows


def posting_search(*, data, queryset=None, page_size: int = PAGE_SIZE) -> SearchPage:
    """Published postings matching `data` (query parameters), one page after `data['cursor']`."""
    base = queryset if queryset is not None else JobPosting.objects.published()
    fs = PostingFilterSet(data, queryset=base)
    result = SearchPage(filterset=fs)
    if not fs.is_valid():
        result.errors = fs.errors
        return result
    qs = fs.qs
    result.origin, result.terms, result.truncated = fs.origin, fs.terms, fs.truncated
    wanted = fs.form.cleaned_data.get("sort") or ""
    if wanted == "distance" and fs.origin is None or wanted == "relevance" and not result.terms:
        wanted = ""
    result.sort = sort = wanted or ("relevance" if result.terms else "newest")

    cursor = decode_cursor(data.get("cursor"))
    if data.get("cursor") and (cursor is None or cursor.get("s") != sort):
        result.cursor_ignored, cursor = True, None
    after = cursor["k"] if cursor else None
    result.page = cursor["p"] + 1 if cursor else 1

    key_data = {k: fs.form.cleaned_data.get(k) for k in fs.form.fields if k not in {"sort"}}
    digest = hashlib.sha1(repr(sorted((k, str(v)) for k, v in key_data.items())).encode()).hexdigest()  # noqa: S324
    db = connection.settings_dict["NAME"]
    cache_seconds = getattr(settings, "JOBS_SEARCH_CACHE_SECONDS", 30)
    # The search version, the cached page and the cached count in one Redis round trip (they were three): a
    # cached page or count holds the version it was made under and counts only while that is still current,
    # so a count never outlives the list it describes (with the page cache off as well).
    searchable = queryset is None
    page_cached = searchable and cache_seconds
    page_key = f"jobs:page:{db}:{digest}:{sort}:{page_size}:{data.get('cursor') if cursor else ''}"
    count_key = f"jobs:count:{db}:{digest}"
    got = cache.get_many([SEARCH_VERSION_KEY, count_key, *([page_key] if page_cached else [])]) if searchable else {}
    version = (got.get(SEARCH_VERSION_KEY) or search_version()) if searchable else None
    if page_cached:
        hit = got.get(page_key)
        if hit is not None and hit[0] == version:
            result.rows, result.next_cursor, (result.count, result.count_capped, result.count_estimated) = hit[1:]
            return result
    counted = got.get(count_key)

    # Within a walking radius the bounding box already makes the candidate set small: no ordered walk, exact count.
    bounded = fs.origin is not None and fs.radius_m() is not None
    dense = keyword_is_dense(result.terms) and not bounded
    try:
        if sort == "relevance":
            # Two keyset passes: titles containing the keyword first, then the other matches, each newest first.
            tier = int(after[0]) if after else 0
            rows = []
            # A title containing the keyword implies the text does: tier 0 needs only the title condition.
            if tier == 0:
                dense_title = title_is_dense(result.terms) and not bounded
                in_title = title_contains(result.terms) if dense_title else title_match(result.terms)
                rows = [dict(r, tier=0) for r in _fetch(fs.qs_without_keyword().filter(in_title), sort, after,
                                                        page_size + 1, walk=dense_title)]
            if len(rows) <= page_size:
                rest = _fetch(qs.exclude(title_contains(result.terms)), sort, after if tier == 1 else None,
                              page_size + 1 - len(rows), walk=dense)
                rows += [dict(r, tier=1) for r in rest]
        else:
            rows = _fetch(qs, sort, after, page_size + 1, walk=dense)
    except (ValueError, TypeError, IndexError):
        result.cursor_ignored = True
        return posting_search(data={k: v for k, v in data.items() if k != "cursor"}, queryset=queryset,
                              page_size=page_size)
    more = len(rows) > page_size
    rows = rows[:page_size]
    if more and rows:
        result.next_cursor = encode_cursor({"s": sort, "p": result.page,
                                            "k": _key(sort, rows[-1], rows[-1].get("tier", 0))})
    result.rows = _decorate(rows)
    result.count, result.count_capped, result.count_estimated = _count(
        qs, count_key if searchable else None, version=version,
        cached=tuple(counted[1:]) if counted is not None and counted[0] == version else None,
        estimate_from=fs.qs_without_keyword() if dense else None, share=keyword_share(result.terms) if dense else 1.0)
    if page_cached:
        cache.set(page_key, (version, result.rows, result.next_cursor,
                             (result.count, result.count_capped, result.count_estimated)), cache_seconds)
    return result


SEARCH_VERSION_KEY = "jobs:search-version"


def search_version() -> int:
    """Bumped by every change to what the public search shows: part of every cached page's key."""
    return cache.get_or_set(SEARCH_VERSION_KEY, 1, None)


def search_changed() -> None:
    """Call on commit after a posting enters or leaves the published set or changes while published."""
    try:
        cache.incr(SEARCH_VERSION_KEY)
    except ValueError:
        cache.set(SEARCH_VERSION_KEY, 2, None)


def posting_public_get(pk: int) -> JobPosting | None:
    return (JobPosting.objects.published().select_related("employer", "street__district", "occupation", "station")
            .filter(pk=pk).first())


def posting_ended_get(pk: int) -> JobPosting | None:
    """A posting that was public and has ended (filled, expired, withdrawn): an old link still explains itself."""
    ended = [JobPosting.Status.FILLED, JobPosting.Status.EXPIRED, JobPosting.Status.WITHDRAWN]
    return (JobPosting.objects.filter(pk=pk, status__in=ended, published_at__isnull=False)
            .select_related("employer", "district", "street", "occupation").first())


def postings_similar(posting: JobPosting, *, limit: int = 5) -> list[JobPosting]:
    """Published postings like an ended one: same occupation group (its 小类, else 中类), else the same
    district; nearest to its workplace first when it had one, else newest."""
    qs = JobPosting.objects.published().exclude(pk=posting.pk).select_related("employer", "street")
    if posting.occupation_id:
        prefix = "-".join(posting.occupation.code.split("-")[:3])
        qs = qs.filter(occupation__code__startswith=prefix)
    elif posting.district_id:
        qs = qs.filter(district_id=posting.district_id)
    if posting.lat is not None:
        distance = RawSQL(haversine_sql("jobs_jobposting.lat", "jobs_jobposting.lng"),  # noqa: S611 - bound params
                          [posting.lat, posting.lat, posting.lng])
        qs = qs.filter(lat__isnull=False).annotate(distance_m=distance).order_by("distance_m", "-published_at")
    else:
        qs = qs.order_by("-published_at")
    rows = list(qs[:limit])
    for row in rows:
        if getattr(row, "distance_m", None) is not None:
            row.walk_minutes = walking_minutes(row.distance_m)
    return rows


def posting_nearest_stations(posting: JobPosting, limit: int = 1):
    if posting.lat is None:
        return []
    return stations_nearest(lat=posting.lat, lng=posting.lng, limit=limit)


def lead_list(*, user, status: str | None = None):
    qs = Lead.objects.visible_to(user).select_related("posting__employer", "station")
    return qs.filter(status=status) if status else qs
