"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from .imports import import_run
from .services import postings_expire_due


@shared_task(name="jobs.tasks.expire_postings")
def expire_postings() -> int:
    """Daily: published postings past their expiry date become expired (idempotent)."""
    return postings_expire_due()


@shared_task(name="jobs.tasks.posting_import_task", acks_late=True, reject_on_worker_lost=True)
def posting_import_task(user_id: int, station_id: int, token: str, file_name: str) -> None:
    """Parse and import an uploaded posting sheet (see jobs.imports: state kept in the cache)."""
    import_run(user_id=user_id, station_id=station_id, token=token, file_name=file_name)
