"""Task actors as people read them: the queue stores `user:<public id>`, pages show the name.

The actor string is the queue's convention (`task_run_list_for_user` filters on it), and list
imports keep it as `imported_by`; a page resolves it here so nobody has to read a UUID.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable

from trustdesk.web.accounts.models import User

USER_PREFIX = "user:"


def actor_for(user: User) -> str:
    """The actor string of work a signed-in user queues, so the run shows in their task list."""
    return f"{USER_PREFIX}{user.public_id}"


def actor_labels(actors: Iterable[str]) -> dict[str, str]:
    """Each actor string mapped to a display label; system actors ("cli:…") read as themselves.

    One query for all the users named, so a table of a hundred runs costs one lookup.
    """
    wanted: dict[uuid.UUID, str] = {}
    labels: dict[str, str] = {}
    for actor in set(actors):
        labels[actor] = actor
        if actor.startswith(USER_PREFIX):
            try:
                wanted[uuid.UUID(actor.removeprefix(USER_PREFIX))] = actor
            except ValueError:
                continue
    for user in User.objects.filter(public_id__in=wanted):
        shown = str(user)
        name = shown if shown == user.username else f"{shown} ({user.username})"
        labels[wanted[user.public_id]] = name
    return labels
