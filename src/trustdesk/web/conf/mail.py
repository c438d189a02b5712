"""Outgoing e-mail (invitations, password reset links, notifications) and where its links point.

Variables (all optional; without a host trustdesk sends no e-mail, and the pages and commands
that would send a link show it to the administrator instead):

- `TRUSTDESK_EMAIL_HOST` the SMTP server; `TRUSTDESK_EMAIL_PORT` (default 587);
  `TRUSTDESK_EMAIL_USER`, `TRUSTDESK_EMAIL_PASSWORD` (or `…_PASSWORD_FILE`);
  `TRUSTDESK_EMAIL_SECURITY` `starttls` (default), `tls` (implicit, port 465) or `none`;
  `TRUSTDESK_EMAIL_FROM` the sender (default `trustdesk@` the first allowed host).
- `TRUSTDESK_BASE_URL` where people reach trustdesk, for links in e-mail sent from the command
  line (default `https://` the first allowed host; `http://127.0.0.1:8000` embedded). Links sent
  from a page use the address that page was requested at.
- `TRUSTDESK_PASSWORD_LINK_HOURS` how long an invitation or reset link works (default 72).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

from trustdesk.web.env import env_int, env_str

_SECURITY = {"starttls", "tls", "none"}


@dataclass(frozen=True, slots=True)
class MailSettings:
    backend: str
    host: str
    port: int
    user: str
    password: str
    use_tls: bool
    use_ssl: bool
    sender: str
    configured: bool


def mail_settings(*, allowed_hosts: list[str]) -> MailSettings:
    """SMTP from TRUSTDESK_EMAIL_*; without a host, a backend that sends nothing."""
    host = env_str("TRUSTDESK_EMAIL_HOST")
    security = env_str("TRUSTDESK_EMAIL_SECURITY", "starttls").lower()
    if security not in _SECURITY:
        raise ImproperlyConfigured(
            f"TRUSTDESK_EMAIL_SECURITY={security!r}: expected starttls, tls or none"
        )
    domain = next((h.lstrip(".") for h in allowed_hosts if h and h != "*"), "localhost")
    return MailSettings(
        # Without a server nothing is sent: a link written to a log would hand the account to
        # whoever reads the log.
        backend="django.core.mail.backends.smtp.EmailBackend"
        if host
        else "django.core.mail.backends.dummy.EmailBackend",
        host=host,
        port=env_int("TRUSTDESK_EMAIL_PORT", 465 if security == "tls" else 587),
        user=env_str("TRUSTDESK_EMAIL_USER"),
        password=env_str("TRUSTDESK_EMAIL_PASSWORD"),
        use_tls=security == "starttls",
        use_ssl=security == "tls",
        sender=env_str("TRUSTDESK_EMAIL_FROM", f"trustdesk@{domain}"),
        configured=bool(host),
    )


def base_url(*, embedded: bool, allowed_hosts: list[str]) -> str:
    """Where people reach trustdesk, without a trailing slash, for links made off a request."""
    given = env_str("TRUSTDESK_BASE_URL").rstrip("/")
    if given:
        if not given.startswith(("https://", "http://")):
            raise ImproperlyConfigured(
                f"TRUSTDESK_BASE_URL={given!r}: expected an address starting https://"
            )
        return given
    if embedded:
        return "http://127.0.0.1:8000"
    host = next((h.lstrip(".") for h in allowed_hosts if h and h != "*"), "localhost")
    return f"https://{host}"


def password_link_seconds() -> int:
    hours = env_int("TRUSTDESK_PASSWORD_LINK_HOURS", 72)
    if hours < 1:
        raise ImproperlyConfigured(f"TRUSTDESK_PASSWORD_LINK_HOURS={hours}: at least 1")
    return hours * 3600
