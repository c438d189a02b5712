"""The coverage banner: officers and administrators see, on every page, a sanctions list gap.

Screening answers "no match" against the lists it has; while a sanctions list is missing or out
of date that answer is weaker than it reads, and the people who can fix it (or must judge the
results) need to know. Researchers are not shown it: they cannot act on it, and each screening
result they see states its own coverage.
"""

from __future__ import annotations

from django.http import HttpRequest

from trustdesk.web.accounts.permissions import has_permission
from trustdesk.web.lists.coverage import Coverage, current_coverage_for


def coverage_banner(request: HttpRequest) -> dict[str, Coverage | None]:
    """`coverage_banner`: the current coverage when a sanctions source is missing or stale.

    One query, once per request however many templates render, and none for users without
    `lists.view` or for pages with no signed-in user.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not has_permission(user, "lists.view"):
        return {"coverage_banner": None}
    coverage = current_coverage_for(request)
    return {"coverage_banner": coverage if coverage.sanctions_gaps else None}
