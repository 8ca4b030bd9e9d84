"""Celery tasks of consulting: thin wrappers around services (idempotent; beat runs them, see beat.py)."""

from celery import shared_task


@shared_task(name="consulting.tasks.generate_slots")
def generate_slots() -> int:
    from .services import slots_generate

    return slots_generate()


@shared_task(name="consulting.tasks.send_reminders")
def send_reminders() -> int:
    from .services import reminders_send

    return reminders_send()
