"""What every router shares: the acting user, paging, and the error responses each declares."""

from __future__ import annotations

from typing import Any, TypeVar

from django.db.models import Model, QuerySet
from django.http import HttpRequest

from trustdesk.web.accounts.models import User
from trustdesk.web.api.schemas import ErrorOut, PageIn

M = TypeVar("M", bound=Model)

# The refusals any authenticated call can meet, declared so the OpenAPI document lists them.
READ_ERRORS: dict[int, Any] = {401: ErrorOut, 403: ErrorOut, 404: ErrorOut, 422: ErrorOut}
WRITE_ERRORS: dict[int, Any] = {**READ_ERRORS, 409: ErrorOut}


def actor(request: HttpRequest) -> User:
    """The authenticated user; the auth classes put only an active `User` here."""
    user = request.auth  # type: ignore[attr-defined]  # set by ninja after authentication
    assert isinstance(user, User)  # noqa: S101  # narrows the type; auth.py guarantees it
    return user


def page(rows: QuerySet[M], params: PageIn) -> tuple[int, list[M]]:
    """The total count and one page of `rows`, which must already be ordered."""
    return rows.count(), list(rows[params.offset : params.offset + params.limit])
