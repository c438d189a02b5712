"""What each task run ran on, as the person looking at the run may see it.

A run stores its task's name and plain arguments (`{"run_id": "…"}`), which say nothing to a
reader: thirty rows of "partners.screen" cannot be told apart. Each app that defines a task
registers here, next to the task, a title for it and a function that turns a batch of its runs
into targets ("Organisation: Beihang University", "Sources: un-sc, ofac-sdn") for one viewer. The
function decides, with the app's own scope rules, whether the viewer may open the target: if so
the target links to it, otherwise it reads as a neutral label ("an organisation") that names
nothing the viewer may not see. This app sits below those that define tasks, so they register
with it rather than it importing them; each app's tasks.py is imported (Django's
`autodiscover_modules`, as the queue does) before the first run is described.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from django.utils.module_loading import autodiscover_modules

from trustdesk.web.accounts.models import User
from trustdesk.web.jobs.models import TaskRun


@dataclass(frozen=True, slots=True)
class RunTarget:
    """What a run ran on: `label` to read, `url` to open it (blank when the viewer may not)."""

    label: str
    url: str = ""


# Runs of one task (with their arguments) and the viewer -> each run's target, by run pk.
Describe = Callable[[Sequence[TaskRun], User], Mapping[int, RunTarget]]


@dataclass(frozen=True, slots=True)
class TaskKind:
    title: str  # what the task does, for people: "Screen an organisation or person"
    describe: Describe


_KINDS: dict[str, TaskKind] = {}
UNKNOWN = RunTarget("not recorded")


def describes(task: str, *, title: str) -> Callable[[Describe], Describe]:
    """Register `fn` as the describer of `task`'s runs, and `title` as the task's name to read."""

    def register(fn: Describe) -> Describe:
        _KINDS[task] = TaskKind(title, fn)
        return fn

    return register


def _discover(task: str) -> None:
    if task not in _KINDS:
        autodiscover_modules("tasks")  # each installed app's tasks.py registers its describers


def task_title(task: str) -> str:
    """The task's title; an unregistered task (a removed one, in old rows) reads as its name."""
    _discover(task)
    kind = _KINDS.get(task)
    return kind.title if kind else task


def run_targets(runs: Iterable[TaskRun], *, viewer: User) -> dict[int, RunTarget]:
    """Each run's target for `viewer`, by run pk: one describer call per task in the batch."""
    by_task: dict[str, list[TaskRun]] = {}
    for run in runs:
        by_task.setdefault(run.task, []).append(run)
    targets: dict[int, RunTarget] = {}
    for task, batch in by_task.items():
        _discover(task)
        kind = _KINDS.get(task)
        described = kind.describe(batch, viewer) if kind else {}
        targets.update({run.pk: described.get(run.pk, UNKNOWN) for run in batch})
    return targets
