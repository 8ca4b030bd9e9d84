"""Periodic work of the jobseekers app (merged into CELERY_BEAT_SCHEDULE by settings)."""

from celery.schedules import crontab

SCHEDULE = {
    "jobseekers-followups-create-due": {
        "task": "jobseekers.tasks.followups_create_due_task",
        "schedule": crontab(hour=6, minute=10),
    },
    "jobseekers-imports-sweep": {
        "task": "jobseekers.tasks.imports_sweep_task",
        "schedule": crontab(minute="*/5"),
    },
}
