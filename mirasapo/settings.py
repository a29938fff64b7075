"""Settings for Mirasapo, read from the environment only (django-environ).

Development defaults make `make run` work on a fresh machine; with
DJANGO_ENV=production every secret must be given, so a missing one stops start-up.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent
env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DJANGO_ENV = env("DJANGO_ENV", default="development")
PRODUCTION = DJANGO_ENV == "production"
TESTING = env.bool("MIRASAPO_TESTING", default="pytest" in sys.modules)

if PRODUCTION:
    SECRET_KEY = env("SECRET_KEY")
    DEBUG = False
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")
else:
    SECRET_KEY = env("SECRET_KEY", default="dev-insecure-mirasapo-key-change-me-0123456789abcdef")
    DEBUG = env.bool("DEBUG", default=True)
    ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "django_htmx",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    # Mirasapo's own apps, one per domain concept (see README, "Architecture").
    "core",
    "accounts",
    "companies",
    "consent",
    "institutions",
    "notifications",
    "applications",
    "documents",
    "awards",
    "disclosure",
    "supportplans",
    "reviews",
    "programs",
    "recommend",
    "analytics",
    "linkage",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.LocaleMiddleware",  # Django's, without the path check (no i18n_patterns)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Before any view (and CSRF) reads a body: size limits, characters in paths and queries.
    "core.input.InputGuardMiddleware",
    "core.middleware.MessageMiddleware",  # Django's, with the storage made on first use
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "core.csp.CSPMiddleware",  # django-csp's, with the header built once (issue 16)
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.SessionIdleTimeoutMiddleware",
    "accounts.middleware.RequireMFAMiddleware",
    # Last, so that its transaction wraps only the view: Idempotency-Key on API writes.
    "core.idempotency.IdempotencyMiddleware",
]

ROOT_URLCONF = "mirasapo.urls"
WSGI_APPLICATION = "mirasapo.wsgi.application"

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
    }
]

# Production has no defaults for the data services: a missing URL stops start-up.
# Two roles (core/dbroles.py): DATABASE_URL is the application's role, which owns no
# table; MIGRATION_DATABASE_URL (optional) is the owner, used by `manage.py migrate`
# (manage.py sets MIRASAPO_DATABASE_AS_OWNER for it) and by the test process, which
# creates and empties test databases. Without MIGRATION_DATABASE_URL one role does all.
_app_database = env.db("DATABASE_URL") if PRODUCTION else env.db("DATABASE_URL", default="postgres://postgres@127.0.0.1:54329/mirasapo")
MIGRATION_DATABASE_URL = env("MIGRATION_DATABASE_URL", default="")
_owner_database: dict[str, Any] | None = env.db_url_config(MIGRATION_DATABASE_URL) if MIGRATION_DATABASE_URL else None
DATABASE_AS_OWNER = _owner_database is not None and (TESTING or env.bool("MIRASAPO_DATABASE_AS_OWNER", default=False))
DATABASES: dict[str, dict[str, Any]] = {
    "default": _owner_database if _owner_database is not None and DATABASE_AS_OWNER else _app_database}
# The role granted row access after each migrate ("" = a single role, nothing to grant).
DATABASE_APP_ROLE = _app_database["USER"] if _owner_database and _owner_database["USER"] != _app_database["USER"] else ""
DATABASE_APP_PASSWORD = _app_database.get("PASSWORD", "") if DATABASE_APP_ROLE else ""
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0 if not PRODUCTION else 60)
# Heavy reads (dashboard, open data, research extracts) may use a read replica
# (core/db.py); tests mirror it onto the primary's test database.
DATABASE_REPLICA_URL = env("DATABASE_REPLICA_URL", default="")
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["core.db.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL") if PRODUCTION else env("REDIS_URL", default="redis://127.0.0.1:63799/0")
# pytest-xdist runs the suite in parallel processes against one Redis: each worker gets a
# database number of its own, so that one test's cache.clear() (tests/conftest.py) cannot
# empty what a test in another worker has just stored, nor its Celery queue.
_XDIST_WORKER = env.str("PYTEST_XDIST_WORKER", default="")
if not PRODUCTION and _XDIST_WORKER.startswith("gw") and _XDIST_WORKER[2:].isdigit():
    REDIS_URL = urlsplit(REDIS_URL)._replace(path=f"/{1 + int(_XDIST_WORKER[2:])}").geturl()
# Short socket timeouts: when Redis is away a request waits at most a second for it, and
# everything that uses the cache has a way on without it (see core/health.py).
CACHES = {
    "default": {
        # Redis, but a miss instead of an error while it is away (see core/cache.py).
        "BACKEND": "core.cache.ResilientRedisCache",
        "LOCATION": REDIS_URL,
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    },
    # Template fragments that depend only on the code, the language and the settings (the
    # footer, the header's brand, the asset links): kept in each process for its life, so
    # a page does not render them again (issue 16). Never anything of a user or of the data.
    "fragments": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "mirasapo-fragments",
                  "TIMEOUT": None, "OPTIONS": {"MAX_ENTRIES": 1000}},
}

AUTH_USER_MODEL = "accounts.User"
# Django's and allauth's backends, each loading a session's user with its membership in one
# query (accounts/backends.py).
AUTHENTICATION_BACKENDS = [
    "accounts.backends.ModelBackend",
    "accounts.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- i18n: Japanese first, English second -------------------------------------------
LANGUAGE_CODE = "ja"
LANGUAGES = [("ja", _("Japanese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "var" / "staticfiles")
STATICFILES_DIRS = [BASE_DIR / "static"]
# The document vault (documents app): files never get a public URL; documents.views
# streams them after the consent check. Filesystem under var/ by default; in production
# an S3-compatible bucket through django-storages (DOCUMENTS_STORAGE=s3).
DOCUMENTS_STORAGE = env("DOCUMENTS_STORAGE", default="filesystem")
if DOCUMENTS_STORAGE == "s3":
    DOCUMENTS_STORAGE_CONFIG = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env("DOCUMENTS_S3_BUCKET"),
            "endpoint_url": env("DOCUMENTS_S3_ENDPOINT_URL", default=None),
            "region_name": env("DOCUMENTS_S3_REGION", default=None),
            "access_key": env("DOCUMENTS_S3_ACCESS_KEY_ID", default=None),
            "secret_key": env("DOCUMENTS_S3_SECRET_ACCESS_KEY", default=None),
            "location": env("DOCUMENTS_S3_PREFIX", default="documents"),
            "default_acl": "private",
            "file_overwrite": False,
            "querystring_auth": True,
            "object_parameters": {"ServerSideEncryption": env("DOCUMENTS_S3_SSE", default="AES256")},
        },
    }
else:
    DOCUMENTS_STORAGE_CONFIG = {
        "BACKEND": "documents.storage.PrivateFileSystemStorage",
        "OPTIONS": {"location": env("DOCUMENTS_ROOT", default=str(BASE_DIR / "var" / "documents")),
                    "file_permissions_mode": 0o600, "directory_permissions_mode": 0o700},
    }
DOCUMENT_MAX_FILE_BYTES = env.int("DOCUMENT_MAX_FILE_BYTES", default=10 * 1024 * 1024)
DOCUMENT_MAX_APPLICATION_BYTES = env.int("DOCUMENT_MAX_APPLICATION_BYTES", default=50 * 1024 * 1024)
# Uploads stream to a temporary file (never to memory); past this size the rest of a file
# is counted but not written (documents.uploads).
UPLOAD_MAX_FILE_BYTES = env.int("UPLOAD_MAX_FILE_BYTES", default=DOCUMENT_MAX_FILE_BYTES)
FILE_UPLOAD_HANDLERS = ["documents.uploads.CappedTemporaryFileUploadHandler"]
FILE_UPLOAD_TEMP_DIR = env("FILE_UPLOAD_TEMP_DIR", default=None)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "documents": DOCUMENTS_STORAGE_CONFIG,
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Outside production WhiteNoise serves straight from the apps' static folders (no
# collectstatic needed for `make run` or the tests); production serves the collected files.
# Source maps (the API docs' bundles carry 6 MB of them) are for developer tools, never
# worth compressing at build time; WhiteNoise's own list covers images, fonts in woff.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [
    "jpg", "jpeg", "png", "gif", "webp", "zip", "gz", "tgz", "bz2", "tbz", "xz", "br", "swf", "flv", "woff", "woff2", "map",
]
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
MEDIA_ROOT = BASE_DIR / "var" / "media"
MEDIA_URL = "/media/"
FONT_DIR = BASE_DIR / "static" / "fonts"

# --- sessions & security ----------------------------------------------------------
# Django's database sessions, their read built once (core/sessions.py, issue 16).
SESSION_ENGINE = "core.sessions"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=30 * 60)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the cookie-less meta tag instead
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]  # load balancers and container health checks
    CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "font-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- allauth -------------------------------------------------------------------------
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = env("ACCOUNT_EMAIL_VERIFICATION", default="mandatory")
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# Failed sign-ins are limited per (account, address), per account and per address in the
# database (accounts/lockout.py), not by allauth's cache-based "login_failed" limit, which
# locked a whole office out after five typos behind one address.
ACCOUNT_RATE_LIMITS = {"login_failed": False, "signup": "20/h/ip", "reset_password": "10/h/ip"}
ACCOUNT_ADAPTER = "accounts.adapters.AccountAdapter"
ACCOUNT_FORMS = {"signup": "accounts.forms.BusinessSignupForm"}
ACCOUNT_SESSION_REMEMBER = False  # sessions end with the browser and after SESSION_IDLE_TIMEOUT
SOCIALACCOUNT_ADAPTER = "accounts.adapters.GBizIDSocialAccountAdapter"
LOGIN_REDIRECT_URL = "accounts:mypage"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = "Mirasapo"
# GビズID over OpenID Connect: configured here from the environment only, never in the DB.
GBIZID_CLIENT_ID = env("GBIZID_CLIENT_ID", default="")
SOCIALACCOUNT_PROVIDERS = {
    "openid_connect": {
        "APPS": [
            {
                "provider_id": "gbizid",
                "name": "GビズID",
                "client_id": GBIZID_CLIENT_ID,
                "secret": env("GBIZID_CLIENT_SECRET", default=""),
                "settings": {"server_url": env("GBIZID_SERVER_URL", default="https://gbiz-id.go.jp/oauth")},
            }
        ]
        if GBIZID_CLIENT_ID
        else []
    }
}
SOCIALACCOUNT_ONLY = False
# GビズID has verified the person and the e-mail address; the portal does not ask again.
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_EMAIL_REQUIRED = False

# --- mail ------------------------------------------------------------------------------
EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend" if not TESTING else "django.core.mail.backends.locmem.EmailBackend")
EMAIL_HOST = env("EMAIL_HOST", default="127.0.0.1")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", default=str(BASE_DIR / "var" / "mail"))  # the file-based backend
EMAIL_PORT = env.int("EMAIL_PORT", default=1025)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Mirasapo <no-reply@mirasapo.example.jp>")
PORTAL_BASE_URL = env("PORTAL_BASE_URL", default="http://127.0.0.1:8000")

# --- Celery ------------------------------------------------------------------------------
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
# Longer than any countdown or retry backoff we use (max 1 h), so a delayed task is
# never redelivered twice by Redis while still waiting.
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 2 * 60 * 60,
    # A request that publishes after its commit waits at most ~2 s for an absent Redis
    # (then notifications.tasks.publish leaves the row to the relay).
    "socket_connect_timeout": 1,
    "socket_timeout": 5,
}
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.5, "interval_max": 0.5}
# Workers and beat keep trying to reach the broker for as long as it is away.
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_MAX_RETRIES = None
CELERY_TASK_DEFAULT_QUEUE = "default"
CELERY_TASK_ROUTES = {"notifications.tasks.*": {"queue": "mail"}, "*.tasks.render_*": {"queue": "pdf"}}
CELERY_TIMEZONE = TIME_ZONE

# --- input limits (core/input.py) -------------------------------------------------------
# A JSON body (a partner batch of 1,000 records is ~0.5 MB), a form, an upload (the largest
# document a business stores, with the multipart overhead): larger bodies get 413 unread.
INPUT_MAX_JSON_BYTES = env.int("INPUT_MAX_JSON_BYTES", default=2 * 1024 * 1024)
INPUT_MAX_BODY_BYTES = env.int("INPUT_MAX_BODY_BYTES", default=2 * 1024 * 1024)
# Twice the vault's file limit (and the multipart overhead): a file somewhat over the limit
# still reaches the vault, which streams it to disk and refuses it with the reason (400, as
# api.md's Documents section asks); a far larger body is refused unread (413).
INPUT_MAX_UPLOAD_BYTES = env.int("INPUT_MAX_UPLOAD_BYTES", default=2 * DOCUMENT_MAX_FILE_BYTES + 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = INPUT_MAX_BODY_BYTES
# An Idempotency-Key's stored answer is kept this long (core.idempotency).
IDEMPOTENCY_KEY_TTL_HOURS = env.int("IDEMPOTENCY_KEY_TTL_HOURS", default=24)

# --- DRF ---------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first: its WWW-Authenticate header turns "no credentials" into a 401.
        "accounts.authentication.HashedTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PARSER_CLASSES": [
        "core.input.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer", "rest_framework.renderers.BrowsableAPIRenderer"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "core.api.exception_handler",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Mirasapo API",
    "DESCRIPTION": "The portal's versioned JSON API for partner systems (see shared/spec/api.md).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from our own static files: no CDN at run time.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several "status" fields with different choice sets: each set gets a stable, readable name.
    "ENUM_NAME_OVERRIDES": {
        "SupportPlanRequestStatusEnum": "supportplans.models.SupportPlanRequest.Status",
        "ApplicationLifecycleStatusEnum": "awards.lifecycle.CHOICES",
    },
}

DEMO_PASSWORD = env("DEMO_PASSWORD", default="mirasapo-demo")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING" if TESTING else "INFO")},
}
