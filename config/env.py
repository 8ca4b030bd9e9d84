"""The one place that reads environment variables (settings call these; nothing else reads os.environ).

Development settings (local, test) may add the file `scripts/devenv.py` writes while it runs the
embedded servers (`var/services.env`, or `$DEVENV_VAR_DIR/services.env`) with `use_services_file()`:
its values count only where the environment sets nothing. Production settings never read it.
"""

from __future__ import annotations

import os
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
_from_file: dict[str, str] = {}


def env(name: str, default: str | None = None) -> str | None:
    """The variable, else the dev services file's value, else `default` (an empty value counts as unset)."""
    return os.environ.get(name) or _from_file.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = env(name)
    return default if value is None else value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    try:
        return default if value is None else int(value)
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be a whole number (got {value!r}).") from None


def env_float(name: str, default: float) -> float:
    value = env(name)
    try:
        return default if value is None else float(value)
    except ValueError:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured(f"{name} must be a number (got {value!r}).") from None


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in (env(name) or default).split(",") if item.strip()]


def var_dir() -> Path:
    """Where scripts/devenv.py keeps the embedded servers' data and the services file."""
    return Path(os.environ.get("DEVENV_VAR_DIR") or BASE_DIR / "var")


def services_file() -> Path:
    return var_dir() / "services.env"


def use_services_file() -> None:
    """Read the URLs of the embedded servers `make run` started (for manage.py in another shell)."""
    path = services_file()
    if not path.exists():
        return
    pairs = (line.split("=", 1) for line in path.read_text().splitlines() if "=" in line)
    _from_file.update({k.strip(): v.strip() for k, v in pairs})
