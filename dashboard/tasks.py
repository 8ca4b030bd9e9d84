from celery import shared_task

from . import services


@shared_task(name="dashboard.tasks.summaries_refresh_task")
def summaries_refresh_task() -> int:
    """Periodic (dashboard/beat.py); idempotent: a duplicate run writes the same rows."""
    return services.summaries_refresh().pk
