"""Account services: each checks its actor, refuses what would break the install, and audits."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests import factories
from tests.web.accounts.conftest import MakeUser
from trustdesk.web.accounts import services
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_an_admin_changes_a_role_with_a_reason_on_the_trail(make_user: MakeUser) -> None:
    admin = make_user("ada", User.Role.ADMIN)
    rita = make_user("rita")

    services.user_role_change(
        actor=admin, user=rita, role=User.Role.CHAMPION, reason="Chemistry's new champion"
    )

    rita.refresh_from_db()
    event = AuditEvent.objects.get(action="trustdesk.user.role_changed")
    assert rita.role == User.Role.CHAMPION
    assert event.data == {
        "old": "researcher",
        "new": "champion",
        "reason": "Chemistry's new champion",
    }
    assert (event.actor, event.target_id) == (admin, str(rita.pk))


def test_only_admins_change_roles(make_user: MakeUser) -> None:
    officer = make_user("olga", User.Role.OFFICER)

    with pytest.raises(
        PermissionDenied, match=r"^Your role does not allow you to manage user accounts\.$"
    ):
        services.user_role_change(actor=officer, user=officer, role=User.Role.ADMIN, reason="me")

    assert User.objects.get().role == User.Role.OFFICER
    assert not AuditEvent.objects.exists()


def test_the_last_admin_keeps_the_role_and_stays_active(make_user: MakeUser) -> None:
    ada = make_user("ada", User.Role.ADMIN)
    bob = make_user("bob", User.Role.ADMIN)
    services.user_deactivate(actor=ada, user=bob, reason="left the university")

    with pytest.raises(services.LastAdmin) as demote:
        services.user_role_change(actor=ada, user=ada, role=User.Role.OFFICER, reason="x")

    assert str(demote.value) == (
        "trustdesk needs at least one active administrator: make another user an "
        "administrator first."
    )
    assert User.objects.get(username="ada").role == User.Role.ADMIN


def test_nobody_deactivates_themselves(make_user: MakeUser) -> None:
    ada = make_user("ada", User.Role.ADMIN)

    with pytest.raises(services.OwnAccount, match=r"^You cannot deactivate your own account\.$"):
        services.user_deactivate(actor=ada, user=ada, reason="oops")


def test_deactivation_is_audited_with_its_reason(make_user: MakeUser) -> None:
    ada = make_user("ada", User.Role.ADMIN)
    rita = make_user("rita")

    services.user_deactivate(actor=ada, user=rita, reason="left the university")

    assert User.objects.get(username="rita").is_active is False
    event = AuditEvent.objects.get(action="trustdesk.user.deactivated")
    assert event.data == {"reason": "left the university"}


def test_department_change_is_audited(make_user: MakeUser) -> None:
    ada = make_user("ada", User.Role.ADMIN)
    rita = make_user("rita")
    chem = factories.make_department("Chemistry")

    services.user_department_change(actor=ada, user=rita, department=chem)

    assert User.objects.get(username="rita").department == chem
    event = AuditEvent.objects.get(action="trustdesk.user.department_changed")
    assert event.data == {"old": None, "new": "Chemistry"}


def test_create_admin_generates_a_password_shown_once() -> None:
    user, generated = services.create_admin(
        username="root-admin", email="it@uni.example", password=None, actor="cli:ops@host"
    )

    assert generated is not None
    assert len(generated) == 22
    assert user.check_password(generated)
    assert (user.role, user.is_active) == (User.Role.ADMIN, True)
    event = AuditEvent.objects.get(action="trustdesk.user.created")
    assert (event.actor_label, event.data) == (
        "cli:ops@host",
        {"via": "createadmin", "role": "admin"},
    )


def test_create_admin_with_a_given_password_returns_none() -> None:
    user, generated = services.create_admin(
        username="ada", email="ada@uni.example", password="a long pass phrase", actor="cli:x"
    )

    assert generated is None
    assert user.check_password("a long pass phrase")


def test_create_admin_refuses_a_weak_password_and_a_taken_name(make_user: MakeUser) -> None:
    make_user("ada")

    with pytest.raises(services.WeakPassword) as weak:
        services.create_admin(username="bob", email="b@uni.example", password="12345", actor="c")
    with pytest.raises(services.UsernameTaken) as taken:
        services.create_admin(username="ADA", email="a@uni.example", password=None, actor="c")

    assert str(weak.value) == (
        "This password is too short. It must contain at least 12 characters. "
        "This password is too common. This password is entirely numeric."
    )
    assert str(taken.value) == "A user named 'ADA' already exists."
    assert User.objects.count() == 1


def test_user_create_makes_a_researcher_without_a_password(make_user: MakeUser) -> None:
    ada = make_user("ada", User.Role.ADMIN)

    user = services.user_create(actor=ada, username="vis", email="Vis@UNI.example")

    assert (user.role, user.email, user.has_usable_password()) == (
        User.Role.RESEARCHER,
        "Vis@uni.example",
        False,
    )
    assert AuditEvent.objects.get(action="trustdesk.user.created").data == {
        "via": "admin",
        "role": "researcher",
        "department": None,
    }
