"""Ombuds settings: every value comes from the environment, with safe development defaults.

`OMBUDS_ENV=production` turns the defaults strict (no debug, HTTPS only, keys required);
each variable is documented in README.md.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


OMBUDS_ENV = env("OMBUDS_ENV", "development")
PRODUCTION = OMBUDS_ENV == "production"
DATA_DIR = Path(env("OMBUDS_DATA_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", default=not PRODUCTION)
# Development only: a fixed insecure key is fine on a laptop; production must set its own.
SECRET_KEY = env("DJANGO_SECRET_KEY") or (
    "" if PRODUCTION else "dev-insecure-0mbuds-not-for-production-use-5f1c2e8a9b7d"
)
SECRET_KEY_FALLBACKS = env_list("DJANGO_SECRET_KEY_FALLBACKS")
ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    # The admin is only the system administrator's account manager (ombuds/admin.py): no
    # autodiscovery, so no other app's models ever appear in it.
    "django.contrib.admin.apps.SimpleAdminConfig",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # one-time backup codes (ombuds/recovery.py)
    "axes",
    "django_fsm",
    "guardian",
    "anymail",
    "ombuds",
    "notifications",
    "cases",
    "stats",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "ombuds.middleware.SessionActivityMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "ombuds.middleware.RequestSizeMiddleware",  # before anything reads a body
    "django.middleware.common.CommonMiddleware",
    "ombuds.middleware.DeclaredCharsetMiddleware",  # before the CSRF check reads a body
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "ombuds.middleware.SecurityHeadersMiddleware",
    "axes.middleware.AxesMiddleware",  # last: turns a locked-out login into the lockout page
]

ROOT_URLCONF = "ombuds.urls"
WSGI_APPLICATION = "ombuds.wsgi.application"

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
            ],
        },
    },
]

# Database: SQLite (WAL, busy timeout, immediate transactions, writers queued on a file lock:
# ombuds.backends.sqlite3) unless DATABASE_URL says otherwise.
DATABASE_URL = env("DATABASE_URL")
# How SQLite runs here (bench/helpdesk.py gives its baseline the same, for a like comparison).
SQLITE_OPTIONS = {
    "init_command": (
        "PRAGMA journal_mode=WAL;PRAGMA synchronous=NORMAL;"
        "PRAGMA foreign_keys=ON;PRAGMA temp_store=MEMORY;"
        "PRAGMA cache_size=-65536;PRAGMA mmap_size=1073741824;"
    ),
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
}
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
            conn_health_checks=True,
        )
    }
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "ombuds.backends.sqlite3",
            "NAME": env("OMBUDS_SQLITE_PATH", str(DATA_DIR / "ombuds.sqlite3")),
            "CONN_MAX_AGE": int(env("DATABASE_CONN_MAX_AGE", "60")),
            "OPTIONS": {**SQLITE_OPTIONS},
            # Tests use a file too, so that they can read the raw bytes at rest.
            "TEST": {"NAME": env("OMBUDS_TEST_SQLITE_PATH", str(DATA_DIR / "test.sqlite3"))},
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
ATOMIC_REQUESTS = False

AUTH_USER_MODEL = "ombuds.User"
AUTHENTICATION_BACKENDS = [
    # First, so that a locked-out username+address is refused before any password is hashed.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "guardian.backends.ObjectPermissionBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None

# Internationalisation: Korean first, English beside it.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("Korean")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
FORMAT_MODULE_PATH = ["ombuds.formats"]
TIME_ZONE = env("OMBUDS_TIME_ZONE", "Asia/Seoul")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env("OMBUDS_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
# Attachments are sealed before they reach storage, which never serves them directly: local files
# (one host, or a folder every host mounts) or, with OMBUDS_STORAGE=s3, a bucket of any
# S3-compatible object store (django-storages) that every app host reaches.
OMBUDS_STORAGE = env("OMBUDS_STORAGE", "local")
OMBUDS_S3_BUCKET = env("OMBUDS_S3_BUCKET")
ATTACHMENT_STORAGE: dict[str, object] = {
    "BACKEND": "django.core.files.storage.FileSystemStorage",
    "OPTIONS": {"location": env("OMBUDS_MEDIA_ROOT", str(DATA_DIR / "attachments"))},
}
if OMBUDS_STORAGE == "s3":
    from botocore.config import Config as BotoConfig

    ATTACHMENT_STORAGE = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": OMBUDS_S3_BUCKET,
            "location": env("OMBUDS_S3_PREFIX", "attachments"),
            # Empty: AWS itself; else e.g. https://s3.example.internal (MinIO, Ceph, Garage…).
            "endpoint_url": env("OMBUDS_S3_ENDPOINT_URL") or None,
            "region_name": env("OMBUDS_S3_REGION") or None,
            # Empty: boto3's own chain (instance role, AWS_* variables, ~/.aws).
            "access_key": env("OMBUDS_S3_ACCESS_KEY_ID") or None,
            "secret_key": env("OMBUDS_S3_SECRET_ACCESS_KEY") or None,
            # Names are random (uuid4): no existence check before a write.
            "file_overwrite": True,
            "default_acl": None,
            "querystring_auth": True,
            "max_memory_size": 1024 * 1024,
            # A store that is down is told within seconds (/healthz), not after minutes.
            "client_config": BotoConfig(
                connect_timeout=5,
                read_timeout=30,
                retries={"max_attempts": 3, "mode": "standard"},
                # "path" for stores without a DNS name per bucket (MinIO, say); empty: boto3's.
                s3={"addressing_style": env("OMBUDS_S3_ADDRESSING_STYLE") or None},
            ),
        },
    }
elif OMBUDS_STORAGE != "local":
    raise ImproperlyConfigured("OMBUDS_STORAGE is 'local' (the default) or 's3'")
STORAGES = {
    "default": ATTACHMENT_STORAGE,
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
SESSION_ENGINE = "django.contrib.sessions.backends.db"
SESSION_COOKIE_AGE = int(env("OMBUDS_SESSION_SECONDS", str(30 * 60)))
SESSION_SAVE_EVERY_REQUEST = False  # ombuds.middleware.SessionActivityMiddleware instead
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"

# HTTPS and headers: strict in production, plain HTTP on a laptop.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", default=PRODUCTION)
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
LANGUAGE_COOKIE_SECURE = PRODUCTION
SECURE_HSTS_SECONDS = int(env("DJANGO_HSTS_SECONDS", "31536000" if PRODUCTION else "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", default=PRODUCTION)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("OMBUDS_BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
OMBUDS_TRUSTED_PROXY_COUNT = int(env("OMBUDS_TRUSTED_PROXY_COUNT", "0"))

# Keys (see ombuds/crypto.py). Separate from SECRET_KEY. In development a key file is created in
# DATA_DIR on first use; production refuses to start without OMBUDS_KEYS and OMBUDS_INDEX_KEY.
OMBUDS_KEYS = env("OMBUDS_KEYS")
OMBUDS_INDEX_KEY = env("OMBUDS_INDEX_KEY")  # one key, id "index1": before index keys had ids
OMBUDS_INDEX_KEYS = env("OMBUDS_INDEX_KEYS")  # "id:base64,old-id:base64", the first current
OMBUDS_DEV_KEY_FILE = DATA_DIR / "dev-keys.json"

# Intake and tracking limits.
OMBUDS_MAX_ATTACHMENT_BYTES = int(env("OMBUDS_MAX_ATTACHMENT_MB", "10")) * 1024 * 1024
OMBUDS_MAX_ATTACHMENTS = int(env("OMBUDS_MAX_ATTACHMENTS", "5"))
# A request body over this is refused before it is read (ombuds.middleware.RequestSizeMiddleware):
# every file at its largest, plus 2 MB for the form's text and the multipart framing.
OMBUDS_MAX_REQUEST_BYTES = int(
    env(
        "OMBUDS_MAX_REQUEST_MB",
        str(OMBUDS_MAX_ATTACHMENTS * OMBUDS_MAX_ATTACHMENT_BYTES // (1024 * 1024) + 2),
    )
) * (1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# A form sent again after its complaint was stored (the receipt never arrived) shows the receipt
# with a new access key, within this many hours of filing (cases.services.case_reissue_receipt).
OMBUDS_RECEIPT_REISSUE = timedelta(hours=float(env("OMBUDS_RECEIPT_REISSUE_HOURS", "24")))
# Sealed files that no attachment row names are removed once this old (a process killed
# mid-transaction leaves them): by the outbox worker every hour and by `sweep_attachments`.
OMBUDS_ORPHAN_FILE_AGE = timedelta(hours=float(env("OMBUDS_ORPHAN_FILE_HOURS", "1")))
# Two-person rule (ombuds.duties): how long a role or credential change waits for approval.
OMBUDS_DUTY_APPROVAL_HOURS = float(env("OMBUDS_DUTY_APPROVAL_HOURS", "72"))
# Retention of a closed case's personal data, in years after it closed (cases.retention,
# `purge_expired`): decided on its merits (upheld, dismissed, settled), or never examined
# (inadmissible, transferred, withdrawn, not supplemented). A legal hold overrides both.
OMBUDS_RETAIN_DECIDED_YEARS = int(env("OMBUDS_RETAIN_DECIDED_YEARS", "10"))
OMBUDS_RETAIN_UNEXAMINED_YEARS = int(env("OMBUDS_RETAIN_UNEXAMINED_YEARS", "3"))
# "count/seconds" per client address, per action.
OMBUDS_RATE_LIMITS = {
    "intake": env("OMBUDS_RATE_INTAKE", "10/3600"),
    "track": env("OMBUDS_RATE_TRACK", "10/600"),
    "track_action": env("OMBUDS_RATE_TRACK_ACTION", "30/3600"),
}

# Email: the outbox hands messages to this backend (anymail's ESP backends in production).
EMAIL_BACKEND = env(
    "OMBUDS_EMAIL_BACKEND",
    "django.core.mail.backends.filebased.EmailBackend",
)
EMAIL_FILE_PATH = str(DATA_DIR / "mail")
EMAIL_HOST = env("OMBUDS_SMTP_HOST", "localhost")
EMAIL_PORT = int(env("OMBUDS_SMTP_PORT", "25"))
EMAIL_HOST_USER = env("OMBUDS_SMTP_USER")
EMAIL_HOST_PASSWORD = env("OMBUDS_SMTP_PASSWORD")
EMAIL_USE_TLS = env_bool("OMBUDS_SMTP_TLS", default=False)
EMAIL_TIMEOUT = 15
DEFAULT_FROM_EMAIL = env("OMBUDS_FROM_EMAIL", "Ombuds <no-reply@ombuds.localhost>")
ANYMAIL = {
    key.removeprefix("ANYMAIL_"): value
    for key, value in os.environ.items()
    if key.startswith("ANYMAIL_")
}
# The outbox worker's claim on a row: a live worker renews it while it sends, so a row held by a
# dead worker is due again after at most this long (notifications.services).
OMBUDS_OUTBOX_LEASE = timedelta(seconds=float(env("OMBUDS_OUTBOX_LEASE_SECONDS", "60")))
# The first retry's delay; each further one doubles it, up to 4 hours (ten attempts: ~8 hours).
OMBUDS_OUTBOX_BACKOFF = timedelta(seconds=float(env("OMBUDS_OUTBOX_BACKOFF_SECONDS", "60")))
OMBUDS_SITE_URL = env("OMBUDS_SITE_URL", "http://127.0.0.1:8000")
OMBUDS_OFFICE_NAME = env("OMBUDS_OFFICE_NAME", "")

# Staff sign-in (ombuds/accounts.py): password, then a TOTP second factor (django-otp).
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/staff/"
OTP_TOTP_ISSUER = OMBUDS_OFFICE_NAME or "Ombuds"
# django-axes: 5 failures per username + client address lock that pair for an hour. The address
# axes stores is a keyed pseudonym (ombuds.auth.pseudonymous_address), never the plain address;
# its rows are deleted when the cool-off ends. Successful logins go to our access log instead.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "ombuds.auth.pseudonymous_address"
AXES_LOCKOUT_CALLABLE = "ombuds.accounts.locked_out"
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False
# Access log (PIPA Art. 8) retention in days: `manage.py purge_access_log` deletes older rows.
OMBUDS_ACCESS_LOG_DAYS = int(env("OMBUDS_ACCESS_LOG_DAYS", "730"))
# Statistics: a count in 1..k-1 is never published (docs/statistics.md); refused below 5.
OMBUDS_STATS_K = int(env("OMBUDS_STATS_K", "10"))

# Logs carry no personal data: request paths hold no identifiers, and nothing logs form values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"no_query": {"()": "ombuds.logfilters.QueryStringFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["no_query"],
        }
    },
    "root": {"handlers": ["console"], "level": env("OMBUDS_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.security.DisallowedHost": {"handlers": [], "propagate": False},
        # runserver's request lines, through the handler that drops query strings
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
