"""Extension points for apps above jobseekers, without jobseekers importing them.

- `ARCHIVE_CHANGED`: callables `(archive_id)` run by the services after an archive's status, key groups
  or other fields change (inside the service's transaction: a callback that wants the committed state
  defers itself with `transaction.on_commit`). Assistance re-evaluates entitlements this way.
- `ARCHIVE_PANELS`: callables `(request, archive)` returning `{"template": ..., "context": {...}}` or None,
  shown on the archive detail page.
Apps register in their `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable

ARCHIVE_CHANGED: list[Callable[[int], None]] = []
ARCHIVE_PANELS: list[Callable] = []


def archive_changed(archive_id: int) -> None:
    for callback in ARCHIVE_CHANGED:
        callback(archive_id)


def archive_panels(request, archive) -> list[dict]:
    panels = []
    for provider in ARCHIVE_PANELS:
        panel = provider(request, archive)
        if panel:
            panels.append(panel)
    return panels
