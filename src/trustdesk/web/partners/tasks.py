"""Screening on the task queue: one run per request, by the run's id (never the record itself).

Idempotent because `screening_run` is: a redelivered message for a completed run stores nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from django.urls import reverse

from trustdesk.web.accounts.models import User
from trustdesk.web.core.tasks import TaskContext, task
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.jobs.targets import RunTarget, describes
from trustdesk.web.partners import services
from trustdesk.web.partners.models import ScreeningRun
from trustdesk.web.partners.selectors import organisation_list_for_user, person_list_for_user


@task("partners.screen")
def screen(ctx: TaskContext, *, run_id: str) -> dict[str, Any]:
    """Screen one organisation or person; a failure is written on the screening run too."""
    ctx.progress(done=0, total=1, message="screening")
    try:
        run = services.screening_run(run_id=run_id, actor=ctx.actor)
    except Exception as exc:
        # The run's page reads its own row, not the TaskRun; a retry that succeeds clears this.
        services.screening_fail(run_id=run_id, error=f"{type(exc).__name__}: {exc}")
        raise
    ctx.progress(done=1, total=1, message="screened")
    return {"run": run_id, "hits": run.hits.count(), "snapshots": run.snapshots}


@task("partners.purge_screenings")
def purge_screenings(ctx: TaskContext) -> dict[str, Any]:
    """Delete screenings of people past the retention period (schedule it daily)."""
    return {"deleted": services.screening_purge_expired(actor=ctx.actor)}


@describes("partners.screen", title="Screen an organisation or person")
def _screened(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    """The organisation or person screened: named and linked only if the viewer sees it."""
    screenings = ScreeningRun.objects.filter(task_run__in=runs).select_related(
        "organisation", "person"
    )
    org_ids = {s.organisation_id for s in screenings if s.organisation_id}
    person_ids = {s.person_id for s in screenings if s.person_id}
    # Merged records included: a run screened the record as it was, and its page still opens.
    seen_orgs = set(
        organisation_list_for_user(user=viewer, include_merged=True)
        .filter(pk__in=org_ids)
        .values_list("pk", flat=True)
    )
    seen_people = set(
        person_list_for_user(user=viewer, include_merged=True)
        .filter(pk__in=person_ids)
        .values_list("pk", flat=True)
    )
    targets: dict[int, RunTarget] = {}
    for screening in screenings:
        if screening.task_run_id is None:
            continue
        if screening.organisation is not None:
            org = screening.organisation
            targets[screening.task_run_id] = (
                RunTarget(
                    f"Organisation: {org.name}",
                    reverse("partners:organisation-detail", args=[org.public_id]),
                )
                if org.pk in seen_orgs
                else RunTarget("An organisation you cannot see")
            )
        elif screening.person is not None:
            person = screening.person
            targets[screening.task_run_id] = (
                RunTarget(
                    f"Person: {person.name}",
                    reverse("partners:person-detail", args=[person.public_id]),
                )
                if person.pk in seen_people
                else RunTarget("A person you cannot see")
            )
    return targets


@describes("partners.purge_screenings", title="Delete expired screenings of people")
def _purged(runs: Sequence[TaskRun], viewer: User) -> Mapping[int, RunTarget]:
    return {run.pk: RunTarget("Screenings of people past their retention period") for run in runs}
