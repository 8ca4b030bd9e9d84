"""Layers point one way (README): core imports no app, and an app imports only apps before it in
LOCAL_APPS (core < stations < jobseekers, jobs < matching < the apps built on them). Migrations excluded."""

import ast
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR)


def imported_apps(app: str) -> dict[str, set[str]]:
    """{other app: files of `app` importing it}, lazy imports inside functions included."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / app).rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                modules = [node.module]
            else:
                continue
            for module in modules:
                top = module.partition(".")[0]
                if top in settings.LOCAL_APPS and top != app:
                    found.setdefault(top, set()).add(str(path.relative_to(ROOT)))
    return found


def test_no_app_imports_an_app_above_it():
    upward = {}
    for i, app in enumerate(settings.LOCAL_APPS):
        for other, files in imported_apps(app).items():
            if settings.LOCAL_APPS.index(other) > i:
                upward[f"{app} -> {other}"] = sorted(files)
    assert upward == {}


def test_core_imports_no_app():
    assert imported_apps("core") == {}
