"""The figures and trends every app declares in its `figures.py` (core/figures.py), in LOCAL_APPS order."""

from __future__ import annotations

from core.figures import Figure, Ratio, Trend
from core.plugins import app_modules


def figures() -> list[Figure | Ratio]:
    return [f for module in app_modules("figures") for f in getattr(module, "FIGURES", [])]


def stored_figures() -> list[Figure]:
    """Figures kept in the summary tables (not live, not ratios)."""
    return [f for f in figures() if isinstance(f, Figure) and not f.live]


def trends() -> list[Trend]:
    return [t for module in app_modules("figures") for t in getattr(module, "TRENDS", [])]
