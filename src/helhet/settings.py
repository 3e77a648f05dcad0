"""Django settings for Helhet.

Everything that differs between a laptop and production comes from the environment:

- ``DATABASE_URL``: any URL dj-database-url understands. Default: a SQLite file under ``./var/``.
- ``HELHET_SECRET_KEY``: required when ``HELHET_DEBUG`` is off. A fixed development key is used otherwise.
- ``HELHET_AUDIT_KEY``: the key of the audit trail's HMAC chain (defaults to one derived from the secret key).
- ``HELHET_DEBUG``: "1" for development.
- ``HELHET_ALLOWED_HOSTS``: comma separated.
- ``HELHET_VAR_DIR``: where the SQLite file and other local state live (default ``./var``).
- ``HELHET_TASKS``: how background jobs run: ``database`` (default; a queue in the database, run by
  ``helhet db_worker``, which ``helhet demo`` starts) or ``immediate`` (at once, in the caller).
- ``HELHET_PLANNER_TRAVEL``: travel times for the visit planner: ``haversine`` (default),
  ``haversine:<road factor>`` or ``osrm:<base url>`` of a routing engine.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
VAR_DIR = Path(os.environ.get("HELHET_VAR_DIR", Path.cwd() / "var")).resolve()


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on", "ja"}


DEBUG = _env_bool("HELHET_DEBUG", False)
_DEV_SECRET = "helhet-development-secret-key-not-for-production-use-0123456789"  # noqa: S105 (development default; production sets HELHET_SECRET_KEY)
SECRET_KEY = os.environ.get("HELHET_SECRET_KEY", _DEV_SECRET)
AUDIT_HMAC_KEY = os.environ.get("HELHET_AUDIT_KEY", "audit:" + SECRET_KEY)
ALLOWED_HOSTS = [h.strip() for h in os.environ.get("HELHET_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",")]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in os.environ.get("HELHET_CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_htmx",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "helhet.core",
    "helhet.cases",
    "helhet.care",
    "helhet.bpa",
    "helhet.quality",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "helhet.core.middleware.RequireVerifiedStaffMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "helhet.core.middleware.RequestContextMiddleware",
    # AxesMiddleware must be last: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "helhet.urls"
WSGI_APPLICATION = "helhet.wsgi.application"
ASGI_APPLICATION = "helhet.asgi.application"

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
                "helhet.core.context_processors.navigation",
            ],
        },
    },
]

_default_db = f"sqlite:///{VAR_DIR / 'helhet.sqlite3'}"
if "DATABASE_URL" not in os.environ:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", _default_db), conn_max_age=60, conn_health_checks=True
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update({"timeout": 20, "transaction_mode": "IMMEDIATE"})

_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[os.environ.get("HELHET_TASKS", "database").strip().lower()]}}
HELHET_PLANNER_TRAVEL = os.environ.get("HELHET_PLANNER_TRAVEL", "haversine")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTHENTICATION_BACKENDS = [
    # Axes first, so a locked-out account is refused before the password is even checked.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Sessions: an idle staff session ends after 30 minutes; closing the browser ends it too.
SESSION_COOKIE_AGE = int(os.environ.get("HELHET_SESSION_SECONDS", 30 * 60))
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = _env_bool("HELHET_SECURE_COOKIES", not DEBUG and "HELHET_SECRET_KEY" in os.environ)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Lockout after repeated failures (django-axes): 5 failed attempts lock the account for 30 minutes.
AXES_FAILURE_LIMIT = int(os.environ.get("HELHET_LOGIN_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/lockout.html"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_USERNAME_FORM_FIELD = "username"
# Lock the account, not the address: a whole municipality often sits behind one NAT address, and
# locking by IP would let one person's typos lock out a whole office.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

OTP_TOTP_ISSUER = "Helhet"

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", "Norsk bokmål")]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Case handling: the date an inquiry's acknowledgement promises an answer by (days after receipt).
HENVENDELSE_SVARFRIST_DAGER = int(os.environ.get("HELHET_HENVENDELSE_SVARFRIST_DAGER", 7))
# Worklists: «due soon» inquiries and vedtak expiring within this many weeks.
HENVENDELSE_SNART_DAGER = 2
VEDTAK_UTLOPER_UKER = int(os.environ.get("HELHET_VEDTAK_UTLOPER_UKER", 8))

# Nødtilgang (break the glass): how long an emergency access lasts.
NODTILGANG_MINUTES = int(os.environ.get("HELHET_NODTILGANG_MINUTES", 120))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("HELHET_LOG_LEVEL", "INFO")},
    "loggers": {
        # Request logs carry URLs only; URLs in Helhet never carry health data or identity numbers.
        "django.request": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
    },
}
