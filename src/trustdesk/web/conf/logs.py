"""Logging settings: text or JSON records on standard error, and the access log.

The filters and formatters named here live in trustdesk.web.core.logs (named by string, as
LOGGING expects, so settings import no app module).

- `TRUSTDESK_LOG_FORMAT`: `text` (default) or `json` (one object per line).
- `TRUSTDESK_LOG_LEVEL`: the root level (default WARNING).
- `TRUSTDESK_ACCESS_LOG`: one INFO record per request on `trustdesk.access` (default on).
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured

from trustdesk.web.env import env_bool, env_str

ACCESS_LOGGER = "trustdesk.access"
FORMATS = frozenset({"text", "json"})


def logging_config(*, log_format: str, level: str, access_log: bool) -> dict[str, object]:
    """The LOGGING setting: one console handler in `log_format`, every record in context."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "filters": {
            # A refused request is one line with its reason; only server errors keep a traceback.
            "one_line_refusals": {"()": "trustdesk.web.core.logs.OneLineRefusals"},
            "context": {"()": "trustdesk.web.core.logs.RequestContext"},
        },
        "formatters": {
            "text": {"()": "trustdesk.web.core.logs.TextFormatter"},
            "json": {"()": "trustdesk.web.core.logs.JsonFormatter"},
        },
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "filters": ["context"],
                "formatter": log_format,
            }
        },
        "loggers": {
            "django.request": {"filters": ["one_line_refusals"]},
            # One record per request (core.middleware.AccessLogMiddleware), whatever the level.
            ACCESS_LOGGER: {"level": "INFO" if access_log else "WARNING"},
        },
        "root": {"handlers": ["console"], "level": level},
    }


def from_env() -> dict[str, object]:
    log_format = env_str("TRUSTDESK_LOG_FORMAT", "text").strip().lower()
    if log_format not in FORMATS:
        raise ImproperlyConfigured(f"TRUSTDESK_LOG_FORMAT={log_format!r}: expected text or json")
    return logging_config(
        log_format=log_format,
        level=env_str("TRUSTDESK_LOG_LEVEL", "WARNING"),
        access_log=env_bool("TRUSTDESK_ACCESS_LOG", True),
    )
