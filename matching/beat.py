"""Periodic tasks of matching (merged into CELERY_BEAT_SCHEDULE by settings)."""

from celery.schedules import crontab

SCHEDULE = {
    "matching-refresh-recommendations": {
        "task": "matching.tasks.refresh_recommendations",
        "schedule": crontab(hour=2, minute=30),
    },
    "matching-send-pending-sms": {
        "task": "matching.tasks.send_pending_sms",
        "schedule": crontab(minute="*/5"),
    },
}
