"""Settings, read from the environment with defaults that are safe for a developer's own machine.

``DATABASE_URL`` selects the database (default: a SQLite file under ``var/``); ``REDIS_URL``
switches the channel layer from in-memory to Redis; ``DJANGO_SECRET_KEY``, ``DJANGO_ALLOWED_HOSTS``,
``DJANGO_CSRF_TRUSTED_ORIGINS`` and ``DJANGO_HTTPS`` are what a deployment sets (README, "Deploy").
Nothing here needs editing to deploy.
"""
from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("STATEWISE_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _flag(name: str, default: bool) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def _local_secret_key() -> str:
    """A key made once for this checkout (``var/secret_key``), so a developer's sessions survive
    restarts and no key is shared between machines. ``manage.py serve`` refuses to use it."""
    path = VAR_DIR / "secret_key"
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        import secrets

        key = secrets.token_urlsafe(50)
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as f:
            f.write(key)
        return key
    except OSError:
        return ""


SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY") or _local_secret_key() or "statewise-local-only"
# Off unless asked for, `make run` included: people see the app's own 404 and 500 pages, never
# Django's debug page (it lists settings, code and every URL). DJANGO_DEBUG=1 for tracebacks.
DEBUG = _flag("DJANGO_DEBUG", False)
ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",") if h]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]
if _flag("DJANGO_HTTPS", False):
    # Behind a proxy that ends TLS and says so in X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True

INSTALLED_APPS = [
    # First: its runserver (Daphne's, with the runner) and serve commands win.
    "designer.serving",
    # Before staticfiles, so that `manage.py runserver` serves ASGI (and so websockets) through daphne.
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "channels",
    "designer",
    "designer.suites",
    "designer.glossary",
    "designer.review",
    "designer.access",
    "designer.maprun",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "designer.serving.static.StaticFilesMiddleware",  # static files (WhiteNoise), with DEBUG off too
    "designer.http_limits.BodyLimitMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "designer.urls"
WSGI_APPLICATION = "designer.wsgi.application"
ASGI_APPLICATION = "designer.asgi.application"

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
                "designer.review.context.inbox",
            ],
        },
    },
]

_SQLITE_DEFAULT = f"sqlite:///{VAR_DIR / 'statewise.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(os.environ.get("DATABASE_URL") or _SQLITE_DEFAULT, conn_max_age=0)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Live-server tests run the server in another thread or process, which cannot see an
    # in-memory database: the test database needs a file.
    # One file per test run (child processes inherit the name through the environment), so two
    # runs in the same checkout do not delete each other's database.
    _run = os.environ.setdefault("STATEWISE_TEST_RUN", str(os.getpid()))
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / f"test_statewise_{_run}.sqlite3")}

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Runs are advanced by several threads and processes at once: writers queue for the lock
    # (BEGIN IMMEDIATE) instead of failing, and WAL lets readers go on while one writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"transaction_mode": "IMMEDIATE", "timeout": 30,
         "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"})

# A viewer may fall behind by many updates of a run at full speed; nothing may be dropped for it
# (the layers drop messages to a full channel), so channels hold plenty.
_LAYER_CAPACITY = 5000
if os.environ.get("REDIS_URL"):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [{
                "address": os.environ["REDIS_URL"],
                # A viewer's consumer waits for messages with blocking pops of up to 5 s
                # (channels-redis' brpop_timeout); redis-py's own default read timeout is also 5 s,
                # so an idle viewer's read timed out and its socket was closed (1011). Reads get
                # more than the pop's 5 s; keep-alives and health checks still catch a dead Redis.
                "socket_timeout": 30, "socket_connect_timeout": 5, "socket_keepalive": True,
                "health_check_interval": 15,
            }], "capacity": _LAYER_CAPACITY, "expiry": 60},
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer",
                                  "CONFIG": {"capacity": _LAYER_CAPACITY}}}

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "statewise"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise looks there first (collectstatic is optional)
# WhiteNoise serves the files where they are (no collectstatic step): a few hundred KB of plain
# ES modules and CSS, under names that do not change, so browsers keep them a minute.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Notifications also go by e-mail to people who have an address, through Django's e-mail backend
# (printed on the console unless EMAIL_BACKEND says otherwise). Off with STATEWISE_EMAIL_NOTIFICATIONS=0.
STATEWISE_EMAIL_NOTIFICATIONS = _flag("STATEWISE_EMAIL_NOTIFICATIONS", True)
EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "statewise@localhost")
# Where e-mailed links point (e.g. https://statewise.example.com); links are relative without it.
STATEWISE_BASE_URL = os.environ.get("STATEWISE_BASE_URL", "")

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "workflow-list"
LOGOUT_REDIRECT_URL = "login"

# Definitions are small; a few megabytes leaves room for the 1,000-state benchmark and more.
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

REST_FRAMEWORK = {
    # Token first: its WWW-Authenticate challenge makes anonymous calls a 401 rather than a 403.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "designer.api.exceptions.exception_handler",
    # JSON bodies behind the size and depth bounds (designer/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["designer.api.parsers.BoundedJSONParser", "rest_framework.parsers.FormParser",
                               "rest_framework.parsers.MultiPartParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer",
                                 "rest_framework.renderers.BrowsableAPIRenderer"],
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Statewise API",
    "DESCRIPTION": "Store, validate, render and export AWS Step Functions workflows (Amazon States Language).",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # Served from the sidecar package so the docs page works without internet access.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every error a client can get, declared on every operation (designer/api/schema.py).
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "designer.api.schema.declare_errors"],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DJANGO_LOG_LEVEL", "WARNING")},
}
