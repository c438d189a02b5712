from __future__ import annotations

import pytest

import tests.web.core.support  # noqa: F401  (registers the test actions)
from trustdesk.web.accounts.models import Department, User


@pytest.fixture
def department() -> Department:
    return Department.objects.create(name="Physics", faculty="Science")


@pytest.fixture
def officer() -> User:
    return User.objects.create_user(
        username="jdoe", first_name="Jane", last_name="Doe", role=User.Role.OFFICER
    )
