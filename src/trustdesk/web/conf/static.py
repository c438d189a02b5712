"""Static files (stylesheets, scripts): served by the WSGI process itself through WhiteNoise.

The embedded default serves them straight from the installed apps (nothing to run first). In
production `trustdesk collectstatic` copies them into `TRUSTDESK_STATIC_ROOT` under names that carry
a hash of their content, with gzip (and Brotli, where installed) copies beside them; pages link the
hashed names, so each file can be cached for a year and a new release is fetched at once.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from trustdesk.web.env import env_int, env_str

# The files `collectstatic` writes and WhiteNoise serves; hashed names let browsers keep them.
COLLECTED_STORAGE = "whitenoise.storage.CompressedManifestStaticFilesStorage"
# Names as they are in the apps: the embedded default never runs collectstatic.
FINDER_STORAGE = "django.contrib.staticfiles.storage.StaticFilesStorage"


def static_root(home: Path) -> Path:
    """Where `collectstatic` writes: TRUSTDESK_STATIC_ROOT, else `static` in TRUSTDESK_HOME.

    A container image collects at build time into a directory of its own, outside the data
    volume, so the files always match the code that links them.
    """
    raw = env_str("TRUSTDESK_STATIC_ROOT")
    return Path(raw).expanduser().resolve() if raw else home / "static"


def storages(*, collected: bool) -> dict[str, dict[str, Any]]:
    """Django's STORAGES: uploaded media as usual, static files hashed when they are collected."""
    return {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": COLLECTED_STORAGE if collected else FINDER_STORAGE},
    }


# Seconds a browser may keep a static file linked by its plain name (one outside a template's
# {% static %}); hashed names are cached for ten years and marked immutable by WhiteNoise itself.
MAX_AGE = env_int("TRUSTDESK_STATIC_MAX_AGE", 3600)


def uncollected(*, storage: str, root: Path) -> str | None:
    """Why pages cannot be rendered with these static settings, or None when they can.

    The hashed storage looks every `{% static %}` name up in the manifest `collectstatic`
    writes; without it every page, error pages included, fails with a 500. A web process says so
    once, at start, instead.
    """
    if storage == COLLECTED_STORAGE and not (root / "staticfiles.json").is_file():
        return (
            f"static files are not collected in {root}: run `trustdesk collectstatic` once per "
            "release, before the web processes start (docs/deployment.md#static-files)"
        )
    return None
