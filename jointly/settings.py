"""Django settings for Jointly.

Settings come from the environment (see ``dotenv-sample``). Defaults suit a
developer's machine: SQLite in ``var/``, debug on, 127.0.0.1 only.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("JOINTLY_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise RuntimeError(f"{name} must be true or false, not {value!r}")


DEBUG = env_bool("JOINTLY_DEBUG", True)
SECRET_KEY = os.environ.get("JOINTLY_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise RuntimeError("JOINTLY_SECRET_KEY must be set when JOINTLY_DEBUG is off (see dotenv-sample)")
    SECRET_KEY = "insecure-development-key-do-not-use-in-production"

ALLOWED_HOSTS = os.environ.get("JOINTLY_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_filters",
    "simple_history",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "jointly.core",
    "jointly.accounts",
    "jointly.partnerships",
    "jointly.outcomes",
    "jointly.intentions",
    "jointly.services",
    "jointly.contracts",
    "jointly.performance",
    "jointly.needs",
    "jointly.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "jointly.accounts.twofactor.TwoFactorMiddleware",
    "jointly.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "jointly.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jointly" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "jointly.core.context_processors.navigation",
            ],
        },
    },
]

WSGI_APPLICATION = "jointly.wsgi.application"

VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(default=f"sqlite:///{VAR_DIR / 'jointly.sqlite3'}", conn_max_age=60)
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    DATABASES["default"].setdefault("OPTIONS", {})["timeout"] = 20

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in and tokens (see README "Signing in" and docs/adr/0007-signin-...).
# People with these roles, and platform admins, must use a second factor (TOTP); their API tokens
# may live at most JOINTLY_TWO_FACTOR_TOKEN_MAX_HOURS.
JOINTLY_TWO_FACTOR_ROLES = ["partnership_admin"]
OTP_TOTP_ISSUER = "Jointly"
JOINTLY_TWO_FACTOR_TOKEN_MAX_HOURS = int(os.environ.get("JOINTLY_TWO_FACTOR_TOKEN_MAX_HOURS", "8"))
# Throttling: after this many failed sign-ins within the window, for one email address tried or from
# one client address, sign-in is refused until the window has passed (counted in the database).
AUTHENTICATION_BACKENDS = ["jointly.accounts.throttle.ThrottledModelBackend"]
JOINTLY_SIGNIN_WINDOW_MINUTES = int(os.environ.get("JOINTLY_SIGNIN_WINDOW_MINUTES", "15"))
JOINTLY_SIGNIN_ACCOUNT_LIMIT = int(os.environ.get("JOINTLY_SIGNIN_ACCOUNT_LIMIT", "5"))
JOINTLY_SIGNIN_ADDRESS_LIMIT = int(os.environ.get("JOINTLY_SIGNIN_ADDRESS_LIMIT", "30"))
# Sessions last JOINTLY_SESSION_HOURS, optionally ending when the browser closes.
SESSION_COOKIE_AGE = int(float(os.environ.get("JOINTLY_SESSION_HOURS", "8")) * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("JOINTLY_SESSION_EXPIRE_AT_BROWSER_CLOSE", False)
PASSWORD_RESET_TIMEOUT = int(float(os.environ.get("JOINTLY_PASSWORD_RESET_HOURS", "2")) * 3600)
# E-mail (password resets): printed to the console unless an SMTP host is set.
EMAIL_HOST = os.environ.get("JOINTLY_EMAIL_HOST", "")
EMAIL_BACKEND = os.environ.get(
    "JOINTLY_EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_PORT = int(os.environ.get("JOINTLY_EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("JOINTLY_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("JOINTLY_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("JOINTLY_EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = os.environ.get("JOINTLY_EMAIL_FROM", "Jointly <no-reply@jointly.invalid>")

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
DATE_FORMAT = "j F Y"

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "jointly" / "static"]
# In development WhiteNoise serves straight from the app folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jointly.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "jointly.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jointly API",
    "DESCRIPTION": "Joint commissioning of children's, young people's and families' services.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = not DEBUG
CSRF_COOKIE_SECURE = not DEBUG

# Logs never carry personal data: we log events and identifiers, not field values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JOINTLY_LOG_LEVEL", "WARNING")},
}

# Golden thread: functions ``(outcome, partnership, user) -> Section | None`` that add their
# part (contracts, KPIs, indicators...) to an outcome's page. See jointly/outcomes/thread.py.
JOINTLY_THREAD_SECTIONS: list[str] = [
    "jointly.contracts.thread.section",
    "jointly.performance.thread.section",
    "jointly.needs.thread.section",
]
# Demo data loaders run after the foundation's, in this order: ``load(stats) -> None``.
JOINTLY_DEMO_LOADERS: list[str] = [
    "jointly.services.demo.load",
    "jointly.contracts.demo.load",
    "jointly.performance.demo.load",
    "jointly.needs.demo.load",
    "jointly.accounts.demo.load",
]

# Reviews/notices falling due within this many days are flagged "due soon".
JOINTLY_DUE_SOON_DAYS = int(os.environ.get("JOINTLY_DUE_SOON_DAYS", "90"))
