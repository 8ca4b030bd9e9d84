"""Public job search at city scale: 200,000 published postings, 20,000 employers, over HTTP.

Steps (all idempotent; the generated data is cached in its own database `<DATABASE_URL name>_bench`,
so a re-run only measures):
  1. create/migrate the bench database and load reference data;
  2. generate employers and postings (COPY; indexes rebuilt after the load), once per DATA_VERSION;
  3. start gunicorn on a free local port against it and measure, one client at a time, p50/p95 and req/s;
  4. measure throughput under 16 concurrent clients: the search endpoint vs a trivial one-query endpoint;
  5. measure recall of the keyword search against a LIKE ground truth for a fixed keyword list;
  6. write bench/RESULTS.md.

Options: --quick (fewer requests), --regenerate (drop the cached data), --workers N, --baseline DIR (another
checkout of the portal, e.g. `git worktree add /tmp/before <commit>`: its server runs beside this one against the
same data, and the page, the API search and the throughput ratio are measured on both, requests alternating,
so a change is compared within one run on the same machine load).
"""

from __future__ import annotations

import datetime as dt
import http.client
import io
import json
import os
import platform
import random
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode, urlparse, urlunparse

ROOT = Path(__file__).resolve().parent.parent
DATA_VERSION = "jobs-search-v2"
N_POSTINGS = 200_000
N_EMPLOYERS = 20_000
PAGE_DEEP = 500
CONCURRENCY = 16

# Fixed recall list: whole words, partial words (cut inside a word or across two), 2 to 5 characters.
RECALL_KEYWORDS = [
    "保洁", "仓库管", "仓库管理员", "库管", "养老护理", "护理员", "快递", "递员", "收银", "会计", "出纳", "司机",
    "叉车", "烹调", "面点", "家政", "育婴", "焊工", "营销", "理货", "分拣", "质检", "美发", "网格", "绿化", "导购",
    "五险一金", "险一", "健康证", "包住", "无经验", "退役军人", "4050", "管理员", "理员", "维修", "员工宿舍", "长白班",
    "有限公司", "物业管", "餐饮管理", "骑手", "c1驾照", "java", "店长", "社区助餐", "夜班", "保育",
]
NO_HIT_KEYWORD = "量子计算机"
# Scenario 1 and 2: a common keyword in the biggest district with a salary floor, so page 500 exists.
MAIN_QUERY = {"q": "工作", "district_name": "浦东新区", "salary_floor": 4000}
NEAR_POINTS = [(31.2304, 121.4737), (31.1935, 121.4370), (31.2345, 121.5060), (31.2240, 121.4470),
               (31.2710, 121.5260), (31.1500, 121.4300), (31.2450, 121.4000), (31.3000, 121.4900)]


# ---------------------------------------------------------------------------------------------- setup

def _bench_url(url: str) -> str:
    parts = urlparse(url)
    name = parts.path.lstrip("/") or "portal"
    return urlunparse(parts._replace(path=f"/{name}_bench"))


def _ensure_database(url: str) -> None:
    import psycopg2

    parts = urlparse(url)
    name = parts.path.lstrip("/")
    admin = psycopg2.connect(urlunparse(parts._replace(path="/postgres")))
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
        if not cur.fetchone():
            cur.execute(f'CREATE DATABASE "{name}"')
    admin.close()


def _manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args, "-v", "0"], cwd=ROOT, env=env, check=True)


def _copy_field(value) -> str:
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, list):
        value = "{" + ",".join('"' + str(v).replace("\\", "\\\\").replace('"', '\\"') + '"' for v in value) + "}"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def _generate(regenerate: bool) -> None:
    from django.db import connection, transaction

    from core.models import Occupation
    from core.validators import credit_code_check_char
    from jobs.models import Employer, JobPosting
    from jobs.sample_text import description, employer_name, title
    from jobs.search import build_search_text, posting_grams
    from stations.models import Station, Street

    with connection.cursor() as cur:
        cur.execute("CREATE TABLE IF NOT EXISTS bench_meta (key text PRIMARY KEY, value text)")
        cur.execute("SELECT value FROM bench_meta WHERE key = 'jobs_search'")
        row = cur.fetchone()
    if row and row[0] == DATA_VERSION and not regenerate:
        print(f"  data cached ({DATA_VERSION}): {JobPosting.objects.count():,} postings", flush=True)
        with connection.cursor() as cur:
            cur.execute("ANALYZE jobs_jobposting")  # statistics targets may have changed in a migration
        return
    started = time.perf_counter()
    rng = random.Random(20261125)
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("TRUNCATE jobs_lead, jobs_jobposting, jobs_employer CASCADE")
        # Reference streets carry no coordinates: place each at a fixed pseudo-random point near its district's.
        streets = list(Street.objects.select_related("district").order_by("code"))
        for s in streets:
            if s.lat is None:
                s.lat = s.district.lat + rng.uniform(-0.05, 0.05)
                s.lng = s.district.lng + rng.uniform(-0.06, 0.06)
        stations = {}
        for s in streets:
            stations[s.pk], _ = Station.objects.get_or_create(
                code=f"BENCH-{s.code}", defaults={"name": f"{s.name}社区就业服务站", "street": s, "lat": s.lat,
                                                 "lng": s.lng, "status": Station.Status.OPERATING})
        occupations = dict(Occupation.objects.values_list("code", "id"))
        employers = []
        for i in range(N_EMPLOYERS):
            s = rng.choice(streets)
            first17 = f"91310{rng.randint(100, 120)}{i:09d}"
            employers.append(Employer(
                name=employer_name(rng, s.name[:3]), kind=Employer.Kind.ENTERPRISE,
                credit_code=first17 + credit_code_check_char(first17), station=stations[s.pk], street=s,
                address=f"{s.district.name}{s.name}{rng.randint(1, 999)}号", lat=s.lat + rng.uniform(-0.012, 0.012),
                lng=s.lng + rng.uniform(-0.014, 0.014), verified=True))
        Employer.objects.bulk_create(employers, batch_size=5000)
        street_by_id = {s.pk: s for s in streets}
        with connection.cursor() as cur:
            cur.execute("SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'jobs_jobposting' "
                        "AND indexname LIKE 'posting_pub_%%'")
            index_defs = cur.fetchall()
            for name, _ in index_defs:
                cur.execute(f'DROP INDEX "{name}"')
        columns = ["created_at", "updated_at", "employer_id", "station_id", "title", "occupation_id", "description",
                   "requirements", "salary_min", "salary_max", "salary_unit", "headcount", "filled_count",
                   "hours_type", "street_id", "address", "lat", "lng", "benefits", "is_public_service",
                   "friendly_to", "source", "status", "published_at", "expires_on", "public_service_quota",
                   "public_service_term_start", "public_service_term_end", "contact_name", "contact_phone",
                   "status_note", "district_id", "salary_month_min", "salary_month_max", "search_text",
                   "search_grams"]
        now = dt.datetime.now(dt.UTC)
        groups = ["graduate", "difficulty", "long_unemployed", "4050", "veteran", "disabled"]
        buffer = io.StringIO()
        for i in range(N_POSTINGS):
            e = employers[rng.randrange(N_EMPLOYERS)]
            s = street_by_id[e.street_id]
            full, base, code, (low, high) = title(rng)
            desc = description(rng, base, s.name)
            unit, factor = "month", 1
            roll = rng.random()
            if roll < 0.10:
                unit, factor = "hour", 174
                smin = rng.choice([22, 25, 28, 30, 35])
                smax = smin + rng.choice([0, 5, 10])
            elif roll < 0.15:
                unit, factor = "day", 21.75
                smin = rng.choice([180, 200, 250, 300])
                smax = smin + rng.choice([0, 50, 100])
            else:
                smin = rng.randrange(low, high, 500)
                smax = smin + rng.choice([500, 1000, 2000, 3000])
            hours = "part_time" if "兼职" in full else rng.choices(["full_time", "part_time", "flexible"],
                                                                   [85, 8, 7])[0]
            public = rng.random() < 0.03
            published = now - dt.timedelta(seconds=rng.randint(0, 120 * 86400), microseconds=rng.randint(0, 999999))
            text = build_search_text(title=full, employer_name=e.name, description=desc)
            row = [now, now, e.pk, e.station_id, full, occupations.get(code), desc, "", smin, smax, unit,
                   rng.randint(1, 10), 0, hours, s.pk, e.address, e.lat + rng.uniform(-0.003, 0.003),
                   e.lng + rng.uniform(-0.003, 0.003), "", public,
                   rng.sample(groups, rng.randint(1, 2)) if public or rng.random() < 0.12 else [],
                   "staff", "published", published, (published + dt.timedelta(days=rng.randint(30, 180))).date(),
                   rng.randint(1, 5) if public else None, published.date() if public else None,
                   (published + dt.timedelta(days=365)).date() if public else None, "", "", "", s.district_id,
                   round(smin * factor), round(smax * factor), text, posting_grams(title=full, search_text=text)]
            buffer.write("\t".join(_copy_field(v) for v in row) + "\n")
            if (i + 1) % 20_000 == 0 or i + 1 == N_POSTINGS:
                buffer.seek(0)
                with connection.cursor() as cur:
                    cur.cursor.copy_expert(f"COPY jobs_jobposting ({', '.join(columns)}) FROM STDIN", buffer)
                buffer = io.StringIO()
                print(f"  postings: {i + 1:,}", flush=True)
        with connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # fire the deferred FK checks before building indexes
            cur.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for name, definition in index_defs:
                t0 = time.perf_counter()
                cur.execute(definition)
                print(f"  index {name}: {time.perf_counter() - t0:.1f} s", flush=True)
            cur.execute("INSERT INTO bench_meta VALUES ('jobs_search', %s) ON CONFLICT (key) DO UPDATE "
                        "SET value = EXCLUDED.value", [DATA_VERSION])
    with connection.cursor() as cur:
        cur.execute("VACUUM ANALYZE jobs_jobposting")
        cur.execute("VACUUM ANALYZE jobs_employer")
    print(f"  generated in {time.perf_counter() - started:.0f} s", flush=True)


# ---------------------------------------------------------------------------------------------- HTTP

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(port: int, path: str) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request("GET", path, headers={"Accept": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def _latency(port: int, paths: list[str], n: int) -> dict:
    for p in paths[:3]:
        _get(port, p)
    times = []
    started = time.perf_counter()
    for i in range(n):
        t0 = time.perf_counter()
        status, _ = _get(port, paths[i % len(paths)])
        times.append((time.perf_counter() - t0) * 1000)
        if status != 200:
            raise RuntimeError(f"{paths[i % len(paths)]} → HTTP {status}")
    total = time.perf_counter() - started
    times.sort()
    result = {"p50": statistics.median(times), "p95": times[int(len(times) * 0.95) - 1], "rps": n / total, "n": n}
    print(f"  {paths[0][:70]}: p50 {result['p50']:.1f} ms, p95 {result['p95']:.1f} ms, {result['rps']:.0f} req/s",
          flush=True)
    return result


def _throughput(port: int, paths: list[str], seconds: float, clients: int = CONCURRENCY) -> float:
    stop = time.perf_counter() + seconds
    counts = [0] * clients
    errors = []

    def worker(k: int) -> None:
        i = k
        while time.perf_counter() < stop:
            status, _ = _get(port, paths[i % len(paths)])
            if status != 200:
                errors.append(status)
                return
            counts[k] += 1
            i += clients

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise RuntimeError(f"errors under load: {errors[:5]}")
    rps = sum(counts) / (time.perf_counter() - started)
    print(f"  {clients} clients, {paths[0][:60]}: {rps:.0f} req/s", flush=True)
    return rps


def _latency_alternating(targets: list[tuple[str, int, str]], n: int) -> dict[str, dict]:
    """One client, the targets' requests alternating (label, port, path), so slow spells hit all alike."""
    for _label, port, path in targets:
        for _ in range(3):
            _get(port, path)
    times: dict[str, list[float]] = {label: [] for label, _, _ in targets}
    for _ in range(n):
        for label, port, path in targets:
            t0 = time.perf_counter()
            status, _ = _get(port, path)
            times[label].append((time.perf_counter() - t0) * 1000)
            if status != 200:
                raise RuntimeError(f"{label} {path} → HTTP {status}")
    out = {}
    for label, ts in times.items():
        ts.sort()
        out[label] = {"p50": statistics.median(ts), "p95": ts[int(len(ts) * 0.95) - 1], "n": n}
        print(f"  {label}: p50 {out[label]['p50']:.1f} ms, p95 {out[label]['p95']:.1f} ms", flush=True)
    return out


def _start_server(env: dict, port: int, workers: int, root: Path = ROOT) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi:application", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"], cwd=root, env=env)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            if _get(port, "/healthz")[0] == 200:
                return proc
        except OSError:
            pass
        time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("gunicorn did not start")


# ---------------------------------------------------------------------------------------------- run

def _recall() -> list[dict]:
    from django.db.models import Q

    from jobs.models import JobPosting
    from jobs.search import keyword_filter, query_terms

    rows = []
    published = JobPosting.objects.published()
    for kw in RECALL_KEYWORDS:
        truth = set(published.filter(Q(title__icontains=kw) | Q(employer__name__icontains=kw)
                                     | Q(description__icontains=kw)).values_list("id", flat=True))
        found = set(keyword_filter(published, query_terms(kw)[0]).values_list("id", flat=True))
        hit = len(truth & found)
        rows.append({"keyword": kw, "truth": len(truth), "found": len(found), "recall": hit / len(truth) if truth else 1.0,
                     "extra": len(found - truth)})
    return rows


def run(argv: list[str]) -> dict:
    quick = "--quick" in argv
    regenerate = "--regenerate" in argv
    workers = int(argv[argv.index("--workers") + 1]) if "--workers" in argv else 4
    baseline = Path(argv[argv.index("--baseline") + 1]).resolve() if "--baseline" in argv else None
    n = 60 if quick else 300
    base_url = os.environ.get("DATABASE_URL")
    if not base_url:
        raise SystemExit("DATABASE_URL is not set (use `make bench`)")
    bench_url = _bench_url(base_url)
    _ensure_database(bench_url)
    env = {**os.environ, "DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "bench.settings",
           "DJANGO_DEBUG": "0", "LOG_LEVEL": "WARNING", "PYTHONWARNINGS": "ignore::UserWarning"}
    print(f"  bench database: {urlparse(bench_url).path.lstrip('/')}", flush=True)
    _manage(env, "migrate")
    _manage(env, "load_reference_data")
    os.environ.update({"DATABASE_URL": bench_url, "DJANGO_SETTINGS_MODULE": "bench.settings",
                       "DJANGO_DEBUG": "0"})
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    _generate(regenerate)

    from django.db import connection

    from jobs.models import JobPosting
    from stations.models import District

    district_id = District.objects.get(name=MAIN_QUERY["district_name"]).pk
    main = {"q": MAIN_QUERY["q"], "district": district_id, "salary_floor": MAIN_QUERY["salary_floor"]}
    any_pk = JobPosting.objects.published().order_by("id").values_list("id", flat=True)[1000]
    connection.close()

    port = _free_port()
    # Latency and uncached throughput with the search's page cache off: every request reaches PostgreSQL.
    server = _start_server({**env, "JOBS_SEARCH_CACHE_SECONDS": "0"}, port, workers)
    results: list[tuple[str, dict]] = []
    throughput: dict[str, float] = {}
    seconds = 5 if quick else 15
    try:
        page1 = f"/api/jobs/?{urlencode(main)}"
        status, body = _get(port, page1)
        data = json.loads(body)
        total_label = f"{'约' if data['count_estimated'] else ''}{data['count']}{'+' if data['count_capped'] else ''}"
        url = page1
        for _ in range(PAGE_DEEP - 1):
            status, body = _get(port, url)
            nxt = json.loads(body)["next"]
            if not nxt:
                raise RuntimeError("the main query has fewer than 500 pages")
            url = nxt.replace(f"http://127.0.0.1:{port}", "")
        deep = url
        status, body = _get(port, deep)
        assert json.loads(body)["page"] == PAGE_DEEP, "cursor did not carry the page number"
        near = [f"/api/jobs/?{urlencode({'lat': la, 'lng': ln, 'within': 15, 'sort': 'distance'})}"
                for la, ln in NEAR_POINTS]
        cold = [f"/api/jobs/?{urlencode({'q': kw})}" for kw in RECALL_KEYWORDS]
        results.append(("关键词+区+月薪下限，第1页", _latency(port, [page1], n)))
        results.append((f"同上，第{PAGE_DEEP}页（游标）", _latency(port, [deep], n)))
        results.append(("附近（步行15分钟内，按距离），8个地点轮换", _latency(port, near, n)))
        results.append(("无结果关键词", _latency(port, [f"/api/jobs/?{urlencode({'q': NO_HIT_KEYWORD})}"], n)))
        results.append((f"{len(cold)}个不同关键词轮换，第1页", _latency(port, cold, max(n, len(cold)))))
        results.append(("网页 /jobs/search/ 关键词+区+月薪，第1页", _latency(port, [f"/jobs/search/?{urlencode(main)}"], n)))
        results.append(("一次查询的简单接口 /api/jobs/<id>/", _latency(port, [f"/api/jobs/{any_pk}/"], n)))
        throughput["trivial"] = _throughput(port, [f"/api/jobs/{any_pk}/"], seconds)
        throughput["search"] = _throughput(port, [page1], seconds)
        throughput["mix"] = _throughput(port, [page1, deep, *near, *cold], seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)
    compare = _compare(env, workers, baseline, page1, main, any_pk, n, seconds) if baseline else None
    # The same server with the page cache on (30 s, invalidated on every publish/withdraw/edit).
    server = _start_server(env, port, workers)
    try:
        throughput["trivial_2"] = _throughput(port, [f"/api/jobs/{any_pk}/"], seconds)
        throughput["search_cached"] = _throughput(port, [page1], seconds)
        throughput["mix_cached"] = _throughput(port, [page1, deep, *near, *cold], seconds)
    finally:
        server.terminate()
        server.wait(timeout=30)

    django.db.connections.close_all()
    recall = _recall()
    return _report(results, throughput, recall, total_label, workers, main, compare)


def _compare(env, workers, baseline: Path, page1: str, main: dict, any_pk: int, n: int, seconds: float) -> dict:
    """This checkout and the baseline's side by side (page cache off), requests alternating between them."""
    ports = {"after": _free_port(), "before": _free_port()}
    env = {**env, "JOBS_SEARCH_CACHE_SECONDS": "0"}
    servers = [_start_server(env, ports["after"], workers), _start_server(env, ports["before"], workers, baseline)]
    page = f"/jobs/search/?{urlencode(main)}"
    try:
        latency = _latency_alternating([(f"{side} {name}", ports[side], path) for name, path in
                                        (("page", page), ("api", page1)) for side in ("before", "after")], n)
        throughput = {}
        for side in ("before", "after"):
            throughput[side] = {"trivial": _throughput(ports[side], [f"/api/jobs/{any_pk}/"], seconds),
                                "search": _throughput(ports[side], [page1], seconds),
                                "page": _throughput(ports[side], [page], seconds)}
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=30)
    return {"latency": latency, "throughput": throughput, "baseline": baseline}


def _compare_lines(compare: dict | None) -> list[str]:
    if not compare:
        return []
    lat, thr = compare["latency"], compare["throughput"]
    lines = ["", f"Before/after in this run (page cache off; before = the checkout at `{compare['baseline']}`, "
             "its server beside this one on the same data, one client alternating between them):", "",
             "| measure | before | after |", "| --- | ---: | ---: |"]
    for name, label in (("page", "网页 /jobs/search/ 关键词+区+月薪，第1页"), ("api", "接口 /api/jobs/ 同一查询")):
        lines.append(f"| {label}: p50 / p95 ms | {lat['before ' + name]['p50']:.1f} / {lat['before ' + name]['p95']:.1f} "
                     f"| {lat['after ' + name]['p50']:.1f} / {lat['after ' + name]['p95']:.1f} |")
    for name, label in (("search", "16 clients: API search / trivial endpoint"),
                        ("page", "16 clients: search page / trivial endpoint")):
        cells = [f"{thr[side][name]:.0f} / {thr[side]['trivial']:.0f} req/s = {thr[side][name] / thr[side]['trivial']:.0%}"
                 for side in ("before", "after")]
        lines.append(f"| {label} | {cells[0]} | {cells[1]} |")
    return lines


def _report(results, throughput, recall, total_label, workers, main, compare=None) -> dict:
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute("SHOW server_version")
        pg = cur.fetchone()[0]
        cur.execute("SELECT pg_size_pretty(pg_relation_size('posting_pub_grams'))")
        gin_size = cur.fetchone()[0]
    p1 = results[0][1]
    deep = results[1][1]
    checks = {
        "p95 < 30 ms (4 scenarios)": all(r["p95"] < 30 for _, r in results[:4]),
        "page 500 ≤ 2 × page 1 (p95)": deep["p95"] <= 2 * p1["p95"],
        "search page p95 ≤ 20 ms": results[5][1]["p95"] <= 20,
        "search ≥ ½ trivial under 16 clients (no page cache)": throughput["search"] >= throughput["trivial"] / 2,
        "search ≥ ½ trivial under 16 clients (page cache on)": throughput["search_cached"] >= throughput["trivial_2"] / 2,
        "recall 100%": all(r["recall"] == 1.0 for r in recall),
    }
    lines = [
        f"Run {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores · PostgreSQL {pg} · "
        f"Python {platform.python_version()} · gunicorn {workers} sync workers · client on the same machine",
        f"Data: {N_POSTINGS:,} published postings, {N_EMPLOYERS:,} employers (generated, cached in the bench "
        f"database); GIN gram index {gin_size}. Main query: `q={main['q']}` + 浦东新区 + 月薪≥{main['salary_floor']} "
        f"→ {total_label} matches.",
        "",
        "| scenario (HTTP, one client at a time, page cache off) | p50 ms | p95 ms | req/s | n |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for name, r in results:
        lines.append(f"| {name} | {r['p50']:.1f} | {r['p95']:.1f} | {r['rps']:.0f} | {r['n']} |")
    lines += [
        "",
        f"| {CONCURRENCY} concurrent clients, gunicorn {workers} sync workers | page cache off | page cache on (30 s) |",
        "| --- | ---: | ---: |",
        f"| trivial one-query endpoint `/api/jobs/<id>/` | {throughput['trivial']:.0f} | {throughput['trivial_2']:.0f} |",
        f"| search: keyword + district + salary floor, page 1 | {throughput['search']:.0f} "
        f"({throughput['search'] / throughput['trivial']:.0%}) | {throughput['search_cached']:.0f} "
        f"({throughput['search_cached'] / throughput['trivial_2']:.0%}) |",
        f"| search: mix of the scenarios above | {throughput['mix']:.0f} "
        f"({throughput['mix'] / throughput['trivial']:.0%}) | {throughput['mix_cached']:.0f} "
        f"({throughput['mix_cached'] / throughput['trivial_2']:.0%}) |",
        *_compare_lines(compare),
        "",
        "| keyword | postings containing it (LIKE) | returned | recall | extra |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for r in recall:
        lines.append(f"| {r['keyword']} | {r['truth']} | {r['found']} | {r['recall']:.0%} | {r['extra']} |")
    overall = sum(r["truth"] for r in recall)
    lines += ["", f"Recall over {len(recall)} keywords: {sum(r['found'] - r['extra'] for r in recall)}/{overall} "
              f"= {(sum(r['found'] - r['extra'] for r in recall) / overall if overall else 1):.2%}", "",
              "| target | met |", "| --- | --- |"]
    lines += [f"| {k} | {'yes' if v else '**no**'} |" for k, v in checks.items()]
    table = "\n".join(lines)
    _write_results(table)
    return {"table": table, "ok": True, "checks": checks}


def _write_results(table: str) -> None:
    from bench import write_section

    write_section("jobs_search", table)
