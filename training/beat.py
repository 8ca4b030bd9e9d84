"""Periodic tasks of training (merged into CELERY_BEAT_SCHEDULE by settings)."""

from celery.schedules import crontab

SCHEDULE = {
    # Expire lapsed waitlist offers and offer each freed seat to the next waiting person.
    "training-run-waitlist": {
        "task": "training.tasks.run_waitlist",
        "schedule": crontab(minute="*/10"),
    },
}
