"""Every refusal as JSON with a machine-readable `code`, mapped from the services' exceptions.

The codes are part of the API's contract; clients branch on them, people read the message. An
object outside the caller's scope and one that does not exist give the very same 404 body, so a
client cannot probe for records it may not see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from trustdesk.policy.triage import AnswersInvalid
from trustdesk.screening.matching import NameNotScreenable
from trustdesk.web.api.services import ApiTokenError
from trustdesk.web.cases import services as cases
from trustdesk.web.decisions import services as decisions
from trustdesk.web.hub import services as hub
from trustdesk.web.lists.screenfile import InputError
from trustdesk.web.mitigations import files as mitigation_files
from trustdesk.web.mitigations import services as mitigations
from trustdesk.web.partners import services as partners
from trustdesk.web.triage import selectors as triage_selectors
from trustdesk.web.triage import services as triage

NOT_FOUND = {"code": "not_found", "message": "Not found."}
METHOD_NOT_ALLOWED = {
    "code": "method_not_allowed",
    "message": "This path does not take that method.",
}
SERVER_ERROR = {
    "code": "server_error",
    "message": "Something went wrong on the server; it has been logged. Quote the X-Request-ID.",
}
logger = logging.getLogger(__name__)
UNAUTHENTICATED = "Send an API token as 'Authorization: Bearer <token>'."
ANSWERS_INVALID = "Some answers do not fit the policy pack's questions."


class TokenRejected(Exception):
    """A bearer token that names no usable token; `code` says why (revoked, expired …)."""

    def __init__(self, code: str, message: str) -> None:
        self.code, self.message = code, message
        super().__init__(message)


class CsrfRejected(Exception):
    """A session-authenticated write without the CSRF token."""


class InvalidInput(Exception):
    """Input the schemas accept but a lookup refuses (an unknown department or username)."""

    def __init__(self, field: str, message: str) -> None:
        self.field, self.message = field, message
        super().__init__(message)


def _json(api: NinjaAPI, request: HttpRequest, status: int, body: dict[str, Any]) -> HttpResponse:
    return api.create_response(request, body, status=status)


def _item(loc: list[str | int], message: str, kind: str = "invalid") -> dict[str, Any]:
    return {"loc": loc, "message": message, "type": kind}


def _invalid(message: str, errors: list[dict[str, Any]]) -> dict[str, Any]:
    return {"code": "invalid", "message": message, "errors": errors}


# Service errors whose status and code depend on the class; the first match wins (subclasses
# before their bases).
_CONFLICTS: list[tuple[type[Exception], int, str]] = [
    (cases.InvalidTransition, 409, "invalid_transition"),
    (cases.NotEditable, 409, "not_editable"),
    (cases.NotReady, 409, "not_ready"),
    (decisions.DecisionError, 409, "decision_refused"),
    (partners.DuplicateIdentifier, 409, "duplicate"),
    (partners.MergedRecord, 409, "merged"),
    (partners.MergeRefused, 409, "merge_refused"),
    (partners.ReasonRequired, 422, "reason_required"),
    (partners.InvalidVerdict, 422, "invalid"),
    (partners.UnknownGroup, 422, "unknown_group"),
    (partners.InvalidPartner, 422, "invalid"),
    (ApiTokenError, 409, "refused"),
    (triage.NotADraft, 409, "not_a_draft"),
    (triage.NotCompleted, 409, "not_completed"),
    (triage.AlreadyAttached, 409, "already_attached"),
    (triage.AnswersNoLongerFit, 409, "answers_no_longer_fit"),
    (mitigations.InvalidStatusChange, 409, "invalid_transition"),
    (mitigations.NotChangeable, 409, "not_changeable"),
    (hub.GuidanceError, 409, "guidance_refused"),
]


def install(api: NinjaAPI) -> None:
    """Register the handlers on `api`; each returns the error body the OpenAPI schema declares."""

    def on(exc_class: type[Exception]) -> Callable[[Callable[..., HttpResponse]], Any]:
        return api.exception_handler(exc_class)

    @on(TokenRejected)
    def token_rejected(request: HttpRequest, exc: TokenRejected) -> HttpResponse:
        response = _json(api, request, 401, {"code": exc.code, "message": exc.message})
        response["WWW-Authenticate"] = (
            f'Bearer error="invalid_token", error_description="{exc.code}"'
        )
        return response

    @on(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = _json(api, request, 401, {"code": "unauthenticated", "message": UNAUTHENTICATED})
        response["WWW-Authenticate"] = "Bearer"
        return response

    @on(CsrfRejected)
    def csrf_rejected(request: HttpRequest, exc: CsrfRejected) -> HttpResponse:
        message = "Session calls that change data need the CSRF token (X-CSRFToken header)."
        return _json(api, request, 403, {"code": "csrf_failed", "message": message})

    @on(PermissionDenied)
    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        message = str(exc) or "Your role does not allow this."
        return _json(api, request, 403, {"code": "forbidden", "message": message})

    @on(Http404)
    def http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return _json(api, request, 404, NOT_FOUND)

    @on(ObjectDoesNotExist)
    def does_not_exist(request: HttpRequest, exc: ObjectDoesNotExist) -> HttpResponse:
        return _json(api, request, 404, NOT_FOUND)

    @on(ValidationError)
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [
            _item(list(e.get("loc", ())), str(e.get("msg", "")), str(e.get("type", "invalid")))
            for e in exc.errors
        ]
        return _json(api, request, 422, _invalid("The request is not valid.", errors))

    @on(InvalidInput)
    def invalid_input(request: HttpRequest, exc: InvalidInput) -> HttpResponse:
        errors = [_item(["body", exc.field], exc.message)]
        return _json(api, request, 422, _invalid(exc.message, errors))

    @on(InputError)
    def screen_input(request: HttpRequest, exc: InputError) -> HttpResponse:
        return _json(api, request, 422, _invalid(str(exc), [_item(["body"], str(exc))]))

    @on(NameNotScreenable)
    def name_not_screenable(request: HttpRequest, exc: NameNotScreenable) -> HttpResponse:
        errors = [_item(["body", "name"], str(exc), exc.CODE)]
        body = {**_invalid(str(exc), errors), "code": exc.CODE}
        return _json(api, request, 422, body)

    @on(cases.EngagementInvalid)
    def engagement_invalid(request: HttpRequest, exc: cases.EngagementInvalid) -> HttpResponse:
        errors = [
            _item(["body", field], message)
            for field, messages in exc.errors.items()
            for message in messages
        ]
        return _json(api, request, 422, _invalid(str(exc), errors))

    @on(mitigations.ItemInvalid)
    def mitigation_invalid(request: HttpRequest, exc: mitigations.ItemInvalid) -> HttpResponse:
        errors = [
            _item(["body", field], message)
            for field, messages in exc.errors.items()
            for message in messages
        ]
        return _json(api, request, 422, _invalid(str(exc), errors))

    @on(mitigation_files.EvidenceRefused)
    def evidence_refused(
        request: HttpRequest, exc: mitigation_files.EvidenceRefused
    ) -> HttpResponse:
        body = {
            **_invalid(str(exc), [_item(["body", "file"], str(exc))]),
            "code": "evidence_refused",
        }
        return _json(api, request, 422, body)

    @on(cases.EditConflict)
    def edit_conflict(request: HttpRequest, exc: cases.EditConflict) -> HttpResponse:
        # Each field someone else changed since the caller's version, old → new, to merge from.
        errors = [_item(["body", c.field], str(c), "changed") for c in exc.changes]
        body = {"code": "edit_conflict", "message": str(exc), "errors": errors}
        return _json(api, request, 409, body)

    @on(hub.GuidanceInvalid)
    def guidance_invalid(request: HttpRequest, exc: hub.GuidanceInvalid) -> HttpResponse:
        errors = [
            _item(["body", field], message)
            for field, messages in exc.errors.items()
            for message in messages
        ]
        return _json(api, request, 422, _invalid(str(exc), errors))

    @on(hub.StillReferenced)
    def still_referenced(request: HttpRequest, exc: hub.StillReferenced) -> HttpResponse:
        # What still links to the page or names the contact, each in words, its address in loc.
        errors = [
            _item(["references", r.url], r.what, "blocking" if r.blocking else "warning")
            for r in exc.references
        ]
        body = {"code": "still_referenced", "message": str(exc), "errors": errors}
        return _json(api, request, 409, body)

    @on(AnswersInvalid)
    def answers_invalid(request: HttpRequest, exc: AnswersInvalid) -> HttpResponse:
        # The engine's own problems, each naming the answers "file" and the question (path).
        errors = [_item(["body", e.file, e.path], e.problem, "invalid_answer") for e in exc.errors]
        body = {**_invalid(ANSWERS_INVALID, errors), "code": "invalid_answers"}
        return _json(api, request, 422, body)

    @on(triage.AnswersIncomplete)
    def answers_incomplete(request: HttpRequest, exc: triage.AnswersIncomplete) -> HttpResponse:
        errors = [
            _item(["body", "answers", qid], message, "invalid_answer")
            for qid, message in exc.errors.items()
        ]
        body = {**_invalid(str(exc), errors), "code": "invalid_answers"}
        return _json(api, request, 422, body)

    @on(triage_selectors.PackUnavailable)
    def pack_unavailable(
        request: HttpRequest, exc: triage_selectors.PackUnavailable
    ) -> HttpResponse:
        # A configuration fault on the server, not the caller's: 503, with the pack's problems.
        return _json(api, request, 503, {"code": "pack_unavailable", "message": str(exc)})

    @on(HttpError)
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if exc.status_code == 400:
            # Ninja's only 400 is a body it cannot parse: the same documented 422 as any other
            # invalid input (as FastAPI answers a JSON decode error), so clients handle one code.
            message = "The request body is not valid JSON."
            return _json(api, request, 422, _invalid(message, [_item(["body"], message, "json")]))
        return _json(api, request, exc.status_code, {"code": "error", "message": str(exc)})

    def server_error(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        # A bug: logged with its traceback for the operator, JSON for the client, never a page.
        error = exc if isinstance(exc, Exception) else exc()  # ninja passes the instance
        logger.error("Internal Server Error: %s", request.path, exc_info=error)
        return _json(api, request, 500, SERVER_ERROR)

    def service_error(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        for exc_class, status, code in _CONFLICTS:
            if isinstance(exc, exc_class):
                body: dict[str, Any] = {"code": code, "message": str(exc)}
                if status == 422:
                    body["errors"] = [_item(["body"], str(exc))]
                return _json(api, request, status, body)
        return server_error(request, exc)  # an error of a kind not mapped here is a bug

    for base in (
        cases.EngagementError,
        decisions.DecisionError,
        partners.PartnerError,
        ApiTokenError,
        triage.TriageError,
        mitigations.MitigationError,
        hub.GuidanceError,
    ):
        api.add_exception_handler(base, service_error)
    # Last resort: whatever else escapes a handler (ninja picks the most specific class first).
    api.add_exception_handler(Exception, server_error)
