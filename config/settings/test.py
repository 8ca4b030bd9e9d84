"""Settings for the test suite (still PostgreSQL and Redis: no SQLite, no mocked services)."""

from config.env import use_services_file

use_services_file()  # the embedded servers `make test` started

from .base import *  # noqa: E402, F403

DEBUG = False
DEMO_DATA_ALLOWED = True
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
REST_FRAMEWORK = {**REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {  # noqa: F405
    "anon": "10000/minute", "public_form": "10000/hour", "consulting_booking_address": "10000/hour",
    "consulting_booking_phone": "10000/hour"}}
