"""The engagement life cycle as data: each transition, the statuses it leaves from, where it goes.

draft → submitted → in review → decided → active → review due → closed, plus the ways back that
the issue names: the owner withdraws a submitted case to draft, and a case whose review is due
goes back into review, and a decision may refer the case back to the researcher (to draft).
While in review an officer may ask the researcher for information: the
case waits in "awaiting information" until every open question is answered, then is in review
again. The services enforce this table; pages read it to offer only the actions
that can succeed, so the buttons and the rules cannot drift apart.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from trustdesk.web.cases.models import Engagement

Status = Engagement.Status


class Action(enum.StrEnum):
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    START_REVIEW = "review-start"
    DECIDE = "decide"
    REQUEST_INFORMATION = "request-information"
    INFORMATION_RECEIVED = "information-received"
    ACTIVATE = "activate"
    MARK_REVIEW_DUE = "mark-review-due"
    CLOSE = "close"


@dataclass(frozen=True, slots=True)
class Transition:
    action: Action
    verb: str  # "submit": completes "Cannot submit this engagement: …"
    sources: frozenset[Status]
    # None: the target depends on the input (a referral back goes to draft; a decision decides).
    target: Status | None


def _table(*transitions: Transition) -> Mapping[Action, Transition]:
    return MappingProxyType({t.action: t for t in transitions})


TRANSITIONS: Final[Mapping[Action, Transition]] = _table(
    Transition(Action.SUBMIT, "submit", frozenset({Status.DRAFT}), Status.SUBMITTED),
    # Only before an officer has started: after that, withdrawing would pull a case from under
    # its reviewer, who closes it instead if the researcher gives up.
    Transition(Action.WITHDRAW, "withdraw", frozenset({Status.SUBMITTED}), Status.DRAFT),
    Transition(
        Action.START_REVIEW,
        "start the review of",
        frozenset({Status.SUBMITTED, Status.REVIEW_DUE}),
        Status.IN_REVIEW,
    ),
    # Decided through the decisions app's routed services only; "refer back" returns the case
    # to draft for the researcher to rework and submit again.
    Transition(Action.DECIDE, "decide", frozenset({Status.IN_REVIEW}), None),
    # Further questions may be asked while earlier ones wait; the case stays waiting.
    Transition(
        Action.REQUEST_INFORMATION,
        "ask for information on",
        frozenset({Status.IN_REVIEW, Status.AWAITING_INFORMATION}),
        Status.AWAITING_INFORMATION,
    ),
    # Taken by the answer that closes the last open question, not by a button of its own.
    Transition(
        Action.INFORMATION_RECEIVED,
        "answer questions on",
        frozenset({Status.AWAITING_INFORMATION}),
        Status.IN_REVIEW,
    ),
    Transition(Action.ACTIVATE, "activate", frozenset({Status.DECIDED}), Status.ACTIVE),
    # On its date an active case falls due (the daily job); a change that triggers a review
    # (a confirmed hit, a changed listed entry …) brings it forward, for a decided case too.
    Transition(
        Action.MARK_REVIEW_DUE,
        "mark as due for review",
        frozenset({Status.ACTIVE, Status.DECIDED}),
        Status.REVIEW_DUE,
    ),
    # Any submitted case may be closed (abandoned, declined, finished); a draft is the owner's
    # own, and a closed case stays closed.
    Transition(
        Action.CLOSE,
        "close",
        frozenset(
            {
                Status.SUBMITTED,
                Status.IN_REVIEW,
                Status.AWAITING_INFORMATION,
                Status.DECIDED,
                Status.ACTIVE,
                Status.REVIEW_DUE,
            }
        ),
        Status.CLOSED,
    ),
)

# While in these statuses the content of an engagement can still change (by whom: permissions).
EDITABLE: Final = frozenset(
    {
        Status.DRAFT,
        Status.SUBMITTED,
        Status.IN_REVIEW,
        Status.AWAITING_INFORMATION,
        Status.DECIDED,
        Status.ACTIVE,
        Status.REVIEW_DUE,
    }
)


def leaves_from(action: Action, status: str) -> bool:
    """Whether `action` may start from `status`, by the table alone (not who asks)."""
    return Status(status) in TRANSITIONS[action].sources
