"""The engagement cast and the status fixture of the cases tests, and e-mail switched on or off."""

from __future__ import annotations

from typing import Any

import pytest

from tests.web.cases.conftest import Advance, Cast, advance, cast, triage_answers
from trustdesk.web.conf.tasks import TaskSettings

__all__ = ["Advance", "Cast", "advance", "cast", "triage_answers"]


@pytest.fixture(autouse=True)
def embedded(settings: Any) -> None:
    """The embedded default: a queued task runs in this process once its transaction commits."""
    settings.TRUSTDESK_TASKS = TaskSettings()


@pytest.fixture
def mail_on(settings: Any) -> None:
    """E-mail configured, sent into Django's outbox (the SMTP test sends to a real server)."""
    settings.TRUSTDESK_EMAIL_CONFIGURED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
