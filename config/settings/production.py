"""Production settings: secrets have no defaults here."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env, env_bool

for _name in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY"):
    if not os.environ.get(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production.")

def check_sms_sender(environ) -> None:
    """Production sends SMS only through a sender chosen on purpose: a real gateway, or "disabled"."""
    sender = environ.get("SMS_SENDER", "")
    if sender in ("", "log"):
        raise ImproperlyConfigured(
            "SMS_SENDER must be set in production: 'aliyun' (with SMS_ALIYUN_*), a sender class path, "
            "or 'disabled' (messages are kept and marked 未发送)."
        )
    if sender == "aliyun":
        names = ("SMS_ALIYUN_ACCESS_KEY_ID", "SMS_ALIYUN_ACCESS_KEY_SECRET", "SMS_ALIYUN_SIGN_NAME",
                 "SMS_ALIYUN_TEMPLATE_CODE")
        missing = [n for n in names if not environ.get(n)]
        if missing:
            raise ImproperlyConfigured("SMS_SENDER=aliyun needs " + ", ".join(missing))


check_sms_sender(os.environ)

SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
FIELD_ENCRYPTION_KEY = os.environ["FIELD_ENCRYPTION_KEY"]
DEBUG = False
DEMO_DATA_ALLOWED = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = int(env("DJANGO_SECURE_HSTS_SECONDS", "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
