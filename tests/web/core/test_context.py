import uuid

import pytest
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.test import RequestFactory

from trustdesk.web.core import audit
from trustdesk.web.core.context import audit_context, current_context, current_request_id
from trustdesk.web.core.middleware import AuditContextMiddleware
from trustdesk.web.core.models import AuditEvent


def test_nested_contexts_keep_the_outer_request_id_unless_given_one() -> None:
    given = uuid.UUID(int=7)

    with audit_context(actor="cli:root@host") as outer:
        with audit_context() as inner:
            assert inner.request_id == outer.request_id
            assert inner.actor == "cli:root@host"
        with audit_context(request_id=given, actor="task:lists.update") as task:
            assert current_request_id() == given
            assert task.actor == "task:lists.update"
        assert current_context() == outer

    assert current_context() is None
    assert current_request_id() is None


@pytest.mark.django_db
def test_the_middleware_groups_a_requests_events_and_returns_the_id_as_a_header() -> None:
    def view(request: HttpRequest) -> HttpResponse:
        with transaction.atomic():
            audit.record(actor="web", action="trustdesk.test.noted")
            audit.record(actor="web", action="trustdesk.test.noted")
        return HttpResponse("ok")

    middleware = AuditContextMiddleware(view)
    first = middleware(RequestFactory().post("/"))
    second = middleware(RequestFactory().post("/", HTTP_X_REQUEST_ID=str(uuid.UUID(int=1))))

    ids = [str(e.request_id) for e in AuditEvent.objects.order_by("sequence")]
    assert ids == [first["X-Request-ID"]] * 2 + [second["X-Request-ID"]] * 2
    assert first["X-Request-ID"] != second["X-Request-ID"]
    assert second["X-Request-ID"] != str(uuid.UUID(int=1))  # a client cannot choose its group
    assert current_context() is None
