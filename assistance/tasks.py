"""Celery tasks of assistance: thin wrappers around the engine."""

from celery import shared_task


@shared_task(name="assistance.tasks.run_engine")
def run_engine() -> int:
    from .engine import run_full

    return run_full().pk


@shared_task(name="assistance.tasks.reevaluate_archive")
def reevaluate_archive(archive_id: int) -> None:
    from .engine import reevaluate_archive as run

    run(archive_id)
