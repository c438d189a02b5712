"""Who may open which operations page: every route for every role, and for visitors."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import Client

from tests.web.ops.conftest import ROWS, ClientAs, MakeUser, import_list
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.jobs.models import TaskRun

pytestmark = pytest.mark.django_db

R = User.Role
LIST_READERS = {R.OFFICER, R.APPROVER, R.AUDITOR, R.ADMIN}
AUDIT_READERS = {R.AUDITOR, R.ADMIN}
TASK_WATCHERS = {R.OFFICER, R.AUDITOR, R.ADMIN}  # `task.view`
# (method, path, roles allowed); "{run}" is an admin's run, "{event}" an audit event.
ROUTES = [
    ("get", "/lists/", LIST_READERS),
    ("get", "/lists/custom:declined/", LIST_READERS),
    ("get", "/lists/custom:declined/diff/", LIST_READERS),
    ("post", "/lists/upload/", {R.ADMIN}),
    ("post", "/lists/update/", {R.ADMIN}),
    ("get", "/jobs/", TASK_WATCHERS),
    ("get", "/jobs/{run}/", TASK_WATCHERS),
    ("get", "/jobs/{run}/progress/", TASK_WATCHERS),
    ("get", "/audit/", AUDIT_READERS),
    ("get", "/audit/{event}/", AUDIT_READERS),
    ("get", "/audit/export.csv", AUDIT_READERS),
    ("get", "/audit/verify/", {R.AUDITOR}),
    ("post", "/audit/verify/", {R.AUDITOR}),
]


@pytest.fixture
def paths(tmp_path: Path, make_user: MakeUser) -> dict[str, str]:
    import_list(tmp_path, ROWS)
    import_list(tmp_path, ROWS[:2])
    run = TaskRun.objects.create(task="lists.update", actor=actor_for(make_user(R.ADMIN)))
    event = AuditEvent.objects.order_by("sequence").first()
    assert event is not None
    return {"run": str(run.public_id), "event": str(event.sequence)}


@pytest.mark.parametrize("role", list(R))
@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
def test_each_role_is_allowed_or_refused(
    client_as: ClientAs,
    paths: dict[str, str],
    role: User.Role,
    method: str,
    path: str,
    allowed: set[User.Role],
) -> None:
    response = getattr(client_as(role), method)(path.format(**paths))

    if role in allowed:
        # A POST without a form is answered with the form's errors (or a redirect), not refused.
        assert response.status_code in {200, 302, 400}
    else:
        assert response.status_code == 403


@pytest.mark.parametrize(("method", "path", "allowed"), ROUTES)
def test_visitors_are_sent_to_sign_in(
    paths: dict[str, str], method: str, path: str, allowed: set[User.Role]
) -> None:
    response = getattr(Client(), method)(path.format(**paths))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


@pytest.mark.parametrize("role", list(R))
def test_a_run_is_refused_even_to_the_person_who_queued_it_without_task_view(
    client_as: ClientAs, make_user: MakeUser, role: User.Role
) -> None:
    own = TaskRun.objects.create(task="lists.update", actor=actor_for(make_user(role)))

    status = client_as(role).get(f"/jobs/{own.public_id}/").status_code

    assert status == (200 if role in TASK_WATCHERS else 403)


@pytest.mark.parametrize("role", list(R))
def test_the_navigation_shows_only_the_pages_a_role_may_open(
    client_as: ClientAs, role: User.Role
) -> None:
    page = client_as(role).get("/accounts/me/").content.decode()

    assert ('href="/lists/"' in page) == (role in LIST_READERS)
    assert ('href="/audit/"' in page) == (role in AUDIT_READERS)
    assert ('href="/jobs/"' in page) == (role in TASK_WATCHERS)
