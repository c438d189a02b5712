"""Django settings: the embedded default out of the box, production from TRUSTDESK_* variables."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import csp.constants as csp
import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from trustdesk.web.conf import auth as auth_conf
from trustdesk.web.conf import logs as logs_conf
from trustdesk.web.conf import mail as mail_conf
from trustdesk.web.conf import static as static_conf
from trustdesk.web.conf import tasks as tasks_conf
from trustdesk.web.env import (
    embedded_secret_key,
    env_bool,
    env_int,
    env_list,
    env_networks,
    env_str,
    home,
    list_max_ages,
    list_url_overrides,
    make_home_private,
)

HOME = home()
# Every process (the CLI, `serve`, workers, any WSGI server) reads these settings first, so this
# is where the owner-only umask is set and an existing home is made private.
make_home_private(HOME)
DEBUG = env_bool("TRUSTDESK_DEBUG", False)
EMBEDDED = not env_str("TRUSTDESK_DATABASE_URL")

SECRET_KEY = env_str("TRUSTDESK_SECRET_KEY")
if not SECRET_KEY:
    if not EMBEDDED:
        raise ImproperlyConfigured(
            "TRUSTDESK_SECRET_KEY must be set in production (any long random string)"
        )
    # The embedded default must start with no configuration: it keeps a random key of its own in
    # TRUSTDESK_HOME, created once, readable only by its owner. Production refuses to start instead.
    SECRET_KEY = embedded_secret_key(HOME)

ALLOWED_HOSTS = [
    h for h in env_str("TRUSTDESK_ALLOWED_HOSTS", "localhost,127.0.0.1").split(",") if h
]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "trustdesk.web.core",
    "trustdesk.web.accounts",
    "trustdesk.web.lists",
    "trustdesk.web.cases",
    "trustdesk.web.partners",
    "trustdesk.web.reference",
    "trustdesk.web.triage",
    "trustdesk.web.packs",
    "trustdesk.web.decisions",
    "trustdesk.web.notify",
    "trustdesk.web.assessments",
    "trustdesk.web.mitigations",
    "trustdesk.web.documents",
    "trustdesk.web.watch",
    "trustdesk.web.desk",
    "trustdesk.web.hub",
    "trustdesk.web.selfassess",
    "trustdesk.web.leadership",
    "ninja",  # django-ninja: only so its Swagger UI files are served from here, never a CDN
    "trustdesk.web.api",
    *auth_conf.APPS,
    *tasks_conf.APPS,
]

AUTH_USER_MODEL = "accounts.User"

MIDDLEWARE = [
    # Load balancers' probes and Prometheus first: no host check, HTTPS redirect or session.
    "trustdesk.web.monitoring.middleware.ProbeMiddleware",
    "trustdesk.web.monitoring.middleware.RequestMetricsMiddleware",
    "trustdesk.web.core.middleware.AccessLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "trustdesk.web.core.middleware.AuditContextMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    *auth_conf.MIDDLEWARE_AFTER_AUTH,
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "trustdesk.web.core.middleware.RefuseNulMiddleware",
]

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
                "trustdesk.web.lists.context_processors.coverage_banner",
                "trustdesk.web.notify.context.notifications",
            ]
        },
    }
]

STATIC_URL = "static/"
STATIC_ROOT = static_conf.static_root(HOME)
# WhiteNoise serves static files from the WSGI process: no separate web server is needed. The
# embedded default reads them straight from the apps; production serves `collectstatic` output,
# hashed and compressed, each hashed file cached for good (see conf/static.py).
WHITENOISE_USE_FINDERS = EMBEDDED
STORAGES = static_conf.storages(collected=not EMBEDDED)
WHITENOISE_MAX_AGE = 0 if DEBUG else static_conf.MAX_AGE
WSGI_APPLICATION = "trustdesk.web.wsgi.application"

# Security headers and cookies. HTTPS-only settings follow TRUSTDESK_HTTPS (on by default outside
# the embedded default, which serves plain HTTP on localhost).
HTTPS = env_bool("TRUSTDESK_HTTPS", not EMBEDDED)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Rows are keyed by a digest of the cookie's key, so a copy of the database signs nobody in.
SESSION_ENGINE = "trustdesk.web.core.sessions"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("TRUSTDESK_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
BEHIND_PROXY = env_bool("TRUSTDESK_BEHIND_PROXY", False)
if BEHIND_PROXY:
    # Only behind a proxy that sets these headers itself; otherwise clients could claim HTTPS or
    # another host. With both, a browser's `Origin: https://<public host>` matches the request as
    # Django sees it, and sign-in passes the CSRF origin check (docs/deployment.md).
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
# Content-Security-Policy on every response (django-csp): scripts, styles, images and requests
# from this site's own files only; no inline script or style, no eval, no plugins, no framing,
# no <base> or form posts elsewhere. htmx is told not to inject its indicator <style> or eval
# anything (base.html's htmx-config meta), so it runs under this policy unchanged.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF],
        "style-src": [csp.SELF],
        "img-src": [csp.SELF, "data:"],  # data: for the small icons some stylesheets embed
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    }
}
CSRF_TRUSTED_ORIGINS = [o for o in env_str("TRUSTDESK_CSRF_TRUSTED_ORIGINS").split(",") if o]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
AUTHENTICATION_BACKENDS = auth_conf.AUTHENTICATION_BACKENDS
PASSWORD_HASHERS = auth_conf.PASSWORD_HASHERS
AUTH_PASSWORD_VALIDATORS = auth_conf.AUTH_PASSWORD_VALIDATORS
AXES_FAILURE_LIMIT = auth_conf.AXES_FAILURE_LIMIT
AXES_COOLOFF_TIME = auth_conf.AXES_COOLOFF_TIME
AXES_LOCKOUT_PARAMETERS = auth_conf.AXES_LOCKOUT_PARAMETERS
AXES_RESET_ON_SUCCESS = auth_conf.AXES_RESET_ON_SUCCESS
AXES_ENABLE_ACCESS_FAILURE_LOG = auth_conf.AXES_ENABLE_ACCESS_FAILURE_LOG
AXES_LOCKOUT_CALLABLE = auth_conf.AXES_LOCKOUT_CALLABLE
AXES_ENABLE_ADMIN = auth_conf.AXES_ENABLE_ADMIN
AXES_CLIENT_IP_CALLABLE = auth_conf.AXES_CLIENT_IP_CALLABLE
TRUSTDESK_PROXY_COUNT = auth_conf.TRUSTDESK_PROXY_COUNT
# E-mail for invitations and password reset links (conf/mail.py); none is sent without a host.
_MAIL = mail_conf.mail_settings(allowed_hosts=ALLOWED_HOSTS)
EMAIL_BACKEND = _MAIL.backend
EMAIL_HOST = _MAIL.host
EMAIL_PORT = _MAIL.port
EMAIL_HOST_USER = _MAIL.user
EMAIL_HOST_PASSWORD = _MAIL.password
EMAIL_USE_TLS = _MAIL.use_tls
EMAIL_USE_SSL = _MAIL.use_ssl
EMAIL_TIMEOUT = 30  # a stalled mail server must not hold a web request for ever
DEFAULT_FROM_EMAIL = _MAIL.sender
TRUSTDESK_EMAIL_CONFIGURED = _MAIL.configured
TRUSTDESK_BASE_URL = mail_conf.base_url(embedded=EMBEDDED, allowed_hosts=ALLOWED_HOSTS)
PASSWORD_RESET_TIMEOUT = mail_conf.password_link_seconds()  # invitation and reset links alike
TRUSTDESK_OIDC = auth_conf.TRUSTDESK_OIDC
ROOT_URLCONF = "trustdesk.web.urls"
USE_TZ = True
TIME_ZONE = "UTC"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# SQLite, embedded or named by a sqlite:// URL (a worker given the embedded file, say), takes its
# write lock when a transaction begins: the audit chain's appends must never fork.
_SQLITE_OPTIONS = {
    "timeout": 30,
    "transaction_mode": "IMMEDIATE",
    "init_command": "PRAGMA journal_mode=WAL;",
}
DATABASES: dict[str, dict[str, Any]]
if EMBEDDED:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(HOME / "trustdesk.sqlite3"),
            "OPTIONS": dict(_SQLITE_OPTIONS),
        }
    }
else:
    DATABASES = {"default": dict(dj_database_url.parse(env_str("TRUSTDESK_DATABASE_URL")))}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = {
            **_SQLITE_OPTIONS,
            **DATABASES["default"].get("OPTIONS", {}),
        }

# Largest list file accepted in one import; the full OpenSanctions export needs more than this.
TRUSTDESK_MAX_LIST_BYTES = env_int("TRUSTDESK_MAX_LIST_BYTES", 1 << 30)
# Largest evidence file accepted for a mitigation (uploads are refused past it while they stream).
TRUSTDESK_EVIDENCE_MAX_BYTES = env_int("TRUSTDESK_EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
# Seconds a list download may stall before it is given up.
TRUSTDESK_DOWNLOAD_TIMEOUT = env_int("TRUSTDESK_DOWNLOAD_TIMEOUT", 60)

# TRUSTDESK_LIST_URL_<SOURCE> replaces a source's download URL (a mirror, the EU file's token URL);
# TRUSTDESK_LIST_URL_<SOURCE>__<ROLE> replaces one file of a multi-file set. Dashes become "_".
TRUSTDESK_LIST_URL_OVERRIDES = list_url_overrides()
# Stage the snapshots that `lists update` (and its schedule) downloads for review, instead of
# making them current at once. Off by default: an official sanctions list must serve the day it
# is published, and a held-back update is a gap in screening until someone reviews it.
TRUSTDESK_LIST_UPDATES_STAGE = env_bool("TRUSTDESK_LIST_UPDATES_STAGE", False)
TRUSTDESK_TASKS = tasks_conf.TASKS
# Coverage: the list sources every screening should consult (comma-separated keys; unset: the
# official sanctions lists and the shipped research-security lists), and per source the days
# it may go without a successful import or update before results call it out of date
# (TRUSTDESK_LIST_MAX_AGE_<SOURCE>, dashes as "_"; unset: 7 for sanctions, 400 for research).
TRUSTDESK_LISTS_EXPECTED = env_list("TRUSTDESK_LISTS_EXPECTED")
TRUSTDESK_LIST_MAX_AGE_DAYS = list_max_ages()
# The keys are checked against the source registry when the lists app loads (lists.apps).
# The policy pack the questionnaire and case triage use: an installed pack id (gb-base, ca-base)
# or the path of an institution's own pack that extends one.
TRUSTDESK_POLICY_PACK = env_str("TRUSTDESK_POLICY_PACK", "gb-base")
# The GOV.UK Content API that FCDO travel advice is refreshed from (a local server in tests).
TRUSTDESK_TRAVEL_ADVICE_URL = env_str(
    "TRUSTDESK_TRAVEL_ADVICE_URL", "https://www.gov.uk/api/content"
)
# The audit chain's anchors, appended outside the database (core/anchors.py): point it at storage
# the database's administrators cannot rewrite. The scheduled job `audit.anchor` writes them hourly.
TRUSTDESK_AUDIT_ANCHOR_PATH = Path(
    env_str("TRUSTDESK_AUDIT_ANCHOR_PATH") or HOME / "anchors" / "audit-chain.jsonl"
).expanduser()
# On the embedded default `trustdesk serve` runs the scheduled jobs (schedule/table.py) itself;
# off where cron runs `trustdesk jobs run-due` instead. With Redis, `trustdesk scheduler` runs them.
TRUSTDESK_SERVE_RUNS_SCHEDULE = env_bool("TRUSTDESK_SERVE_RUNS_SCHEDULE", True)
# Days a person's screening record is kept (data minimisation); organisations' are kept.
TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS = env_int(
    "TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS", 730
)

# /metrics (trustdesk.web.monitoring): answered to these addresses when the request did not come
# through a proxy (no X-Forwarded-For), and to any request with `Authorization: Bearer <token>`.
TRUSTDESK_METRICS_ALLOW = env_networks("TRUSTDESK_METRICS_ALLOW", "127.0.0.1,::1")
TRUSTDESK_METRICS_TOKEN = env_str("TRUSTDESK_METRICS_TOKEN")

# Logs go to standard error: text by default, or one JSON object per line (TRUSTDESK_LOG_FORMAT);
# each record has its time (UTC), level, logger, request id and, in workers, the task run
# (core/logs.py). TRUSTDESK_ACCESS_LOG: one record per request (on by default).
LOGGING = logs_conf.from_env()
