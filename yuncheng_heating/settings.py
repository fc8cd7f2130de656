"""Settings for the Yuncheng clean-heating reporting system.

Everything that differs between a developer's laptop and the intranet server comes from the
environment. The defaults are the production-safe ones: without ``DEBUG=1`` the process refuses to
start unless it is given a secret key, allowed hosts and a database.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.pii_keys import PiiKeyError, load_keyring

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


DEBUG = env_bool("DEBUG")

SECRET_KEY = os.environ.get("SECRET_KEY", "")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
DATABASE_URL = os.environ.get("DATABASE_URL", "")
try:
    # Keys for residents' ID and phone numbers (households.pii); see core/pii_keys.py.
    PII_KEYRING = load_keyring(os.environ.get("PII_KEYS", ""), os.environ.get("PII_INDEX_KEY", ""), debug=DEBUG)
except PiiKeyError as exc:
    raise ImproperlyConfigured(str(exc)) from None

if DEBUG:
    SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-do-not-use-in-production"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "testserver"]
    DATABASE_URL = DATABASE_URL or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
else:
    missing = [
        name
        for name, value in (
            ("SECRET_KEY", SECRET_KEY),
            ("ALLOWED_HOSTS", ALLOWED_HOSTS),
            ("DATABASE_URL", DATABASE_URL),
            ("PII_KEYS", PII_KEYRING),
            ("PII_INDEX_KEY", PII_KEYRING),
        )
        if not value
    ]
    if missing:
        raise ImproperlyConfigured(
            "Production settings need these environment variables: "
            + ", ".join(missing)
            + " (or set DEBUG=1 for development)."
        )

CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    # knox and django-tasks' database backend under Chinese names in the admin (vendor_apps.py).
    "yuncheng_heating.vendor_apps.KnoxConfig",
    "axes",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "import_export",
    "csp",
    "captcha",
    "django_tasks",
    "yuncheng_heating.vendor_apps.TasksDatabaseConfig",
    "counties",
    "subsidies",
    "reports",
    "households",
    "accounts",
    "inspections",
    # The year-end assessment composes every domain app's records.
    "assessments",
    # Backup and restore, health and readiness, metrics: above every domain app, below the site.
    "operations",
    # The top layer: home page, to-do lists, demo seeding; bench: benchmark commands.
    "yuncheng_heating",
    "bench",
]

MIDDLEWARE = [
    # First: every response and every log record of the request carry its id (core/request_id.py).
    "core.request_id.RequestIdMiddleware",
    # Then the access log line and the request metrics, timing everything inside them.
    "core.access_log.AccessLogMiddleware",
    "operations.middleware.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChineseFirstLocaleMiddleware",
    # Before anything that reads the body (RejectNul reads form and JSON bodies).
    "core.middleware.RequestSizeLimitMiddleware",
    "core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    # A database or cache outage raised by a view is a 503 with Retry-After (core/unavailable.py).
    "core.unavailable.ServiceUnavailableMiddleware",
    # A write a service refused with ConflictError (a closed year): 409 with its message, not a 500.
    "core.middleware.ConflictPageMiddleware",
    # last: turns a login refused by a lock into the lockout response (accounts.lockout)
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "yuncheng_heating.urls"

# Background tasks (django-tasks, the backport of Django 6's django.tasks): queued in the database,
# run by `manage.py db_worker` (README: workers under systemd). The tests run them immediately.
TASKS = {"default": {"BACKEND": os.environ.get("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}}

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
                "counties.context_processors.roles",
            ],
            "builtins": ["counties.templatetags.heating"],
        },
    },
]

WSGI_APPLICATION = "yuncheng_heating.wsgi.application"

# Persistent connections are checked before reuse, so that a database restart does not turn the first
# request of every worker into a 500.
DATABASES = {
    "default": dj_database_url.parse(
        DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", "60")), conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # `make run` has the server and a task worker on one file: WAL lets readers and the writer go on
    # side by side, IMMEDIATE takes the write lock when a transaction starts (not halfway, where SQLite
    # cannot wait and answers "database is locked") and the timeout is how long a writer waits for it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": int(os.environ.get("SQLITE_TIMEOUT_SECONDS", "20")),
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Upload limit for spreadsheets; documented in README.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
# How long after a plan's deadline its residents' names, ID and phone numbers are kept
# (purge_personal_data refuses earlier); documented in README.
PII_RETENTION_DAYS = int(os.environ.get("PII_RETENTION_DAYS", str(3 * 365)))
FILE_UPLOAD_MAX_BYTES = int(os.environ.get("FILE_UPLOAD_MAX_BYTES", str(20 * 1024 * 1024)))

# Field inspections (issue 14): photos are personal data, stored through the default storage
# (MEDIA_ROOT on disk unless STORAGES["default"] says otherwise) and served only by a scoped view.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"
# The year-end assessment: days a county may object after publication, and an objection's attachment.
ASSESSMENT_OBJECTION_DAYS = int(os.environ.get("ASSESSMENT_OBJECTION_DAYS", "5"))
ASSESSMENT_ATTACHMENT_MAX_BYTES = int(os.environ.get("ASSESSMENT_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)))
INSPECTION_PHOTO_MAX_BYTES = int(os.environ.get("INSPECTION_PHOTO_MAX_BYTES", str(10 * 1024 * 1024)))
INSPECTION_PHOTOS_PER_VISIT = 5
INSPECTION_RECTIFICATION_DAYS = int(os.environ.get("INSPECTION_RECTIFICATION_DAYS", "15"))

# Official documents (公文): the issuing office and the prefix of its 文号 (运清洁取暖办〔2021〕12号).
OFFICIAL_DOCUMENT_ISSUER = os.environ.get("OFFICIAL_DOCUMENT_ISSUER", "运城市冬季清洁取暖工作领导小组办公室")
OFFICIAL_DOCUMENT_PREFIX = os.environ.get("OFFICIAL_DOCUMENT_PREFIX", "运清洁取暖办")
# The finance bureau's letters (a settlement's cover letter) carry its own 发文字号.
FINANCE_DOCUMENT_ISSUER = os.environ.get("FINANCE_DOCUMENT_ISSUER", "运城市财政局")
FINANCE_DOCUMENT_PREFIX = os.environ.get("FINANCE_DOCUMENT_PREFIX", "运财建函")
OFFICIAL_DOCUMENT_ADDRESSEES = os.environ.get(
    "OFFICIAL_DOCUMENT_ADDRESSEES", "各县（市、区）人民政府，运城开发区管委会，市直有关单位："
)
OFFICIAL_DOCUMENT_CC = os.environ.get("OFFICIAL_DOCUMENT_CC", "市委办公室，市人大办公室，市政府办公室，市政协办公室。")
# Empty: the photo view streams the file. Set e.g. "/protected-media/" when nginx serves MEDIA_ROOT
# as an internal location: the view then answers with X-Accel-Redirect after its scope check.
INSPECTION_PHOTO_ACCEL_PREFIX = os.environ.get("INSPECTION_PHOTO_ACCEL_PREFIX", "")

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEBUG else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "qingjiequnuan@yuncheng.gov.cn")

# --- TLS deployments ------------------------------------------------------------------------------
# TLS=1 (nginx terminates HTTPS and passes X-Forwarded-Proto) switches on everything that belongs to
# it: redirect to HTTPS, HSTS, secure session and CSRF cookies. `check --deploy` is clean with it.
TLS = env_bool("TLS")
if TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # A load balancer or Prometheus may probe gunicorn over plain HTTP on the intranet side.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
    SECURE_HSTS_SECONDS = int(os.environ.get("HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
# On a plain-HTTP intranet the cookies cannot be secure; SECURE_COOKIES=0/1 overrides the default.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", TLS)

# Shared cache (throttle counts): Redis whenever REDIS_URL is set, which production must do because
# every gunicorn worker and machine has to see the same counts; per-process memory only for `make run`.
REDIS_URL = os.environ.get("REDIS_URL", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", "yuncheng"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background roster exports: a file (it may hold whole IDs) is deleted once downloaded or after this.
ROSTER_EXPORT_KEEP_MINUTES = int(os.environ.get("ROSTER_EXPORT_KEEP_MINUTES", "60"))
# Task workers (manage.py task_worker) beat every TASK_HEARTBEAT_SECONDS; one silent for
# TASK_WORKER_TIMEOUT_SECONDS is gone: its running tasks are failed and readiness reports no worker.
TASK_HEARTBEAT_SECONDS = float(os.environ.get("TASK_HEARTBEAT_SECONDS", "10"))
TASK_WORKER_TIMEOUT_SECONDS = float(os.environ.get("TASK_WORKER_TIMEOUT_SECONDS", "60"))

# Roster imports (dry runs included) per user; DRF rate syntax: number/second|minute|hour|day.
ROSTER_IMPORT_RATE = os.environ.get("ROSTER_IMPORT_RATE", "30/hour")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": [
        "rest_framework.permissions.IsAuthenticated",
        "counties.permissions.HasRole",
    ],
    "DEFAULT_PAGINATION_CLASS": "core.pagination.StrictPageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_SCHEMA_CLASS": "core.api_schema.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_THROTTLE_RATES": {"roster_import": ROSTER_IMPORT_RATE},
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    # Bodies are JSON; the uploads (roster import, visits, rectifications) set multipart on their views.
    # A body in another media type is a 415 in the error shape, and the schema lists only what parses.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "运城市冬季清洁取暖进度填报系统 API",
    "DESCRIPTION": "Monthly progress reports, targets, progress and subsidies of the Yuncheng clean-heating plan.",
    "VERSION": "1.0.0",
    # The title is for people; client generators derive package names from it, which must be ASCII.
    "EXTENSIONS_INFO": {"x-api-id": "yuncheng-heating", "x-package-name": "yuncheng_heating_client"},
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # No PATCH of this API is partial: its serializers say what is required (a report's `version`).
    "COMPONENT_SPLIT_PATCH": False,
    # Two choice sets of one field name ("status") get names of their own instead of a hash.
    "ENUM_NAME_OVERRIDES": {
        "AssessmentStatusEnum": "assessments.models.AssessmentStatus",
        "ObjectionStatusEnum": "assessments.models.ObjectionStatus",
    },
    # Every operation's error responses in the one error shape (core/api_schema.py).
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "core.api_schema.document_errors",
    ],
}

# --- Content-Security-Policy (django-csp) -----------------------------------------------------------
# Only this server's own files: no inline script, no on...= handlers, no outside origin. Page
# behaviour lives in static/js (app.js handles data-print, data-confirm, data-autosubmit); data for
# scripts travels in <script type="application/json"> islands, which are not executed.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Accounts: login lockout, API tokens, sessions, security log (accounts app) --------------------
AUTHENTICATION_BACKENDS = [
    "accounts.backends.LockoutBackend",  # first: axes refuses a locked account before any password check
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "accounts.lockout.AccountAndAddressHandler"
# Past LOGIN_FAILURE_LIMIT_PER_ADDRESS failures an address must solve a CAPTCHA (accounts/captcha.py).
CAPTCHA_LENGTH = 4
CAPTCHA_TIMEOUT = 5  # minutes a challenge stays valid
CAPTCHA_IMAGE_SIZE = (100, 40)
CAPTCHA_FONT_SIZE = 28
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "5"))
LOGIN_FAILURE_LIMIT_PER_ADDRESS = int(os.environ.get("LOGIN_FAILURE_LIMIT_PER_ADDRESS", "20"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_LOCKOUT_MINUTES", "15")))
# The lock lasts LOGIN_LOCKOUT_MINUTES from the failure that set it, whatever is tried meanwhile.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_RESET_ON_SUCCESS = True
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_CALLABLE = "accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "accounts.network.client_ip"
AXES_ENABLE_ADMIN = False  # accounts.admin lists the locks and unlocks through accounts.services
AXES_VERBOSE = False
# Reverse proxies in front of gunicorn that append the client address to X-Forwarded-For (1 for
# nginx on the same machine); 0 trusts REMOTE_ADDR only.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))

REST_KNOX = {
    "TOKEN_TTL": timedelta(hours=float(os.environ.get("API_TOKEN_TTL_HOURS", "10"))),
    "AUTH_HEADER_PREFIX": "Token",
    "AUTO_REFRESH": False,
}

SESSION_IDLE_TIMEOUT_MINUTES = int(os.environ.get("SESSION_IDLE_TIMEOUT_MINUTES", "30"))
# An absolute cap besides the idle timeout: a session never outlives a working day.
SESSION_COOKIE_AGE = 12 * 3600

SECURITY_LOG_RETENTION_DAYS = int(os.environ.get("SECURITY_LOG_RETENTION_DAYS", "180"))
if SECURITY_LOG_RETENTION_DAYS < 180:
    raise ImproperlyConfigured("SECURITY_LOG_RETENTION_DAYS must be at least 180 (等保 2.0: six months).")

# Prometheus /metrics (operations/views.py): from these client addresses, or with this bearer token.
METRICS_ALLOWED_ADDRESSES = env_list("METRICS_ALLOWED_ADDRESSES") or ["127.0.0.1", "::1"]
METRICS_TOKEN = os.environ.get("METRICS_TOKEN", "")

# LOG_FORMAT=json: one JSON line per event in UTC (core/json_logging.py), with an access line per
# request (core/access_log.py); otherwise plain text, access lines only with ACCESS_LOG=1.
LOG_FORMAT = os.environ.get("LOG_FORMAT", "text").strip().lower()
ACCESS_LOG = env_bool("ACCESS_LOG", LOG_FORMAT == "json")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "core.request_id.RequestIdFilter"}},
    "formatters": {
        "default": {"format": "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"},
        "json": {"()": "core.json_logging.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if LOG_FORMAT == "json" else "default",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"level": "ERROR", "filters": ["request_id"]},
        # axes logs every login at INFO; the security log (accounts) records what matters
        "axes": {"level": "WARNING"},
        "heating.access": {"level": "INFO" if ACCESS_LOG else "WARNING"},
    },
}
