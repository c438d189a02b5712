from __future__ import annotations

import pytest

import tests.web.core.support  # noqa: F401  (registers the test actions)
from tests import factories
from trustdesk.web.accounts.models import Department, User


@pytest.fixture
def department() -> Department:
    return factories.make_department("Physics", faculty="Science")


@pytest.fixture
def officer() -> User:
    return factories.make_user("jdoe", User.Role.OFFICER, first_name="Jane", last_name="Doe")
