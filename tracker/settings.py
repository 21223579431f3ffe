"""Settings for the recommendation tracker, read from the environment.

Safe local defaults: with nothing set you get DEBUG on, an SQLite file beside manage.py and a
development secret key. Production sets DEBUG=0, SECRET_KEY, ALLOWED_HOSTS and DATABASE_URL.
"""

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", True)

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    SECRET_KEY = "django-insecure-local-development-only"

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost" if DEBUG else "")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_filters",
    "django_htmx",
    "import_export",
    "rest_framework",
    "knox",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "tracker",
    "provinces",
    "surveys",
    "recommendations",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "tracker.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # The shared cache's version numbers, read once per request (tracker/versions.py).
    "tracker.versions.VersionSnapshotMiddleware",
    "tracker.middleware.LocaleMiddleware",
    "tracker.middleware.CleanTextMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "tracker.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "tracker.errors.MethodNotAllowedPageMiddleware",
    # Last, as django-axes asks: it turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tracker.urls"
WSGI_APPLICATION = "tracker.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            # Django's {% querystring %} without a copy of the query per link (same output).
            "builtins": ["tracker.querystring"],
        },
    },
]
# Django's form renderer with its input, textarea and select templates drawn in Python
# (tracker/form_renderer.py): the same HTML, a third of a form-heavy page's time saved.
FORM_RENDERER = "tracker.form_renderer.FastRenderer"

# DATABASE_URL=postgres://user@host:5432/name selects PostgreSQL; without it, an SQLite file.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "0")),
    )
}
# PostgreSQL through psycopg 3 with Django's connection pool (DB_POOL, on by default in
# production): a request borrows an open connection instead of opening one (a TCP and
# authentication round trip each time). The pool replaces persistent connections – Django
# refuses CONN_MAX_AGE > 0 with it – so asking for both is a configuration error said here.
DB_POOL = env_bool("DB_POOL", not DEBUG)
if DB_POOL and DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    if DATABASES["default"]["CONN_MAX_AGE"]:
        raise ImproperlyConfigured(
            "DB_POOL and CONN_MAX_AGE > 0 exclude each other: the pool keeps the connections. "
            "Set CONN_MAX_AGE=0 (or DB_POOL=0 to keep persistent connections)."
        )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = False
    DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
        "min_size": int(os.environ.get("DB_POOL_MIN_SIZE", "2")),
        "max_size": int(os.environ.get("DB_POOL_MAX_SIZE", "10")),
        "timeout": int(os.environ.get("DB_POOL_TIMEOUT", "10")),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes throttles password guessing: 5 failures for one username from one address lock
# that pair out for 15 minutes (a colleague on the same office network is not locked out).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("AXES_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Every try while locked out starts the wait again (the lockout page says so, with its end).
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = True
AXES_VERBOSE = False
# Behind reverse proxies, the address is the one the outermost proxy saw (tracker/client_ip.py):
# TRUSTED_PROXY_COUNT=1 behind one nginx that sets X-Forwarded-For; 0 (no proxy) ignores the
# header, which a client could forge.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", "0"))
AXES_CLIENT_IP_CALLABLE = "tracker.client_ip.client_ip"

CSRF_FAILURE_VIEW = "tracker.errors.csrf_failure"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/viec-cua-toi/"  # everyone lands on their work
LOGOUT_REDIRECT_URL = "login"

# Vietnamese first, English available; dates dd/mm/yyyy through tracker/formats.
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["tracker.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

FIXTURE_DIRS = [BASE_DIR / "fixtures"]

# The apps whose models store text cleaned on every save (NFC, no zero-width characters, soft
# hyphens or control characters; tracker/text.py). The bulk writer of imports cleans too.
CLEAN_TEXT_APPS = {"auth", "provinces", "surveys", "recommendations"}

# Imports (django-import-export and the visit-notes import). Each import needs the model's
# "import_<model>" permission; export needs "view". Only CSV and XLSX are offered, through our
# own format classes (tracker.import_formats: semicolon CSV, BOM, blank trailing rows, formula
# escaping on export), set on the admin mixin in tracker.admin.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "import"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
IMPORT_EXPORT_SKIP_ADMIN_LOG = False
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", 5 * 1024 * 1024))
IMPORT_MAX_ROWS = int(os.environ.get("IMPORT_MAX_ROWS", 20_000))
# An uploaded preview not confirmed within this many hours is removed (purge_import_previews).
IMPORT_PREVIEW_MAX_AGE_HOURS = int(os.environ.get("IMPORT_PREVIEW_MAX_AGE_HOURS", 24))
#: The campaign a visit-notes row belongs to when its survey column is blank.
VISIT_NOTES_DEFAULT_SURVEY = os.environ.get(
    "VISIT_NOTES_DEFAULT_SURVEY", "khao-sat-chinh-quyen-hai-cap-2025"
)

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded files (reply documents, evidence, pending imports) go through Django's storage API:
# the file system under MEDIA_ROOT by default, an S3-compatible object store (django-storages)
# when AWS_STORAGE_BUCKET_NAME is set. They are never served from a public URL: views check
# the reader's permission and stream them.
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media-not-served/"
if os.environ.get("AWS_STORAGE_BUCKET_NAME"):
    _default_storage = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": os.environ["AWS_STORAGE_BUCKET_NAME"],
            "endpoint_url": os.environ.get("AWS_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("AWS_S3_REGION_NAME") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
else:
    _default_storage = {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": MEDIA_ROOT, "base_url": MEDIA_URL},
    }
# Each reply document or evidence file may be at most this large (20 MB by default).
DOCUMENT_MAX_UPLOAD_BYTES = int(os.environ.get("DOCUMENT_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))
STORAGES = {
    "default": _default_storage,
    # Production serves hashed, compressed files (collectstatic, then whitenoise, far-future
    # cache headers); development and tests serve the files as they are.
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# Production hardening (python manage.py check --deploy is clean with DEBUG=0). Behind a
# TLS-terminating proxy set SECURE_PROXY_SSL_HEADER=1; for a plain-HTTP trial on loopback set
# SECURE_SSL_REDIRECT=0 and SECURE_COOKIES=0.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz/$"]
if env_bool("SECURE_PROXY_SSL_HEADER", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_AGE = 8 * 60 * 60  # one working day

EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "theodoi-kiennghi@localhost")
# With EMAIL_BACKEND=django.core.mail.backends.filebased.EmailBackend (CI, staging).
if os.environ.get("EMAIL_FILE_PATH"):
    EMAIL_FILE_PATH = os.environ["EMAIL_FILE_PATH"]

# Logs go to standard output, where gunicorn, systemd or a container runtime collect them.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "stdout": {
            "class": "logging.StreamHandler",
            "stream": "ext://sys.stdout",
            "formatter": "plain",
        }
    },
    "root": {"handlers": ["stdout"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}

# Absolute links in e-mails (no request to build them from).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000")

# The job queue (tracker/celery.py). Without a broker, tasks run in the process that asks for
# them, so development and the tests need nothing; production sets
# CELERY_BROKER_URL=redis://127.0.0.1:6379/0 and runs a worker and the beat scheduler.
CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND") or None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = TIME_ZONE
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page that queues a mail must still save when Redis is down: give up quickly, and the
# caller falls back (see the callers of .delay()).
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
CELERY_BEAT_SCHEDULE: dict = {
    # Every morning; the task itself builds and mails only on the month's first working day.
    "monthly-report": {
        "task": "reports.monthly",
        "schedule": crontab(hour=6, minute=30),
    },
    # Today's trends on the dashboard, computed before anyone asks (reporting.dashboard).
    "warm-dashboard": {"task": "reports.warm_dashboard", "schedule": crontab(minute="*/5")},
}
# Task modules outside an app's tasks.py.
CELERY_IMPORTS = ["recommendations.reporting.tasks"]
# The visit-notes previews nobody confirmed: their uploads go after a day.
CELERY_BEAT_SCHEDULE["purge-import-previews"] = {
    "task": "recommendations.tasks.purge_import_previews",
    "schedule": 24 * 60 * 60,
}
# A queue of its own lets several checkouts share one Redis (the worker test uses one).
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("CELERY_TASK_DEFAULT_QUEUE", "celery")

# One cache every app server shares: Redis when REDIS_URL is set, local memory otherwise.
if os.environ.get("REDIS_URL"):
    CACHES = {
        "default": {
            "BACKEND": "tracker.cache.RedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": "tracker",
        }
    }
    # Sessions read from the shared cache, written through to the database: one query fewer
    # on every page. Only with a shared cache – with one per process, a session ended in one
    # process would live on in another's memory.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Every day at 07:30 (CELERY_TIMEZONE): the task itself does nothing on a day off, so make-up
# Saturdays get their digest and holidays none.
CELERY_BEAT_SCHEDULE["send-reminders"] = {
    "task": "recommendations.send_reminders",
    "schedule": crontab(hour=7, minute=30),
}
# The REST API (recommendations/api): the browser session for the pages' own scripts (with
# CSRF), per-user tokens for other systems (django-rest-knox: stored hashed, shown once, issued
# and revoked by an admin). Refusals are RFC 9457 problem documents (recommendations.api.problems).
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "knox.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.UserRateThrottle"],
    # Per user, so per token's user: a system that loops cannot starve the others.
    "DEFAULT_THROTTLE_RATES": {"user": os.environ.get("API_THROTTLE_RATE", "1200/minute")},
    "EXCEPTION_HANDLER": "recommendations.api.problems.exception_handler",
    "DATETIME_FORMAT": "iso-8601",
    "DATE_FORMAT": "iso-8601",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
REST_KNOX = {
    # Tokens are for systems; an admin revokes one when it is no longer needed.
    "TOKEN_TTL": timedelta(days=int(os.environ.get("API_TOKEN_TTL_DAYS", "365"))),
    "AUTO_REFRESH": False,
    "AUTH_HEADER_PREFIX": "Token",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Theo dõi kiến nghị – API",
    "DESCRIPTION": (
        "The recommendation tracker's REST API (version 1). Reads list the provinces, delegations, "
        "visits, findings, units, fields and recommendations with their history; the "
        "recommendations list takes exactly the filters of the list page. Writes (status "
        "transition, progress note, triage) go through the same rules as the pages and need "
        "`If-Match` with the recommendation's `ETag`. Errors are RFC 9457 problem documents "
        "(`application/problem+json`) in Vietnamese, or English with `Accept-Language: en`. "
        "Authenticate with `Authorization: Token <token>` (issued by an administrator)."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.IsAuthenticated"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "StatusEnum": "recommendations.models.Status",
        "PriorityEnum": "recommendations.models.Priority",
        "ThemeEnum": "surveys.models.Theme",
    },
    "ENUM_GENERATE_CHOICE_DESCRIPTION": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "recommendations.api.schema.add_problem_responses",
    ],
}

# Values kept in the cache between requests (below, each *_CACHE_SECONDS) are keyed by version
# numbers every change raises (tracker/versions.py), which every process must see: with Redis
# they do. The local-memory default lives in one process – right for `make run` (one process,
# DEBUG on), wrong for gunicorn's several workers, where one worker would not see another's
# changes (a role taken away, a saved recommendation). So without REDIS_URL and with DEBUG off
# they default to 0 (off); each may still be set explicitly.
SHARED_CACHE = bool(os.environ.get("REDIS_URL"))


def _kept_seconds(name: str, default: int) -> int:
    return int(os.environ.get(name, default if SHARED_CACHE or DEBUG else 0))


# The public progress page /cong-khai/ (no sign-in). PUBLIC_PAGE=0 turns it off (404).
PUBLIC_PAGE = env_bool("PUBLIC_PAGE", True)
#: Seconds the public page's figures stay cached (a change to a recommendation clears them).
PUBLIC_PAGE_CACHE_SECONDS = _kept_seconds("PUBLIC_PAGE_CACHE_SECONDS", 600)
# A recommendation page's "similar" suggestions are kept this long in the shared cache (ids and
# scores; any saved recommendation makes new keys). 0 computes them on every view.
SIMILAR_CACHE_SECONDS = _kept_seconds("SIMILAR_CACHE_SECONDS", 300)
# The filter forms' reference lists (provinces, units, fields, delegations, groups) are kept in
# the shared cache until one of them is saved (tracker/reference.py); this bounds how long a
# bulk write that sends no signal could leave a list stale.
CHOICES_CACHE_SECONDS = _kept_seconds("CHOICES_CACHE_SECONDS", 600)
# Today's dashboard counts are kept this long in the shared cache, under the data version every
# saved recommendation, history entry and import raises (0 counts them on every view).
DASHBOARD_CACHE_SECONDS = _kept_seconds("DASHBOARD_CACHE_SECONDS", 600)
# A recommendation page's record (facts, history, evidence) is kept this long in the shared
# cache, under its version and the data and reference versions (0 draws it on every view).
RECORD_CACHE_SECONDS = _kept_seconds("RECORD_CACHE_SECONDS", 600)
# The triage list's counts per filter, kept under the same versions (0 counts every time).
LIST_COUNT_CACHE_SECONDS = _kept_seconds("LIST_COUNT_CACHE_SECONDS", 600)
# What is kept per user in the shared cache until it changes: their groups (their roles,
# provinces/roles.py) and their chosen list columns (recommendations/list_columns.py); 0 asks
# the database on every request.
USER_CACHE_SECONDS = _kept_seconds("USER_CACHE_SECONDS", 600)
