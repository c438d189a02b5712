"""Task runs: the list a user may watch, and a run's progress bar, polling, error and result."""

from __future__ import annotations

import pytest
from django.utils import timezone

from tests.web.ops.conftest import ClientAs, MakeUser, page_text
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, run_targets
from trustdesk.web.lists.services import list_source_update_enqueue
from trustdesk.web.partners import services as partners
from trustdesk.web.partners.models import ScreeningRun

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
    client = client_as(User.Role.OFFICER)

    page = page_text(client.get(f"/jobs/{run.public_id}/").content)
    fragment = page_text(client.get(f"/jobs/{run.public_id}/progress/").content)

    assert "<h1>Task run: Update watch lists from their publishers</h1>" in page
    assert "Started by</dt><dd>Researcher Tester (researcher)" in page
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


def test_researchers_do_not_watch_task_runs_not_even_their_own(
    client_as: ClientAs, make_user: MakeUser
) -> None:
    mine = _run(make_user(User.Role.RESEARCHER))
    theirs = _run(make_user(User.Role.ADMIN))
    researcher = client_as(User.Role.RESEARCHER)

    assert researcher.get("/jobs/").status_code == 403
    assert researcher.get(f"/jobs/{mine.public_id}/").status_code == 403
    assert researcher.get(f"/jobs/{mine.public_id}/progress/").status_code == 403
    listing = page_text(client_as(User.Role.AUDITOR).get("/jobs/").content)
    assert f"/jobs/{mine.public_id}/" in listing
    assert f"/jobs/{theirs.public_id}/" in listing


def test_each_run_says_what_it_ran_on_and_who_started_it(
    client_as: ClientAs, make_user: MakeUser
) -> None:
    researcher = make_user(User.Role.RESEARCHER)
    beihang = partners.organisation_create(
        actor=researcher,
        data=partners.OrganisationInput(name="Beihang University", kind="university"),
    )
    buaa = partners.organisation_create(
        actor=researcher, data=partners.OrganisationInput(name="BUAA Institute", kind="university")
    )
    jane = partners.person_create(actor=researcher, data=partners.PersonInput(name="Jane Example"))
    list_source_update_enqueue(sources=["un-sc", "ofac-sdn"], actor=actor_for(researcher))
    officer = client_as(User.Role.OFFICER)

    page = page_text(officer.get("/jobs/").content)

    # Three screenings, no longer three identical "partners.screen" rows.
    assert (
        f'<a href="/partners/organisations/{beihang.public_id}/">'
        "Organisation: Beihang University</a>" in page
    )
    assert (
        f'<a href="/partners/organisations/{buaa.public_id}/">Organisation: BUAA Institute</a>'
        in page
    )
    assert f'<a href="/partners/people/{jane.public_id}/">Person: Jane Example</a>' in page
    assert '<a href="/lists/">Sources un-sc, ofac-sdn</a>' in page
    assert page.count("Screen an organisation or person</a>") == 3
    assert page.count('<td data-label="Started by">Researcher Tester (researcher)</td>') == 4
    screening = ScreeningRun.objects.get(person=jane)
    assert screening.task_run is not None
    detail = page_text(officer.get(f"/jobs/{screening.task_run.public_id}/").content)
    assert (
        f'Ran on</dt><dd><a href="/partners/people/{jane.public_id}/">Person: Jane Example</a>'
        in detail
    )


def test_a_viewer_who_cannot_see_the_target_reads_a_neutral_label(make_user: MakeUser) -> None:
    owner = make_user(User.Role.RESEARCHER)
    jane = partners.person_create(actor=owner, data=partners.PersonInput(name="Jane Example"))
    elsewhere = User.objects.create(
        username="otto", role=User.Role.RESEARCHER, department=Department.objects.create(name="Law")
    )
    run = ScreeningRun.objects.get(person=jane).task_run
    assert run is not None

    targets = run_targets([run], viewer=elsewhere)

    assert targets == {run.pk: RunTarget("A person you cannot see")}
    assert run_targets([run], viewer=owner)[run.pk].label == "Person: Jane Example"
