"""Typed readers for TRUSTDESK_* environment variables; bad values stop start-up with a reason."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured


def env_str(name: str, default: str = "") -> str:
    """A string setting; NAME_FILE, when set, is read instead so secrets can be mounted files."""
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        try:
            return Path(file_path).read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise ImproperlyConfigured(f"{name}_FILE={file_path}: {exc.strerror}") from exc
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name}={raw!r}: expected true or false")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r}: expected a whole number") from None


def env_list(name: str) -> list[str] | None:
    """A comma-separated list; None when unset, so that the caller's default applies."""
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return None
    return [item.strip() for item in raw.split(",") if item.strip()]


def home() -> Path:
    """TRUSTDESK_HOME: the data directory of the embedded default (database, list files)."""
    return Path(env_str("TRUSTDESK_HOME", "var")).expanduser().resolve()


def embedded_secret_key(home_dir: Path) -> str:
    """The embedded install's own secret key, generated on first start and kept in its home."""
    path = home_dir / "secret_key"
    if not path.exists():
        home_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(secrets.token_urlsafe(50))
    return path.read_text(encoding="utf-8").strip()


_LIST_URL_PREFIX = "TRUSTDESK_LIST_URL_"


def list_url_overrides() -> dict[str, str]:
    """`TRUSTDESK_LIST_URL_EU_FSF=…` → {"eu-fsf": …}; `…_OFAC_SDN__ALT=…` → {"ofac-sdn:alt": …}."""
    out: dict[str, str] = {}
    for name, value in os.environ.items():
        if not name.startswith(_LIST_URL_PREFIX) or not value:
            continue
        source, _, role = name[len(_LIST_URL_PREFIX) :].lower().partition("__")
        key = source.replace("_", "-") + (f":{role}" if role else "")
        out[key] = value
    return out


_LIST_MAX_AGE_PREFIX = "TRUSTDESK_LIST_MAX_AGE_"


def list_max_ages() -> dict[str, int]:
    """`TRUSTDESK_LIST_MAX_AGE_OFAC_SDN=3` → {"ofac-sdn": 3}: days a list may go unconfirmed."""
    out: dict[str, int] = {}
    for name in os.environ:
        if not name.startswith(_LIST_MAX_AGE_PREFIX) or not os.environ[name]:
            continue
        days = env_int(name, 0)
        if days < 1:
            raise ImproperlyConfigured(f"{name}={os.environ[name]!r}: expected a number of days")
        key = name[len(_LIST_MAX_AGE_PREFIX) :].lower().replace("_", "-")
        if key.startswith("custom-"):  # TRUSTDESK_LIST_MAX_AGE_CUSTOM_MY_LIST: custom:my-list
            key = "custom:" + key.removeprefix("custom-")
        out[key] = days
    return out
