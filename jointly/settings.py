"""Django settings for Jointly.

Settings come from the environment (see ``dotenv-sample``). Defaults suit a
developer's machine: SQLite in ``var/``, debug off, 127.0.0.1 only, a development secret key kept
in ``var/secret_key``. ``JOINTLY_PRODUCTION=true`` switches to production defaults (secret key
required, secure cookies, HSTS, HTTPS redirect, ``X-Forwarded-Proto`` trusted from the TLS
terminator); see docs/security.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url

from jointly.core.middleware import static_file_headers

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


def development_secret_key(var_dir: Path) -> str:
    """The key in ``var_dir/secret_key``, created (random, owner-only) on first use.

    Used only outside production, so that ``make run`` and the tests need no configuration while
    every checkout still gets its own key. Safe when several processes start at once: the file is
    written aside and linked into place, and whoever loses the race reads the winner's key.
    """
    path = var_dir / "secret_key"
    if not path.exists():
        var_dir.mkdir(parents=True, exist_ok=True)
        draft = var_dir / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as out:
            out.write(secrets.token_urlsafe(50))
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        except OSError:  # a file system without hard links: last writer wins, still never half-written
            os.replace(draft, path)
        finally:
            draft.unlink(missing_ok=True)
    key = path.read_text(encoding="ascii").strip()
    if not key:
        raise RuntimeError(f"{path} is empty: delete it to have a new development key made")
    return key


# Production switch: secure defaults for everything below that has a development default.
PRODUCTION = env_bool("JOINTLY_PRODUCTION", False)
DEBUG = env_bool("JOINTLY_DEBUG", False)
if PRODUCTION and DEBUG:
    raise RuntimeError("JOINTLY_DEBUG cannot be on with JOINTLY_PRODUCTION (see docs/security.md)")
SECRET_KEY = os.environ.get("JOINTLY_SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("JOINTLY_SECRET_KEY must be set when JOINTLY_PRODUCTION is on (see dotenv-sample)")
    SECRET_KEY = development_secret_key(VAR_DIR)

# Keys that encrypt panel cases' identifying details and documents (Fernet keys, newest first, comma
# separated; `jointly panels rotate-keys` re-encrypts under the first). Required in production (the
# panels refuse to read or write identifiers without it); elsewhere a development key is made in
# var/panel_keys on first use (`jointly panels ensure-key`, run by `make run`, says so).
JOINTLY_PANEL_KEYS = [k.strip() for k in os.environ.get("JOINTLY_PANEL_KEYS", "").split(",") if k.strip()]
JOINTLY_PANEL_KEYS_FILE = VAR_DIR / "panel_keys"

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
    "drf_spectacular_sidecar",
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
    "jointly.risks",
    "jointly.jobs",
    "jointly.directory",
    "jointly.engagement",
    "jointly.finance",
    "jointly.packs",
    "jointly.panels",
    "jointly.demo",
]

MIDDLEWARE = [
    "jointly.core.requestlog.RequestLogMiddleware",
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
# Connections are closed after each request by default: the development server runs a thread per
# request, and kept connections would pile up on PostgreSQL. `jointly serve --production` (a fixed
# pool of gunicorn workers) keeps them for JOINTLY_DB_CONN_MAX_AGE seconds.
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'jointly.sqlite3'}",
        conn_max_age=int(os.environ.get("JOINTLY_DB_CONN_MAX_AGE", "0")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # Several writers (web workers, the job worker): WAL lets readers run beside a writer, the
    # timeout (seconds; SQLite's busy timeout) waits for a lock instead of failing, and IMMEDIATE
    # takes the write lock when a transaction begins, so two transactions never deadlock upgrading
    # a read lock. ADR 0007.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL",
        }
    )

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Sign-in and tokens (see README "Signing in" and docs/adr/0013-sign-in-and-tokens.md).
# People with these roles, and platform admins, must use a second factor (TOTP); their API tokens
# may live at most JOINTLY_TWO_FACTOR_TOKEN_MAX_HOURS.
JOINTLY_TWO_FACTOR_ROLES = ["partnership_admin"]
# Further "must this person use two factors?" checks, ``check(user) -> bool`` (panel members: panels).
JOINTLY_TWO_FACTOR_CHECKS: list[str] = ["jointly.panels.access.is_panel_member"]
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
WHITENOISE_ADD_HEADERS_FUNCTION = static_file_headers  # the CSP on static files too
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# --- Security (docs/security.md) ----------------------------------------------------------------
# Behind a TLS terminator: trust its X-Forwarded-Proto (it must overwrite any the client sends).
if env_bool("JOINTLY_TRUST_X_FORWARDED_PROTO", PRODUCTION):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env_bool("JOINTLY_SSL_REDIRECT", PRODUCTION)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # load balancers probe over plain http
SECURE_HSTS_SECONDS = int(os.environ.get("JOINTLY_HSTS_SECONDS", 31_536_000 if PRODUCTION else 0))
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("JOINTLY_HSTS_INCLUDE_SUBDOMAINS", PRODUCTION)
SECURE_HSTS_PRELOAD = env_bool("JOINTLY_HSTS_PRELOAD", PRODUCTION)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "jointly.accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "jointly.core.api.JointlySchema",
    # JSON only: no browsable HTML API (its forms listed other partnerships' records). ADR 0009.
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "jointly.core.drf.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_FILTER_BACKENDS": [
        "jointly.core.filters.ScopedFilterBackend",
        "jointly.core.filters.PartnershipFilterBackend",
    ],
    "DEFAULT_PAGINATION_CLASS": "jointly.core.drf.Pagination",
    "PAGE_SIZE": 100,
    "EXCEPTION_HANDLER": "jointly.core.api.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Jointly API",
    "DESCRIPTION": "Joint commissioning of children's, young people's and families' services.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # One name per choice set (drf-spectacular otherwise names a set after each field using it).
    "ENUM_NAME_OVERRIDES": {
        "RagEnum": "jointly.intentions.models.Rag",
        "LevelOfNeedEnum": "jointly.services.models.LevelOfNeed",
    },
}

SESSION_COOKIE_HTTPONLY = True
# Messages ("Saved.") travel in the session, so the only cookies are the session and CSRF ones (the
# cookies page lists them); the default would add a "messages" cookie.
MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"
CSRF_COOKIE_HTTPONLY = False
CSRF_FAILURE_VIEW = "jointly.core.views_errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("JOINTLY_SECURE_COOKIES", PRODUCTION)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE

# Logs never carry personal data: we log events and identifiers, not field values.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("JOINTLY_LOG_LEVEL", "WARNING")},
    # One JSON line per request, without personal data (jointly/core/requestlog.py).
    "loggers": {
        "jointly.requests": {"level": "INFO" if env_bool("JOINTLY_REQUEST_LOG", False) else "WARNING"},
        # Django logs every 4xx with the address asked for ("Not Found: /..."), which can hold an
        # e-mail address or a name: 4xx are counted by the request log instead; 5xx still logged.
        "django.request": {"level": "ERROR"},
    },
}

# Golden thread: functions ``(outcome, partnership, user) -> Section | None`` that add their
# part (contracts, KPIs, indicators...) to an outcome's page. See jointly/outcomes/thread.py.
JOINTLY_THREAD_SECTIONS: list[str] = [
    "jointly.contracts.thread.section",
    "jointly.performance.thread.section",
    "jointly.needs.thread.section",
    "jointly.finance.thread.section",
    "jointly.risks.thread.section",
    "jointly.engagement.thread.section",
]
# What needs attention (the home page and /api/v1/attention/): ``source(contexts) -> items``, see
# jointly/core/attention.py. Later apps add theirs (fund overspends, escalated risks).
JOINTLY_ATTENTION_SOURCES: list[str] = [
    "jointly.intentions.attention.intentions",
    "jointly.intentions.attention.milestones",
    "jointly.performance.attention.returns",
    "jointly.performance.attention.kpis",
    "jointly.contracts.attention.notice_dates",
    "jointly.performance.attention.notices",
    "jointly.partnerships.attention.reviews",
    "jointly.partnerships.attention.actions",
    "jointly.finance.attention.overspends",
    "jointly.finance.attention.changes",
    "jointly.risks.attention.escalated",
    "jointly.risks.attention.proposals",
    "jointly.directory.attention.stale_pages",
]
# Committed spend other apps record (a panel's agreed packages...): dotted paths of callables
# ``(partnership, financial_year) -> [(funder organisation, line code / fund slug / funding source, Decimal)]``,
# shown in a fund's position as committed (forecast) spend, never as budget (jointly/finance/queries.py).
JOINTLY_FINANCE_COMMITMENTS: list[str] = ["jointly.panels.queries.commitments"]
# Demo data loaders run after the foundation's, in this order: ``load(stats) -> None``.
JOINTLY_DEMO_LOADERS: list[str] = [
    "jointly.services.demo.load",
    "jointly.contracts.demo.load",
    "jointly.performance.demo.load",
    "jointly.needs.demo.load",
    "jointly.directory.demo.load",
    "jointly.engagement.demo.load",
    "jointly.panels.demo.load",
    "jointly.accounts.demo.load",
    "jointly.finance.demo.load",
    "jointly.risks.demo.load",  # after finance: a risk may name a fund
    "jointly.packs.demo.load",
]

# `jointly demo national`: generators called for each synthetic partnership (jointly/demo/national.py).
# An app adds its own synthetic records by appending a dotted path to a callable taking the Context.
JOINTLY_NATIONAL_GENERATORS: list[str] = [
    "jointly.demo.national.governance",
    "jointly.demo.national.outcomes_and_themes",
    "jointly.demo.national.intentions",
    "jointly.demo.national.services",
    "jointly.demo.national.contracts",
    "jointly.demo.national.performance",
    "jointly.demo.national.indicator_links",
    "jointly.demo.national_directory.entries",
    "jointly.panels.national.cases",
    "jointly.packs.national.agendas",
]

# `jointly export WHAT`: exports of apps other than contracts (`ocds`), as {WHAT: callable(options, stdout, stderr)}.
JOINTLY_EXPORTS: dict[str, str] = {"risks": "jointly.risks.exporting.export_command"}

# Board packs: the papers Jointly writes from live data (jointly/packs/papers.py), in the order the
# agenda form offers them. A later app adds its own kind (panels: panel aggregates) by appending here.
JOINTLY_PACK_PAPERS: list[str] = [
    "jointly.packs.generated.progress",
    "jointly.packs.generated.performance",
    "jointly.packs.generated.finance",
    "jointly.packs.generated.risks",
    "jointly.packs.generated.needs",
    "jointly.packs.generated.log",
    "jointly.packs.generated.engagement",
    "jointly.packs.generated.panel_aggregates",
]
# `jointly report WHAT` beyond the progress report: {WHAT: callable(options, stdout, stderr)}.
JOINTLY_REPORTS: dict[str, str] = {"board-pack": "jointly.packs.command.report_command"}

# Who runs this copy of Jointly and how to reach them: named on the accessibility statement, the
# privacy notice and the phase banner's "Tell us about a problem".
JOINTLY_OPERATOR = os.environ.get("JOINTLY_OPERATOR", "the organisation that runs this copy of Jointly")
JOINTLY_CONTACT_EMAIL = os.environ.get("JOINTLY_CONTACT_EMAIL", "")

# Reviews/notices falling due within this many days are flagged "due soon".
JOINTLY_DUE_SOON_DAYS = int(os.environ.get("JOINTLY_DUE_SOON_DAYS", "90"))

# API docs: Swagger UI from the pinned drf-spectacular-sidecar package, served as our own static
# files (no CDN) by the split view (no inline script), so they run under the CSP.
SPECTACULAR_SETTINGS["SWAGGER_UI_DIST"] = "SIDECAR"
SPECTACULAR_SETTINGS["SWAGGER_UI_FAVICON_HREF"] = "SIDECAR"
SPECTACULAR_SETTINGS["REDOC_DIST"] = "SIDECAR"

# Needs imports: files smaller than this many bytes load inside the request; larger ones in the
# background. JOINTLY_NEEDS_IMPORT_SYNC=true loads every file inside the request (tests, debugging).
JOINTLY_NEEDS_IMPORT_SYNC = env_bool("JOINTLY_NEEDS_IMPORT_SYNC", False)
JOINTLY_NEEDS_IMPORT_SYNC_BELOW = int(os.environ.get("JOINTLY_NEEDS_IMPORT_SYNC_BELOW", 2 * 1024 * 1024))
# Uploads (see README "Imports"): the cap for one uploaded file, checked from Content-Length before
# the body is read; indicator-value CSVs (Fingertips extracts) have their own, larger cap. Django
# keeps form fields to DATA_UPLOAD_MAX_MEMORY_SIZE and spools uploaded files above
# FILE_UPLOAD_MAX_MEMORY_SIZE to a temporary file, so no upload is held whole in memory.
JOINTLY_MAX_UPLOAD_BYTES = int(os.environ.get("JOINTLY_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
JOINTLY_MAX_NEEDS_UPLOAD_BYTES = int(os.environ.get("JOINTLY_MAX_NEEDS_UPLOAD_BYTES", str(500 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# --- Background jobs and the shared cache (ADR 0012) ---------------------------------------------
# Jobs run in Celery workers; their status and progress live in jointly.jobs.Job rows. With
# JOINTLY_BROKER_URL (redis://...) workers may run on any machine; without it, kombu's filesystem
# transport in var/queue needs nothing installed (web and workers on one machine, as `make run`).
JOINTLY_BROKER_URL = os.environ.get("JOINTLY_BROKER_URL", "")
CELERY_BROKER_URL = JOINTLY_BROKER_URL or "filesystem://localhost//"
if not JOINTLY_BROKER_URL:
    JOB_QUEUE_DIR = VAR_DIR / "queue"
    (JOB_QUEUE_DIR / "control").mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(JOB_QUEUE_DIR),
        "data_folder_out": str(JOB_QUEUE_DIR),
        "control_folder": str(JOB_QUEUE_DIR / "control"),
        "store_processed": False,
        "polling_interval": 0.5,
    }
    CELERY_WORKER_ENABLE_REMOTE_CONTROL = False
CELERY_TASK_DEFAULT_QUEUE = os.environ.get("JOINTLY_JOB_QUEUE", "jointly")
CELERY_TASK_ALWAYS_EAGER = env_bool("JOINTLY_JOBS_EAGER", False)
CELERY_TASK_IGNORE_RESULT = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_WORKER_HIJACK_ROOT_LOGGER = False
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TIMEZONE = TIME_ZONE
# A running job on another machine with no heartbeat for this long is taken as dead (retryable).
JOINTLY_JOB_HEARTBEAT_SECONDS = int(os.environ.get("JOINTLY_JOB_HEARTBEAT_SECONDS", "15"))
JOINTLY_JOB_STALE_SECONDS = int(os.environ.get("JOINTLY_JOB_STALE_SECONDS", "300"))

# Shared by every web process and worker: Redis when configured, else a database table (created by
# `migrate`), never per-process memory.
JOINTLY_CACHE_URL = os.environ.get(
    "JOINTLY_CACHE_URL",
    JOINTLY_BROKER_URL if JOINTLY_BROKER_URL.startswith(("redis://", "rediss://")) else "",
)
if JOINTLY_CACHE_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": JOINTLY_CACHE_URL}
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "jointly_cache"}
    }
