"""Extension points for apps above jobseekers, without jobseekers importing them.

- `ARCHIVE_CHANGED`: callables `(archive_id)` run by the services after an archive's status, key groups
  or other fields change (inside the service's transaction: a callback that wants the committed state
  defers itself with `transaction.on_commit`). Assistance re-evaluates entitlements this way.
(Panels on the archive page are `core.plugins` panels: `archive_main_panels` / `archive_side_panels`.)
Apps register in their `AppConfig.ready()`.
"""

from __future__ import annotations

from collections.abc import Callable

ARCHIVE_CHANGED: list[Callable[[int], None]] = []


def archive_changed(archive_id: int) -> None:
    for callback in ARCHIVE_CHANGED:
        callback(archive_id)
