"""Celery tasks of training: thin wrappers around services."""

from celery import shared_task


@shared_task(name="training.tasks.offer_freed_places")
def offer_freed_places(program_id: int) -> int:
    from .services import waitlist_offer_next

    return len(waitlist_offer_next(program_id=program_id))


@shared_task(name="training.tasks.run_waitlist")
def run_waitlist() -> dict:
    from .services import waitlist_run

    return waitlist_run()
