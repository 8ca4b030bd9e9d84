"""Settings shared by every environment; everything deployment-specific comes from the environment."""

from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, env, env_float, env_int, env_list
from core.plugins import app_modules

SECRET_KEY = env("DJANGO_SECRET_KEY", "insecure-dev-key-change-me-0123456789abcdefghijklmnopqrstuvwxyz")
DEBUG = False
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

DJANGO_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",  # its widget templates, for FORM_RENDERER
]
THIRD_PARTY_APPS = [
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_celery_beat",
    "axes",
]
# The portal's own apps, from the ground floor up: an app imports only apps before it (README).
# Plug-ins (core/plugins.py) are discovered in this order.
LOCAL_APPS = ["core", "stations", "jobseekers", "jobs", "matching", "training", "assistance", "consulting",
              "dashboard"]
INSTALLED_APPS = DJANGO_APPS + THIRD_PARTY_APPS + LOCAL_APPS

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",  # LocaleMiddleware without Accept-Language
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.middleware.RequestContextMiddleware",
    "core.middleware.DeferredWorkMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.portal",
            ],
        },
    },
]
FORM_RENDERER = "core.forms.PortalFormRenderer"  # every field through templates/includes/field.html

_database_url = env("DATABASE_URL")
if not _database_url:
    raise ImproperlyConfigured(
        "DATABASE_URL is not set. Use `make run` / `make test` (they start an embedded PostgreSQL), "
        "or point DATABASE_URL at a PostgreSQL server."
    )
DATABASES = {"default": dj_database_url.parse(_database_url, conn_max_age=60, conn_health_checks=True)}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", "redis://127.0.0.1:6379/0")
# The cache is optional (core/cache.py): with Redis down pages are served uncached, never a 500.
CACHES = {
    "default": {
        "BACKEND": "core.cache.OptionalRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": "portal",
        "TIMEOUT": 300,
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 1.0},
    }
}

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

# Login throttling: 5 failures for the same username from the same address lock that pair for 30 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_SENSITIVE_PARAMETERS = ["password", "id_number", "phone"]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "var" / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Case documents (assistance): in the database unless DOCUMENT_STORAGE is set (README "Documents"):
#   "s3"               django-storages' S3Storage (pip install "django-storages[s3]"; AWS_* settings from env)
#   "directory:/path"  a directory every web and worker machine mounts (never under MEDIA_ROOT or a URL)
_document_storage = env("DOCUMENT_STORAGE", "") or ""
if _document_storage == "s3":
    STORAGES["documents"] = {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": {
        "bucket_name": env("AWS_STORAGE_BUCKET_NAME"), "endpoint_url": env("AWS_S3_ENDPOINT_URL"),
        "region_name": env("AWS_S3_REGION_NAME"), "default_acl": "private", "querystring_auth": True,
        "file_overwrite": False, "location": env("AWS_LOCATION", "portal")}}
elif _document_storage.startswith("directory:"):
    STORAGES["documents"] = {"BACKEND": "django.core.files.storage.FileSystemStorage",
                             "OPTIONS": {"location": _document_storage.removeprefix("directory:"), "base_url": None,
                                         "file_permissions_mode": 0o600}}
elif _document_storage:
    raise ImproperlyConfigured(f"DOCUMENT_STORAGE must be empty, 's3' or 'directory:/path', not {_document_storage!r}")
DOCUMENT_STORAGE = "documents" if _document_storage else ""
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "core.api.pagination.DefaultPagination",
    "PAGE_SIZE": 20,
    "DEFAULT_SCHEMA_CLASS": "core.api.exceptions.PortalAutoSchema",
    "EXCEPTION_HANDLER": "core.api.exceptions.exception_handler",  # one error body shape, see that module
    "DEFAULT_THROTTLE_RATES": {"anon": "120/minute", "public_form": "20/hour", "consulting_booking_address": "20/hour",
                               "consulting_booking_phone": "5/hour"},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "社区就业服务站门户 API",
    "DESCRIPTION": "Shanghai community employment service stations (15分钟就业服务圈).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # Shared vocabularies get one schema name wherever they appear (key groups, friendly-to tags, hours).
    "ENUM_NAME_OVERRIDES": {
        "KeyGroupEnum": "core.choices.KeyGroup",
        "HoursTypeEnum": "core.choices.HoursType",
        "SalaryUnitEnum": "core.choices.SalaryUnit",
        "CaseStateEnum": "assistance.models.Case.State",
        "CaseKindEnum": "assistance.models.Case.Kind",
        "PolicyKindEnum": "assistance.models.Policy.Kind",
        "EntitlementStateEnum": "assistance.models.Entitlement.State",
        "SkillLevelEnum": "jobseekers.models.SkillLevel",
        # several models name a field status/source: each its own enum name (else the W001 check warns)
        "PostingStatusEnum": "jobs.models.JobPosting.Status",
        "PostingSourceEnum": "jobs.models.JobPosting.Source",
        "LeadStatusEnum": "jobs.models.Lead.Status",
        "StatusEntrySourceEnum": "jobseekers.models.StatusEntry.Source",
        "SmsStatusEnum": "matching.models.SmsOutbox.Status",
        "BatchRunStatusEnum": "matching.models.BatchRun.Status",
        "EmploymentStatusEnum": "jobseekers.models.EmploymentStatus",
        "BookingChannelEnum": "consulting.models.BookingChannel",
        "PushChannelEnum": "matching.models.PushChannel",
    },
}

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
# A web request that queues work must not hang on a dead broker: publishing fails fast, the call stays in
# the outbox (core/queue.py) and the sweeper publishes it when the broker is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 1.0
CELERY_BROKER_TRANSPORT_OPTIONS = {"socket_connect_timeout": 1.0, "socket_timeout": 2.0, "max_retries": 0}
# Spreadsheet imports: a job without progress this long lost its worker (the sweeper fails it, retry
# offered); kept uploads and error reports are deleted this long after upload.
IMPORT_STALE_MINUTES = env_int("IMPORT_STALE_MINUTES", 15)
IMPORT_RETENTION_HOURS = env_int("IMPORT_RETENTION_HOURS", 24)
# Full exports (clear ID numbers and phones) by one user in 24 h above this many rows warn the district/city home.
FULL_EXPORT_WARN_ROWS = env_int("FULL_EXPORT_WARN_ROWS", 2000)

# Personal data: ID numbers and phones are encrypted at rest with this key (Fernet, base64 32 bytes)
# and looked up by an HMAC keyed with the same secret. Production must set its own.
FIELD_ENCRYPTION_KEY = env("FIELD_ENCRYPTION_KEY", "dGVzdC1vbmx5LWZpZWxkLWtleS0zMi1ieXRlcy0wMDA=")

# Walking-time estimate (no road network ships with the project): straight-line distance times a
# detour factor, at a walking speed. Shown on the coverage page and the finders.
WALK_DETOUR_FACTOR = env_float("WALK_DETOUR_FACTOR", 1.3)
WALK_SPEED_KMH = env_float("WALK_SPEED_KMH", 4.5)
WALK_CIRCLE_MINUTES = 15

# Dashboard (README "Dashboard"): published figures hide counts below this (shown "<10"); a directory of
# approved GeoJSON (审图号) replaces the schematic tile map: districts.geojson, <district code>.geojson.
STATISTICS_SUPPRESS_BELOW = env_int("STATISTICS_SUPPRESS_BELOW", 10)
DASHBOARD_MAP_GEOJSON = env("DASHBOARD_MAP_GEOJSON", "")

# SMS (matching/sms.py): `log` (development: nothing is sent, messages are marked 未发送),
# `disabled`, `aliyun`, or a dotted path to a sender class. Production must choose explicitly.
SMS_SENDER = env("SMS_SENDER", "log")
SMS_ALIYUN = {
    "access_key_id": env("SMS_ALIYUN_ACCESS_KEY_ID", ""),
    "access_key_secret": env("SMS_ALIYUN_ACCESS_KEY_SECRET", ""),
    "sign_name": env("SMS_ALIYUN_SIGN_NAME", ""),
    "template_code": env("SMS_ALIYUN_TEMPLATE_CODE", ""),
    "template_param": env("SMS_ALIYUN_TEMPLATE_PARAM", "content"),
    "endpoint": env("SMS_ALIYUN_ENDPOINT", "https://dysmsapi.aliyuncs.com/"),
    "region": env("SMS_ALIYUN_REGION", "cn-hangzhou"),
    "timeout": env_float("SMS_ALIYUN_TIMEOUT", 10.0),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}

# Periodic work: each app may have a `beat.py` with SCHEDULE = {...} (plain dicts, no model imports);
# django-celery-beat copies the entries into its tables, where admins can see and change them.
CELERY_BEAT_SCHEDULE: dict = {}
for _beat in app_modules("beat", apps=LOCAL_APPS):
    CELERY_BEAT_SCHEDULE.update(_beat.SCHEDULE)

# Startup guidance (consulting/): the address SMS links point at, how far ahead slots are generated, and the
# no-show rule (this many no-shows of one phone within the days given: book through the station instead).
PUBLIC_BASE_URL = env("PUBLIC_BASE_URL", "http://127.0.0.1:8000").rstrip("/")
CONSULTING_SLOT_WEEKS = env_int("CONSULTING_SLOT_WEEKS", 4)
CONSULTING_NO_SHOW_LIMIT = env_int("CONSULTING_NO_SHOW_LIMIT", 2)
CONSULTING_NO_SHOW_DAYS = env_int("CONSULTING_NO_SHOW_DAYS", 180)
CONSULTING_CANCEL_LINK_DAYS = env_int("CONSULTING_CANCEL_LINK_DAYS", 60)

# ---------------------------------------------------------------------------------------------------
# Hardening (issue 12): sessions, API tokens, client address, throttles, security headers.
# Kept together at the end of the file on purpose (see README "Security").
# ---------------------------------------------------------------------------------------------------
# Shared station PCs: a session ends after this many idle minutes, and in any case this many hours
# after login; the cookie dies with the browser.
SESSION_IDLE_TIMEOUT_MINUTES = env_int("SESSION_IDLE_TIMEOUT_MINUTES", 30)
SESSION_ABSOLUTE_HOURS = env_int("SESSION_ABSOLUTE_HOURS", 12)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_HOURS * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.messages.middleware.MessageMiddleware") + 1,
                  "core.security.SessionLifetimeMiddleware")
# API tokens (issued in the Django admin) are refused this many days after issue; owners revoke theirs
# with DELETE /api/me/token/, admins with DELETE /api/tokens/<user id>/.
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 30)
REST_FRAMEWORK["DEFAULT_AUTHENTICATION_CLASSES"] = [
    "core.security.ExpiringTokenAuthentication",
    "rest_framework.authentication.SessionAuthentication",
]
# The client address (login throttling, public throttles, audit): X-Forwarded-For is believed only from
# the proxies named here — TRUSTED_PROXIES (addresses or networks) or TRUSTED_PROXY_COUNT (how many
# proxies append to the header). Neither set: the header is ignored and the connection's address is used.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
MIDDLEWARE.insert(0, "core.security.ClientAddressMiddleware")
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
REST_FRAMEWORK["NUM_PROXIES"] = 0  # DRF reads REMOTE_ADDR, already the real client (never the raw header)
# Against password spraying: failed logins from one address over all usernames, per window.
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 30)
LOGIN_FAILURE_WINDOW_MINUTES = env_int("LOGIN_FAILURE_WINDOW_MINUTES", 60)
# Every anonymous page and endpoint is held to REST_FRAMEWORK's "anon" rate per client address.
MIDDLEWARE.insert(MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
                  "core.security.PublicThrottleMiddleware")
# Security headers on every response (core.security.SecurityHeadersMiddleware). data: images are
# Bootstrap's inline SVG icons (select arrows, close buttons); geolocation is the "use my location" button.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
                           "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; "
                           "form-action 'self'; frame-ancestors 'none'")
CONTENT_SECURITY_POLICY_RELAXED = ("default-src 'self'; script-src 'self' 'unsafe-inline'; "
                                   "style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self' data:; "
                                   "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'")
CSP_RELAXED_PATHS = ["/admin/", "/api/docs/"]
PERMISSIONS_POLICY = "geolocation=(self), camera=(), microphone=(), payment=(), usb=(), serial=(), bluetooth=()"
MIDDLEWARE.insert(1, "core.security.SecurityHeadersMiddleware")
# Key rotation without downtime: the new key in FIELD_ENCRYPTION_KEY, the old one(s) in
# FIELD_ENCRYPTION_OLD_KEYS (still accepted for reading) and in FIELD_HASH_KEY (lookup hashes stay valid);
# then `manage.py rotate_encryption_key` re-encrypts every row under the new key. See SECURITY.md.
FIELD_ENCRYPTION_OLD_KEYS = env_list("FIELD_ENCRYPTION_OLD_KEYS")
FIELD_HASH_KEY = env("FIELD_HASH_KEY", "")
