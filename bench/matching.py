"""Matching benchmark: one jobseeker's top 20, the nightly batch, and fast path vs exhaustive scoring.

`run()` generates (once, cached by a marker station) POSTINGS published postings and ARCHIVES active
archives around 240 hubs in Shanghai, then measures:
- p95 / p50 of one jobseeker's top 20 through the fast path (target p95 < 50 ms);
- nightly batch throughput over every active archive (target >= 500 archives/s);
- for SAMPLE archives, overlap of the fast path's top 20 with exhaustive scoring of every published
  posting by the same Python function (target 100%), and the speed-up.
Scale through environment variables BENCH_MATCHING_POSTINGS / _ARCHIVES / _SAMPLE / _BATCH_CHUNKS (500
archives each; unset = every active archive) and choose parts with BENCH_MATCHING_PARTS=top20,exhaustive,batch.
"""

from __future__ import annotations

import os
import random
import statistics
import time
from datetime import date, timedelta

import django

if not os.environ.get("DJANGO_SETTINGS_MODULE"):
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.local"
    django.setup()

MARK = "BM-"
WORDS = ["叉车", "电工证", "会计", "驾驶", "保洁", "护理", "收银", "计算机", "厨师", "焊工", "仓储", "客服", "销售",
         "普通话", "英语", "物业", "安保", "月嫂", "育婴", "电商", "快递", "配送", "维修", "绿化"]


def _setup():
    from django.apps import apps

    if not apps.ready:  # pragma: no cover
        django.setup()


def _hubs(rng):
    from stations.models import District, Station, Street

    existing = list(Station.objects.filter(code__startswith=MARK).order_by("code"))
    if existing:
        return existing
    districts = list(District.objects.exclude(lat=None))
    central = {"310101", "310104", "310105", "310106", "310107", "310109", "310110", "310115"}
    streets = {d.pk: list(Street.objects.filter(district=d)) for d in districts}
    rows = []
    for i in range(240):
        d = rng.choice([d for d in districts if d.code in central] * 3 + districts)
        spread = 0.04 if d.code in central else 0.09
        rows.append(Station(code=f"{MARK}{i:03d}", name=f"基准测试站{i:03d}", street=rng.choice(streets[d.pk]),
                            lat=d.lat + rng.gauss(0, spread), lng=d.lng + rng.gauss(0, spread),
                            status=Station.Status.OPERATING))
    return Station.objects.bulk_create(rows)


def _occupations(rng):
    from core.models import Occupation

    occs = list(Occupation.objects.filter(level=4).values_list("pk", "code", "name"))
    rng.shuffle(occs)
    return occs


def _pick(rng, occs):
    """Skewed: a few occupations (保洁, 保安, 快递…) are far more common than the rest."""
    return occs[int(len(occs) * rng.random() ** 2.5)]


def generate(*, postings: int, archives: int, seed: int = 6, out=print) -> None:
    from django.utils import timezone

    from core.choices import HoursType, KeyGroup
    from jobs.models import Employer, JobPosting
    from jobseekers.models import JobseekerArchive

    rng = random.Random(seed)
    hubs = _hubs(rng)
    occs = _occupations(rng)
    now = timezone.now()
    have = JobPosting.objects.filter(station__code__startswith=MARK).count()
    if have < postings:
        t = time.perf_counter()
        employers = list(Employer.objects.filter(station__code__startswith=MARK))
        if not employers:
            employers = Employer.objects.bulk_create(
                [Employer(name=f"基准单位{i}", station=h, lat=h.lat, lng=h.lng)
                 for i, h in enumerate(rng.choice(hubs) for _ in range(20_000))], batch_size=5000)
        batch = []
        for _i in range(have, postings):
            e = rng.choice(employers)
            pk, code, name = _pick(rng, occs)
            smin = rng.choice([3000, 4000, 5000, 6000, 8000])
            unit = rng.choices(["month", "day", "hour"], [8, 1, 1])[0]
            div = {"month": 1, "day": 21.75, "hour": 174}[unit]
            batch.append(JobPosting(
                employer=e, station_id=e.station_id, title=name[:100], occupation_id=pk,
                description=f"{name}，工作地点近地铁。", requirements="、".join(rng.sample(WORDS, rng.randint(0, 3))),
                salary_min=int(smin / div), salary_max=int((smin + rng.choice([0, 1000, 2000, 3000])) / div),
                salary_unit=unit, headcount=rng.randint(1, 5), hours_type=rng.choices(list(HoursType.values), [6, 2, 2])[0],
                lat=e.lat + rng.gauss(0, 0.012), lng=e.lng + rng.gauss(0, 0.014), source="import",
                friendly_to=rng.sample(list(KeyGroup.values), rng.choice([0, 0, 1, 2])),
                status=JobPosting.Status.PUBLISHED, published_at=now - timedelta(days=rng.uniform(0, 60))))
            if len(batch) == 10_000:
                JobPosting.objects.bulk_create(batch)
                batch = []
        JobPosting.objects.bulk_create(batch)
        out(f"generated {postings - have} postings in {time.perf_counter() - t:.0f} s")
    have = JobseekerArchive.objects.filter(station__code__startswith=MARK).count()
    if have < archives:
        t = time.perf_counter()
        through = JobseekerArchive.desired_occupations.through
        batch, desired = [], []
        for i in range(have, archives):
            h = rng.choice(hubs)
            batch.append(JobseekerArchive(
                station=h, name=f"测试{i}", id_number_encrypted="bench", id_number_hash=f"bench-matching-{i}",
                id_number_last4=f"{i % 10000:04d}", birth_date=date(1970 + i % 35, 1 + i % 12, 1), sex="MF"[i % 2],
                lat=h.lat + rng.gauss(0, 0.01), lng=h.lng + rng.gauss(0, 0.012),
                skills="、".join(rng.sample(WORDS, rng.choice([0, 0, 1, 2]))),
                desired_salary=rng.choice([None, 4000, 5000, 6000, 8000]),
                desired_hours=rng.choices(list(HoursType.values), [6, 2, 2])[0],
                max_commute_minutes=rng.choice([15, 20, 30, 30, 45, 60]),
                key_groups=rng.sample(list(KeyGroup.values), rng.choice([0, 0, 1, 2]))))
            desired.append({_pick(rng, occs)[0] for _ in range(rng.choice([1, 1, 2, 3]))})
            if len(batch) == 10_000:
                made = JobseekerArchive.objects.bulk_create(batch)
                through.objects.bulk_create([through(jobseekerarchive_id=a.pk, occupation_id=o)
                                             for a, ds in zip(made, desired, strict=True) for o in ds])
                batch, desired = [], []
        if batch:
            made = JobseekerArchive.objects.bulk_create(batch)
            through.objects.bulk_create([through(jobseekerarchive_id=a.pk, occupation_id=o)
                                         for a, ds in zip(made, desired, strict=True) for o in ds])
        out(f"generated {archives - have} archives in {time.perf_counter() - t:.0f} s")
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("ANALYZE jobs_employer; ANALYZE jobs_jobposting; ANALYZE jobseekers_jobseekerarchive; ANALYZE core_occupation")


def _pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


def _measure(out=print) -> dict:
    """Generate (cached) data and print/return the measurements."""
    _setup()
    from django.utils import timezone

    from jobseekers.models import JobseekerArchive
    from matching import scoring
    from matching.selectors import all_published_facts, recommend_exhaustive, recommend_fast

    postings = int(os.environ.get("BENCH_MATCHING_POSTINGS", 200_000))
    archives = int(os.environ.get("BENCH_MATCHING_ARCHIVES", 100_000))
    sample = int(os.environ.get("BENCH_MATCHING_SAMPLE", 200))
    generate(postings=postings, archives=archives, out=out)
    rng = random.Random(60)
    ids = list(JobseekerArchive.objects.active().filter(station__code__startswith=MARK).values_list("pk", flat=True))
    picked = rng.sample(ids, min(len(ids), max(sample, 300)))
    profiles = {a.pk: scoring.Profile.of(a) for a in
                JobseekerArchive.objects.filter(pk__in=picked).prefetch_related("desired_occupations", "certificates")}
    now = timezone.now()
    result: dict = {"postings": postings, "archives": archives}

    parts = set(os.environ.get("BENCH_MATCHING_PARTS", "top20,exhaustive,batch").split(","))
    if "top20" not in parts:
        return _batch(result, out)

    # 1. one jobseeker's top 20
    for pk in picked[:20]:  # warm-up
        recommend_fast(profiles[pk], now=now)
    times, tiers = [], {0: 0, 1: 0}
    fast_results = {}
    for pk in picked:
        t = time.perf_counter()
        recs, tier = recommend_fast(profiles[pk], now=now)
        times.append((time.perf_counter() - t) * 1000)
        tiers[tier] += 1
        fast_results[pk] = [r.posting.pk for r in recs]
    result.update(top20_p50_ms=round(_pct(times, 50), 1), top20_p95_ms=round(_pct(times, 95), 1),
                  top20_tiers=tiers, top20_n=len(times))
    out(f"top 20 for one jobseeker: p50 {result['top20_p50_ms']} ms, p95 {result['top20_p95_ms']} ms "
        f"(n={len(times)}; bounded by a threshold {tiers[1]}, every posting ranked {tiers[0]})")

    # 2. fast path vs exhaustive
    if "exhaustive" not in parts:
        return _batch(result, out) if "batch" in parts else result
    t = time.perf_counter()
    facts = all_published_facts()
    out(f"loaded {len(facts)} published postings for exhaustive scoring in {time.perf_counter() - t:.1f} s")
    equal = overlap = 0
    ex_times = []
    for pk in picked[:sample]:
        t = time.perf_counter()
        ex = [m.posting_id for m in recommend_exhaustive(profiles[pk], now=now, facts=facts)]
        ex_times.append((time.perf_counter() - t) * 1000)
        equal += ex == fast_results[pk]
        overlap += len(set(ex) & set(fast_results[pk])) / max(1, len(ex))
    n = len(ex_times)
    result.update(sample=n, identical_top20=equal, overlap_pct=round(100 * overlap / n, 2),
                  exhaustive_mean_ms=round(statistics.mean(ex_times), 1),
                  speedup=round(statistics.mean(ex_times) / statistics.mean(times), 1))
    out(f"fast vs exhaustive over {n} archives: identical top 20 for {equal}, overlap {result['overlap_pct']}%; "
        f"exhaustive mean {result['exhaustive_mean_ms']} ms → speed-up ×{result['speedup']}")
    return _batch(result, out) if "batch" in parts else result


def _batch(result: dict, out) -> dict:
    """The nightly batch twice: on an empty table (first night) and again over its own rows (next night)."""
    from matching.batch import batch_refresh
    from matching.models import BatchRun, StoredRecommendation

    BatchRun.objects.filter(status=BatchRun.Status.RUNNING).update(status=BatchRun.Status.FAILED)
    StoredRecommendation.objects.all()._raw_delete(StoredRecommendation.objects.db)  # bench database only
    limit = os.environ.get("BENCH_MATCHING_BATCH_CHUNKS")
    for label in ("first", "rerun"):
        t = time.perf_counter()
        run_ = batch_refresh(chunk_size=500, max_chunks=int(limit) if limit else None)
        secs = time.perf_counter() - t
        if run_.status == BatchRun.Status.RUNNING:
            BatchRun.objects.filter(pk=run_.pk).update(status=BatchRun.Status.FAILED, error="bench: stopped early")
        rate = round(run_.processed / secs, 1)
        result.update({f"batch_{label}_archives": run_.processed, f"batch_{label}_seconds": round(secs, 1),
                       f"batch_{label}_rate": rate, "batch_fallbacks": run_.fallbacks,
                       "stored_rows": StoredRecommendation.objects.count()})
        out(f"nightly batch ({'first night, empty table' if label == 'first' else 'next night, over its own rows'}): "
            f"{run_.processed} archives in {secs:.1f} s = {rate} archives/s ({run_.fallbacks} needed a full ranking)")
    return result


def run(out=print) -> dict:
    """Measure, print, and write the "Matching — latest run" section of bench/RESULTS.md."""
    import datetime as dt
    import platform

    import numpy as np
    from django.db import connection

    from bench import write_section

    result = _measure(out)
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]

    def val(key, fmt="{}", missing="not run"):
        return fmt.format(result[key]) if key in result else missing

    first, rerun = result.get("batch_first_rate"), result.get("batch_rerun_rate")
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores · PostgreSQL {pg} · "
        f"Python {platform.python_version()} · numpy {np.__version__}",
        f"Data: {result['postings']:,} published postings, {result['archives']:,} active archives (generated, cached "
        "in the bench database).",
        "",
        "| measure | result | target | met |",
        "| --- | --- | --- | --- |",
        f"| one jobseeker's top 20 (fast path, SQL + Python re-score and explanation), n={val('top20_n')} | "
        f"p50 {val('top20_p50_ms')} ms, p95 {val('top20_p95_ms')} ms | p95 < 50 ms | "
        f"{_met(result.get('top20_p95_ms'), lambda x: x < 50)} |",
        f"| fast path vs exhaustive scoring of every published posting, {val('sample')} sampled archives | "
        f"{val('identical_top20')}/{val('sample')} identical top 20, overlap {val('overlap_pct')}% | 100% | "
        f"{_met(result.get('overlap_pct'), lambda x: x == 100)} |",
        f"| exhaustive scoring (Python, the same function) | mean {val('exhaustive_mean_ms', '{:,.0f}')} ms per "
        f"archive → fast path ×{val('speedup')} faster | — | — |",
        f"| nightly batch, first night (empty table), {val('batch_first_archives', '{:,}')} archives | "
        f"{val('batch_first_seconds')} s = **{val('batch_first_rate')} archives/s** | ≥ 500/s | "
        f"{_met(first, lambda x: x >= 500)} |",
        f"| nightly batch, next night (over its own rows), {val('batch_rerun_archives', '{:,}')} archives | "
        f"{val('batch_rerun_seconds')} s = **{val('batch_rerun_rate')} archives/s** | ≥ 500/s | "
        f"{_met(rerun, lambda x: x >= 500)} |",
        f"| archives whose batch ranking needed every posting (no threshold) | {val('batch_fallbacks')} | — | — |",
    ]
    table = "\n".join(lines)
    out(table)
    if {"top20_p95_ms", "overlap_pct", "batch_first_rate"} <= set(result):  # a full run: record it
        write_section("matching", table)
    return result


def _met(value, test) -> str:
    if value is None:
        return "not run"
    return "yes" if test(value) else "**no**"


if __name__ == "__main__":  # python -m bench.matching
    run()
