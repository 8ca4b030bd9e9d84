"""Tasks of core: thin, they call the module that does the work."""

from celery import shared_task

from . import queue


@shared_task(name="core.tasks.publish_queued", ignore_result=True)
def publish_queued() -> int:
    return queue.publish_due()


# Late ack + reject on a lost worker: an import whose worker dies is redelivered, not dropped; the importer's
# sweep catches what is never redelivered (the whole worker killed).
@shared_task(name="core.tasks.sheet_import_task", acks_late=True, reject_on_worker_lost=True)
def sheet_import_task(importer: str, job_id: int) -> int:
    """Run one spreadsheet import (core.imports) by its importer's registered name."""
    from .imports import importer_named

    return importer_named(importer).run(job_id).imported_rows


@shared_task(name="core.tasks.sheet_imports_sweep_task")
def sheet_imports_sweep_task(importer: str) -> int:
    """Every few minutes: the importer's stale jobs marked failed (retry offered); old uploads and reports deleted."""
    from .imports import importer_named

    return importer_named(importer).sweep()
