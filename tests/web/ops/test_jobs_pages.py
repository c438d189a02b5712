"""Task runs: the list a user may watch, and a run's progress bar, polling, error and result."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.web.ops.conftest import ClientAs, MakeUser, page_text
from trustdesk.web.accounts.models import User
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.jobs.models import TaskRun

pytestmark = pytest.mark.django_db


def _run(user: User, **fields: object) -> TaskRun:
    """A run as a worker left it: rows set up directly, as a test's starting state."""
    return TaskRun.objects.create(task="lists.update", actor=actor_for(user), **fields)


def test_a_running_run_shows_a_progress_bar_and_polls_every_second(
    client_as: ClientAs, make_user: MakeUser
) -> None:
    run = _run(
        make_user(User.Role.RESEARCHER),
        status=TaskRun.Status.RUNNING,
        progress_done=3,
        progress_total=10,
        progress_message="un-sc: 1,000 entries read",
        heartbeat_at=timezone.now(),
    )
    client = client_as(User.Role.RESEARCHER)

    page = page_text(client.get(f"/jobs/{run.public_id}/").content)
    fragment = page_text(client.get(f"/jobs/{run.public_id}/progress/").content)

    assert "<h1>Task run: lists.update</h1>" in page
    assert "Queued by</dt><dd>Researcher Tester (researcher)" in page
    assert '<label for="run-bar">Progress</label>' in page
    assert '<progress id="run-bar" max="10" value="3">30%</progress>' in page
    assert "3 of 10 (30%) — un-sc: 1,000 entries read" in page
    assert f'hx-get="/jobs/{run.public_id}/progress/" hx-trigger="every 1s"' in page
    assert f'<a href="/jobs/{run.public_id}/">Refresh</a>' in page
    assert '<script src="/static/trustdesk/vendor/htmx-2.0.11.min.js" defer></script>' in page
    assert fragment.startswith('<div id="run-progress" hx-get=')
    assert "<html" not in fragment


def test_a_failed_run_shows_its_error_and_stops_polling(
    client_as: ClientAs, make_user: MakeUser
) -> None:
    run = _run(
        make_user(User.Role.ADMIN),
        status=TaskRun.Status.FAILED,
        error="ImportFailed: custom:x: <b>bad</b> file",
        finished_at=timezone.now(),
    )

    page = page_text(client_as(User.Role.ADMIN).get(f"/jobs/{run.public_id}/").content)

    assert "Status: <strong>Failed</strong>" in page
    assert "ImportFailed: custom:x: &lt;b&gt;bad&lt;/b&gt; file" in page
    assert "hx-trigger" not in page
    assert "<progress" not in page


def test_someone_elses_run_is_not_found_and_not_listed(
    client_as: ClientAs, make_user: MakeUser
) -> None:
    theirs = _run(make_user(User.Role.ADMIN))
    mine = _run(make_user(User.Role.RESEARCHER))
    researcher = client_as(User.Role.RESEARCHER)

    listing = page_text(researcher.get("/jobs/").content)

    assert researcher.get(f"/jobs/{theirs.public_id}/").status_code == 404
    assert researcher.get(f"/jobs/{theirs.public_id}/progress/").status_code == 404
    assert f"/jobs/{mine.public_id}/" in listing
    assert f"/jobs/{theirs.public_id}/" not in listing
    assert f"/jobs/{theirs.public_id}/" in page_text(
        client_as(User.Role.AUDITOR).get("/jobs/").content
    )
