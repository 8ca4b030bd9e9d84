"""Settings for the benchmark server: local settings without DEBUG, plain static storage (no collectstatic)."""

from config.settings.local import *  # noqa: F403

DEBUG = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
