"""Periodic tasks of training (merged into CELERY_BEAT_SCHEDULE by settings)."""

from celery.schedules import crontab

SCHEDULE = {
    # Expire lapsed waitlist offers and offer each freed seat to the next waiting person.
    "training-run-waitlist": {
        "task": "training.tasks.run_waitlist",
        "schedule": crontab(minute="*/10"),
    },
    # Program imports whose worker was lost are marked failed (retry offered); old uploads and reports deleted.
    "training-program-imports-sweep": {
        "task": "core.tasks.sheet_imports_sweep_task",
        "kwargs": {"importer": "programs"},
        "schedule": crontab(minute="*/5"),
    },
}
