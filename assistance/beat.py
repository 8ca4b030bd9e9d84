"""Periodic tasks of assistance (merged into CELERY_BEAT_SCHEDULE by settings)."""

from celery.schedules import crontab

SCHEDULE = {
    "assistance-entitlements-nightly": {
        "task": "assistance.tasks.run_engine",
        "schedule": crontab(hour=3, minute=15),
    },
}
