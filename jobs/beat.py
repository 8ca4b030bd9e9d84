from celery.schedules import crontab

SCHEDULE = {
    "jobs-expire-postings": {"task": "jobs.tasks.expire_postings", "schedule": crontab(hour=0, minute=15)},
}
