"""Periodic tasks of consulting (merged into CELERY_BEAT_SCHEDULE by settings); both are idempotent."""

from celery.schedules import crontab

SCHEDULE = {
    "consulting-generate-slots": {
        "task": "consulting.tasks.generate_slots",
        "schedule": crontab(hour=1, minute=10),
    },
    "consulting-send-reminders": {  # the day before, in the morning; a second run sends nothing twice
        "task": "consulting.tasks.send_reminders",
        "schedule": crontab(hour=9, minute=0),
    },
}
