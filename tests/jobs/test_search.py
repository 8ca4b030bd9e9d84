"""The keyword search: exact substring semantics for any length, filters, near me, keyset paging."""

import pytest
from django.db.models import Q

from jobs.models import JobPosting
from jobs.search import grams_of, keyword_filter, normalize, query_terms
from jobs.selectors import posting_search
from tests.jobs.factories import make_employer, make_posting

pytestmark = pytest.mark.django_db


@pytest.fixture
def jobs(world):
    a = make_employer(world["station_a"], name="上海鑫达物流有限公司")
    c = make_employer(world["station_c"], name="上海浦江养老服务有限公司", lat=31.2345, lng=121.5060)
    return {
        "warehouse": make_posting(a, title="仓库管理员", description="负责仓库收发货，缴纳五险一金。", salary_min=6000,
                                  salary_max=7000),
        "courier": make_posting(a, title="快递员", description="片区派送，需会骑电动车。", salary_min=8000, salary_max=10000,
                                hours_type="full_time"),
        "carer": make_posting(c, title="养老护理员", description="照护社区老人，有爱心。", salary_min=5000, salary_max=6500,
                              friendly_to=["4050"], street=world["station_c"].street),
        "draft": make_posting(a, title="仓库管理员（草稿）", publish=False),
    }


def ids(page):
    return {row["id"] for row in page.rows}


def test_grams_cover_every_substring():
    text = normalize("仓库管理员 Java开发")
    grams = set(grams_of(text))
    assert {"仓", "仓库", "库管", "管理", "员", "ja", "开发"} <= grams
    assert " " not in "".join(grams)


@pytest.mark.parametrize("keyword", ["仓库管", "仓库管理员", "库管", "理员", "仓", "五险一金", "鑫达物流"])
def test_partial_and_short_words_found(jobs, keyword):
    page = posting_search(data={"q": keyword})
    assert jobs["warehouse"].pk in ids(page)
    assert jobs["draft"].pk not in ids(page)  # never unpublished


def test_recall_equals_like_ground_truth(jobs):
    published = JobPosting.objects.published()
    for keyword in ["仓库", "护理", "员", "有限公司", "快递员", "老人", "电动车", "不存在的词"]:
        truth = set(published.filter(Q(title__contains=keyword) | Q(description__contains=keyword)
                                     | Q(employer__name__contains=keyword)).values_list("id", flat=True))
        found = set(keyword_filter(published, query_terms(keyword)[0]).values_list("id", flat=True))
        assert found == truth, keyword


def test_relevance_puts_title_matches_first(world):
    employer = make_employer(world["station_a"])
    in_desc = make_posting(employer, title="理货员", description="协助仓库管理员盘点。")
    in_title = make_posting(employer, title="仓库管理员", description="收发货。")
    page = posting_search(data={"q": "仓库管理"})
    assert [r["id"] for r in page.rows] == [in_title.pk, in_desc.pk]


def test_filters(jobs, world):
    assert ids(posting_search(data={"salary_floor": "9000"})) == {jobs["courier"].pk}
    district = world["station_c"].street.district_id
    assert ids(posting_search(data={"district": district})) == {jobs["carer"].pk}
    assert ids(posting_search(data={"friendly_to": "4050"})) == {jobs["carer"].pk}
    assert jobs["carer"].pk not in ids(posting_search(data={"q": "员", "street": world["station_a"].street_id}))


def test_near_me_within_15_minutes_sorted_by_distance(jobs, world):
    a = world["station_a"]
    page = posting_search(data={"lat": a.lat, "lng": a.lng, "within": "15", "sort": "distance"})
    assert ids(page) == {jobs["warehouse"].pk, jobs["courier"].pk}  # station C's is ~7 km away
    assert all(row["walk_minutes"] >= 1 for row in page.rows)
    far = posting_search(data={"lat": a.lat, "lng": a.lng})
    assert jobs["carer"].pk in ids(far) and all("walk_minutes" in r for r in far.rows)


def test_location_outside_shanghai_refused(jobs):
    page = posting_search(data={"lat": "39.9", "lng": "116.4"})
    assert page.errors and not page.rows
    assert "上海" in str(page.errors)


def test_keyset_paging_visits_every_row_once(world):
    employer = make_employer(world["station_a"])
    made = {make_posting(employer, title=f"保洁员{i}").pk for i in range(7)}
    seen, data = [], {"q": "保洁"}
    for expected_page in range(1, 5):
        page = posting_search(data=data, page_size=3)
        assert page.page == expected_page
        seen += [r["id"] for r in page.rows]
        if not page.next_cursor:
            break
        data = {"q": "保洁", "cursor": page.next_cursor}
    assert sorted(seen) == sorted(made) and len(seen) == len(set(seen))


@pytest.mark.parametrize("sort", ["newest", "salary", "relevance"])
def test_keyset_paging_each_sort(world, sort):
    employer = make_employer(world["station_a"])
    made = {make_posting(employer, title="收银员" if i % 2 else "理货员", description="收银",
                         salary_min=3000 + i * 100, salary_max=4000 + (i % 3) * 100).pk for i in range(7)}
    seen, data = [], {"q": "收银", "sort": sort}
    while True:
        page = posting_search(data=data, page_size=2)
        seen += [r["id"] for r in page.rows]
        if not page.next_cursor:
            break
        data = {"q": "收银", "sort": sort, "cursor": page.next_cursor}
    assert sorted(seen) == sorted(made)


def test_tampered_cursor_falls_back_to_first_page(jobs):
    page = posting_search(data={"cursor": "not-a-cursor"})
    assert page.page == 1 and page.cursor_ignored and page.rows
    page = posting_search(data={"cursor": "eyJzIjoibmV3ZXN0IiwicCI6MSwiayI6WyJ4IiwxXX0"})  # bad key values
    assert page.page == 1 and page.rows


def test_long_query_truncated(jobs):
    page = posting_search(data={"q": "仓库管理员" * 100})
    assert page.truncated and not page.errors


def test_common_keyword_path_same_results(world):
    """With statistics every gram here is "common": the ordered-walk path must return the same rows."""
    from django.db import connection

    from jobs.search import reset_gram_frequencies

    employer = make_employer(world["station_a"])
    made = {make_posting(employer, title="保洁员" if i % 3 else "理货员", description="保洁区域").pk for i in range(9)}
    with connection.cursor() as cur:
        cur.execute("ANALYZE jobs_jobposting")
    reset_gram_frequencies()
    try:
        seen, data = [], {"q": "保洁"}
        while True:
            page = posting_search(data=data, page_size=4)
            # below the exact-count limit the count is exact even for a common keyword (test_counts.py)
            assert page.count == 9 and not page.count_estimated
            seen += [r["id"] for r in page.rows]
            if not page.next_cursor:
                break
            data = {"q": "保洁", "cursor": page.next_cursor}
        assert sorted(seen) == sorted(made)
        with connection.cursor() as cur:
            cur.execute("SHOW enable_sort")
            assert cur.fetchone()[0] == "on"
    finally:
        reset_gram_frequencies()


def test_page_cache_invalidated_when_published_set_changes(world, django_capture_on_commit_callbacks):
    from jobs.services import posting_withdraw

    employer = make_employer(world["station_a"])
    with django_capture_on_commit_callbacks(execute=True):
        first = make_posting(employer, title="面点师")
    assert ids(posting_search(data={"q": "面点"})) == {first.pk}
    with django_capture_on_commit_callbacks(execute=True):
        second = make_posting(employer, title="中式面点师")
    assert ids(posting_search(data={"q": "面点"})) == {first.pk, second.pk}
    with django_capture_on_commit_callbacks(execute=True):
        posting_withdraw(actor=world["city"], posting=first)
    assert ids(posting_search(data={"q": "面点"})) == {second.pk}
