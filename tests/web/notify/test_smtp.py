"""Notification e-mail delivered over SMTP to a real server process on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.header import decode_header, make_header
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from trustdesk.web.cases.models import Engagement

from .conftest import Advance, Cast

Status = Engagement.Status


class Inbox:
    """aiosmtpd's handler: keeps every message the server accepted."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802 (aiosmtpd's name)
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[Inbox]:
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()  # its own thread with its own event loop, listening on the port
    settings.TRUSTDESK_EMAIL_CONFIGURED = True
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.DEFAULT_FROM_EMAIL = "trustdesk@uni.example"
    settings.TRUSTDESK_BASE_URL = "https://trustdesk.uni.example"
    try:
        yield inbox
    finally:
        controller.stop()


def _parsed(envelope: Envelope) -> Message:
    content = envelope.original_content or envelope.content
    assert isinstance(content, bytes)
    return message_from_bytes(content)


def test_a_decision_reaches_the_researcher_over_smtp_with_the_case_and_nothing_more(
    cast: Cast,
    advance: Advance,
    smtp_server: Inbox,
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        decided = advance(Status.DECIDED)

    by_recipient = {tuple(e.rcpt_tos): e for e in smtp_server.envelopes}
    assert sorted(by_recipient) == [
        ("olga@uni.example",),  # the submission
        ("rita@uni.example",),  # the decision, to the owner
        ("tom@uni.example",),  # and to the team
    ]
    message = _parsed(by_recipient[("rita@uni.example",)])
    assert message["To"] == "rita@uni.example"
    assert message["From"] == "trustdesk@uni.example"
    subject = str(make_header(decode_header(message["Subject"])))
    assert (
        subject == f"trustdesk: A decision was recorded on “{decided.title}” (decision: approve)."
    )
    payload = message.get_payload(decode=True)
    assert isinstance(payload, bytes)
    body = payload.decode(message.get_content_charset() or "utf-8")
    # The sentence, the link to the case and to the inbox: no partner, hit or listed entry.
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    assert lines == [
        "Hello Rita Tester,",
        f"- A decision was recorded on “{decided.title}” (decision: approve).",
        f"https://trustdesk.uni.example/engagements/{decided.public_id}/",
        "All your notifications: https://trustdesk.uni.example/notifications/",
        'You chose an e-mail for each notification; change this on "My account".',
    ]
    assert "Example University" not in body.replace(decided.title, "")
