"""Dashboard at city scale: page p95 for a district admin and the city admin, and the summary rebuild time.

Run: `python -m bench --only dashboard [--scale 0.1]` (own database `<name>_bench_dashboard`). At scale 1 it
generates 1,000,000 archives, 5,000,000 status entries, 200,000 postings and 500,000 pushes over every
street of the 16 districts (two stations per street), with SQL `generate_series` (a minute or two), then
rebuilds the summary tables (`dashboard_rebuild`), runs the beat refresh once, and requests /dashboard/ as
a district admin (徐汇区) and as the city admin through Django's test client (the full view, template
and session: what a worker does for a request), writing its section of bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time

TARGET_MS = 300
REQUESTS = 40


def _generate(scale: float) -> dict:
    from django.db import connection

    from stations.models import Station, Street

    n_archives, n_entries = int(1_000_000 * scale), int(5_000_000 * scale)
    n_postings, n_pushes = int(200_000 * scale), int(500_000 * scale)
    with connection.cursor() as cur:
        cur.execute("TRUNCATE matching_pushrecord, jobseekers_statusentry, jobseekers_visit, "
                    "jobseekers_followuptask, jobseekers_jobseekerarchive_desired_occupations, "
                    "jobseekers_jobseekerarchive, jobs_jobposting, jobs_employer, dashboard_figurevalue, "
                    "dashboard_figuremonth CASCADE")
        Station.objects.filter(code__startswith="BD-").delete()
        Station.objects.bulk_create([
            Station(code=f"BD-{s.code}-{k}", name=f"{s.name}{k + 1}号站", street=s, status="operating",
                    lat=(s.lat or 31.2) + k * 0.003, lng=(s.lng or 121.45) + k * 0.003)
            for s in Street.objects.filter(is_admin=True) for k in range(2)])
        cur.execute("SELECT array_agg(id ORDER BY id) FROM stations_station WHERE code LIKE 'BD-%%'")
        ids = cur.fetchone()[0]
        cur.execute("CREATE TEMP TABLE bench_st AS SELECT row_number() OVER () - 1 AS n, id FROM unnest(%s::bigint[]) id",
                    [ids])
        stations = len(ids)
        cur.execute("""
            INSERT INTO jobseekers_jobseekerarchive (created_at, updated_at, station_id, name, id_number_encrypted,
              id_number_hash, id_number_last4, birth_date, sex, phone_encrypted, address, education, skills,
              desired_hours, max_commute_minutes, key_groups, is_open, closed_reason, current_status,
              consent_scope, hukou, school, version, work_history, next_survey_due)
            SELECT now() - (g %% 730) * interval '1 day', now(), st.id, 'b', 'x', 'bd-' || g, '0000', '1980-01-01',
              'M', '', '', '', '', 'full_time', 30,
              (ARRAY['{}', '{}', '{graduate}', '{difficulty}', '{4050}', '{graduate,veteran}'])[1 + g %% 6]::varchar[],
              g %% 10 <> 0, CASE WHEN g %% 10 = 0 THEN '迁出' ELSE '' END,
              (ARRAY['employed','unemployed','flexible','self_employed','training','in_school','not_seeking'])[1 + (g / 7) %% 7],
              'service', 'local', '', 1, '', current_date + ((g %% 120) - 60)
            FROM generate_series(1, %s) g JOIN bench_st st ON st.n = g %% %s""", [n_archives, stations])
        cur.execute("SELECT min(id) FROM jobseekers_jobseekerarchive")
        first = cur.fetchone()[0]
        cur.execute("""
            INSERT INTO jobseekers_statusentry (archive_id, status, effective_date, source, note, created_at)
            SELECT %s + (g %% %s), (ARRAY['employed','unemployed','flexible','training'])[1 + g %% 4],
              current_date - (g %% 730), 'visit', '', now()
            FROM generate_series(1, %s) g""", [first, n_archives, n_entries])
        cur.execute("""
            INSERT INTO jobs_employer (created_at, updated_at, name, kind, contact_name, contact_phone, address,
              verified, station_id, version)
            SELECT now(), now(), 'bench employer ' || id, 'enterprise', '', '', '', true, id, 1 FROM bench_st""")
        cur.execute("""
            INSERT INTO jobs_jobposting (created_at, updated_at, title, description, requirements, salary_unit,
              headcount, filled_count, hours_type, address, benefits, is_public_service, friendly_to, source,
              status, employer_id, station_id, contact_name, contact_phone, salary_month_max, salary_month_min,
              search_grams, search_text, status_note, salary_min, salary_max, published_at, version)
            SELECT now(), now(), 'bench', '', '', 'month', 1 + g %% 5, 0, 'full_time', '', '', false, '{}', 'station',
              (ARRAY['published','published','published','filled','expired'])[1 + g %% 5],
              e.id, e.station_id, '', '', 6000, 5000, '{}', '', '', 5000, 6000, now() - (g %% 730) * interval '1 day', 1
            FROM generate_series(1, %s) g JOIN jobs_employer e ON e.station_id = (SELECT id FROM bench_st WHERE n = g %% %s)
            """, [n_postings, stations])
        cur.execute("SELECT min(id), count(*) FROM jobs_jobposting")
        first_posting, postings = cur.fetchone()
        cur.execute("""
            INSERT INTO matching_pushrecord (created_at, updated_at, channel, pushed_at, pushed_on, explanation,
              outcome, outcome_date, note, archive_id, posting_id)
            SELECT now(), now(), 'sms', now(), current_date - (g %% 730), '',
              (ARRAY['', 'declined', 'interested', 'interview', 'hired'])[1 + g %% 5],
              CASE WHEN g %% 5 = 0 THEN NULL ELSE current_date - (g %% 730) END, '',
              %s + (g::bigint * 7919) %% %s, %s + g %% %s
            FROM generate_series(1, %s) g""", [first, n_archives, first_posting, postings, n_pushes])
        cur.execute("ANALYZE")
    return {"archives": n_archives, "entries": n_entries, "postings": n_postings, "pushes": n_pushes,
            "stations": stations}


def _reused(scale: float) -> dict | None:
    from jobs.models import JobPosting
    from jobseekers.models import JobseekerArchive, StatusEntry
    from matching.models import PushRecord
    from stations.models import Station

    sizes = {"archives": JobseekerArchive.objects.count(), "entries": StatusEntry.objects.count(),
             "postings": JobPosting.objects.count(), "pushes": PushRecord.objects.count(),
             "stations": Station.objects.filter(code__startswith="BD-").count(), "reused": True}
    return sizes if sizes["archives"] == int(1_000_000 * scale) and sizes["stations"] else None


def _timed_requests(client, n: int) -> tuple[float, float]:
    runs = []
    for _ in range(n):
        t = time.perf_counter()
        response = client.get("/dashboard/")
        runs.append((time.perf_counter() - t) * 1000)
        assert response.status_code == 200
    runs.sort()
    return statistics.median(runs), runs[max(0, int(round(0.95 * len(runs))) - 1)]


def run(argv: list[str]) -> None:
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client

    from bench import write_section
    from core.models import UserProfile
    from dashboard.services import summaries_refresh
    from stations.models import District

    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--reuse", action="store_true", help="keep the data of an earlier run at the same scale")
    args, _ = parser.parse_known_args(argv)
    t = time.perf_counter()
    sizes = _reused(args.scale) if args.reuse else None
    sizes = sizes or _generate(args.scale)
    generate_s = time.perf_counter() - t
    rebuild = summaries_refresh(rebuild=True)
    refresh = summaries_refresh()
    users = get_user_model()
    city, _ = users.objects.get_or_create(username="bench_city", defaults={"is_superuser": True})
    district, _ = users.objects.get_or_create(username="bench_district")
    UserProfile.objects.update_or_create(user=district, defaults={
        "role": "district", "district": District.objects.get(code="310104")})
    results = {}
    for label, user in (("district admin (徐汇区)", district), ("city admin", city)):
        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        client.get("/dashboard/")  # warm the connection and template caches
        results[label] = _timed_requests(client, REQUESTS)
    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
    rows = [f"| /dashboard/, {label}, n={REQUESTS} | p50 {p50:.0f} ms, p95 {p95:.0f} ms | p95 ≤ {TARGET_MS} ms | "
            f"{'yes' if p95 <= TARGET_MS else 'no'} |" for label, (p50, p95) in results.items()]
    table = "\n".join([
        f"Run {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())} · {os.cpu_count()} cores · PostgreSQL {pg} · "
        f"Python {platform.python_version()} · scale {args.scale:g}"
        + ("" if args.scale == 1 else " (smaller than the issue's city scale: see the note below)"),
        f"Data: {sizes['archives']:,} archives, {sizes['entries']:,} status entries, {sizes['postings']:,} postings, "
        f"{sizes['pushes']:,} pushes, {sizes['stations']} stations over 16 districts "
        + ("(generated by an earlier run)." if sizes.get("reused") else f"(generated in {generate_s:.0f} s)."),
        "",
        "| measure | result | target | met |",
        "| --- | --- | --- | --- |",
        *rows,
        f"| summary tables rebuilt from scratch (`dashboard_rebuild`, 24 months) | {rebuild.duration_ms / 1000:.1f} s | — | — |",
        f"| periodic refresh (every 10 min: current values, last 2 months) | {refresh.duration_ms / 1000:.1f} s | "
        f"< 10 min | {'yes' if refresh.duration_ms < 600_000 else 'no'} |",
    ])
    print(table, flush=True)
    write_section("dashboard", table)
