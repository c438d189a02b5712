"""Which user action is running now: a request id that groups its audit events (wagtail LogContext).

A web request, a CLI command or a task opens one `audit_context()`; every `audit.record()` inside
it carries the same request id, so an auditor sees "these six events were one click". The value
lives in a `ContextVar`, so threads and asyncio tasks each see their own.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import TypeVar

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class AuditContext:
    request_id: uuid.UUID
    # Who started the action, when the entry point knows it before any service runs: the CLI's
    # "cli:user@host", a task's "task:lists.update". Services still name their actor explicitly.
    actor: str | None = None


# Where AuditContextMiddleware also leaves the request's id (in request.META, a WSGI environ
# extension key), for the records Django logs after the context has closed.
REQUEST_ID_META = "trustdesk.request_id"

_current: ContextVar[AuditContext | None] = ContextVar("trustdesk_audit_context", default=None)


@contextmanager
def audit_context(
    *, request_id: uuid.UUID | None = None, actor: str | None = None
) -> Iterator[AuditContext]:
    """Group every audit event recorded inside into one user action.

    Nested contexts keep the enclosing request id unless given one, so a service that opens its
    own context inside a web request still joins the request's group. A task passes the id of the
    request that queued it to continue that group in another process.
    """
    outer = _current.get()
    if request_id is None:
        request_id = outer.request_id if outer is not None else uuid.uuid4()
    if actor is None and outer is not None:
        actor = outer.actor
    context = AuditContext(request_id=request_id, actor=actor)
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def current_context() -> AuditContext | None:
    """The innermost open context, or None outside any (each event then gets its own id)."""
    return _current.get()


def current_request_id() -> uuid.UUID | None:
    context = _current.get()
    return context.request_id if context is not None else None


# --- reads remembered for one request ------------------------------------------------------------

_remembered: ContextVar[dict[Hashable, object] | None] = ContextVar(
    "trustdesk_request_memo", default=None
)


@contextmanager
def request_memo() -> Iterator[dict[Hashable, object]]:
    """Remember reads that cannot change within one request (the policy pack) until it ends.

    A page reads the active pack from several apps' selectors; each read costs a query and a
    cache lookup. Inside this context `remember` computes each key once. Outside any (a task,
    the CLI, a test calling a selector) nothing is remembered, so a long process never keeps
    a stale value.
    """
    token = _remembered.set({})
    try:
        yield _remembered.get() or {}
    finally:
        _remembered.reset(token)


def remember(key: Hashable, compute: Callable[[], T]) -> T:
    """`compute()`, once per key within the current request's memo (every call outside one)."""
    memo = _remembered.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[return-value]  # stored by this function under this key


def forget(key: Hashable) -> None:
    """Drop a remembered read, after the request itself changed what it reads."""
    memo = _remembered.get()
    if memo is not None:
        memo.pop(key, None)
