"""Celery tasks of matching: thin wrappers around services."""

from celery import shared_task


@shared_task(name="matching.tasks.send_sms")
def send_sms(outbox_id: int) -> str | None:
    from .services import sms_send

    msg = sms_send(outbox_id=outbox_id)
    return msg.status if msg else None


@shared_task(name="matching.tasks.send_pending_sms")
def send_pending_sms() -> int:
    from .services import sms_send_due

    return sms_send_due()


@shared_task(name="matching.tasks.refresh_recommendations")
def refresh_recommendations(chunk_size: int = 500) -> int:
    from .batch import batch_refresh

    return batch_refresh(chunk_size=chunk_size).pk
