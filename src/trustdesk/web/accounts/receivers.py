"""Adapters from other libraries' signals to our services; no decisions are made here."""

from __future__ import annotations

from typing import Any

import axes.helpers as axes_helpers
from django.http import HttpRequest

from trustdesk.web.accounts import services


def on_user_locked_out(
    sender: object, *, request: HttpRequest, username: str | None, ip_address: str, **kwargs: Any
) -> None:
    """django-axes signals on every refused attempt while a lock lasts; audit only the first.

    Axes counts failures per lockout parameter and reports the highest; the lock begins at the
    attempt whose count reaches the limit, so later attempts do not flood the audit trail.
    """
    limit = axes_helpers.get_failure_limit(request, getattr(request, "axes_credentials", None))
    if getattr(request, "axes_failures_since_start", None) != limit:
        return
    services.sign_in_lockout_record(username=username or "", ip_address=ip_address or "")
