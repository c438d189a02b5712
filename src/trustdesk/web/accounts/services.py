"""Writes to user accounts: creation, role and department changes, deactivation, SSO sign-in.

Each service checks its actor's permission, writes, and records an audit event in the same
transaction. Roles only ever rise through `user_role_change` by an admin (or `create_admin` on the
command line): nothing a user or an identity provider sends can raise one.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from hashlib import sha256

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from trustdesk.web.accounts import permissions, selectors
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.core import audit

audit.register_action("trustdesk.user.created", label="User created")
audit.register_action("trustdesk.user.updated", label="User details updated from single sign-on")
audit.register_action("trustdesk.user.role_changed", label="Role changed", reason_required=True)
audit.register_action("trustdesk.user.department_changed", label="Department changed")
audit.register_action("trustdesk.user.deactivated", label="User deactivated", reason_required=True)
audit.register_action("trustdesk.user.locked_out", label="Sign-in locked after failures")


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


@transaction.atomic
def user_create(
    *,
    actor: User,
    username: str,
    email: str,
    first_name: str = "",
    last_name: str = "",
    department: Department | None = None,
) -> User:
    """A local account for someone without single sign-on, as a researcher, without a password.

    The new user sets their password through a reset link; an admin never learns it.
    """
    permissions.require(actor, "user.manage")
    user = _new_user(
        username=username,
        email=email,
        first_name=first_name,
        last_name=last_name,
        department=department,
        role=User.Role.RESEARCHER,
    )
    user.set_unusable_password()
    _save_new(user)
    audit.record(actor=actor, action="trustdesk.user.created", target=user, data={"via": "admin"})
    return user


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
