"""Celery work queued by a write survives a broker outage: a transactional outbox of task calls.

`enqueue("app.tasks.name", kwargs)` inside the write's transaction stores the call (`QueuedTask`); once
the transaction commits it is published and the row deleted. If the broker cannot be reached the row
stays, the request goes on (the user is told "已提交，稍后处理" where a view asks `queue.watch()`), and
the beat task `core.tasks.publish_queued` publishes it again once the broker is back. A call may
therefore run twice (published, then the row's delete lost): every queued task is idempotent.
"""

from __future__ import annotations

import contextvars
import importlib
import logging
from contextlib import contextmanager
from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from kombu.exceptions import OperationalError

logger = logging.getLogger("core.queue")

# A published row older than this is the sweeper's; younger ones may still be in their on-commit publish.
SWEEP_AFTER = timedelta(seconds=30)
_deferred: contextvars.ContextVar[list | None] = contextvars.ContextVar("queue_deferred", default=None)


def enqueue(task: str, *, after_commit: bool = True, **kwargs) -> None:
    """Queue `task(**kwargs)` to run after the current transaction commits (now, outside one).
    `after_commit=False` publishes at once: for a call that reads no row of the current transaction."""
    from .models import QueuedTask

    row = QueuedTask.objects.create(task=task, kwargs=kwargs)
    if after_commit:
        transaction.on_commit(lambda: publish(row.pk))
    else:
        publish(row.pk)


def publish(pk: int) -> bool:
    """Hand one stored call to the broker; False (and the row kept, with the error) when it is down."""
    from celery import current_app

    from .models import QueuedTask

    row = QueuedTask.objects.filter(pk=pk).first()
    if row is None:
        return True
    if row.task not in current_app.tasks:  # task names are "<module>.<function>": load the module on first use
        importlib.import_module(row.task.rsplit(".", 1)[0])
    try:
        current_app.tasks[row.task].apply_async(kwargs=row.kwargs, retry=False)
    except OperationalError as exc:
        QueuedTask.objects.filter(pk=pk).update(attempts=row.attempts + 1, last_error=str(exc)[:300])
        logger.warning("broker unavailable, %s kept for later (%s)", row.task, type(exc).__name__)
        deferred = _deferred.get()
        if deferred is not None:
            deferred.append(row.task)
        return False
    QueuedTask.objects.filter(pk=pk).delete()
    return True


def publish_due(*, now=None, limit: int = 500) -> int:
    """The sweeper: publish every stored call the on-commit publish did not get out; returns how many went."""
    now = now or timezone.now()
    from .models import QueuedTask

    ids = list(QueuedTask.objects.filter(created_at__lte=now - SWEEP_AFTER).order_by("pk")
               .values_list("pk", flat=True)[:limit])
    sent = 0
    for pk in ids:
        if not publish(pk):
            break  # the broker is still down: the next run tries again
        sent += 1
    return sent


class Watch:
    def __init__(self) -> None:
        self.tasks: list[str] = []

    @property
    def deferred(self) -> bool:
        return bool(self.tasks)


@contextmanager
def watch():
    """`with queue.watch() as w: service(...)`, then `w.deferred` says whether its work waits for the broker."""
    w = Watch()
    token = _deferred.set(w.tasks)
    try:
        yield w
    finally:
        _deferred.reset(token)
