"""Ongoing monitoring fixtures: the embedded queue, an officer, and custom lists to change."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.lists import services
from trustdesk.web.lists.services import ImportOutcome

HEADER = "id,name,aliases,type,countries,notes\n"
ImportList = Callable[..., ImportOutcome]


@pytest.fixture(autouse=True)
def _embedded(settings: Any, tmp_path: Path) -> None:
    """Tasks run in the test process after commit; the match index lives in this test's home."""
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")
    settings.HOME = tmp_path / "home"


@pytest.fixture
def officer(db: None) -> User:
    return factories.make_user("olga", User.Role.OFFICER)


@pytest.fixture
def researcher(db: None) -> User:
    return factories.make_user("rita", User.Role.RESEARCHER)


@pytest.fixture
def import_list(tmp_path: Path, django_capture_on_commit_callbacks: Any) -> ImportList:
    """Import rows as a new snapshot of custom:watch, running what follows the commit."""

    def run(rows: list[str], *, name: str = "watch") -> ImportOutcome:
        folder = tmp_path / f"v{len(list(tmp_path.glob('v*')))}"
        folder.mkdir()
        path = folder / f"{name}.csv"
        path.write_text(HEADER + "".join(rows), encoding="utf-8")
        with django_capture_on_commit_callbacks(execute=True):
            [outcome] = services.list_snapshot_import(
                paths=[path], source=f"custom:{name}", actor="test"
            )
        return outcome

    return run
