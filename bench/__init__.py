"""Benchmarks run by `make bench` (`python -m bench`): each module's `run()` returns result rows."""
