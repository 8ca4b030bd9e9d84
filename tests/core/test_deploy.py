"""Production settings: refuse to start without secrets, and `check --deploy` is clean."""

import base64
import os
import subprocess
import sys

from django.conf import settings


def _manage(*args, extra_env=None):
    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY",
                                                               "DJANGO_ALLOW_ASYNC_UNSAFE", "SMS_SENDER"}}
    env.update({"DJANGO_SETTINGS_MODULE": "config.settings.production", **(extra_env or {})})
    return subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env,
                          capture_output=True, text=True, timeout=120)


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set in production" in result.stderr


def test_check_deploy_is_clean_under_production_settings():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", extra_env={
        "SMS_SENDER": "disabled",
        "DJANGO_SECRET_KEY": "prod-" + base64.urlsafe_b64encode(os.urandom(48)).decode(),
        "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
    })
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def _secrets():
    return {"DJANGO_SECRET_KEY": "prod-" + base64.urlsafe_b64encode(os.urandom(48)).decode(),
            "FIELD_ENCRYPTION_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode()}


def test_production_refuses_to_start_without_an_sms_sender_chosen_explicitly():
    for value in (None, "log"):
        extra = _secrets() | ({"SMS_SENDER": value} if value else {})
        result = _manage("check", extra_env=extra)
        assert result.returncode != 0
        assert "SMS_SENDER must be set in production" in result.stderr


def test_production_refuses_an_aliyun_sender_without_its_credentials():
    result = _manage("check", extra_env=_secrets() | {"SMS_SENDER": "aliyun", "SMS_ALIYUN_SIGN_NAME": "某站"})
    assert result.returncode != 0
    assert "SMS_ALIYUN_ACCESS_KEY_ID" in result.stderr and "SMS_ALIYUN_SIGN_NAME" not in result.stderr
