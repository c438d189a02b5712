"""A failed refresh as the task queue carries it between processes."""

from __future__ import annotations

import pickle

from trustdesk.web.reference import services


def test_a_failed_refresh_survives_the_task_queues_pickling() -> None:
    failed = services.RefreshFailed("offline", "the shipped values stay in use", expected=True)
    again = pickle.loads(pickle.dumps(failed))  # noqa: S301 (our own bytes)
    assert (again.reason, again.kept, again.expected, str(again)) == (
        "offline",
        "the shipped values stay in use",
        True,
        "offline; the shipped values stay in use",
    )
