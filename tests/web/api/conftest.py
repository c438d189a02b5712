"""The API's cast (the engagements cast: Rita owns, Tom is on the team, Otto is an outsider …),
an API client per user that sends a bearer token, and the embedded task queue.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from django.test import Client

from tests.web.cases.conftest import Advance, Cast, advance, cast, triage_answers  # noqa: F401  # fixtures
from trustdesk.web.accounts.models import User
from trustdesk.web.api import services
from trustdesk.web.conf.tasks import TaskSettings


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    """Screenings run in-process once the request's transaction commits, as on a laptop."""
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


class ApiClient:
    """The Django test client with a user's bearer token on every call, and JSON bodies."""

    def __init__(self, secret: str) -> None:
        self.client = Client(enforce_csrf_checks=True)
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(path, params, headers=self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            path, body or {}, content_type="application/json", headers=self.headers
        )

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(path, body, content_type="application/json", headers=self.headers)


def api_client(user: User) -> ApiClient:
    created = services.api_token_create(actor=user, owner=user, name="tests")
    return ApiClient(created.secret)


@pytest.fixture
def api(cast: Cast) -> dict[str, ApiClient]:  # noqa: F811  # the imported fixture
    """One token-carrying client per member of the cast, by username."""
    names = ["rita", "tom", "cara", "chad", "olga", "alan", "aude", "ada", "otto"]
    return {name: api_client(cast.by_name(name)) for name in names}
