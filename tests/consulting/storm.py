"""Real concurrent booking requests: one thread per attempt, each through its own test client and its own
PostgreSQL connection, all released at once by a barrier. At most `connections` requests hold a connection at
the same time (the shared server allows 100 connections in all; CONSULTING_STORM_CONNECTIONS raises it)."""

from __future__ import annotations

import os
import threading
import time

from celery._state import _set_task_join_will_block
from django.db import connection
from django.test import Client

CONNECTIONS = int(os.environ.get("CONSULTING_STORM_CONNECTIONS", "20"))


def storm(attempts: list[tuple[int, str]], *, connections: int = CONNECTIONS) -> tuple[list[int], float]:
    """POST the public booking form once per (slot id, phone); returns the status codes and the seconds taken."""
    barrier = threading.Barrier(len(attempts) + 1)
    gate = threading.Semaphore(connections)
    statuses: list[int] = [0] * len(attempts)

    def one(i: int, slot_pk: int, phone: str) -> None:
        client = Client()
        barrier.wait()
        with gate:
            try:
                response = client.post(f"/consulting/book/{slot_pk}/", {
                    "name": f"居民{i}", "phone": phone, "topic": "开店咨询", "consent": "on"})
                statuses[i] = response.status_code
            except Exception:
                statuses[i] = 500
            finally:
                connection.close()

    threads = [threading.Thread(target=one, args=(i, slot, phone)) for i, (slot, phone) in enumerate(attempts)]
    for t in threads:
        t.start()
    barrier.wait()
    started = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    # Eager Celery (test settings) keeps "inside a task" in one process-global flag that each eager task sets and
    # restores; tasks finishing in parallel threads can leave it set, and later `.get()` calls would then refuse.
    _set_task_join_will_block(False)
    return statuses, elapsed


def phones(n: int) -> list[str]:
    return [f"139{i:08d}" for i in range(n)]
