"""Run every benchmark and print its table: `python -m bench [--quick] [--only jobs_search|matching]`.

Each benchmark runs in a process of its own against a database of its own (`<name>_bench` for job
search, `<name>_bench_<benchmark>` for the others), so generated data never mixes with the portal's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCHMARKS = ["jobs_search", "matching", "training", "assistance", "consulting", "dashboard"]


def _own_database(name: str) -> None:
    """Point this process at the benchmark's own database, migrated, with the reference data."""
    from bench.jobs_search import _bench_url, _ensure_database, _manage

    url = _bench_url(os.environ["DATABASE_URL"]) + f"_{name}"
    _ensure_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "bench.settings", "DJANGO_DEBUG": "0"}
    _manage(env, "migrate")
    _manage(env, "load_reference_data")
    os.environ.update(env)


def _one(name: str, argv: list[str]) -> int:
    import importlib

    if name == "jobs_search":
        from bench import jobs_search

        report = jobs_search.run(argv)
        print(report["table"], flush=True)
        return 0 if report["ok"] else 1
    if name not in BENCHMARKS:
        raise SystemExit(f"unknown benchmark {name}")
    _own_database(name)
    if name == "dashboard":
        importlib.import_module("bench.dashboard").run(argv)
        return 0
    if name == "training":
        import django

        django.setup()
        report = importlib.import_module("bench.training").run()
        print(report["table"], flush=True)
        return 0 if report["ok"] else 1
    importlib.import_module(f"bench.{name}").run()
    return 0


def main(argv: list[str]) -> int:
    if argv[:1] == ["--one"]:
        return _one(argv[1], argv[2:])
    only = argv[argv.index("--only") + 1] if "--only" in argv else None
    rest = [a for i, a in enumerate(argv) if a != "--only" and (i == 0 or argv[i - 1] != "--only")]
    status = 0
    for name in BENCHMARKS:
        if only and name != only:
            continue
        print(f"== {name}", flush=True)
        rc = subprocess.run([sys.executable, "-m", "bench", "--one", name, *rest], cwd=ROOT).returncode
        status = status or rc
    return status


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
