"""Celery tasks: thin wrappers around the services."""

import datetime as dt

from celery import shared_task
from django.utils import timezone

from . import services


@shared_task(name="jobseekers.tasks.followups_create_due_task")
def followups_create_due_task(today: str | None = None) -> int:
    """Daily: create the follow-up tasks that fall due (idempotent; `today` as ISO date moves time in tests)."""
    day = dt.date.fromisoformat(today) if today else timezone.localdate()
    return services.followups_create_due(today=day)


@shared_task(name="jobseekers.tasks.import_run_task")
def import_run_task(job_id: int) -> int:
    return services.import_run(job_id=job_id).imported_rows
