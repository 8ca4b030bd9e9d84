"""Chinese keyword search with exact substring semantics.

PostgreSQL's trigram index cannot look up a 2-character word and a word segmenter misses partial words
(FINDINGS.md). Instead every posting stores its normalised text (`search_text`) and the set of all its
characters and character pairs (`search_grams`, GIN indexed). A keyword is found by

    search_grams @> <all grams of the keyword>      -- index: candidate rows
    AND search_text LIKE '%keyword%'                -- verification: exact substring

Every substring of the text has all its grams in the row's set, so recall is 100% by construction; the
LIKE removes rows whose grams occur apart. One-character keywords use the character itself as the gram.
The title's grams are stored a second time with a "^" mark so "title matches first" (relevance) is an
index lookup too.
"""

from __future__ import annotations

import re
import time
import unicodedata

from django.db.models import Q

MAX_QUERY_CHARS = 50
MAX_TERMS = 5
_SPACE = re.compile(r"\s+")


def normalize(text: str | None) -> str:
    """NFKC (full-width → half-width), lower case, whitespace collapsed to one space."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "").lower()).strip()


def grams_of(text: str) -> list[str]:
    """Every character and every pair of adjacent characters of the normalised text (no whitespace)."""
    grams: set[str] = set()
    for segment in normalize(text).split(" "):
        grams.update(segment)
        grams.update(segment[i:i + 2] for i in range(len(segment) - 1))
    return sorted(grams)


TITLE_MARK = "^"


def title_grams(title: str) -> list[str]:
    """The title's grams again, marked: relevance ("title matches first") uses the same GIN index."""
    return [TITLE_MARK + g for g in grams_of(title)]


def posting_grams(*, title: str, search_text: str) -> list[str]:
    return grams_of(search_text) + title_grams(title)


def build_search_text(*, title: str, employer_name: str, description: str) -> str:
    return normalize(f"{title} {employer_name} {description}")


def query_terms(q: str | None) -> tuple[list[str], bool]:
    """(terms, truncated): the keyword split on spaces, at most MAX_QUERY_CHARS characters and MAX_TERMS terms."""
    text = normalize(q)
    truncated = len(text) > MAX_QUERY_CHARS
    text = text[:MAX_QUERY_CHARS]
    terms = [t for t in text.split(" ") if t][:MAX_TERMS]
    return terms, truncated


def term_grams(term: str) -> list[str]:
    if len(term) == 1:
        return [term]
    return sorted({term[i:i + 2] for i in range(len(term) - 1)})


# A gram in at least this share of published postings counts as common (see keyword_filter).
DENSE_GRAM_SHARE = 0.005
# For "title contains" (relevance) walking the newest-first index pays off from a lower density.
TITLE_DENSE_SHARE = 0.003
_STATS_SECONDS = 600
_stats: dict = {"at": -1e9, "freq": {}}


def gram_frequencies() -> dict[str, float]:
    """Share of postings containing each common gram, from pg_stats (refreshed by ANALYZE), cached per process."""
    now = time.monotonic()
    if now - _stats["at"] > _STATS_SECONDS:
        from django.db import connection

        with connection.cursor() as cur:
            cur.execute("SELECT most_common_elems::text::text[], most_common_elem_freqs FROM pg_stats "
                        "WHERE tablename = 'jobs_jobposting' AND attname = 'search_grams'")
            row = cur.fetchone()
        _stats["freq"] = dict(zip(row[0], row[1], strict=False)) if row and row[0] else {}
        _stats["at"] = now
    return _stats["freq"]


def reset_gram_frequencies() -> None:
    _stats["at"] = -1e9


def is_dense(grams: list[str], share: float = DENSE_GRAM_SHARE) -> bool:
    freq = gram_frequencies()
    return bool(grams) and all(freq.get(g, 0.0) >= share for g in grams)


# --- the SQL a keyword becomes (used by PostingFilterSet and the search selector) ---------------------------

def keyword_filter(queryset, terms: list[str]):
    """Every term: a LIKE on the text (exact), plus, for a rare term, all its grams in the GIN-indexed set.

    A rare term is found through the GIN index (few candidates). A common term (every gram in more than
    DENSE_GRAM_SHARE of postings, by PostgreSQL's own statistics) matches densely, so walking a btree in
    sort order and checking LIKE finds a page in a few dozen rows, while testing the compressed gram array
    on each row would cost ten times more (bench/RESULTS.md). Recall is the same either way: LIKE decides."""
    for term in terms:
        if is_dense(term_grams(term)):
            queryset = queryset.filter(search_text__contains=term)
        else:
            queryset = queryset.filter(search_grams__contains=term_grams(term), search_text__contains=term)
    return queryset


def title_contains(terms: list[str]) -> Q:
    """LIKE only: the same rows as title_match (LIKE implies the grams), for exclusions and ordered walks."""
    q = Q()
    for term in terms:
        q &= Q(title__icontains=term)
    return q


def keyword_share(terms: list[str]) -> float:
    """Estimated share of postings matching all terms: the rarest gram's share (exact for 1–2 characters)."""
    freq = gram_frequencies()
    return min((min((freq.get(g, 0.0) for g in term_grams(t)), default=0.0) for t in terms), default=1.0)


def title_is_dense(terms: list[str]) -> bool:
    return bool(terms) and all(is_dense([TITLE_MARK + g for g in term_grams(t)], TITLE_DENSE_SHARE) for t in terms)


def keyword_is_dense(terms: list[str]) -> bool:
    return bool(terms) and all(is_dense(term_grams(t)) for t in terms)


def title_match(terms: list[str]) -> Q:
    """Postings whose title contains every term (the marked title grams when rare, then LIKE on the title)."""
    q = Q()
    for term in terms:
        grams = [TITLE_MARK + g for g in term_grams(term)]
        q &= Q(title__icontains=term) if is_dense(grams, TITLE_DENSE_SHARE) else Q(search_grams__contains=grams, title__icontains=term)
    return q
