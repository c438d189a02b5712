"""Sign-in settings: password hashing, lockout, single sign-on."""

from __future__ import annotations

APPS: list[str] = []
MIDDLEWARE_AFTER_AUTH: list[str] = []
AUTHENTICATION_BACKENDS = ["django.contrib.auth.backends.ModelBackend"]
