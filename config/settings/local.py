"""Developer settings: what `make run` uses."""

from config.env import env_bool, use_services_file

use_services_file()  # the embedded servers `make run` started, for manage.py in another shell

from .base import *  # noqa: E402, F403

DEBUG = env_bool("DJANGO_DEBUG", True)
DEMO_DATA_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
