"""Benchmarks run by `make bench` (`python -m bench`): each module's `run()` returns result rows.

Each benchmark rewrites only its own "latest run" section of bench/RESULTS.md (between
`<!-- bench:NAME -->` and `<!-- /bench:NAME -->`); the design notes around the sections are kept.
"""

from __future__ import annotations

from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "RESULTS.md"


def write_section(name: str, body: str) -> None:
    """Replace (or append) the `name` section of bench/RESULTS.md with `body`."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = RESULTS.read_text(encoding="utf-8") if RESULTS.exists() else "# Benchmark results\n"
    block = f"{start}\n{body.strip()}\n{end}"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + block + after
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    RESULTS.write_text(text, encoding="utf-8")
