"""Run every benchmark and print its table: `python -m bench [--quick]`."""

from __future__ import annotations

import sys

from bench import jobs_search

BENCHMARKS = [jobs_search]


def main(argv: list[str]) -> int:
    ok = True
    for module in BENCHMARKS:
        print(f"== {module.__name__}", flush=True)
        report = module.run(argv)
        print(report["table"], flush=True)
        ok = ok and report["ok"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
