"""Settings of the loopback OpenID Connect provider (configured by environment variables from the fixture)."""

from __future__ import annotations

import os

PORT = int(os.environ.get("OIDC_E2E_PORT", "8900"))
TENANT = os.environ.get("OIDC_E2E_TENANT", "0b5c2a3e-1f4d-4b6a-9c8e-7d6f5e4a3b2c")
SITE_URL = f"http://127.0.0.1:{PORT}"

DEBUG = False
SECRET_KEY = "e2e-oidc-provider-" + "y" * 40
ALLOWED_HOSTS = ["127.0.0.1", "localhost"]
ROOT_URLCONF = "e2e.oidc_provider.urls"
WSGI_APPLICATION = "e2e.oidc_provider.wsgi.application"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "oidc_provider",
]
MIDDLEWARE = [
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
]
TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [os.path.join(os.path.dirname(__file__), "templates")],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
            ]
        },
    }
]
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("OIDC_E2E_DB", os.path.join(os.path.dirname(__file__), "provider.sqlite3")),
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.PBKDF2PasswordHasher"]
LOGIN_URL = "/login/"
# Cookies ignore the port: under esafety's names the provider's session would replace esafety's on 127.0.0.1.
SESSION_COOKIE_NAME = "provider_sessionid"
CSRF_COOKIE_NAME = "provider_csrftoken"

OIDC_IDTOKEN_INCLUDE_CLAIMS = True
OIDC_USERINFO = "e2e.oidc_provider.claims.userinfo"
OIDC_IDTOKEN_PROCESSING_HOOK = "e2e.oidc_provider.claims.apply_quirks"
OIDC_IDTOKEN_EXPIRE = 600
OIDC_SKIP_CONSENT_EXPIRE = 1
