"""esafety's one settings file.

Everything that differs between a laptop and a school's server comes from environment variables, read through
the small typed helpers below. A bad value stops start-up with a message naming the variable, rather than
running with a surprise. The defaults are the embedded ones: SQLite and files under ``var/``, e-mail printed
to the console, background tasks queued in the database.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
DEFAULT_SECRET_KEY = "esafety-development-only-secret-do-not-use-in-production"  # noqa: S105 (public on purpose)


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean: use 1/0, true/false, yes/no or on/off")


def env_int(name: str, default: int, *, minimum: int | None = None) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a whole number") from None
    if minimum is not None and value < minimum:
        raise ImproperlyConfigured(f"{name}={value} is below the minimum of {minimum}")
    return value


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = os.environ.get(name, default) or default
    if value not in choices:
        raise ImproperlyConfigured(f"{name}={value!r} is not one of: {', '.join(choices)}")
    return value


def database_from_url(url: str) -> dict[str, object]:
    """Turn ``sqlite:///path`` or ``postgres://user:pass@host:port/name`` into a DATABASES entry."""
    parts = urlsplit(url)
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    if parts.scheme == "sqlite":
        path = unquote(parts.path)
        # sqlite:///var/db.sqlite3 is relative to the project, sqlite:////abs/path is absolute.
        path = path[1:] if path.startswith("/") else path
        name = path if os.path.isabs(path) or path == ":memory:" else str(BASE_DIR / path)
        if not path:
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no SQLite file")
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": name,
            # IMMEDIATE makes every transaction take the write lock at BEGIN, so two writers queue instead of
            # one failing with "database is locked" half-way (the audit chain depends on it).
            "OPTIONS": {
                "timeout": 20,
                "transaction_mode": "IMMEDIATE",
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
            },
            "TEST": {"NAME": options.get("test_name") or None},
        }
    if parts.scheme in ("postgres", "postgresql", "pgsql"):
        if not parts.path.strip("/"):
            raise ImproperlyConfigured(f"DATABASE_URL={url!r} names no database")
        return {
            "ENGINE": "django.db.backends.postgresql",
            "NAME": unquote(parts.path.lstrip("/")),
            "USER": unquote(parts.username or ""),
            "PASSWORD": unquote(parts.password or ""),
            "HOST": parts.hostname or "",
            "PORT": str(parts.port or ""),
            "CONN_MAX_AGE": int(options.pop("conn_max_age", "60")),
            "CONN_HEALTH_CHECKS": True,
            "OPTIONS": {k: v for k, v in options.items() if k != "test_name"},
            "TEST": {"NAME": options.get("test_name") or None},
        }
    raise ImproperlyConfigured(f"DATABASE_URL={url!r}: only sqlite:/// and postgres:// URLs are supported")


def email_from_url(url: str) -> dict[str, object]:
    """``console:``, ``file:///path``, ``locmem:`` or ``smtp://user:pass@host:port?tls=1``."""
    parts = urlsplit(url)
    if parts.scheme == "console":
        return {"EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend"}
    if parts.scheme == "locmem":
        return {"EMAIL_BACKEND": "django.core.mail.backends.locmem.EmailBackend"}
    if parts.scheme == "file":
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "EMAIL_FILE_PATH": parts.path,
        }
    if parts.scheme in ("smtp", "smtps"):
        options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": parts.hostname or "localhost",
            "EMAIL_PORT": parts.port or (465 if parts.scheme == "smtps" else 25),
            "EMAIL_HOST_USER": unquote(parts.username or ""),
            "EMAIL_HOST_PASSWORD": unquote(parts.password or ""),
            "EMAIL_USE_SSL": parts.scheme == "smtps",
            "EMAIL_USE_TLS": options.get("tls", "0") in ("1", "true", "yes"),
            "EMAIL_TIMEOUT": 30,
        }
    raise ImproperlyConfigured(f"EMAIL_URL={url!r}: use console:, file:///dir, locmem: or smtp(s)://…")


# --- Core -----------------------------------------------------------------------------------------------------

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY", DEFAULT_SECRET_KEY)


def _audit_key() -> str:
    """The audit trail's sealing key, kept outside the database: a key of its own in production, so that
    rotating SECRET_KEY never unseals the trail."""
    if path := env_str("ESAFETY_AUDIT_KEY_FILE", ""):
        try:
            key = Path(path).read_text().strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"ESAFETY_AUDIT_KEY_FILE={path!r} cannot be read: {exc}") from None
    else:
        key = env_str("ESAFETY_AUDIT_KEY", "")
    if key and len(key) < 32:
        raise ImproperlyConfigured(
            "The audit key (ESAFETY_AUDIT_KEY or its file) must be at least 32 characters."
        )
    return key or hmac.new(SECRET_KEY.encode(), b"esafety audit seal", hashlib.sha256).hexdigest()


ESAFETY_AUDIT_KEY = _audit_key()
# Where each nightly check's head hash is e-mailed, to be kept outside esafety (default: the Headteachers).
ESAFETY_AUDIT_RECEIPTS = env_list("ESAFETY_AUDIT_RECEIPTS", [])
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"] if DEBUG else [])
TESTING = "pytest" in sys.modules or (len(sys.argv) > 1 and sys.argv[1] == "test")

if not DEBUG and not TESTING:
    # Production mode must never run with the published development key: session cookies, password-reset
    # links and CSRF tokens would be forgeable by anyone who has read this file.
    if SECRET_KEY == DEFAULT_SECRET_KEY or len(SECRET_KEY) < 40:
        raise ImproperlyConfigured(
            "SECRET_KEY is unset or too short. In production (DEBUG=0) set SECRET_KEY to a random string of "
            'at least 40 characters, e.g. python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
        )
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("ALLOWED_HOSTS is empty. In production set it to the site's host names.")

VAR_DIR = Path(env_str("ESAFETY_VAR_DIR", str(BASE_DIR / "var")))
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
SITE_NAME = env_str("SITE_NAME", "esafety")

# Every form lays its fields out with core/_field.html (help text announced, checkbox labels without a colon).
FORM_RENDERER = "esafety.core.forms.FormRenderer"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "rest_framework",
    "drf_spectacular",
    "django_tasks",
    "django_tasks_db",
    "esafety.core",
    "esafety.people",
    "esafety.accounts",
    "esafety.audit",
    "esafety.incidents",
    "esafety.monitoring",
    "esafety.filtering",
    "esafety.policies",
    "esafety.consent",
    "esafety.publishing",
    "esafety.registers",
    "esafety.training",
    "esafety.governance",
    "esafety.transfers",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "esafety.core.middleware.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "esafety.accounts.middleware.SecondFactorMiddleware",
    "esafety.core.middleware.CurrentSchoolMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "esafety.urls"
WSGI_APPLICATION = "esafety.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "esafety.core.context_processors.shell",
            ],
        },
    }
]

DATABASES = {"default": database_from_url(env_str("DATABASE_URL", "sqlite:///var/esafety.sqlite3"))}

# --- Sign-in --------------------------------------------------------------------------------------------------

AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out user name or address before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"

ESAFETY_REQUIRE_2FA = env_bool("ESAFETY_REQUIRE_2FA", True)
OTP_TOTP_ISSUER = SITE_NAME
# Single sign-on (docs/sso.md). The hosts change only for a sovereign cloud or the tests' loopback provider.
ESAFETY_SSO_MICROSOFT_AUTHORITY = env_str(
    "ESAFETY_SSO_MICROSOFT_AUTHORITY", "https://login.microsoftonline.com"
).rstrip("/")
ESAFETY_SSO_GOOGLE_ISSUER = env_str("ESAFETY_SSO_GOOGLE_ISSUER", "https://accounts.google.com").rstrip("/")

AXES_FAILURE_LIMIT = env_int("ESAFETY_LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = env_int("ESAFETY_LOGIN_LOCKOUT_MINUTES", 15, minimum=1) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
AXES_IPWARE_PROXY_COUNT = env_int("ESAFETY_PROXY_COUNT", 0, minimum=0) or None
AXES_IPWARE_META_PRECEDENCE_ORDER = (
    ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if AXES_IPWARE_PROXY_COUNT else ["REMOTE_ADDR"]
)

SESSION_COOKIE_AGE = env_int("ESAFETY_SESSION_MINUTES", 8 * 60, minimum=5) * 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
# Off only for a plain-HTTP loopback server (the end-to-end tests); never in a real deployment.
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("ESAFETY_SECURE_COOKIES", not DEBUG and not TESTING)
ESAFETY_IDLE_MINUTES = env_int("ESAFETY_IDLE_MINUTES", 30, minimum=1)

# --- HTTP security --------------------------------------------------------------------------------------------

SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("ESAFETY_SSL_REDIRECT", not DEBUG and not TESTING)
SECURE_HSTS_SECONDS = env_int("ESAFETY_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = env_bool("ESAFETY_HSTS_PRELOAD", not DEBUG)
if env_bool("ESAFETY_BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
# No inline script or style anywhere: every page's scripts and styles come from /static/.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)
if SILENCED := env_list("ESAFETY_SILENCED_CHECKS", []):
    SILENCED_SYSTEM_CHECKS = SILENCED

# --- Files, e-mail, time --------------------------------------------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Uploaded files are served only through views that check permissions, never by URL.
MEDIA_URL = None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
ESAFETY_MAX_UPLOAD_MB = env_int("ESAFETY_MAX_UPLOAD_MB", 20, minimum=1)
# A JSON body (the API) carries one evidence file of the documented size in base64 (4/3), plus the report itself.
DATA_UPLOAD_MAX_MEMORY_SIZE = ESAFETY_MAX_UPLOAD_MB * 1024 * 1024 * 4 // 3 + 1024 * 1024
ESAFETY_CLAMD_SOCKET = env_str("ESAFETY_CLAMD_SOCKET", "")  # clamd's Unix socket; empty: uploads go unscanned

globals().update(email_from_url(env_str("EMAIL_URL", "console:")))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "esafety <esafety@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

# --- Background tasks -----------------------------------------------------------------------------------------

TASKS_BACKEND = env_choice("ESAFETY_TASKS_BACKEND", "database", ("database", "rq", "immediate"))
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
if TASKS_BACKEND == "database":
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
elif TASKS_BACKEND == "rq":
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
else:
    TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend", "QUEUES": ["default"]}
    }

# --- Cache ----------------------------------------------------------------------------------------------------
# API throttle counters (and nothing that must survive a restart). Per process on a laptop; shared through Redis
# when tasks run on RQ, so every web process counts against the same limits.

if TASKS_BACKEND == "rq" or env_bool("ESAFETY_CACHE_REDIS", False):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- API ------------------------------------------------------------------------------------------------------

REST_FRAMEWORK: dict[str, Any] = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "esafety.accounts.api.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "esafety.core.pagination.BoundedLimitOffsetPagination",
    "PAGE_SIZE": 100,
    # Per token (or signed-in user) and per client address; 429 with Retry-After beyond the rate. An address
    # can be a whole school behind one NAT, so its rate is the higher one.
    "DEFAULT_THROTTLE_CLASSES": [
        "esafety.accounts.api.TokenRateThrottle",
        "esafety.accounts.api.AddressRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "token": env_str("ESAFETY_API_RATE_TOKEN", "600/minute"),
        "address": env_str("ESAFETY_API_RATE_ADDRESS", "1200/minute"),
        "bad_token": env_str("ESAFETY_API_RATE_BAD_TOKEN", "30/minute"),  # wrong keys from one address
    },
    "NUM_PROXIES": AXES_IPWARE_PROXY_COUNT,  # the same trusted proxies as the sign-in lockout
}
SPECTACULAR_SETTINGS = {
    "TITLE": "esafety API",
    "DESCRIPTION": "Online-safety management for schools. Authenticate with `Authorization: Token <key>`.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "ENUM_NAME_OVERRIDES": {"FilterRequestKindEnum": "esafety.filtering.models.ChangeRequest.Kind"},
}

# --- Safeguarding file transfers (esafety.transfers) ------------------------------------------------------------
# Another instance's address must be https in production; plain http only on a laptop or between the two
# instances of the end-to-end test. The instance's key pair lives in VAR_DIR/transfer-keys (see docs/transfers.md).
TRANSFER_ALLOW_HTTP = env_bool("ESAFETY_TRANSFER_ALLOW_HTTP", DEBUG)
TRANSFER_MAX_BYTES = int(env_str("ESAFETY_TRANSFER_MAX_BYTES", str(200 * 1024 * 1024)))
REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"]["transfer"] = env_str("ESAFETY_API_RATE_TRANSFER", "30/minute")

# --- Logging --------------------------------------------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING"))},
    "loggers": {"axes": {"level": "WARNING"}},
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING
