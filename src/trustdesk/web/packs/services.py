"""Writes for policy pack versions: install one, preview what it would change, make it current.

The preview and the switch both work the impact out over every open case, which takes seconds
to minutes on a large install, so the pages queue them as task runs (`tasks.py`) with progress;
the `trustdesk policy` commands call the same services in the foreground. The reference app
owns the versions and which one is in use (`active_pack()` reads it); this app adds what needs
the cases: the impact, worked out from their triage sessions.
"""

from __future__ import annotations

from trustdesk.policy.impact import Impact
from trustdesk.policy.models import Pack
from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.models import User
from trustdesk.web.core import tasks
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.packs import impact as impacts
from trustdesk.web.reference import selectors as reference
from trustdesk.web.reference import services as reference_services
from trustdesk.web.reference.models import PackChange, PackVersion
from trustdesk.web.triage import selectors as triage_selectors

PREVIEW_TASK = "packs.preview"
ACTIVATE_TASK = "packs.activate"


def pack_impact(*, candidate: Pack, progress: impacts.Progress | None = None) -> Impact:
    """What making `candidate` current would change, against the pack in use now (no write)."""
    return impacts.impact_compute(
        current=triage_selectors.pack(), candidate=candidate, progress=progress
    )


def pack_version_preview(
    *, actor: User | str, version: PackVersion, progress: impacts.Progress | None = None
) -> PackVersion:
    """Work out the version's impact now and keep it with the version (audited)."""
    impact = pack_impact(candidate=reference.pack_version_load(version), progress=progress)
    return reference_services.pack_version_preview_store(
        actor=actor, version=version, impact=impact
    )


def pack_version_make_current(
    *, actor: User | str, version: PackVersion, progress: impacts.Progress | None = None
) -> PackChange:
    """Make the version current, keeping what it changed (worked out just before the switch)."""
    if isinstance(actor, User):
        permissions.require(actor, "policy.manage")
    impact = pack_impact(candidate=reference.pack_version_load(version), progress=progress)
    return reference_services.pack_version_activate(
        actor=actor, version=version, impact=impact, in_use=impact.current
    )


def pack_version_preview_enqueue(*, actor: User, version: PackVersion) -> TaskRun:
    """Queue a fresh preview (the cases may have moved on since the last one)."""
    permissions.require(actor, "policy.manage")
    return tasks.enqueue(PREVIEW_TASK, actor_for(actor), version=str(version.public_id))


def pack_version_make_current_enqueue(*, actor: User, version: PackVersion) -> TaskRun:
    """Queue the switch; the run's page shows its progress and links to what changed."""
    permissions.require(actor, "policy.manage")
    if version.status == PackVersion.Status.CURRENT:
        raise reference_services.PackConflict(
            reference_services.PACK_IN_USE.format(label=version.label)
        )
    return tasks.enqueue(ACTIVATE_TASK, actor_for(actor), version=str(version.public_id))
