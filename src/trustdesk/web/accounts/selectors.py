"""Reads of user accounts, scoped to who is asking."""

from __future__ import annotations

import uuid
from datetime import datetime

from django.db.models import QuerySet

from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.core.models import AuditEvent


def user_list_for_user(*, user: permissions.AnyUser) -> QuerySet[User]:
    """Accounts the user may see: every one for user viewers, otherwise only their own."""
    return User.objects.filter(permissions.user_scope(user)).select_related("department")


def user_get_for_user(*, user: permissions.AnyUser, public_id: uuid.UUID) -> User:
    """One account in the user's scope; User.DoesNotExist alike for missing and out-of-scope."""
    return user_list_for_user(user=user).get(public_id=public_id)


def department_list() -> QuerySet[Department]:
    """Departments are not protected: their names appear on every engagement."""
    return Department.objects.all()


def active_admin_count(*, exclude: User | None = None) -> int:
    """Active administrators, optionally not counting one (the user about to lose the role)."""
    admins = User.objects.filter(role=User.Role.ADMIN, is_active=True)
    if exclude is not None:
        admins = admins.exclude(pk=exclude.pk)
    return admins.count()


def admin_exists() -> bool:
    """Whether an install is past first use: without an admin, nobody can grant any role."""
    return active_admin_count() > 0


def user_by_sso_identity(*, issuer: str, subject: str) -> User | None:
    """The account bound to a provider's subject, whether or not it is still active."""
    return User.objects.filter(sso_issuer=issuer, sso_subject=subject).first()


def user_list_for_password_reset(*, email: str) -> QuerySet[User]:
    """Active local accounts with this e-mail address; SSO accounts have no password to reset."""
    return User.objects.filter(email__iexact=email.strip(), is_active=True, sso_subject="")


def password_reset_count_since(*, user: User, since: datetime) -> int:
    """Reset links e-mailed to `user` since `since`, read from the audit trail that records them."""
    return AuditEvent.objects.filter(
        action="trustdesk.user.password_reset_requested",
        target_type="accounts.user",
        target_id=str(user.pk),
        created_at__gte=since,
    ).count()


def user_list_all() -> QuerySet[User]:
    """Every account, for the host's operator on the command line (who can read the database)."""
    return User.objects.select_related("department").order_by("username")


def user_by_username(*, username: str) -> User:
    """One account by username, in any case; User.DoesNotExist when there is none."""
    return User.objects.get(username__iexact=username.strip())


def department_by_name(*, name: str) -> Department:
    """A department by its name, in any case; Department.DoesNotExist when there is none."""
    return Department.objects.get(name__iexact=name.strip())
