"""Tasks of core: thin, they call the module that does the work."""

from celery import shared_task

from . import queue


@shared_task(name="core.tasks.publish_queued", ignore_result=True)
def publish_queued() -> int:
    return queue.publish_due()
