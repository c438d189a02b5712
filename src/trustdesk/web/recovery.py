"""Recovery of work a stopped process left behind: what a server or worker runs when it starts.

A process killed mid-work (a deploy, an out-of-memory kill, a power cut) leaves rows saying
"running" that nothing will finish, and on the embedded default queued runs that nothing will
start. `work_recover()` finds both: runs whose lease expired are failed with that reason (list
imports, reference refreshes and task runs alike), queued runs that waited too long are sent
again (an upload accepted just before a restart is imported), the chunks of a partners'
re-screen whose run was abandoned are queued again, and upload files whose import ended are
removed. `trustdesk serve` and `trustdesk worker` call it on start; `trustdesk jobs
reap` runs it from a scheduler.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from trustdesk.web.conf.tasks import task_settings
from trustdesk.web.core import runs
from trustdesk.web.core.context import audit_context
from trustdesk.web.core.tasks import redelivery_grace, task_runs_resume
from trustdesk.web.jobs import services as jobs
from trustdesk.web.lists import upload_store
from trustdesk.web.watch.services import rescreens_resume


@dataclass(frozen=True, slots=True)
class Recovery:
    reaped: tuple[str, ...]  # "lists.ImportRun #3 (…): the process running it stopped; …"
    resumed: tuple[str, ...]  # "lists.import_file 5d1c…: succeeded"
    files_removed: int

    def lines(self) -> list[str]:
        """One line per recovered item, for a command's output; none when there was nothing."""
        out = [f"failed, abandoned: {r}" for r in self.reaped]
        out += [f"sent again: {r}" for r in self.resumed]
        if self.files_removed:
            out.append(f"removed {self.files_removed} upload file(s) whose import ended")
        return out

    def as_dict(self) -> dict[str, object]:
        return {
            "reaped": list(self.reaped),
            "resumed": list(self.resumed),
            "files_removed": self.files_removed,
        }


def work_recover(*, now: datetime | None = None) -> Recovery:
    """Fail abandoned runs, send again runs that never ran, remove the files of ended uploads."""
    now = now or timezone.now()
    conf = task_settings()
    with audit_context(actor="trustdesk"):  # one group in the trail for one sweep
        reaped = [f"{r.label}: {r.reason}" for r in runs.runs_reap(now=now)]
        reaped += [
            f"{r.task} {r.public_id}: {r.error}"
            for r in jobs.task_run_reap(lease=conf.lease, grace=redelivery_grace(conf), now=now)
        ]
    resumed = [f"{r.task} {r.public_id}: {r.status}" for r in task_runs_resume(now=now)]
    # A re-screen's chunk whose run was just failed as abandoned is queued again, to finish.
    resumed += [f"watch.chunk {c.rescreen.public_id} #{c.number}" for c in rescreens_resume()]
    return Recovery(tuple(reaped), tuple(resumed), upload_store.upload_files_prune())
