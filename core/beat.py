"""Periodic work of core (merged into CELERY_BEAT_SCHEDULE by settings)."""

SCHEDULE = {
    "core-publish-queued-tasks": {"task": "core.tasks.publish_queued", "schedule": 60.0},
}
