"""Lawbridge settings: one module, every value from the environment, safe defaults.

The defaults give the embedded mode (SQLite in ``var/``, tasks in the database,
emails written to ``var/mail/``). Set ``DATABASE_URL``, ``REDIS_URL`` and
friends to run at scale; see the configuration table in the README.
"""

import os
import secrets
import sys
from pathlib import Path

import dj_database_url
import dj_email_url
from csp.constants import NONCE, SELF
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
PACKAGE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


LAWBRIDGE_ENV = env("LAWBRIDGE_ENV", "development")
PRODUCTION = LAWBRIDGE_ENV == "production"
TESTING = env_bool("LAWBRIDGE_TESTING") or "pytest" in sys.modules

VAR_DIR = Path(env("LAWBRIDGE_VAR_DIR", str(BASE_DIR / "var"))).resolve()
VAR_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """SECRET_KEY from the environment, else one generated once into var/."""
    if key := env("SECRET_KEY"):
        return key
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when LAWBRIDGE_ENV=production.")
    path = VAR_DIR / "secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,[::1],testserver")
if PRODUCTION and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set when LAWBRIDGE_ENV=production.")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rules.apps.AutodiscoverRulesConfig",
    "django_htmx",
    "template_partials",
    "django_countries",
    "csp",
    "auditlog",
    "django_tasks",
    "django_tasks_db",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "lawbridge.core",
    "lawbridge.accounts",
    "lawbridge.network",
    "lawbridge.servicedesk",
    "lawbridge.delivery",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "lawbridge.core.middleware.ApiErrorFormatMiddleware",
    "lawbridge.core.middleware.RejectNulBytesMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After authentication: a signed-in user's own language choice wins.
    "lawbridge.core.middleware.LanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "lawbridge.accounts.middleware.RequireStaffTwoFactorMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
]

ROOT_URLCONF = "lawbridge.urls"
WSGI_APPLICATION = "lawbridge.wsgi.application"
ASGI_APPLICATION = "lawbridge.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "lawbridge.core.context_processors.platform",
            ],
        },
    }
]

# --- Database -----------------------------------------------------------------
# LAWBRIDGE_TEST_DATABASE_URL is read by the test suite's second pass (see Makefile).
DATABASE_URL = env("DATABASE_URL") or f"sqlite:///{VAR_DIR / 'lawbridge.sqlite3'}"
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0 if TESTING else 60)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets the worker and the web server read and write side by side.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, tasks -------------------------------------------------------------
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
    RQ_QUEUES = {"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}}
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
else:
    # The login throttle and other counters must be shared by every process: a
    # database cache does that with no extra server.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "lawbridge_cache"}}
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
if TESTING:
    # Each test starts with an empty cache (the login throttle lives there).
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
if env("LAWBRIDGE_TASKS_BACKEND"):
    TASKS = {"default": {"BACKEND": env("LAWBRIDGE_TASKS_BACKEND"), "QUEUES": ["default"]}}

# --- Auth ---------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:dashboard"

ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 3
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_SIGNUP_FORM_CLASS = "lawbridge.accounts.forms.SignupForm"
ACCOUNT_ADAPTER = "lawbridge.accounts.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Lawbridge] "
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# Login throttling against password guessing (allauth's rate limits, kept in the shared cache).
ACCOUNT_RATE_LIMITS = {
    "login_failed": env("LAWBRIDGE_LOGIN_RATE_LIMIT", "10/m/ip,5/5m/key"),
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("LAWBRIDGE_TOTP_ISSUER", "Lawbridge")
MFA_FORMS = {}

# --- Internationalisation -----------------------------------------------------
LANGUAGE_CODE = env("LAWBRIDGE_DEFAULT_LANGUAGE", "zh-hans")
LOCALE_PATHS = [BASE_DIR / "locale"]


def _languages() -> list[tuple[str, str]]:
    """English plus every language with a catalogue in locale/; LAWBRIDGE_LANGUAGES narrows the list.

    Adding a language is adding locale/<code>/LC_MESSAGES/django.po: no code change.
    """
    from django.conf.locale import LANG_INFO
    from django.utils.translation import to_language

    found = {"en"}
    for path in (BASE_DIR / "locale").glob("*/LC_MESSAGES/django.po"):
        found.add(to_language(path.parent.parent.name))
    wanted = env_list("LAWBRIDGE_LANGUAGES") or sorted(found)
    return [(code, LANG_INFO.get(code, {}).get("name_local", code)) for code in wanted if code in found]


LANGUAGES = _languages()
USE_I18N = True
USE_TZ = True
LANGUAGE_COOKIE_NAME = "lawbridge_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- City ---------------------------------------------------------------------
# The city, its districts and units are data (data/cities/<slug>.json), not code.
LAWBRIDGE_CITY = env("LAWBRIDGE_CITY", "hangzhou")
LAWBRIDGE_DATA_DIR = Path(env("LAWBRIDGE_DATA_DIR", str(BASE_DIR / "data")))
TIME_ZONE = env("TIME_ZONE", "Asia/Shanghai")

# --- Static and media files ---------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = Path(env("LAWBRIDGE_STATIC_ROOT", str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
WHITENOISE_USE_FINDERS = DEBUG or TESTING  # serve straight from the apps when nobody ran collectstatic
MEDIA_URL = "media/"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- Email --------------------------------------------------------------------
EMAIL_URL = env("EMAIL_URL")
if EMAIL_URL:
    globals().update(dj_email_url.parse(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = VAR_DIR / "mail"
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "Lawbridge <no-reply@lawbridge.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security -----------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False  # htmx reads the token from the page, not the cookie
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = int(env("SECURE_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", True)

# --- Maps ----------------------------------------------------------------------
# The service-point map draws tiles from this URL template; empty draws no tiles (the list still works).
LAWBRIDGE_MAP_TILES = env("LAWBRIDGE_MAP_TILES", "https://tile.openstreetmap.org/{z}/{x}/{y}.png")
LAWBRIDGE_MAP_ATTRIBUTION = env("LAWBRIDGE_MAP_ATTRIBUTION", "© OpenStreetMap contributors")


def _tile_origin(template: str) -> list[str]:
    from urllib.parse import urlsplit

    parts = urlsplit(template.replace("{s}.", "*."))
    return [f"{parts.scheme}://{parts.netloc}"] if parts.scheme in ("http", "https") and parts.netloc else []


CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, NONCE],
        "img-src": [SELF, "data:", *_tile_origin(LAWBRIDGE_MAP_TILES)],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": ["'none'"],
        "base-uri": [SELF],
        "object-src": ["'none'"],
    }
}

# --- Logging ------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- API ----------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_PER_PAGE_SIZE = 200

# Audit: every create/update/delete of a registered model, with the actor from the request.
AUDITLOG_INCLUDE_ALL_MODELS = False
AUDITLOG_DISABLE_REMOTE_ADDR = False

LAWBRIDGE_SITE_URL = env("LAWBRIDGE_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
LAWBRIDGE_DEMO_PASSWORD = env("LAWBRIDGE_DEMO_PASSWORD", "lawbridge-demo-2026")
