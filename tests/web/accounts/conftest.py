from __future__ import annotations

from collections.abc import Callable

import pytest

from trustdesk.web.accounts.models import Department, User

MakeUser = Callable[..., User]


@pytest.fixture
def make_user(db: None) -> MakeUser:
    """Users as fixtures: rows set up directly, as a test's starting state (no audit needed)."""

    def make(
        username: str,
        role: User.Role = User.Role.RESEARCHER,
        *,
        department: Department | None = None,
        password: str | None = None,
        active: bool = True,
    ) -> User:
        user = User(
            username=username,
            email=f"{username}@uni.example",
            first_name=username.capitalize(),
            last_name="Tester",
            role=role,
            department=department,
            is_active=active,
        )
        if password is None:
            user.set_unusable_password()
        else:
            user.set_password(password)
        user.save()
        return user

    return make
