"""No double booking under load: the consulting booking storms of tests/consulting/test_concurrency.py, timed.

In its own database (`<DATABASE_URL name>_bench_consulting`): one expert with a weekly session, then
  1. 100 concurrent requests (one thread each, through the public booking page) for one slot;
  2. 200 concurrent requests spread over 20 slots;
each run three times on fresh slots. Reports the wall time, the status codes and the bookings made; a run
that books more than one per slot, overlaps, or answers a 5xx fails the benchmark. At most
CONSULTING_STORM_CONNECTIONS (default 20) requests hold a PostgreSQL connection at once.
"""

from __future__ import annotations

import datetime as dt
import os
import statistics
from collections import Counter

import django

RUNS = 3


def _setup():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")
    django.setup()
    from django.conf import settings

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {
        **settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "consulting_booking_address": "1000000/hour",
        "consulting_booking_phone": "1000000/hour"}}
    settings.SMS_SENDER = "disabled"
    import logging

    logging.getLogger("django.request").setLevel(logging.ERROR)  # 409s are the expected answer, not news


def _world():
    from django.utils import timezone

    from consulting.models import Expert, Session
    from stations.models import Station, Street

    street = Street.objects.get(code="310104014")
    station, _ = Station.objects.get_or_create(code="BENCH-C-01", defaults={
        "name": "压测社区就业服务站", "street": street, "address": "压测路 1 号", "lat": 31.19, "lng": 121.43,
        "status": Station.Status.OPERATING})
    expert, _ = Expert.objects.get_or_create(name="压测专家", defaults={"district": street.district, "fields": ["餐饮"]})
    session, _ = Session.objects.get_or_create(expert=expert, defaults={
        "station": station, "weekday": 0, "start_time": dt.time(8), "end_time": dt.time(20), "slot_minutes": 10,
        "valid_from": timezone.localdate()})
    return session


def _fresh_slots(session, n: int, offset_days: int):
    from django.utils import timezone

    from consulting.models import Appointment, AppointmentNotice, Slot
    from matching.models import SmsOutbox

    AppointmentNotice.objects.filter(appointment__expert=session.expert).delete()
    Appointment.objects.filter(expert=session.expert).delete()
    SmsOutbox.objects.filter(station=session.station).delete()
    Slot.objects.filter(session=session).delete()
    start = timezone.now().replace(microsecond=0) + dt.timedelta(days=offset_days)
    return [Slot.objects.create(session=session, expert=session.expert, station=session.station,
                                start=start + dt.timedelta(minutes=10 * i), end=start + dt.timedelta(minutes=10 * i + 10))
            for i in range(n)]


def run() -> None:
    _setup()
    from bench import write_section
    from consulting.models import Appointment
    from tests.consulting.storm import CONNECTIONS, phones, storm
    from tests.consulting.test_concurrency import _overlaps

    session = _world()
    rows, ok = [], True
    for label, n_slots, n_requests in (("100 requests, 1 slot", 1, 100), ("200 requests, 20 slots", 20, 200)):
        times, statuses, booked = [], Counter(), []
        for run_no in range(RUNS):
            slots = _fresh_slots(session, n_slots, 1 + run_no)
            codes, seconds = storm([(slots[i % n_slots].pk, p) for i, p in enumerate(phones(n_requests))])
            times.append(seconds)
            statuses.update(codes)
            made = Appointment.objects.filter(expert=session.expert).active().count()
            booked.append(made)
            ok = ok and made == n_slots and _overlaps() == 0 and not any(c >= 500 for c in codes)
        rows.append(f"| {label} | {RUNS} | {statistics.median(times):.2f} s | {max(times):.2f} s | "
                    f"{', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))} | {booked} |")
    table = "\n".join([
        f"Latest run: {dt.datetime.now():%Y-%m-%d %H:%M}, {os.cpu_count()} cores, at most {CONNECTIONS} "
        "connections at once; every request a real POST of the public booking page (Django test client, "
        "one thread each).",
        "",
        "| storm | runs | median wall time | slowest | status codes (all runs) | bookings per run |",
        "| --- | --- | --- | --- | --- | --- |",
        *rows,
        "",
        f"Result: {'exactly one booking per slot, no overlap, no 5xx' if ok else 'FAILED'}.",
    ])
    print(table)
    write_section("consulting", "## Consulting: concurrent booking\n\n" + table)
    if not ok:
        raise SystemExit(1)
