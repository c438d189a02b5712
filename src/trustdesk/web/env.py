"""Typed readers for TRUSTDESK_* environment variables; bad values stop start-up with a reason."""

from __future__ import annotations

import ipaddress
import os
import secrets
import stat
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


def env_networks(
    name: str, default: str
) -> tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...]:
    """Addresses or networks (CIDR), comma-separated; "" allows none."""
    raw = os.environ.get(name, default)
    try:
        return tuple(ipaddress.ip_network(p.strip()) for p in raw.split(",") if p.strip())
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name}={raw!r}: {exc}") from None


def home() -> Path:
    """TRUSTDESK_HOME: the data directory of the embedded default (database, list files)."""
    return Path(env_str("TRUSTDESK_HOME", "var")).expanduser().resolve()


# Owner-only: list files, indexes, uploads, the embedded database and its secret key may hold
# personal data or credentials, and a shared machine's other users must not read them.
PRIVATE_UMASK = 0o077
PRIVATE_DIR_MODE = 0o700
PRIVATE_FILE_MODE = 0o600


def make_home_private(home_dir: Path) -> None:
    """Make the process create owner-only files, and TRUSTDESK_HOME owner-only as it stands.

    The umask covers every later file of this process (SQLite's database and journal files,
    list downloads, indexes), whichever module writes it. The walk fixes a home created by an
    earlier version or copied in with looser modes. A home that is the user's own home folder or
    the root is refused: trustdesk would otherwise change the modes of everything in it.
    """
    os.umask(PRIVATE_UMASK)
    try:
        refused = {Path.home().resolve(), Path(home_dir.anchor)}
    except RuntimeError:  # no home folder known for this user (a service account)
        refused = {Path(home_dir.anchor)}
    if home_dir in refused:
        raise ImproperlyConfigured(
            f"TRUSTDESK_HOME={home_dir} is not a folder of its own: point it at a data folder "
            "that only trustdesk uses (it makes everything in it private to its owner)"
        )
    home_dir.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
    _set_mode(home_dir, PRIVATE_DIR_MODE)
    for root, dirs, files in os.walk(home_dir):
        for name in dirs:
            _set_mode(Path(root, name), PRIVATE_DIR_MODE)
        for name in files:
            _set_mode(Path(root, name), PRIVATE_FILE_MODE)


def _set_mode(path: Path, mode: int) -> None:
    """Set the mode unless already so; a symbolic link (its target may lie outside) is left."""
    st = path.lstat()
    if stat.S_ISLNK(st.st_mode) or stat.S_IMODE(st.st_mode) == mode:
        return
    try:
        path.chmod(mode)
    except PermissionError as exc:
        raise ImproperlyConfigured(
            f"{path} in TRUSTDESK_HOME belongs to another user and cannot be made private: "
            f"{exc.strerror}"
        ) from exc


def embedded_secret_key(home_dir: Path) -> str:
    """The embedded install's own secret key, generated on first start and kept in its home."""
    path = home_dir / "secret_key"
    if not path.exists():
        home_dir.mkdir(mode=PRIVATE_DIR_MODE, parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE_MODE)
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
