"""Developer settings: what `make run` uses."""

from config.env import env_bool, use_services_file

use_services_file()  # the embedded servers `make run` started, for manage.py in another shell

from .base import *  # noqa: E402, F403

# Off by default so `make run` shows the portal's own Chinese 404/500 pages, as residents will see them;
# DJANGO_DEBUG=1 brings Django's debug pages back. WhiteNoise serves static files from the apps meanwhile.
DEBUG = env_bool("DJANGO_DEBUG", False)
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
DEMO_DATA_ALLOWED = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
