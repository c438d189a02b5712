"""Where uploaded list files wait for their import, and their removal once it ended.

Below the tasks and the upload service alike: the import task removes its file when done, the
upload service writes it, and the recovery sweep removes what a stopped process left.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.utils import timezone

from trustdesk.web.jobs.models import TaskRun

UPLOADS = "uploads"
# Older runs were pruned by an earlier sweep; looking further back would only cost queries.
PRUNE_WINDOW = timedelta(days=30)


def uploads_dir() -> Path:
    return Path(settings.HOME) / UPLOADS


def upload_file_discard(path: str) -> bool:
    """Remove an upload's private folder once its import ended; False for a path not an upload.

    Only a folder directly under the uploads directory is removed: `lists.import_file` also
    imports files a worker was pointed at elsewhere, which are not trustdesk's to delete.
    """
    folder = Path(path).parent
    if folder.parent != uploads_dir() or not folder.is_dir():
        return False
    shutil.rmtree(folder, ignore_errors=True)
    return True


def upload_files_prune() -> int:
    """Remove the files of import runs that ended (imported, or failed beyond retry)."""
    ended = TaskRun.objects.filter(
        task="lists.import_file",
        status__in=[TaskRun.Status.SUCCEEDED, TaskRun.Status.FAILED],
        finished_at__gte=timezone.now() - PRUNE_WINDOW,
    ).values_list("arguments", flat=True)
    return sum(upload_file_discard(str(a.get("path", ""))) for a in ended.iterator())
