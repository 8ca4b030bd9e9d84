"""Celery tasks: thin wrappers around services."""

from celery import shared_task

from .services import postings_expire_due


@shared_task(name="jobs.tasks.expire_postings")
def expire_postings() -> int:
    """Daily: published postings past their expiry date become expired (idempotent)."""
    return postings_expire_due()
