"""Production settings: refuse to start without secrets, and `check --deploy` is clean."""

import base64
import os
import subprocess
import sys

from django.conf import settings


def _manage(*args, extra_env=None):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY",
                                                               "DJANGO_ALLOW_ASYNC_UNSAFE"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **(extra_env or {})})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env={
        "DJANGO_SECRET_KEY": "prod-" + base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    })
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout
