"""One plug-in discovery: the portal's apps contribute to shared pages and commands by module name.

`app_modules("panels")` imports `<app>.panels` for each app of LOCAL_APPS that has one, in LOCAL_APPS
order (core first, then up the layers), so core never imports an app above it by name. Plug-in names
in use (README "Adding an app"): `panels` (home and coverage page panels), `beat` (periodic tasks),
`demo` (demo data), `reference` (reference data), `figures` (dashboard figures, core/figures.py), `urls`,
`api.urls` and `public_urls` (URL includes: under /<app>/, /api/, the site root), and the template
`includes/nav/<app>.html` (navigation).
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache
from importlib import import_module
from types import ModuleType


def _local_apps() -> list[str]:
    from django.conf import settings

    return list(settings.LOCAL_APPS)


def app_modules(name: str, *, apps: Iterable[str] | None = None) -> list[ModuleType]:
    """`<app>.<name>` of every app that has it. An import error inside an existing module propagates.

    `apps` defaults to settings.LOCAL_APPS; settings themselves pass their list (they cannot read
    django.conf.settings while being built).
    """
    modules = []
    for app in _local_apps() if apps is None else apps:
        dotted = f"{app}.{name}"
        try:
            modules.append(import_module(dotted))
        except ModuleNotFoundError as exc:
            # only "this app has no such module" is skipped, never a missing import inside it
            parts = dotted.split(".")
            if exc.name not in {".".join(parts[:i]) for i in range(2, len(parts) + 1)}:
                raise
    return modules


def app_label(module: ModuleType) -> str:
    """The app a plug-in module belongs to: `jobs` for `jobs.api.urls`."""
    return module.__name__.partition(".")[0]


def panels(kind: str, **kwargs) -> list[dict]:
    """Panels the apps add to a shared page: `<app>/panels.py` may define `<kind>_panels(**kwargs)`
    returning [{"template": ..., "context": {...}}, ...]; e.g. `staff_panels(request=...)`."""
    result = []
    for module in app_modules("panels"):
        builder = getattr(module, f"{kind}_panels", None)
        if builder is not None:
            result.extend(builder(**kwargs))
    return result


@cache
def nav_templates() -> tuple[str, ...]:
    """`includes/nav/<app>.html` of every app that has one, in LOCAL_APPS order (for base.html)."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    found = []
    for app in _local_apps():
        name = f"includes/nav/{app}.html"
        try:
            get_template(name)
        except TemplateDoesNotExist:
            continue
        found.append(name)
    return tuple(found)
