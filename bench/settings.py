"""Settings for the benchmark server: local settings without DEBUG, plain static storage (no collectstatic)."""

from config.env import env_int
from config.settings.local import *  # noqa: F403

# The search's page cache (jobs.selectors); the benchmark also measures with it off (0).
JOBS_SEARCH_CACHE_SECONDS = env_int("JOBS_SEARCH_CACHE_SECONDS", 30)

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
