"""Periodic work of the dashboard (merged into CELERY_BEAT_SCHEDULE by settings).

The summary tables are refreshed every REFRESH_MINUTES: a dashboard figure is at most that old (plus
one run, see bench/RESULTS.md); the page shows the time its figures are as of.
"""

REFRESH_MINUTES = 10

SCHEDULE = {
    "dashboard-summaries-refresh": {
        "task": "dashboard.tasks.summaries_refresh_task",
        "schedule": REFRESH_MINUTES * 60.0,
    },
}
