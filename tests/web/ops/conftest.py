"""Signed-in clients for every role, the embedded task queue, and small custom list files."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from tests import factories
from trustdesk.web.accounts.models import User
from trustdesk.web.conf import tasks as tasks_conf
from trustdesk.web.lists import services
from trustdesk.web.lists.services import ImportOutcome

HEADER = "id,name,aliases,type,countries,notes\n"
ROWS = [
    "DP-001,Example Institute of Applied Physics,EIAP,organization,CN,Declined 2024-05-14\n",
    "DP-002,Example Aerospace Design Bureau,Example Aero Bureau,,RU,Funder guidance\n",
    "DP-003,Jane Example,J. Example,person,GB,Former visitor\n",
]


@pytest.fixture(autouse=True)
def _embedded(settings: SettingsWrapper, tmp_path: Path) -> None:
    """Tasks run in the test process after commit; uploads land in this test's own home."""
    settings.TRUSTDESK_TASKS = replace(tasks_conf.TASKS, redis_url="")
    settings.HOME = tmp_path / "home"
    settings.TRUSTDESK_OIDC = None


MakeUser = Callable[[User.Role], User]
ClientAs = Callable[[User.Role], Client]


@pytest.fixture
def make_user(db: None) -> MakeUser:
    """One user per role, named after it ("admin", "auditor" …): rows set up as starting state."""

    def make(role: User.Role) -> User:
        existing = User.objects.filter(username=role.value).first()
        return existing or factories.make_user(role.value, role)

    return make


@pytest.fixture
def client_as(make_user: MakeUser) -> ClientAs:
    def signed_in(role: User.Role) -> Client:
        client = Client()
        client.force_login(make_user(role))  # axes needs a request, which login() lacks
        return client

    return signed_in


def write_list(path: Path, rows: list[str]) -> Path:
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


def import_list(
    tmp_path: Path, rows: list[str], *, name: str = "declined", actor: str = "test"
) -> ImportOutcome:
    """A custom list imported through the service, as a starting state for reading pages."""
    folder = tmp_path / f"v{len(list(tmp_path.glob('v*')))}"
    folder.mkdir()
    path = write_list(folder / f"{name}.csv", rows)
    [outcome] = services.list_snapshot_import(paths=[path], source=f"custom:{name}", actor=actor)
    return outcome


def page_text(content: bytes) -> str:
    return " ".join(content.decode().split())
