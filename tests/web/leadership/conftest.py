"""The cast of the engagement tests, plus Sam, the senior responsible owner."""

from __future__ import annotations

import pytest

from tests import factories
from tests.web.cases.conftest import advance, cast, triage_answers  # noqa: F401  # fixtures
from trustdesk.web.accounts.models import User


@pytest.fixture
def sam(db: None) -> User:
    return factories.make_user("sam", User.Role.SENIOR_OWNER, last_name="Owner")
