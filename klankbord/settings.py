"""Klankbord settings: one file, every value from the environment (or a `.env` file)."""

import os
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

from klankbord import paths

BASE_DIR = paths.CODE_ROOT
env = environ.Env()
# KLANKBORD_ENV_FILE names the settings file; without it, `.env` in a checkout and
# ~/.config/klankbord/klankbord.env when installed: never a file inside site-packages.
ENV_FILE = paths.env_file()
if os.environ.get("KLANKBORD_ENV_FILE") and not ENV_FILE.is_file():
    raise ImproperlyConfigured(
        f"KLANKBORD_ENV_FILE is {ENV_FILE}, but there is no such file. "
        "Create it (`klankbord init` writes one) or correct the path."
    )
if ENV_FILE.is_file():
    environ.Env.read_env(ENV_FILE)

# Installed from a wheel, state goes to ~/.local/share/klankbord unless KLANKBORD_DATA_DIR says.
DATA_DIR = Path(env.str("KLANKBORD_DATA_DIR", default="") or paths.default_data_dir()).expanduser()
if not DATA_DIR.exists():
    # It holds the database and uploads: only the user running Klankbord may enter it.
    DATA_DIR.mkdir(mode=0o700, parents=True)
    DATA_DIR.chmod(0o700)  # mkdir's mode is reduced by the umask, not set
for _dir in (DATA_DIR / "static", DATA_DIR / "media"):
    _dir.mkdir(parents=True, exist_ok=True)


def private_files(*paths: Path) -> None:
    """Create these files (or tighten them) readable by this user only.

    SQLite creates a database world-readable (0644); its -wal and -shm files copy the mode of
    the database, so a private empty file made first keeps all three private.
    """
    for path in paths:
        try:
            os.close(os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600))
        except FileExistsError:
            pass
        except OSError:
            continue  # e.g. its folder does not exist yet; SQLite will say so
        for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            try:
                if file.exists() and file.stat().st_mode & 0o077:
                    file.chmod(0o600)
            except OSError:
                pass  # not ours to change


DEBUG = env.bool("DEBUG", default=False)
INSECURE_SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=INSECURE_SECRET_KEY)
if not DEBUG and (SECRET_KEY == INSECURE_SECRET_KEY or len(SECRET_KEY) < 40):
    raise ImproperlyConfigured(
        "SECRET_KEY is missing or too short. Set a random SECRET_KEY of at least 40 characters "
        "(`klankbord init` writes one to .env), or set DEBUG=true for development."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where people reach Klankbord: links in e-mails and OAuth callbacks. `klankbord run` derives it
# from --bind when unset; on several machines it must be set (a deploy check says so).
SITE_URL_IS_SET = bool(env.str("SITE_URL", default=""))
SITE_URL = (env.str("SITE_URL", default="") or "http://127.0.0.1:8000").rstrip("/")

# Secrets at rest (third-party tokens) use their own keys, never SECRET_KEY.
KLANKBORD_ENCRYPTION_KEYS = env.list("KLANKBORD_ENCRYPTION_KEYS", default=[])
if not DEBUG and not KLANKBORD_ENCRYPTION_KEYS:
    raise ImproperlyConfigured(
        "KLANKBORD_ENCRYPTION_KEYS is not set. `klankbord init` generates one into .env."
    )

INSTALLED_APPS = [
    # The operators' admin (core/operator_admin.py), without Django's default site.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "klankbord.core",
    "klankbord.accounts",
    "klankbord.orgs",
    "klankbord.channels",
    "klankbord.publishing",
    "klankbord.understanding",
    "klankbord.listening",
    "klankbord.inbox",
    "klankbord.strategy",
    "klankbord.analytics",
    "klankbord.assistant",
    "klankbord.timekeeping",
    "klankbord.api",
]

MIDDLEWARE = [
    # First: its request id and timing cover everything below it.
    "klankbord.core.middleware.RequestContextMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "klankbord.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "klankbord.accounts.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "klankbord.urls"
CSRF_FAILURE_VIEW = "klankbord.core.errors.csrf_failure"
WSGI_APPLICATION = "klankbord.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "klankbord" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "klankbord.core.context_processors.shell",
            ],
        },
    },
]

# Each connection (one per web and worker thread) has its own page cache, filled as pages are
# read: a small machine with a large database lowers it (docs/operations.md#small-footprint).
SQLITE_CACHE_MB = env.int("KLANKBORD_SQLITE_CACHE_MB", default=64)
SQLITE_OPTIONS = {
    # WAL lets the web server read while a worker writes; IMMEDIATE avoids lock upgrades.
    # A 40 MB write-ahead log before each checkpoint: big imports rewrite the same index pages
    # batch after batch, and a checkpoint writes each page once (about 5 s less per 200,000).
    # A 64 MB page cache instead of 2 MB keeps those index pages in memory between batches.
    "init_command": (
        "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;"
        f" PRAGMA wal_autocheckpoint=10000; PRAGMA cache_size=-{SQLITE_CACHE_MB * 1024};"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
# An empty value (as copied from .env.example) means the embedded default.
DATABASE_URL = env.str("DATABASE_URL", default="") or f"sqlite:///{DATA_DIR / 'klankbord.sqlite3'}"
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = SQLITE_OPTIONS
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        private_files(Path(DATABASES["default"]["NAME"]))
    # A file, not memory, so a worker process in the tests can share the test database; one per
    # test run, so two runs on one machine do not overwrite each other's.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / f"test-{os.getpid()}.sqlite3")}
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

# Lock out a username from one address after repeated failures, for an hour.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# The login form calls the e-mail field "username"; without this axes records no username.
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Klankbord"

# Wider limits in the same hour (klankbord/accounts/throttle.py): one account from many
# addresses, and one address against many accounts. Addresses where the account logged in
# during the last LOGIN_KNOWN_ADDRESS_DAYS are exempt from both.
LOGIN_ACCOUNT_FAILURE_LIMIT = 20
LOGIN_ADDRESS_FAILURE_LIMIT = 30
LOGIN_KNOWN_ADDRESS_DAYS = 90
LANGUAGE_CODE = "nl-be"
# Each language in its own words, so a user can always find theirs.
LANGUAGES = [
    ("nl-be", "Nederlands (België)"),
    ("nl-nl", "Nederlands (Nederland)"),
    ("fr-be", "Français (Belgique)"),
    ("en", "English"),
]
LOCALE_PATHS = [BASE_DIR / "klankbord" / "locale"]
USE_I18N = True
TIME_ZONE = "Europe/Brussels"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "klankbord" / "static"]
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
if not DEBUG and EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend":
    # A production log must not hold password-reset or invitation links (docs/operations.md).
    EMAIL_BACKEND = "klankbord.lib.redact.LinkHidingConsoleBackend"
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env.bool("EMAIL_USE_SSL", default=False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Klankbord <klankbord@localhost>")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SECURE_HTTPS = env.bool("SECURE_HTTPS", default=False)
SESSION_COOKIE_SECURE = SECURE_HTTPS
CSRF_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_SECURE = SECURE_HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_AGE = 365 * 86400
SECURE_SSL_REDIRECT = SECURE_HTTPS
SECURE_HSTS_SECONDS = 31536000 if SECURE_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = SECURE_HTTPS
SECURE_HSTS_PRELOAD = SECURE_HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if SECURE_HTTPS else None
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy of every page (Django 6's SECURE_CSP shape, sent by
# klankbord.core.middleware): no inline script or style, nothing from other sites.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    # The two-factor QR code is a data: image.
    "img-src": ["'self'", "data:"],
    "object-src": ["'none'"],
    "base-uri": ["'none'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
# Browser features no page uses, switched off in the Permissions-Policy header.
PERMISSIONS_POLICY_DISABLED = [
    "accelerometer",
    "browsing-topics",
    "camera",
    "geolocation",
    "gyroscope",
    "interest-cohort",
    "magnetometer",
    "microphone",
    "payment",
    "usb",
]
if not SECURE_HTTPS:
    # Plain HTTP on a laptop is the documented default; behind TLS set SECURE_HTTPS=true.
    SILENCED_SYSTEM_CHECKS = [
        "security.W004",
        "security.W008",
        "security.W012",
        "security.W016",
    ]

# Measure's figures are shown again for this long before they are counted again (0: always
# counted); those someone looked at in the last FIGURES_WARM_HOURS are counted in the background
# before they expire (0: never). See docs/measure.md.
FIGURES_MAX_AGE_SECONDS = env.int("KLANKBORD_FIGURES_MAX_AGE", default=600)
FIGURES_WARM_HOURS = env.int("KLANKBORD_FIGURES_WARM_HOURS", default=24)

# Background work: SQLite broker by default, Redis (or any kombu URL) at scale.
CELERY_BROKER_URL = (
    env.str("CELERY_BROKER_URL", default="")
    or f"sqla+sqlite:///{DATA_DIR / 'celery-broker.sqlite3'}"
)
if CELERY_BROKER_URL.startswith("sqla+sqlite:///"):
    private_files(Path(CELERY_BROKER_URL.removeprefix("sqla+sqlite:///")))
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Every worker takes from both queues, in turn. The urgent one carries the beat's tick, the
# recovery of a dead worker's posts and lookups of unclear outcomes: a handful of short
# messages that must not wait behind a backlog of posts and retries to publish. A worker
# started with -Q must name both.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = {
    "urgent": {"exchange": "urgent", "routing_key": "urgent"},
    "celery": {"exchange": "celery", "routing_key": "celery"},
}
CELERY_TASK_ROUTES = {
    name: {"queue": "urgent"}
    for name in (
        "klankbord.core.tasks.beat_tick",
        "klankbord.publishing.tasks.recover",
        "klankbord.publishing.tasks.resolve_target",
    )
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = "UTC"
CELERY_BEAT_SCHEDULE_FILENAME = str(DATA_DIR / "celerybeat-schedule")
HEARTBEAT_INTERVAL_SECONDS = env.int("HEARTBEAT_INTERVAL_SECONDS", default=10)
# The bearer token a Prometheus server sends to /metrics; empty: only staff members may read it.
KLANKBORD_METRICS_TOKEN = env.str("KLANKBORD_METRICS_TOKEN", default="")
# Background work counts as stopped when nothing was heard from it for this long.
HEARTBEAT_STALE_SECONDS = env.int("HEARTBEAT_STALE_SECONDS", default=90)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "klankbord.api.authentication.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "klankbord.api.schema.KlankbordAutoSchema",
    "DEFAULT_PAGINATION_CLASS": "klankbord.api.pagination.StrictLimitOffsetPagination",
    "PAGE_SIZE": 50,
    "EXCEPTION_HANDLER": "klankbord.api.exceptions.json_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Klankbord API",
    "DESCRIPTION": "Plan, publish, listen, respond and measure: the Klankbord REST API.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    # Several models have a "status"; each set of statuses gets a name of its own.
    # Fields that share a name but not their choices get a name of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "InboxItemStatusEnum": "klankbord.inbox.models.Item.Status",
        "ClientReportPeriodEnum": "klankbord.analytics.models.ClientReport.Period",
        "ReportLinkPeriodEnum": "klankbord.analytics.models.ReportLink.Period",
        "InterfaceLanguageEnum": LANGUAGES,
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "klankbord.api.schema.add_error_component",
    ],
}

LOG_LEVEL = env.str("LOG_LEVEL", default="INFO")
# Also redacts OAuth codes, states and tokens in URLs from every log record (lib/redact.py).
LOGGING_CONFIG = "klankbord.lib.redact.configure_logging"
# json: one JSON object per line with request, organisation, task and channel ids (for a log
# collector); plain: the same ids at the end of a human-readable line.
KLANKBORD_LOG_FORMAT = env.str("KLANKBORD_LOG_FORMAT", default="plain")
if KLANKBORD_LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("KLANKBORD_LOG_FORMAT is plain or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "klankbord.lib.logs.PlainFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s%(context)s",
        },
        "json": {"()": "klankbord.lib.logs.JsonFormatter"},
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": KLANKBORD_LOG_FORMAT}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"axes": {"level": "WARNING"}},
}

INVITATION_VALID_DAYS = 7

# Publishing: a claim is held this long, renewed every third of it while the network is called
# (a dead worker's post goes again within lease + one 5 s tick); a post later than this after
# its time is "missed".
PUBLISH_LEASE_SECONDS = env.int("PUBLISH_LEASE_SECONDS", default=9)
PUBLISH_MISSED_AFTER_MINUTES = env.int("PUBLISH_MISSED_AFTER_MINUTES", default=60)
PUBLISH_MAX_ATTEMPTS = 5
PUBLISH_RETRY_BASE_SECONDS = env.int("PUBLISH_RETRY_BASE_SECONDS", default=30)

# Seconds to wait for another server's answer (connect and each read).
HTTP_TIMEOUT_SECONDS = env.float("HTTP_TIMEOUT_SECONDS", default=15.0)

# Only for tests against fake servers on this machine: never set this in production.
KLANKBORD_ALLOW_LOOPBACK_URLS = env.bool("KLANKBORD_ALLOW_LOOPBACK_URLS", default=False)
# Writing help: allow a language model on this same machine (e.g. Ollama on 127.0.0.1).
KLANKBORD_ASSISTANT_ALLOW_LOCAL = env.bool("KLANKBORD_ASSISTANT_ALLOW_LOCAL", default=False)
# Seconds a suggestion may take before the writing help gives up.
KLANKBORD_ASSISTANT_TIMEOUT = env.float("KLANKBORD_ASSISTANT_TIMEOUT", default=60.0)
# New corrections an organisation makes before its language heads are retrained.
KLANKBORD_RETRAIN_AFTER = env.int("KLANKBORD_RETRAIN_AFTER", default=20)
# Language tier for incoming mentions: auto (accurate where installed), fast or accurate.
KLANKBORD_LISTENING_TIER = env.str("KLANKBORD_LISTENING_TIER", default="auto")
# The largest file the import pages accept; a worker reads it, not the web request.
KLANKBORD_IMPORT_MAX_BYTES = env.int("KLANKBORD_IMPORT_MAX_BYTES", default=50 * 1024 * 1024)
# The largest file kept from a WhatsApp message or sent with an answer (WhatsApp's own
# limits per kind stay lower: images 5 MB, stickers 500 KB).
WHATSAPP_MEDIA_MAX_BYTES = env.int("WHATSAPP_MEDIA_MAX_BYTES", default=16 * 1024 * 1024)
