"""Django settings for C-pass. Every value comes from cpass.config.env (CPASS_* variables)."""

from __future__ import annotations

from datetime import timedelta

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from cpass.config import env

BASE_DIR = env.BASE_DIR
DATA_DIR = env.DATA_DIR
# The SQLite database, Huey queue, cache, media and outgoing mail live here; create it on first start.
DATA_DIR.mkdir(parents=True, exist_ok=True)
DEBUG = env.DEBUG
CPASS_DEMO = env.DEMO

if env.SECRET_KEY:
    SECRET_KEY = env.SECRET_KEY
elif env.DEBUG or env.DEMO:
    SECRET_KEY = "cpass-demo-only-insecure-key-never-use-in-production-0123456789"  # noqa: S105
else:
    raise ImproperlyConfigured("CPASS_SECRET_KEY must be set when CPASS_DEBUG and CPASS_DEMO are off.")

ALLOWED_HOSTS = env.ALLOWED_HOSTS
CSRF_TRUSTED_ORIGINS = env.CSRF_TRUSTED_ORIGINS
CPASS_BASE_URL = env.BASE_URL

#: Our apps first: their templates and, above all, their translations win over Django's and the libraries'
#: (a message both translate is shown as ours; tests/test_project.py checks every one).
INSTALLED_APPS = [
    "cpass.core",
    "cpass.accounts",
    "cpass.organizations",
    "cpass.audit",
    "cpass.privacy",
    "cpass.documents",
    "cpass.imports",
    "cpass.reference",
    "cpass.places",
    "cpass.fx",
    "cpass.tariff",
    "cpass.classification",
    "cpass.parties",
    "cpass.products",
    "cpass.shipments",
    "cpass.customs",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "ninja",
    "huey.contrib.djhuey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "cpass.core.middleware.RequestIdMiddleware",
    "cpass.audit.middleware.AccessLogMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "cpass.core.middleware.ServiceErrorPageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django-otp's middleware, adapted: User.is_verified means "e-mail verified" here.
    "cpass.accounts.middleware.OTPMiddleware",
    "cpass.accounts.middleware.SessionTrackingMiddleware",
    "cpass.accounts.middleware.UserPreferencesMiddleware",
    "cpass.organizations.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "cpass.accounts.middleware.EmailVerificationMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "cpass.config.urls"
WSGI_APPLICATION = "cpass.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cpass.core.context_processors.shell",
            ],
        },
    },
]

DATABASES = {"default": dj_database_url.parse(env.DATABASE_URL, conn_max_age=env.DATABASE_CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
else:
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

if env.REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": env.REDIS_URL}}
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(DATA_DIR / "cache"),
        }
    }
    SESSION_ENGINE = "django.contrib.sessions.backends.db"

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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:dashboard"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Lockout (django-axes): per account and, separately, per IP address.
AXES_FAILURE_LIMIT = env.LOGIN_FAILURE_LIMIT
AXES_COOLOFF_TIME = timedelta(minutes=env.LOGIN_LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_FORM_FIELD = "email"
AXES_LOCKOUT_CALLABLE = "cpass.accounts.views.lockout_response"
AXES_CLIENT_IP_CALLABLE = "cpass.core.http.client_ip"
AXES_VERBOSE = False
AXES_ENABLE_ACCESS_FAILURE_LOG = False

# Two-factor (django-otp): the name authenticator apps show next to the account.
OTP_TOTP_ISSUER = "C-pass"

LANGUAGES = [("en", _("English")), ("zh-hans", _("Simplified Chinese"))]
LANGUAGE_CODE = env.LANGUAGE_CODE
LANGUAGE_COOKIE_NAME = "cpass_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LOCALE_PATHS: list[str] = []  # each app keeps its catalogue in <app>/locale
USE_I18N = True
USE_TZ = True
TIME_ZONE = env.TIME_ZONE

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# Third-party front-end assets are installed from the npm registry by `make` into this
# git-ignored folder (see package.json); nothing third-party is committed.
STATICFILES_DIRS = [("vendor", BASE_DIR / "node_modules" / ".cpass-assets")]
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
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
DATA_UPLOAD_MAX_MEMORY_SIZE = env.MAX_REQUEST_BODY_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
CPASS_MAX_UPLOAD_BYTES = env.MAX_UPLOAD_BYTES
CPASS_MAX_IMPORT_BYTES = env.MAX_IMPORT_BYTES
CPASS_IMPORT_READER_PROCESS = env.IMPORT_READER_PROCESS

EMAIL_SUBJECT_PREFIX = "[C-pass] "
DEFAULT_FROM_EMAIL = env.DEFAULT_FROM_EMAIL
SERVER_EMAIL = env.DEFAULT_FROM_EMAIL
_EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "memory": "django.core.mail.backends.locmem.EmailBackend",
}
if env.EMAIL_BACKEND not in _EMAIL_BACKENDS:
    raise ImproperlyConfigured(f"CPASS_EMAIL_BACKEND must be one of {sorted(_EMAIL_BACKENDS)}.")
EMAIL_BACKEND = _EMAIL_BACKENDS[env.EMAIL_BACKEND]
EMAIL_FILE_PATH = env.EMAIL_FILE_PATH
EMAIL_HOST = env.EMAIL_HOST
EMAIL_PORT = env.EMAIL_PORT
EMAIL_HOST_USER = env.EMAIL_HOST_USER
EMAIL_HOST_PASSWORD = env.EMAIL_HOST_PASSWORD
EMAIL_USE_TLS = env.EMAIL_USE_TLS

# Huey: SQLite file storage by default, Redis when configured.
if env.REDIS_URL:
    HUEY = {
        "huey_class": "huey.RedisHuey",
        "name": "cpass",
        "url": env.REDIS_URL,
        "immediate": env.HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }
else:
    HUEY = {
        "huey_class": "huey.SqliteHuey",
        "name": "cpass",
        "filename": str(DATA_DIR / "huey.sqlite3"),
        "immediate": env.HUEY_IMMEDIATE,
        "consumer": {"workers": 2, "worker_type": "thread"},
    }

# Security baseline. Production runs behind TLS with CPASS_HTTPS=1.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 14
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the page's meta tag, not the cookie
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if env.HTTPS:
    SECURE_SSL_REDIRECT = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env.HSTS_SECONDS
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
CPASS_TRUSTED_PROXIES = env.TRUSTED_PROXIES

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

NINJA_PAGINATION_CLASS = "cpass.core.api.Pagination"
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

CPASS_INVITATION_DAYS = env.INVITATION_DAYS
CPASS_VERIFICATION_RESEND_SECONDS = env.VERIFICATION_RESEND_SECONDS
CPASS_ACCESS_LOG_RETENTION_DAYS = env.ACCESS_LOG_RETENTION_DAYS
CPASS_API_TOKEN_MAX_DAYS = env.API_TOKEN_MAX_DAYS
CPASS_CUSTOMS_GATEWAY = env.CUSTOMS_GATEWAY
CPASS_SANDBOX_GATEWAY_DELAYS = env.SANDBOX_GATEWAY_DELAYS
CPASS_SANDBOX_INSPECTION_RATE = env.SANDBOX_INSPECTION_RATE

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.LOG_LEVEL},
    "loggers": {"django.server": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}
