"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from .imports import import_run
from .services import postings_expire_due


@shared_task(name="jobs.tasks.expire_postings")
def expire_postings() -> int:
    """Daily: published postings past their expiry date become expired (idempotent)."""
    return postings_expire_due()


@shared_task(name="jobs.tasks.posting_import_task", acks_late=True, reject_on_worker_lost=True)
def posting_import_task(job_id: int) -> None:
    """Parse and import an uploaded posting sheet (see jobs.imports: an ImportJob row of kind "postings")."""
    import_run(job_id=job_id)
