"""Every scheduled job, declared once, for every runner that starts them.

Celery beat (`trustdesk scheduler`), `trustdesk jobs run-due` (cron, a systemd timer) and
`trustdesk serve` on the embedded default all read this table. Each job is a registered task,
so each run is a TaskRun (who, when, progress, outcome) and each task's service writes its own
audit events, as when a person starts the same work.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from types import MappingProxyType
from typing import Any

from trustdesk.web.schedule.cadence import DAY, HOUR, MINUTE, Cadence


@dataclass(frozen=True, slots=True)
class Job:
    """One scheduled job: the task it runs, how often, and why that often."""

    name: str
    task: str  # a registered task name
    cadence: Cadence
    why: str
    arguments: Mapping[str, Any] = field(default_factory=lambda: MappingProxyType({}))
    # Runs in the scheduler's own process rather than on the queue: the queue's own upkeep,
    # and the anchor file, which is then written by one process in one place.
    here: bool = False


def _at(hours: int = 0, minutes: int = 0) -> timedelta:
    return timedelta(hours=hours, minutes=minutes)


SCHEDULE: tuple[Job, ...] = (
    Job(
        "lists.update",
        "lists.update",
        Cadence(12 * HOUR, at=_at(5)),
        "Publishers change sanctions lists on working days, often without notice; twice a day "
        "keeps a designation no more than half a day from screening. Each run stores only what "
        "changed, and a failed download leaves the current snapshot serving.",
        MappingProxyType({"sources": []}),  # the default official set
    ),
    Job(
        "travel-advice.update",
        "reference.travel_advice_update",
        Cadence(DAY, at=_at(6)),
        "The FCDO changes its travel advice without notice; triage reads the levels daily.",
    ),
    Job(
        "engagements.review-due",
        "assessments.review_due",
        Cadence(DAY, at=_at(0, 15)),
        "An engagement whose review date has come shows as due for review that morning, and "
        "an assessed case falls due at once when a partner gains a confirmed hit, a matched "
        "listed entry changes or leaves its list, its partners, countries or areas change, or "
        "a new pack version changes its triage outcome.",
    ),
    Job(
        "partners.matcher-check",
        "watch.matcher_check",
        Cadence(DAY, at=_at(0, 30)),
        "A new version of the matcher or a new threshold scores every partner differently; "
        "list changes re-screen only what they touched, so once a day the matcher in use is "
        "compared with the one the last full re-screen recorded, and every partner is screened "
        "again (in chunks, on the workers) when they differ.",
    ),
    Job(
        "screenings.purge",
        "partners.purge_screenings",
        Cadence(DAY, at=_at(1)),
        "Screenings of people are personal data, kept only for the retention period "
        "(TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS, UK GDPR storage limitation): each day "
        "those past it are deleted; the audit trail keeps that they existed and who decided.",
    ),
    Job(
        "notifications.digest",
        "notify.digest",
        Cadence(DAY, at=_at(7)),
        "People who chose a daily digest get one e-mail each morning with every notification "
        "not yet e-mailed, before the working day; nothing is sent without an e-mail server.",
    ),
    Job(
        "guidance.review-due",
        "hub.guidance_review",
        Cadence(DAY, at=_at(7, 30)),
        "Guidance must stay true: the owner of a page past its review-by date is told once for "
        "that date, in the morning, and the page is flagged to its readers until it is checked.",
    ),
    Job(
        "training.reminders",
        "hub.training_reminders",
        Cadence(DAY, at=_at(7, 45)),
        "A lapsed pass stops a submission the pack gates on it; each person is told once, a "
        "month before their pass expires, so they can take the module again in time.",
    ),
    Job(
        "audit.anchor",
        "schedule.audit_anchor",
        Cadence(HOUR, at=_at(0, 5)),
        "The audit chain's head is kept outside the database every hour, so a removed newest "
        "event or a rewritten chain is caught by `trustdesk audit verify`.",
        here=True,
    ),
    Job(
        "work.reap",
        "schedule.reap",
        Cadence(5 * MINUTE),
        "Work whose process stopped is failed with the reason once its lease has expired, and "
        "queued work the task queue never took (Redis was down) is sent again.",
        here=True,
    ),
)


class UnknownJob(LookupError):
    """No scheduled job has this name."""

    def __init__(self, name: str) -> None:
        known = ", ".join(job.name for job in SCHEDULE)
        super().__init__(f"no scheduled job {name!r} (known: {known})")


def job_get(name: str) -> Job:
    for job in SCHEDULE:
        if job.name == name:
            return job
    raise UnknownJob(name)
