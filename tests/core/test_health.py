"""/healthz as a load balancer sees it: 200 with the database and Redis state, 503 when the database is gone.

The outage is real, not mocked: the default connection is closed and pointed at a local port nothing listens
on, so the health check's own `SELECT 1` fails to connect; the settings are restored afterwards."""

from __future__ import annotations

import socket
from contextlib import contextmanager

import pytest
from django.db import connection
from django.test import override_settings


def unused_port() -> int:
    """A local TCP port with no listener (bound by the OS, then released)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def database_unreachable():
    saved = {key: connection.settings_dict.get(key) for key in ("HOST", "PORT")}
    connection.close()
    connection.settings_dict.update(HOST="127.0.0.1", PORT=str(unused_port()))
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


@pytest.mark.django_db
def test_healthz_is_200_for_anyone_with_both_services_up(client, world):
    for user in (None, world["staff"], world["city"]):
        client.logout()
        if user is not None:
            client.force_login(user)
        response = client.get("/healthz")
        assert response.status_code == 200
        assert response["Content-Type"] == "application/json"
        assert response.json() == {"database": "ok", "redis": "ok", "status": "ok"}


@pytest.mark.django_db(transaction=True)
def test_healthz_is_503_when_the_database_is_unreachable_and_recovers(client):
    assert client.get("/healthz").status_code == 200
    with database_unreachable():
        response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["status"] == "unavailable"
    assert data["database"].startswith("error: ") and "OperationalError" in data["database"]
    assert data["redis"] == "ok"
    # the database is back: so is the health check (and the connection works again)
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json()["database"] == "ok"
    with connection.cursor() as cur:
        cur.execute("SELECT 1")
        assert cur.fetchone() == (1,)


@pytest.mark.django_db(transaction=True)
def test_healthz_reports_both_when_database_and_redis_are_down(client):
    with database_unreachable(), override_settings(REDIS_URL=f"redis://127.0.0.1:{unused_port()}/0"):
        response = client.get("/healthz")
    assert response.status_code == 503
    data = response.json()
    assert data["database"].startswith("error") and data["redis"].startswith("error")
    assert data["status"] == "unavailable"
