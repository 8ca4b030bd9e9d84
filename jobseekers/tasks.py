"""Celery tasks: thin wrappers around the services and the import."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import imports, services


@shared_task(name="jobseekers.tasks.followups_create_due_task")
def followups_create_due_task(today: str | None = None) -> int:
    """Daily: create the follow-up tasks that fall due (idempotent; `today` as ISO date moves time in tests)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return services.followups_create_due(today=day)


# Late ack + reject on a lost worker: an import whose worker dies is redelivered, not dropped; the sweeper
# below catches what is never redelivered (the whole worker killed).
@shared_task(name="jobseekers.tasks.import_run_task", acks_late=True, reject_on_worker_lost=True)
def import_run_task(job_id: int) -> int:
    return imports.run_import(job_id).imported_rows


@shared_task(name="jobseekers.tasks.imports_sweep_task")
def imports_sweep_task() -> int:
    """Every few minutes: stale imports marked failed (retry offered); old uploads and reports deleted."""
    return imports.sweep()
