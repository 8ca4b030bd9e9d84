"""Time the coverage query (share of archives within a 15-minute walk) and the finder's nearest query.

Run: DATABASE_URL=... python manage.py shell < bench/stations_coverage.py
Inserts synthetic stations and archives inside a transaction that is rolled back.
"""

import random
import statistics
import time

from django.db import connection, transaction

from core.geo import walk_radius_m
from jobseekers.models import JobseekerArchive
from stations.models import Station, Street
from stations.selectors import archive_coverage, stations_nearest

N_ARCHIVES, N_STATIONS = 100_000, 400
rng = random.Random(1)


def timed(fn, repeat=5):
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), max(runs)


with transaction.atomic():
    streets = list(Street.objects.all())
    Station.objects.bulk_create([
        Station(code=f"BENCH-{i}", name=f"bench {i}", street=rng.choice(streets), status="operating",
                lat=rng.uniform(30.9, 31.4), lng=rng.uniform(121.2, 121.8)) for i in range(N_STATIONS)])
    station = Station.objects.first()
    with connection.cursor() as cur:
        cur.execute(
            """INSERT INTO jobseekers_jobseekerarchive (created_at, updated_at, station_id, name,
                 id_number_encrypted, id_number_hash, id_number_last4, birth_date, sex, phone_encrypted, address,
                 lat, lng, education, skills, desired_hours, max_commute_minutes, key_groups,
                 is_open, closed_reason, current_status, consent_scope, hukou, school, work_history, version)
               SELECT now(), now(), %s, 'b', 'x', 'bench-' || g, '0000', '1980-01-01', 'M', '', '',
                 30.9 + random() * 0.5, 121.2 + random() * 0.6, '', '', 'full_time', 30, '{}', true, '',
                 'unemployed', 'service', 'local', '', '', 1
               FROM generate_series(1, %s) g""", [station.pk, N_ARCHIVES])
    cur = connection.cursor()
    cur.execute("ANALYZE stations_station; ANALYZE jobseekers_jobseekerarchive;")
    archives = JobseekerArchive.objects.active()
    result = archive_coverage(archives=archives, radius_m=walk_radius_m())
    for jit in ("on", "off"):
        cur.execute(f"SET LOCAL jit = {jit}")
        med, worst = timed(lambda: archive_coverage(archives=archives, radius_m=walk_radius_m()), repeat=3)
        print(f"coverage over {N_ARCHIVES} archives / {N_STATIONS} stations (jit {jit}): {result.percent}, "
              f"median {med:.0f} ms, max {worst:.0f} ms")
    med, worst = timed(lambda: stations_nearest(lat=31.2, lng=121.45, limit=8), repeat=20)
    print(f"nearest 8 stations: median {med:.1f} ms, max {worst:.1f} ms")
    transaction.set_rollback(True)
