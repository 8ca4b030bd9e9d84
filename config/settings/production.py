"""Production settings: secrets have no defaults here."""

from django.core.exceptions import ImproperlyConfigured

from config.env import env, env_bool, env_int

from .base import *  # noqa: F403

for _name in ("DJANGO_SECRET_KEY", "FIELD_ENCRYPTION_KEY"):
    if not env(_name):
        raise ImproperlyConfigured(f"{_name} must be set in production.")

def check_sms_sender() -> None:
    """Production sends SMS only through a sender chosen on purpose: a real gateway, or "disabled"."""
    sender = env("SMS_SENDER", "")
    if sender in ("", "log"):
        raise ImproperlyConfigured(
            "SMS_SENDER must be set in production: 'aliyun' (with SMS_ALIYUN_*), a sender class path, "
            "or 'disabled' (messages are kept and marked 未发送)."
        )
    if sender == "aliyun":
        names = ("SMS_ALIYUN_ACCESS_KEY_ID", "SMS_ALIYUN_ACCESS_KEY_SECRET", "SMS_ALIYUN_SIGN_NAME",
                 "SMS_ALIYUN_TEMPLATE_CODE")
        missing = [n for n in names if not env(n)]
        if missing:
            raise ImproperlyConfigured("SMS_SENDER=aliyun needs " + ", ".join(missing))


check_sms_sender()

SECRET_KEY = env("DJANGO_SECRET_KEY")
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY")
DEBUG = False
DEMO_DATA_ALLOWED = False

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
