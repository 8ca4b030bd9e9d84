"""The scoring function, its explanation, and the fast path equal to exhaustive scoring."""

import random
from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from core.choices import HoursType, KeyGroup, SalaryUnit
from jobseekers.models import Certificate
from matching import scoring
from matching.selectors import facts_of, recommend_exhaustive, recommend_fast
from tests.matching.factories import make_archive, make_posting

pytestmark = pytest.mark.django_db


def _score(archive, posting):
    return scoring.score(scoring.Profile.of(archive), facts_of(posting), timezone.now())


def test_occupation_fit_follows_the_classification_tree():
    desired = ["4-04-05-05"]
    assert scoring.occupation_fit("4-04-05-05", desired) == 4
    assert scoring.occupation_fit("4-04-05-01", desired) == 3
    assert scoring.occupation_fit("4-04-05", desired) == 3
    assert scoring.occupation_fit("4-04-01-01", desired) == 2
    assert scoring.occupation_fit("4-10-01-05", desired) == 1
    assert scoring.occupation_fit("6-01-01-01", desired) == 0
    assert scoring.occupation_fit(None, desired) == 0


def test_explanation_names_the_parts_that_counted(a_station):
    archive = make_archive(a_station, desired=("4-04-05-05",), desired_salary=5000, skills="叉车、电工",
                           key_groups=[KeyGroup.AGE_4050], lat=31.1935, lng=121.4370)
    posting = make_posting(a_station, occupation_code="4-04-05-01", salary_max=5500, requirements="持电工证优先",
                           friendly_to=[KeyGroup.AGE_4050], lat=31.2005, lng=121.4370, hours_type=HoursType.FULL_TIME)
    m = _score(archive, posting)
    assert m.explanation.startswith("同一职业小类；步行约 ")
    assert "薪资高于期望 10%" in m.explanation
    assert "技能匹配：电工" in m.explanation
    assert "对4050人员友好" in m.explanation
    assert "工时相符（全职）" in m.explanation
    assert m.walk_minutes and m.walk_minutes <= 15


def test_same_occupation_ranks_above_same_middle_class(a_station):
    archive = make_archive(a_station, desired=("4-04-05-05",))
    exact = make_posting(a_station, occupation_code="4-04-05-05")
    middle = make_posting(a_station, occupation_code="4-04-01-01")
    assert _score(archive, exact).score > _score(archive, middle).score


def test_salary_per_day_is_converted_to_monthly(a_station):
    archive = make_archive(a_station, desired_salary=4000)
    posting = make_posting(a_station, salary_min=200, salary_max=200, salary_unit=SalaryUnit.DAY)
    assert "薪资高于期望 9%" in _score(archive, posting).explanation  # 200 × 21.75 = 4350


def test_walk_beyond_commute_earns_nothing_and_says_nothing(a_station):
    archive = make_archive(a_station, max_commute_minutes=10)
    far = make_posting(a_station, lat=31.30, lng=121.50)
    assert "步行" not in _score(archive, far).explanation


def test_a_certificate_in_the_postings_occupation_raises_the_score_and_is_explained(a_station):
    archive = make_archive(a_station, desired=("4-04-05-05",))
    posting = make_posting(a_station, occupation_code="6-31-01-03", requirements="")
    before = _score(archive, posting)
    Certificate.objects.create(archive=archive, name="电工证", occupation_code="6-31-01-03", level="4")
    after = _score(archive, posting)
    w = scoring.weights()
    assert after.score == before.score + w["cert_4"]
    assert "持有证书：电工证（四级/中级工）" in after.explanation
    same_minor = make_posting(a_station, occupation_code="6-31-01-01")
    assert "持有证书" in _score(archive, same_minor).explanation  # same 小类: fewer points, still said
    other = make_posting(a_station, occupation_code="2-02-01-01")
    assert "持有证书" not in _score(archive, other).explanation
    from django.utils import translation

    with translation.override("en"):
        assert "Holds certificate: 电工证（Level 4 / intermediate）" in after.explanation


@override_settings(MATCHING_WEIGHTS={"cert_4": 80})
def test_fast_path_and_batch_find_a_certificates_posting_outside_the_desired_occupations(a_station):
    """A certificate's points do not depend on the desired occupations: the bound that lets the fast path
    stop counts them, so a far posting in the certificate's occupation still tops the list."""
    from matching.selectors import all_published_facts
    from matching.vector import PostingIndex

    archive = make_archive(a_station, desired=("4-04-05-05",))
    Certificate.objects.create(archive=archive, name="电工证", occupation_code="6-31-01-03")
    for _ in range(25):
        make_posting(a_station, occupation_code="4-04-05-05")
    far = make_posting(a_station, occupation_code="6-31-01-03", lat=31.40, lng=121.70)
    profile = scoring.Profile.of(archive)
    now = timezone.now()
    exhaustive = recommend_exhaustive(profile, now=now)
    assert exhaustive[0].posting_id == far.pk
    fast, _tier = recommend_fast(profile, now=now)
    assert [r.posting.pk for r in fast] == [m.posting_id for m in exhaustive]
    ranked, _bounded = PostingIndex(all_published_facts()).rank(profile, now=now)
    assert [pid for pid, _s in ranked] == [m.posting_id for m in exhaustive]


@override_settings(MATCHING_WEIGHTS={"hours": 100})
def test_weights_come_from_settings(a_station):
    archive = make_archive(a_station, desired=())
    posting = make_posting(a_station, occupation_code=None, hours_type=HoursType.FULL_TIME, lat=None, lng=None,
                           salary_min=None, salary_max=None, published_days_ago=90)
    assert _score(archive, posting).score == 100


CODES = ["4-04-05-05", "4-04-05-01", "4-04-05-03", "4-04-01-01", "4-04-02-01", "4-10-01-05", "4-10-01-06",
         "4-10-01-03", "4-01-02-01", "6-01-01-01", "2-02-01-01", None]
TEXTS = ["叉车", "电工证", "会计", "驾驶", "保洁", "护理", "收银", "计算机"]


def _salary_range(low, high):
    """A floor never above the ceiling (the jobs app's constraint)."""
    if low is not None and high is not None and low > high:
        low, high = high, low
    return {"salary_min": low, "salary_max": high}


def _random_world(station, rng, n_postings=300, n_archives=25):
    for _ in range(n_postings):
        make_posting(
            station, occupation_code=rng.choice(CODES),
            lat=31.1935 + rng.uniform(-0.06, 0.06) if rng.random() > 0.05 else None,
            lng=121.4370 + rng.uniform(-0.06, 0.06),
            **_salary_range(rng.choice([None, 3000, 5000]), rng.choice([None, 4000, 6000, 9000])),
            salary_unit=rng.choice([SalaryUnit.MONTH, SalaryUnit.MONTH, SalaryUnit.DAY]),
            hours_type=rng.choice(list(HoursType.values)),
            friendly_to=rng.sample(list(KeyGroup.values), rng.randint(0, 2)),
            requirements="、".join(rng.sample(TEXTS, rng.randint(0, 3))),
            published_days_ago=rng.uniform(0, 60),
            status=rng.choice(["published"] * 9 + ["draft", "filled"]),
        )
    archives = []
    for _ in range(n_archives):
        archives.append(make_archive(
            station, desired=tuple(c for c in rng.sample(CODES[:-1], rng.randint(0, 3))),
            lat=31.1935 + rng.uniform(-0.05, 0.05) if rng.random() > 0.1 else None,
            lng=121.4370 + rng.uniform(-0.05, 0.05),
            desired_salary=rng.choice([None, 3000, 5000, 8000]), max_commute_minutes=rng.choice([10, 20, 30, 60]),
            desired_hours=rng.choice(list(HoursType.values)),
            key_groups=rng.sample(list(KeyGroup.values), rng.randint(0, 2)),
            skills="，".join(rng.sample(TEXTS, rng.randint(0, 3))),
        ))
    for i, archive in enumerate(archives):  # certificates from their own generator: the draws above stay as they were
        crng = random.Random(f"certificates-{n_postings}-{n_archives}-{i}")
        for _ in range(crng.choice([0, 0, 1, 1, 2])):
            code = crng.choice(CODES)  # often not a desired occupation; None: a certificate without a code
            Certificate.objects.create(archive=archive, name=crng.choice(TEXTS) + "证", occupation_code=code or "",
                                       level=crng.choice(["", "4", "special"]))
    return archives



def test_fast_path_equals_exhaustive_scoring_on_generated_data(a_station):
    rng = random.Random(6)
    archives = _random_world(a_station, rng)
    now = timezone.now()
    tiers, explained = set(), set()
    for archive in archives:
        profile = scoring.Profile.of(archive)
        fast, tier = recommend_fast(profile, now=now)
        tiers.add(tier)
        exhaustive = recommend_exhaustive(profile, now=now)
        assert [r.posting.pk for r in fast] == [m.posting_id for m in exhaustive], archive
        assert [scoring.score_key(r.match.score) for r in fast] == [scoring.score_key(m.score) for m in exhaustive]
        explained |= {key for r in fast for key, _pts, _text in r.match.parts}
    assert len(tiers) >= 2  # the widening tiers were exercised too
    assert "certificate" in explained  # and certificates counted in some of the top 20


def test_fast_path_sql_score_mirrors_python(a_station):
    """Every candidate's SQL score equals the Python score (so the SQL window ranks like Python)."""
    from django.db import connection

    rng = random.Random(7)
    archives = _random_world(a_station, rng, n_postings=120, n_archives=8)
    now = timezone.now() - timedelta(seconds=1)
    expr, params = scoring.score_sql()
    from jobs.models import JobPosting

    postings = {p.pk: p for p in JobPosting.objects.select_related("occupation")}
    with_certificate = 0
    for archive in archives:
        profile = scoring.Profile.of(archive)
        params.update(scoring.archive_params(profile), now=now)
        with connection.cursor() as cur:
            cur.execute(
                f"WITH {scoring.ARCHIVE_CTE} SELECT p.id, {expr} FROM a, jobs_jobposting p LEFT JOIN core_occupation o ON o.id = p.occupation_id",
                params)
            for pk, sql_score in cur.fetchall():
                match = scoring.score(profile, facts_of(postings[pk]), now)
                assert abs(match.score - sql_score) < 1e-6, (pk, match.score, sql_score)
                with_certificate += any(key == "certificate" for key, _pts, _text in match.parts)
    assert with_certificate  # the certificate term was compared too
