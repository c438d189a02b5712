"""Writes to user accounts: creation, invitations, passwords, roles, deactivation, SSO sign-in.

Each service checks its actor's permission, writes, and records an audit event in the same
transaction. Roles only ever rise through `user_role_change` by an admin (or `create_admin` on the
command line): nothing a user or an identity provider sends can raise one.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from hashlib import sha256
from typing import Final

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from trustdesk.web.accounts import permissions, selectors
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.core import audit

audit.register_action("trustdesk.user.created", label="User created")
audit.register_action("trustdesk.user.updated", label="User details updated from single sign-on")
audit.register_action("trustdesk.user.role_changed", label="Role changed", reason_required=True)
audit.register_action("trustdesk.user.department_changed", label="Department changed")
audit.register_action("trustdesk.user.deactivated", label="User deactivated", reason_required=True)
audit.register_action("trustdesk.user.locked_out", label="Sign-in locked after failures")
audit.register_action("trustdesk.user.invited", label="Invitation to set a password made")
audit.register_action("trustdesk.user.password_set", label="Password set from an e-mailed link")
audit.register_action("trustdesk.user.password_changed", label="Password changed")
audit.register_action(
    "trustdesk.user.password_reset_requested", label="Password reset link e-mailed"
)

# Who creates and invites: an admin in the browser, or (a string, "cli:root@host") the operator of
# the host on the command line, who can already do anything there (as with createadmin).
Actor = User | str

# Reset links e-mailed to one account per hour at most: enough for a lost e-mail, too few to
# fill someone's mailbox from the public form.
RESET_LINKS_PER_HOUR = 3


class AccountError(Exception):
    """A refused account change; the message is shown to the person who asked for it."""


class UsernameTaken(AccountError):
    MESSAGE = "A user named {username!r} already exists."

    def __init__(self, username: str) -> None:
        super().__init__(self.MESSAGE.format(username=username))


class WeakPassword(AccountError):
    def __init__(self, error: ValidationError) -> None:
        super().__init__(" ".join(error.messages))


class LastAdmin(AccountError):
    MESSAGE = (
        "trustdesk needs at least one active administrator: make another user an "
        "administrator first."
    )

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class OwnAccount(AccountError):
    MESSAGE = "You cannot deactivate your own account."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class AdminNotInvited(AccountError):
    MESSAGE = (
        "Administrators are not created here: create the account with another role and give it "
        "the administrator role, or run `trustdesk createadmin` on the server."
    )

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class NotInvitable(AccountError):
    MESSAGE: Final[Mapping[str, str]] = {
        "sso": "{user} signs in with single sign-on and has no trustdesk password to set.",
        "inactive": "{user} is deactivated: restore the account before inviting them.",
        "password": "{user} has already set a password; they can reset it from the sign-in page.",
    }

    def __init__(self, user: User, why: str) -> None:
        super().__init__(self.MESSAGE[why].format(user=user))


class AccountInactive(AccountError):
    MESSAGE = "This account has been deactivated. Ask an administrator to restore it."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


def _admin_would_vanish(user: User) -> bool:
    return (
        user.role == User.Role.ADMIN
        and user.is_active
        and selectors.active_admin_count(exclude=user) == 0
    )


@transaction.atomic
def user_role_change(*, actor: User, user: User, role: User.Role, reason: str) -> User:
    """Give `user` a new role; the last active admin cannot lose theirs (nobody could grant it)."""
    permissions.require(actor, "user.manage")
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.role == role:
        return user
    if role != User.Role.ADMIN and _admin_would_vanish(user):
        raise LastAdmin
    old = user.role
    user.role = role
    user.save(update_fields=["role"])
    audit.record(
        actor=actor,
        action="trustdesk.user.role_changed",
        target=user,
        data={"old": old, "new": role},
        reason=reason,
    )
    return user


@transaction.atomic
def user_department_change(*, actor: User, user: User, department: Department | None) -> User:
    """Move `user` to a department, which decides the engagements a champion sees."""
    permissions.require(actor, "user.manage")
    if user.department_id == (department.pk if department else None):
        return user
    old = str(user.department) if user.department else None
    user.department = department
    user.save(update_fields=["department"])
    audit.record(
        actor=actor,
        action="trustdesk.user.department_changed",
        target=user,
        data={"old": old, "new": str(department) if department else None},
    )
    return user


@transaction.atomic
def user_deactivate(*, actor: User, user: User, reason: str) -> User:
    """Stop `user` signing in, keeping the account for the records that name it."""
    permissions.require(actor, "user.manage")
    if user.pk == actor.pk:
        raise OwnAccount
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.is_active:
        return user
    if _admin_would_vanish(user):
        raise LastAdmin
    user.is_active = False
    user.save(update_fields=["is_active"])
    audit.record(actor=actor, action="trustdesk.user.deactivated", target=user, reason=reason)
    return user


def _require_manage(actor: Actor) -> None:
    if isinstance(actor, User):
        permissions.require(actor, "user.manage")


@transaction.atomic
def user_create(
    *,
    actor: Actor,
    username: str,
    email: str,
    role: User.Role = User.Role.RESEARCHER,
    first_name: str = "",
    last_name: str = "",
    department: Department | None = None,
) -> User:
    """A local account for someone without single sign-on, any role but administrator.

    It has no password: the person sets their own through an invitation (`user_invite`), so an
    admin never learns it. An administrator is made from an existing account (a role change,
    with its reason on the record) or by `createadmin` on the host.
    """
    _require_manage(actor)
    if role == User.Role.ADMIN:
        raise AdminNotInvited
    user = _new_user(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        department=department,
        role=role,
    )
    user.set_unusable_password()
    _save_new(user)
    audit.record(
        actor=actor,
        action="trustdesk.user.created",
        target=user,
        data={
            "via": "admin" if isinstance(actor, User) else "command",
            "role": role,
            "department": str(department) if department else None,
        },
    )
    return user


@dataclass(frozen=True, slots=True)
class PasswordLink:
    """A one-time link to set a password: it stops working once used or after its lifetime."""

    url: str
    expires_at: datetime
    emailed: bool  # False: e-mail is not configured, so whoever asked passes the link on


def _password_link(user: User, base_url: str) -> PasswordLink:
    # Django's token signs the password hash and last sign-in, so setting a password (or signing
    # in) spends it; its timestamp expires it after PASSWORD_RESET_TIMEOUT.
    path = reverse(
        "accounts:password_reset_confirm",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    expires = timezone.now() + timedelta(seconds=settings.PASSWORD_RESET_TIMEOUT)
    return PasswordLink(url=base_url.rstrip("/") + path, expires_at=expires, emailed=False)


def _mail_on_commit(*, user: User, template: str, link: PasswordLink) -> None:
    context = {"user": user, "link": link.url, "expires_at": link.expires_at}
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    # After commit: no mail for an account a rollback took away.
    transaction.on_commit(lambda: send_mail(subject, body, None, [user.email], fail_silently=False))


@transaction.atomic
def user_invite(*, actor: Actor, user: User, base_url: str, send: bool = True) -> PasswordLink:
    """A link for a new local account to set its first password, e-mailed when mail is set up."""
    _require_manage(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.sso_subject:
        raise NotInvitable(user, "sso")
    if not user.is_active:
        raise NotInvitable(user, "inactive")
    if user.has_usable_password():
        raise NotInvitable(user, "password")
    link = _password_link(user, base_url)
    if send and settings.TRUSTDESK_EMAIL_CONFIGURED and user.email:
        link = PasswordLink(url=link.url, expires_at=link.expires_at, emailed=True)
        _mail_on_commit(user=user, template="invitation", link=link)
    audit.record(
        actor=actor,
        action="trustdesk.user.invited",
        target=user,
        data={"emailed": link.emailed, "expires_at": link.expires_at.isoformat()},
    )
    return link


@transaction.atomic
def user_provision(
    *,
    actor: Actor,
    username: str,
    email: str,
    role: User.Role,
    base_url: str,
    department: Department | None = None,
    first_name: str = "",
    last_name: str = "",
    send: bool = True,
) -> tuple[User, PasswordLink]:
    """Create a local account and invite its person, both or neither (the page and command)."""
    user = user_create(
        actor=actor,
        username=username,
        email=email,
        role=role,
        department=department,
        first_name=first_name,
        last_name=last_name,
    )
    return user, user_invite(actor=actor, user=user, base_url=base_url, send=send)


@transaction.atomic
def password_reset_request(*, email: str, base_url: str, client_address: str) -> int:
    """E-mail a reset link to each active local account with this address; returns how many.

    The caller answers the same whatever this returns, so the form tells nobody which addresses
    have accounts. Single sign-on accounts get nothing (their password is the provider's), and
    an account that had RESET_LINKS_PER_HOUR links in the last hour gets no more for now.
    """
    if not settings.TRUSTDESK_EMAIL_CONFIGURED:
        return 0
    since = timezone.now() - timedelta(hours=1)
    sent = 0
    for user in selectors.user_list_for_password_reset(email=email):
        if selectors.password_reset_count_since(user=user, since=since) >= RESET_LINKS_PER_HOUR:
            continue
        link = _password_link(user, base_url)
        _mail_on_commit(user=user, template="password_reset", link=link)
        audit.record(
            actor=f"password-reset:{client_address or 'unknown address'}",
            action="trustdesk.user.password_reset_requested",
            target=user,
            data={"expires_at": link.expires_at.isoformat()},
        )
        sent += 1
    return sent


@transaction.atomic
def user_password_set(*, user: User, password: str) -> User:
    """Set the password from an invitation or reset link (the form checked link and rules)."""
    first = not user.has_usable_password()
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(
        actor=user, action="trustdesk.user.password_set", target=user, data={"first": first}
    )
    return user


@transaction.atomic
def user_password_change(*, actor: User, password: str) -> User:
    """A signed-in local user's new password (the form checked the old one and the rules)."""
    if actor.sso_subject:
        raise NotInvitable(actor, "sso")
    actor.set_password(password)
    actor.save(update_fields=["password"])
    audit.record(actor=actor, action="trustdesk.user.password_changed", target=actor)
    return actor


@transaction.atomic
def create_admin(
    *, username: str, email: str, password: str | None, actor: str
) -> tuple[User, str | None]:
    """The first (or another) administrator, from the command line of the host.

    Returns the user and the password generated when none was given, shown once to the operator
    and stored only as its hash. A given password must pass the configured validators.
    """
    user = _new_user(username=username, email=email, role=User.Role.ADMIN)
    generated = None
    if password is None:
        # 128 bits from the OS generator, URL-safe so it copies cleanly from a terminal.
        password = generated = secrets.token_urlsafe(16)
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise WeakPassword(exc) from exc
    user.set_password(password)
    _save_new(user)
    audit.record(
        actor=actor,
        action="trustdesk.user.created",
        target=user,
        data={"via": "createadmin", "role": User.Role.ADMIN},
    )
    return user, generated


def _new_user(
    *,
    username: str,
    email: str,
    role: User.Role,
    first_name: str = "",
    last_name: str = "",
    department: Department | None = None,
) -> User:
    user = User(
        username=username.strip(),
        email=User.objects.normalize_email(email.strip()),
        first_name=first_name,
        last_name=last_name,
        department=department,
        role=role,
    )
    try:
        user.full_clean(exclude=["password"], validate_unique=False)
    except ValidationError as exc:
        raise AccountError(" ".join(exc.messages)) from exc
    if User.objects.filter(username__iexact=user.username).exists():
        raise UsernameTaken(user.username)
    return user


def _save_new(user: User) -> None:
    try:
        with transaction.atomic():  # a savepoint, so a lost race leaves the outer one usable
            user.save(force_insert=True)
    except IntegrityError as exc:
        raise UsernameTaken(user.username) from exc


@dataclass(frozen=True, slots=True)
class SSOIdentity:
    """What trustdesk takes from a verified ID token: who the person is, never what they may do."""

    issuer: str
    subject: str
    username: str
    email: str
    first_name: str
    last_name: str


@transaction.atomic
def sso_user_sign_in(*, identity: SSOIdentity) -> User:
    """The account for a verified SSO identity, created as a researcher on first sign-in.

    Found by issuer and subject only: an e-mail address matching a local account links nothing,
    or whoever controls that address at the provider would take the account over. Any role or
    group claim is ignored; the least-privileged role is given and an admin raises it.
    """
    user = selectors.user_by_sso_identity(issuer=identity.issuer, subject=identity.subject)
    if user is None:
        user = _sso_create(identity)
    if not user.is_active:
        raise AccountInactive
    _sso_refresh(user, identity)
    return user


def _sso_create(identity: SSOIdentity) -> User:
    user = User(
        username=_free_username(identity),
        email=User.objects.normalize_email(identity.email),
        first_name=identity.first_name[:150],
        last_name=identity.last_name[:150],
        role=User.Role.RESEARCHER,  # always, whatever the provider claims
        sso_issuer=identity.issuer,
        sso_subject=identity.subject,
    )
    user.set_unusable_password()  # signs in through the provider only
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError:
        # A parallel first sign-in of the same person created the account a moment ago.
        existing = selectors.user_by_sso_identity(issuer=identity.issuer, subject=identity.subject)
        if existing is None:
            raise
        return existing
    audit.record(
        actor=user,
        action="trustdesk.user.created",
        target=user,
        data={"via": "sso", "issuer": identity.issuer, "role": user.role},
    )
    return user


def _sso_refresh(user: User, identity: SSOIdentity) -> None:
    """Keep name and e-mail as the provider has them now; the role is never touched."""
    new = {
        "email": User.objects.normalize_email(identity.email),
        "first_name": identity.first_name[:150],
        "last_name": identity.last_name[:150],
    }
    changed = {f: v for f, v in new.items() if v and getattr(user, f) != v}
    if not changed:
        return
    old = {f: getattr(user, f) for f in changed}
    for field, value in changed.items():
        setattr(user, field, value)
    user.save(update_fields=list(changed))
    audit.record(
        actor=user,
        action="trustdesk.user.updated",
        target=user,
        data={"old": old, "new": changed},
    )


_USERNAME_UNSAFE = re.compile(r"[^\w.@+-]")


def _free_username(identity: SSOIdentity) -> str:
    """The claimed username made valid and unique; `-2`, `-3` … when a local account has it."""
    base = _USERNAME_UNSAFE.sub("", identity.username or identity.email.split("@")[0])[:140]
    if not base:
        base = "sso-" + sha256(f"{identity.issuer} {identity.subject}".encode()).hexdigest()[:12]
    candidate, n = base, 1
    while User.objects.filter(username__iexact=candidate).exists():
        n += 1
        candidate = f"{base}-{n}"
    return candidate


@transaction.atomic
def sign_in_lockout_record(*, username: str, ip_address: str) -> None:
    """Put a lockout on the audit trail beside django-axes' own attempt records."""
    target = User.objects.filter(username=username).first() if username else None
    audit.record(
        actor=f"sign-in:{ip_address or 'unknown address'}",
        action="trustdesk.user.locked_out",
        target=target,
        data={"username": username, "ip_address": ip_address},
    )
