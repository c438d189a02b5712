"""Partners fixtures: users of every role, the shipped lists, and the embedded task queue."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from tests import factories
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists.services import shipped_lists_ensure

MakeUser = Callable[..., User]
OnCommit = Callable[..., Any]


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    """Screenings run in-process once the request's transaction commits, as on a laptop."""
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def shipped_lists(db: None) -> None:
    shipped_lists_ensure()


@pytest.fixture
def chemistry(db: None) -> Department:
    return factories.make_department("Chemistry")


@pytest.fixture
def physics(db: None) -> Department:
    return factories.make_department("Physics")


@pytest.fixture
def make_user(db: None, chemistry: Department) -> MakeUser:
    """Users as starting state (rows set up directly; no audit needed)."""

    def make(
        username: str,
        role: User.Role = User.Role.RESEARCHER,
        *,
        department: Department | None = None,
    ) -> User:
        return factories.make_user(username, role, department=department or chemistry)

    return make


@pytest.fixture
def researcher(make_user: MakeUser) -> User:
    return make_user("rita")


@pytest.fixture
def officer(make_user: MakeUser) -> User:
    return make_user("olga", User.Role.OFFICER)


@pytest.fixture
def auditor(make_user: MakeUser) -> User:
    return make_user("aldo", User.Role.AUDITOR)
