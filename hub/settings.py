"""One settings module, configured by the environment.

With nothing set, the hub runs embedded: SQLite under ``var/``, the in-memory channel layer,
DEBUG on and a throwaway secret. ``HUB_ENV=production`` turns DEBUG off and makes
``SECRET_KEY`` and ``ALLOWED_HOSTS`` mandatory, so a forgotten variable fails loudly at start
instead of running with development defaults.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import dj_database_url
import django_stubs_ext
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

# Lets admin classes and querysets be written as generics (ModelAdmin[Case]) at run time.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("HUB_VAR_DIR", BASE_DIR / "var"))

HUB_ENV = os.environ.get("HUB_ENV", "development")
PRODUCTION = HUB_ENV == "production"


def _env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = os.environ.get("DEBUG", "" if PRODUCTION else "1") == "1"

if PRODUCTION:
    if not os.environ.get("SECRET_KEY"):
        raise ImproperlyConfigured("SECRET_KEY must be set when HUB_ENV=production.")
    if not os.environ.get("ALLOWED_HOSTS"):
        raise ImproperlyConfigured("ALLOWED_HOSTS must be set when HUB_ENV=production.")
SECRET_KEY = os.environ.get("SECRET_KEY", "embedded-development-key-not-for-production")
ALLOWED_HOSTS = _env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "hub.accounts",
    "hub.customers",
    "hub.threads",
    "hub.notify",
    "hub.outbox",
    "hub.mail",
    "hub.sms",
    "hub.booking",
    "hub.push",
    "hub.portal",
    "hub.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "hub.accounts.middleware.MemberMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "hub.urls"
ASGI_APPLICATION = "hub.asgi.application"
AUTH_USER_MODEL = "accounts.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "/login/"
LOGIN_REDIRECT_URL = "/"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "web" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> dict[str, Any]:
    url = os.environ.get("DATABASE_URL")
    if not url:
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        url = f"sqlite:///{VAR_DIR / 'hub.sqlite3'}"
    # In production connections are kept (and checked before reuse): opening a PostgreSQL
    # connection with password authentication costs milliseconds, which a storm of reconnecting
    # sockets pays several times each. Elsewhere they close after each use, so a test database
    # can be dropped the moment its tests end.
    config: dict[str, Any] = dict(
        dj_database_url.parse(
            url,
            conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60" if PRODUCTION else "0")),
            conn_health_checks=True,
        )
    )
    if config["ENGINE"] == "django.db.backends.sqlite3":
        config["ENGINE"] = "hub.sqlite"  # Django's SQLite with Unicode-aware LIKE
        # IMMEDIATE takes the write lock when a transaction starts, so two writers queue up
        # instead of one failing with "database is locked" half-way (e.g. case numbers).
        config["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
    return config


DATABASES = {"default": _database()}

REDIS_URL = os.environ.get("REDIS_URL", "")
CHANNEL_LAYER_BACKENDS = {
    "core": "channels_redis.core.RedisChannelLayer",
    "pubsub": "channels_redis.pubsub.RedisPubSubChannelLayer",
}
HUB_CHANNEL_LAYER = os.environ.get("HUB_CHANNEL_LAYER", "core")
if REDIS_URL:
    _redis_host: dict[str, Any] = {
        "address": REDIS_URL,
        # channels_redis blocks on Redis for 5 s waiting for messages; redis-py's own default
        # timeout is also 5 s, so an idle socket's read failed now and then. Larger, and a
        # pool that a storm of connecting (or closing) sockets does not exhaust (redis-py 8
        # caps a pool at 100 connections).
        "socket_timeout": 15,
        "max_connections": 2000,
    }
    _layer_config: dict[str, Any] = {
        "hosts": [_redis_host],
        "prefix": os.environ.get("HUB_REDIS_PREFIX", "hub"),
    }
    if HUB_CHANNEL_LAYER == "core":
        # Room for a burst: the default of 100 waiting messages per channel drops events
        # (clients resume, but need not).
        _layer_config["capacity"] = 1000
    CHANNEL_LAYERS: dict[str, Any] = {
        "default": {
            "BACKEND": CHANNEL_LAYER_BACKENDS[HUB_CHANNEL_LAYER],
            "CONFIG": _layer_config,
        }
    }
else:
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [
    ("nb", _("Norwegian Bokmål")),
    ("sv", _("Swedish")),
    ("da", _("Danish")),
    ("en", _("English")),
]
LOCALE_PATHS = [BASE_DIR / "hub" / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "UTC"

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", VAR_DIR / "static"))
STATICFILES_DIRS = [BASE_DIR / "web" / "static"]
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Uploads: the largest file a customer or staff member may attach, in bytes. Requests larger
# than this are refused from their Content-Length before the body is read.
HUB_UPLOAD_MAX_BYTES = int(os.environ.get("HUB_UPLOAD_MAX_BYTES", 25 * 1024 * 1024))
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# Where links in mails and SMS point: the address people open the hub at.
HUB_PUBLIC_URL = os.environ.get("HUB_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# How long a link to the customer portal works (a fresh one is one tap away once it has run out).
HUB_PORTAL_LINK_DAYS = int(os.environ.get("HUB_PORTAL_LINK_DAYS", 30))

# Outgoing mail. HUB_SMTP_URL is the hub's relay (smtp://user:password@host:587 with STARTTLS,
# smtps://… for TLS, smtp+plain://… for neither); organisations may set their own server. Unset:
# mail goes to the development mailbox shown at /dev/mail, where one can answer as the customer.
HUB_SMTP_URL = os.environ.get("HUB_SMTP_URL", "")
HUB_MAIL_DOMAIN = os.environ.get("HUB_MAIL_DOMAIN", "hub.localhost")
HUB_MAIL_FROM = os.environ.get("HUB_MAIL_FROM", f"hub@{HUB_MAIL_DOMAIN}")
# Replies come back to reply+<signed case token>@HUB_REPLY_DOMAIN unless an organisation has a
# reply address of its own; that domain's mail must reach a mailbox the hub listens to.
HUB_REPLY_DOMAIN = os.environ.get("HUB_REPLY_DOMAIN", HUB_MAIL_DOMAIN)
HUB_SMTP_TIMEOUT_SECONDS = float(os.environ.get("HUB_SMTP_TIMEOUT_SECONDS", 60))
# Incoming mail: IDLE is re-issued before servers drop it (RFC 2177: 29 minutes); a UID poll
# runs as a safety net; every IMAP call has a watchdog.
HUB_IMAP_IDLE_SECONDS = float(os.environ.get("HUB_IMAP_IDLE_SECONDS", 25 * 60))
HUB_IMAP_POLL_SECONDS = float(os.environ.get("HUB_IMAP_POLL_SECONDS", 60))
HUB_IMAP_TIMEOUT_SECONDS = float(os.environ.get("HUB_IMAP_TIMEOUT_SECONDS", 60))
HUB_IMAP_RECONNECT_MAX_SECONDS = float(os.environ.get("HUB_IMAP_RECONNECT_MAX_SECONDS", 300))
# A mail larger than this is not imported whole: staff see that it came and how large it was.
HUB_MAIL_MAX_BYTES = int(os.environ.get("HUB_MAIL_MAX_BYTES", 50 * 1024 * 1024))

# SMS providers' API addresses; unset, their real ones (set for a staging or test double).
HUB_SMS_API_URLS: dict[str, str | None] = {
    "twilio": os.environ.get("HUB_TWILIO_API_URL") or None,
    "46elks": os.environ.get("HUB_46ELKS_API_URL") or None,
}

# Web Push. The VAPID key pair is made at setup (`manage.py ensure_vapid_keys`) and kept in the
# database, unless these give one: the private key as base64url of its 32 bytes (or PEM), the
# public key (optional: checked against the private one). The subject is whom push services
# write to about the hub's pushes (mailto: or https:). Endpoints are https only; http (and
# https) to this machine when HUB_PUSH_ALLOW_HTTP_LOOPBACK=1 (the default in development).
# The TTL is how long a push service keeps a push for a device that is offline.
HUB_VAPID_PRIVATE_KEY = os.environ.get("HUB_VAPID_PRIVATE_KEY", "")
HUB_VAPID_PUBLIC_KEY = os.environ.get("HUB_VAPID_PUBLIC_KEY", "")
HUB_VAPID_SUBJECT = os.environ.get("HUB_VAPID_SUBJECT", f"mailto:{HUB_MAIL_FROM}")
HUB_PUSH_ALLOW_HTTP_LOOPBACK = (
    os.environ.get("HUB_PUSH_ALLOW_HTTP_LOOPBACK", "1" if DEBUG else "") == "1"
)
HUB_PUSH_TTL_SECONDS = int(os.environ.get("HUB_PUSH_TTL_SECONDS", 24 * 3600))

# The outbox: retries with exponential backoff and jitter, then failed with the reason.
HUB_OUTBOX_MAX_ATTEMPTS = int(os.environ.get("HUB_OUTBOX_MAX_ATTEMPTS", 8))
HUB_OUTBOX_RETRY_BASE_SECONDS = float(os.environ.get("HUB_OUTBOX_RETRY_BASE_SECONDS", 30))
HUB_OUTBOX_RETRY_MAX_SECONDS = float(os.environ.get("HUB_OUTBOX_RETRY_MAX_SECONDS", 3600))
HUB_OUTBOX_LEASE_SECONDS = float(os.environ.get("HUB_OUTBOX_LEASE_SECONDS", 300))
HUB_OUTBOX_POLL_SECONDS = float(os.environ.get("HUB_OUTBOX_POLL_SECONDS", 1))
# The longest the scheduler sleeps before looking for due booking jobs again (it wakes earlier
# for a job it knows of).
HUB_SCHEDULER_POLL_SECONDS = float(os.environ.get("HUB_SCHEDULER_POLL_SECONDS", 30))
# The gateway tasks in the web process itself (the embedded run); in production they are the
# Procfile's own `gateways` process, as many copies as needed.
HUB_GATEWAYS_IN_WEB = os.environ.get("HUB_GATEWAYS_IN_WEB", "") == "1"
# Passwords of mail servers are stored encrypted with this key (default: derived from
# SECRET_KEY; set it to keep them readable across a SECRET_KEY rotation).
HUB_ENCRYPTION_KEY = os.environ.get("HUB_ENCRYPTION_KEY", "")

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "hub.http.csrf_failure"
if PRODUCTION:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_CONTENT_TYPE_NOSNIFF = True

LOGGING: dict[str, Any] = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
}
