"""The permission matrix: every route × every role × inside and outside the role's scope.

One parametrised test sends each request in `MATRIX` as each role (and as a visitor who has not
signed in) and asserts the status; for an object outside the role's scope it also asserts that the
404 is byte for byte the one a random, non-existent id gets, so a hidden record cannot be told
from a missing one. `test_every_route_is_in_the_matrix` walks the URL resolver (every included
app, the JSON API under `api` too) and fails naming each route missing from `MATRIX` and each
`MATRIX` key that no longer routes: adding a URL without its row fails the suite.

How to add a row
----------------
`MATRIX` maps a route's key to `route(*checks, target=…)`:

- The key is the URL name with its namespace, `"cases:engagement-detail"` (`reverse()` takes
  it). django-ninja names each operation `api:<its function's name>` (`"api:engagement_detail"`),
  one name per operation even where two share a path (list and create). A pattern without a name
  is keyed by its full route pattern instead, `"api/v2/<uuid:public_id>"`, its arguments filled in
  by name.
- `target` fills the URL arguments: `None` for a URL without any, otherwise a `Target` from
  `tests/web/matrix_support.py` (`ENGAGEMENT`, `ENGAGEMENT_LINK`, `ORGANISATION`, `PERSON`,
  `PERSON_HIT`, `TASK_RUN`, `USER`, `AUDIT_EVENT`, `SOURCE`); `ENGAGEMENT.renamed(public_id=
  "engagement_id")` where the route calls its argument otherwise. A target names an object INSIDE
  each role's scope, and one OUTSIDE it for the roles that have such an object (researcher and
  champion for engagements and partners, see `Target.scoped`; a role that sees everything has no
  outside row). Add a target there for a new kind of object.
- Each check is one request: `get(allowed, …)`, `post(allowed, body=…)`, or `send("PATCH",
  allowed, …)` for other methods. `allowed` is the set of roles that get through for an object
  inside their scope; they get `ok` (GET: 200; otherwise any of 200/302/400/409, the point being
  the authorisation answer, not the form's), and every other role gets `refused` (403).
  `outside` says what an object outside the scope gives: `HIDDEN` (the default: for every role,
  the same 404 as a missing object), `SAME` (a shared record: what inside gives), or a status.
  `anonymous` is the visitor's status; `None` (the default) means a 302 to the sign-in page.
  `label` tells apart two checks of one method (a POST with a valid form and one without).
- JSON API rows use `api_get(allowed, …)` and `api_send(method, allowed, body=…)`: the body goes
  as JSON, and a visitor gets 401 rather than a redirect. Signed-in rows use the session, as the
  web pages do (`headers=` for anything else)::

      "api:engagement_list": route(api_get(CASE_READERS)),
      "api:engagement_submit": route(api_send("POST", OWNER), target=ENGAGEMENT),

- A role in the target's `blind` set (the senior owner, for every case, partner and triage
  record) sees no record of the kind: its one row names Rita's record and asserts the answer is
  byte for byte the one a missing id gets (a 403 before any lookup, or the 404).
- A known permission bug stays visible as a strict xfail: `bugs={"researcher": "bug: …"}` (or
  `"researcher/inside"` for one scope only) on the check. Fixing the bug makes the row XPASS,
  which fails until the entry is removed.

Speed: the cast and records are built once per module (`world`) inside a transaction that is
rolled back at the end; each row runs in a savepoint of its own, so POSTs change nothing for the
next row.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from _pytest.mark.structures import ParameterSet
from django.conf import settings
from django.db import transaction
from django.test import Client, override_settings
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from pytest_django import DjangoDbBlocker

from tests.support import GB_QUIET_COLLABORATION
from tests.web.matrix_support import (
    ACTION,
    ANONYMOUS,
    ASSESSMENT,
    ASSESSMENT_SECTION,
    AUDIT_EVENT,
    BLIND,
    BOARD_REPORT,
    BOARD_REPORT_FILE,
    CONTACT,
    ENGAGEMENT,
    ENGAGEMENT_LINK,
    EVIDENCE,
    FIGURE,
    GROUP_KEY,
    GUIDANCE_PAGE,
    INSIDE,
    MITIGATION,
    MODULE,
    NO_OBJECT,
    NOTIFICATION,
    ORGANISATION,
    ORGANISATION_RUN,
    OUTSIDE,
    PACK_CHANGE,
    PACK_VERSION,
    PAGE_VERSION,
    PASSWORD_LINK,
    PERSON,
    PERSON_HIT,
    PERSON_RUN,
    PROCESS,
    PUBLIC_PAGE,
    QUESTION,
    RESCREEN,
    ROLES,
    SOURCE,
    STAGING,
    TASK_RUN,
    TRIAGE,
    TRIAGE_DONE,
    USER,
    Target,
    World,
    build_world,
)

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as TestResponse

pytestmark = pytest.mark.django_db

# --- the vocabulary of the table -----------------------------------------------------------

RESEARCHER, CHAMPION, OFFICER, APPROVER, AUDITOR, ADMIN, SENIOR_OWNER = ROLES
EVERYONE = frozenset(ROLES)
# Every role but the senior owner, who reads figures and no case, partner or triage (issue 17).
CASE_READERS = EVERYONE - {SENIOR_OWNER}
PROPOSERS = frozenset({RESEARCHER, CHAMPION, OFFICER})  # propose; supply evidence to drafts
OWNER = frozenset({RESEARCHER})  # only the engagement's owner (Rita) submits and withdraws
OFFICERS = frozenset({OFFICER})
SEAT_MANAGERS = frozenset({OFFICER, ADMIN})  # `committee.manage`
LIST_READERS = frozenset({OFFICER, APPROVER, AUDITOR, ADMIN})
AUDIT_READERS = frozenset({AUDITOR, ADMIN})
TASK_WATCHERS = frozenset({OFFICER, AUDITOR, ADMIN})  # `task.view`
USER_VIEWERS = frozenset({AUDITOR, ADMIN})
AUDITORS = frozenset({AUDITOR})
ADMINS = frozenset({ADMIN})
REPORT_READERS = frozenset({OFFICER, APPROVER, AUDITOR})  # `engagement.report`
GUIDANCE_EDITORS = frozenset({OFFICER, ADMIN})  # `guidance.manage`
COMPLETION_READERS = frozenset({CHAMPION, OFFICER, AUDITOR})  # `training.view_completion`
# `selfassessment.view`
SELF_ASSESSMENT_READERS = frozenset({OFFICER, APPROVER, AUDITOR, ADMIN, SENIOR_OWNER})
SELF_ASSESSMENT_MANAGERS = frozenset({OFFICER, ADMIN})  # `selfassessment.manage`
LEADERSHIP = frozenset({OFFICER, APPROVER, AUDITOR, ADMIN, SENIOR_OWNER})  # `leadership.view`
REPORT_GENERATORS = frozenset({OFFICER, SENIOR_OWNER})  # `board_report.generate`
PACK_READERS = frozenset({OFFICER, AUDITOR, ADMIN})  # `policy.preview`
LIST_REVIEWERS = frozenset({OFFICER, ADMIN})  # `lists.review`

HIDDEN = "hidden"  # outside the scope: the same 404 as a missing object
SAME = "same"  # outside the scope: answered as inside (a shared record)
# An allowed POST may succeed (302), be refused by a rule or show form errors, never 403/404.
PASSED = frozenset({200, 302, 400, 409})


@dataclass(frozen=True, slots=True)
class Check:
    method: str
    allowed: frozenset[str]
    ok: int | frozenset[int]
    refused: int = 403
    outside: str | int = HIDDEN
    anonymous: int | None = None  # None: a redirect to the sign-in page
    body: Mapping[str, Any] | None = None
    json: bool = False  # send `body` as JSON (the API) rather than as a form
    headers: Mapping[str, str] = field(default_factory=dict)  # e.g. an Authorization header
    label: str = ""  # tells apart two checks of one method, as in "POST(no form)"
    bugs: Mapping[str, str] = field(default_factory=dict)  # "role" or "role/scope" -> reason

    def expected(self, who: str) -> int | frozenset[int]:
        return self.ok if who in self.allowed else self.refused

    def bug(self, who: str, scope: str) -> str | None:
        return self.bugs.get(f"{who}/{scope}") or self.bugs.get(who)


@dataclass(frozen=True, slots=True)
class Route:
    checks: tuple[Check, ...]
    target: Target | None


def route(*checks: Check, target: Target | None = None) -> Route:
    return Route(checks, target)


def send(method: str, allowed: frozenset[str], **kwargs: Any) -> Check:
    kwargs.setdefault("ok", 200 if method == "GET" else PASSED)
    return Check(method, allowed, **kwargs)


def get(allowed: frozenset[str], **kwargs: Any) -> Check:
    return send("GET", allowed, **kwargs)


def post(allowed: frozenset[str], **kwargs: Any) -> Check:
    return send("POST", allowed, **kwargs)


# Three actions read their form before asking whether the user may act, so a refused role
# without a valid form is sent back with "choose …" instead of a 403. A valid form is refused
# (403) by the service, so nothing changes; the rows with one show it.


REASON = "Checked by the permission matrix."
PROPOSAL = {"outcome": "decline", "reason": REASON}
VOTE = {"outcome": "decline", "reason": REASON}
# What the UK pack asks about a research collaboration beyond what the engagement prefills.
TRIAGE_ANSWERS = {"partner_kind": "university", **GB_QUIET_COLLABORATION}


def api_get(allowed: frozenset[str], **kwargs: Any) -> Check:
    """A JSON API read: a visitor without a token or session gets 401, not a redirect."""
    return get(allowed, anonymous=401, **kwargs)


def api_send(method: str, allowed: frozenset[str], **kwargs: Any) -> Check:
    """A JSON API write, its body sent as JSON (an empty object unless given)."""
    kwargs.setdefault("body", {})
    return send(method, allowed, json=True, anonymous=401, **kwargs)


MATRIX: dict[str, Route] = {
    # --- accounts ---
    "home": route(get(EVERYONE)),  # the desk: every role's own work
    "favicon": route(get(EVERYONE, ok=301, anonymous=301)),  # to the static icon, for anyone
    # --- monitoring: a load balancer's probes and Prometheus sign in as nobody ---
    "monitoring:healthz": route(get(EVERYONE, anonymous=200)),
    "monitoring:readyz": route(get(EVERYONE, anonymous=200)),  # 200 also when degraded
    # The test client asks from 127.0.0.1, allowed by default, whoever is signed in; other
    # addresses and proxied requests need the token (tests/web/monitoring/test_metrics.py).
    "monitoring:metrics": route(get(EVERYONE, anonymous=200)),
    "accounts:login": route(get(EVERYONE, ok=302, anonymous=200)),  # signed in: sent on
    "accounts:logout": route(post(EVERYONE, ok=302, anonymous=302)),
    # Single sign-on is not configured here: there is nothing to start or finish, for anyone.
    "accounts:sso_start": route(get(EVERYONE, ok=404, anonymous=404)),
    "accounts:sso_callback": route(get(EVERYONE, ok=404, anonymous=404)),
    "accounts:account": route(get(EVERYONE)),
    # Every signed-in user changes their own password; a form without one is sent back (200).
    "accounts:password_change": route(get(EVERYONE), post(EVERYONE, ok=200)),
    # Forgotten passwords: for visitors above all; the same answer for any address.
    "accounts:password_reset": route(
        get(EVERYONE, anonymous=200),
        post(EVERYONE, ok=302, anonymous=302, body={"email": "nobody@uni.example"}),
    ),
    "accounts:password_reset_sent": route(get(EVERYONE, anonymous=200)),
    "accounts:password_reset_confirm": route(get(EVERYONE, anonymous=200), target=PASSWORD_LINK),
    "accounts:password_reset_complete": route(get(EVERYONE, anonymous=200)),
    # --- notifications: everyone reads and marks their own; another's is a missing one ---
    "notify:list": route(get(EVERYONE)),
    "notify:read": route(post(EVERYONE, ok=302), target=NOTIFICATION),
    "notify:read-all": route(post(EVERYONE, ok=302)),
    "notify:preference": route(
        post(EVERYONE, ok=302, body={"delivery": "digest"}),
        post(EVERYONE, ok=302, label="no form"),  # sent back to My account with the error
    ),
    "accounts:user_list": route(get(USER_VIEWERS)),
    # Only admins add users; a valid form creates one and shows the invitation (200).
    "accounts:user_create": route(
        get(ADMINS),
        post(
            ADMINS,
            ok=200,
            body={"username": "newby", "email": "newby@uni.example", "role": RESEARCHER},
        ),
        post(ADMINS, ok=200, label="no form"),
    ),
    # Otto has no password yet: the admin gets his invitation link (200).
    "accounts:user_invite": route(post(ADMINS, ok=200), target=USER),
    "accounts:user_role": route(
        post(ADMINS, body={"role": CHAMPION, "reason": REASON}),
        post(ADMINS, label="no form"),
        target=USER,
    ),
    "accounts:user_deactivate": route(
        post(ADMINS, body={"reason": REASON}),
        post(ADMINS, label="no form"),
        target=USER,
    ),
    # --- watch lists ---
    "lists:index": route(get(LIST_READERS)),
    "lists:upload": route(post(ADMINS)),
    "lists:update": route(post(ADMINS)),
    "lists:source": route(get(LIST_READERS), target=SOURCE),
    "lists:diff": route(get(LIST_READERS), target=SOURCE),
    # --- the policy pack's sources (everyone) and FCDO travel advice (list readers) ---
    "reference:pack-detail": route(get(EVERYONE)),
    # Policy pack versions: the team, admins and auditors read previews; admins act on them.
    "packs:version-list": route(get(PACK_READERS)),
    "packs:version-upload": route(post(ADMINS)),  # no file: the form is sent back (400)
    "packs:version-detail": route(get(PACK_READERS), target=PACK_VERSION),
    "packs:version-preview": route(post(ADMINS), target=PACK_VERSION),
    "packs:version-activate": route(post(ADMINS), target=PACK_VERSION),
    "packs:change-detail": route(get(PACK_READERS), target=PACK_CHANGE),
    "reference:travel-advice-detail": route(get(LIST_READERS)),
    # Queues a refresh (the task runs after commit, which the matrix never reaches).
    "reference:travel-advice-update": route(post(ADMINS)),
    # --- ongoing monitoring: officers, auditors and admins (`watch.view`) ---
    "watch:index": route(get(TASK_WATCHERS)),
    "watch:detail": route(get(TASK_WATCHERS), target=RESCREEN),
    "watch:staged": route(get(TASK_WATCHERS), target=STAGING),
    "watch:staged-preview": route(post(LIST_REVIEWERS), target=STAGING),
    "watch:staged-make-current": route(post(LIST_REVIEWERS), target=STAGING),
    "watch:staged-discard": route(post(LIST_REVIEWERS), target=STAGING),
    # --- task runs: officers, auditors and admins watch them all; nobody else any ---
    "jobs:run_list": route(get(TASK_WATCHERS)),
    "jobs:run_detail": route(get(TASK_WATCHERS), target=TASK_RUN),
    "jobs:run_progress": route(get(TASK_WATCHERS), target=TASK_RUN),
    # --- the audit trail ---
    "audit:event_list": route(get(AUDIT_READERS)),
    "audit:export": route(get(AUDIT_READERS)),
    "audit:verify": route(get(AUDITORS), post(AUDITORS)),
    "audit:event_detail": route(get(AUDIT_READERS), target=AUDIT_EVENT),
    # --- engagements (the target is a draft) ---
    "cases:engagement-list": route(get(CASE_READERS)),
    "cases:engagement-create": route(get(PROPOSERS), post(PROPOSERS)),
    "cases:engagement-detail": route(get(EVERYONE), target=ENGAGEMENT),
    "cases:engagement-edit": route(get(PROPOSERS), post(PROPOSERS), target=ENGAGEMENT),
    "cases:engagement-submit": route(post(OWNER), target=ENGAGEMENT),
    "cases:engagement-withdraw": route(post(OWNER), target=ENGAGEMENT),
    "cases:engagement-review-start": route(post(OFFICERS), target=ENGAGEMENT),
    # --- decisions: the target is a draft whose triage is in the standard tier, so its route
    # names the officer: an approver is refused by the route (403), the officer by the status
    # (302 with a message, 409 in the API); the route per tier is in tests/web/decisions ---
    "decisions:recommendation-make": route(post(OFFICERS, body=PROPOSAL), target=ENGAGEMENT),
    "decisions:decision-make": route(post(OFFICERS, body=PROPOSAL), target=ENGAGEMENT),
    "decisions:vote-cast": route(post(OFFICERS, body=VOTE), target=ENGAGEMENT),
    "decisions:committee-seats": route(
        get(SEAT_MANAGERS),
        post(SEAT_MANAGERS, ok=302, body={"tier": "escalated", "seat": "chair", "holder": ""}),
    ),
    "cases:engagement-activate": route(post(OFFICERS), target=ENGAGEMENT),
    "cases:engagement-close": route(post(OFFICERS), target=ENGAGEMENT),
    "cases:engagement-assign": route(post(OFFICERS, body={"to_me": "1"}), target=ENGAGEMENT),
    "cases:engagement-partner-add": route(post(PROPOSERS), target=ENGAGEMENT),
    "cases:engagement-partner-search": route(get(PROPOSERS), target=ENGAGEMENT),
    # --- documents: the letter for whoever sees the engagement (entries only for list
    # readers), the due-diligence report for officers, approvers and auditors ---
    "documents:letter": route(get(EVERYONE), target=ENGAGEMENT),
    "documents:letter-pdf": route(get(EVERYONE), target=ENGAGEMENT),
    "documents:report": route(get(REPORT_READERS), target=ENGAGEMENT),
    "documents:report-pdf": route(get(REPORT_READERS), target=ENGAGEMENT),
    "cases:engagement-partner-remove": route(post(PROPOSERS), target=ENGAGEMENT_LINK),
    # Officers ask (a draft cannot wait for information: 302 with a message); only the owner
    # and team of the engagement answer, which the champion and officer are not.
    "cases:engagement-information-request": route(
        post(OFFICERS, body={"questions": "Who funds the laboratory?"}), target=ENGAGEMENT
    ),
    "cases:engagement-information-answer": route(
        post(OWNER, body={"answer": "The ministry."}),
        post(OWNER, label="no form"),
        target=QUESTION,
    ),
    # --- mitigation plans: officers shape them; the item's owner (Rita) moves and evidences
    # it; whoever sees the case downloads its evidence ---
    "mitigations:propose": route(post(OFFICERS), target=ENGAGEMENT),
    "mitigations:item-add": route(
        get(OFFICERS), post(OFFICERS, body={"title": "Matrix", "owner": "rita"}), target=ENGAGEMENT
    ),
    "mitigations:item-edit": route(
        get(OFFICERS), post(OFFICERS, body={"title": "Matrix", "owner": "rita"}), target=MITIGATION
    ),
    "mitigations:item-remove": route(post(OFFICERS, body={"reason": REASON}), target=MITIGATION),
    "mitigations:item-status": route(
        post(OWNER | OFFICERS, body={"action": "complete"}),
        post(OWNER | OFFICERS, label="no form"),
        target=MITIGATION,
    ),
    # Without a file the allowed roles are sent back with "choose a file" (302).
    "mitigations:evidence-add": route(post(OWNER | OFFICERS), target=MITIGATION),
    "mitigations:evidence-download": route(get(EVERYONE), target=EVIDENCE),
    # --- organisations: a shared register, so Otto's is seen by all but corrected by him ---
    "partners:organisation-list": route(get(CASE_READERS)),
    "partners:organisation-create": route(get(PROPOSERS), post(PROPOSERS)),
    "partners:organisation-detail": route(get(EVERYONE, outside=SAME), target=ORGANISATION),
    "partners:organisation-update": route(
        get(PROPOSERS, outside=403), post(PROPOSERS, outside=403), target=ORGANISATION
    ),
    "partners:organisation-merge": route(
        get(OFFICERS, outside=SAME), post(OFFICERS, outside=SAME), target=ORGANISATION
    ),
    "partners:organisation-screen": route(post(OFFICERS, outside=SAME), target=ORGANISATION),
    "partners:organisation-screening": route(get(EVERYONE, outside=SAME), target=ORGANISATION),
    # --- people: personal data, seen only within the scope ---
    "partners:person-list": route(get(CASE_READERS)),
    "partners:person-create": route(get(PROPOSERS), post(PROPOSERS)),
    "partners:person-detail": route(get(EVERYONE), target=PERSON),
    "partners:person-update": route(get(PROPOSERS), post(PROPOSERS), target=PERSON),
    "partners:person-merge": route(get(OFFICERS), post(OFFICERS), target=PERSON),
    "partners:person-screen": route(post(OFFICERS), target=PERSON),
    "partners:person-screening": route(get(EVERYONE), target=PERSON),
    "partners:hit-adjudicate": route(
        post(OFFICERS, body={"verdict": "false_positive", "reason": REASON}),
        post(OFFICERS, label="no form"),
        target=PERSON_HIT,
    ),
    # One verdict for a group of hits on one listed institution: officers only.
    "partners:organisation-group-adjudicate": route(
        post(
            OFFICERS,
            outside=SAME,
            body={"group": GROUP_KEY, "verdict": "confirmed", "reason": REASON},
        ),
        post(OFFICERS, outside=SAME, label="no form"),
        target=ORGANISATION_RUN,
    ),
    "partners:person-group-adjudicate": route(
        post(OFFICERS, body={"group": GROUP_KEY, "verdict": "confirmed", "reason": REASON}),
        post(OFFICERS, label="no form"),
        target=PERSON_RUN,
    ),
    # --- risk assessment: officers run and override (the draft target: 302 with a message) ---
    "assessments:assessment-run": route(post(OFFICERS), target=ENGAGEMENT),
    "assessments:assessment-override": route(
        post(OFFICERS, body={"area": "people", "rating": "high", "justification": REASON}),
        target=ENGAGEMENT,
    ),
    # --- triage: drafts answered by their owner; results read in scope; officers re-run ---
    "triage:session-list": route(get(CASE_READERS)),
    "triage:session-create": route(get(PROPOSERS), post(PROPOSERS)),
    # Rita's engagement: its owner starts a triage; an officer is not on it (403, not 404).
    "triage:session-start": route(
        post(OWNER), target=ENGAGEMENT.renamed(public_id="engagement_id")
    ),
    "triage:session-questionnaire": route(
        get(EVERYONE),
        post(OWNER, body={"shown": ["engagement_kind"], "q-engagement_kind": ["visitor"]}),
        target=TRIAGE,
    ),
    "triage:session-result": route(get(EVERYONE), target=TRIAGE_DONE),
    "triage:session-reopen": route(post(OWNER), target=TRIAGE_DONE),
    # Without a chosen engagement the owner is sent back with a message (302).
    "triage:session-attach": route(post(OWNER), target=TRIAGE),
    "triage:session-rerun": route(post(OFFICERS), target=TRIAGE_DONE),
    # --- the institution's self-assessment: read centrally, answered by officers and admins;
    # an action's owner (Rita, Cara) reaches their own action and marks it done. The target is
    # the draft (starting another is refused with a message, completing it too: unanswered) ---
    "selfassess:assessment-list": route(get(SELF_ASSESSMENT_READERS)),
    "selfassess:assessment-start": route(
        post(SELF_ASSESSMENT_MANAGERS, body={"as_of": "2026-12-01"})
    ),
    "selfassess:assessment-detail": route(get(SELF_ASSESSMENT_READERS), target=ASSESSMENT),
    "selfassess:assessment-section": route(
        get(SELF_ASSESSMENT_MANAGERS),
        post(SELF_ASSESSMENT_MANAGERS, body={"gov-policy-level": "2"}),
        target=ASSESSMENT_SECTION,
    ),
    "selfassess:actions-propose": route(post(SELF_ASSESSMENT_MANAGERS), target=ASSESSMENT),
    "selfassess:assessment-complete": route(post(SELF_ASSESSMENT_MANAGERS), target=ASSESSMENT),
    "selfassess:assessment-compare": route(get(SELF_ASSESSMENT_READERS), target=ASSESSMENT),
    "selfassess:action-list": route(get(EVERYONE)),  # the reader's own, or every one
    "selfassess:action-detail": route(get(EVERYONE), target=ACTION),
    "selfassess:action-edit": route(
        get(SELF_ASSESSMENT_MANAGERS),
        post(
            SELF_ASSESSMENT_MANAGERS,
            body={"title": "Matrix", "owner": "olga", "due_date": "2027-01-31"},
        ),
        target=ACTION,
    ),
    "selfassess:action-drop": route(
        post(SELF_ASSESSMENT_MANAGERS, body={"reason": REASON}), target=ACTION
    ),
    # Owners mark their own done; managers may too (the proposed one: refused by its status).
    "selfassess:action-done": route(
        post(frozenset({RESEARCHER, CHAMPION}) | SELF_ASSESSMENT_MANAGERS), target=ACTION
    ),
    # --- the guidance hub: read by every account, written by guidance editors ---
    "hub:home": route(get(EVERYONE)),
    "hub:search": route(get(EVERYONE)),
    "hub:preview": route(post(GUIDANCE_EDITORS, ok=200, body={"body": "**x**"})),
    "hub:page-create": route(get(GUIDANCE_EDITORS), post(GUIDANCE_EDITORS)),
    "hub:page-detail": route(get(EVERYONE), target=GUIDANCE_PAGE),
    "hub:page-edit": route(get(GUIDANCE_EDITORS), post(GUIDANCE_EDITORS), target=GUIDANCE_PAGE),
    "hub:page-history": route(get(GUIDANCE_EDITORS), target=GUIDANCE_PAGE),
    # The confirmation page, then the withdrawal (302 to the hub; nothing links to the page).
    "hub:page-withdraw": route(
        get(GUIDANCE_EDITORS),
        post(GUIDANCE_EDITORS, body={"reason": REASON}),
        post(GUIDANCE_EDITORS, ok=200, label="no form"),  # sent back: say why
        target=GUIDANCE_PAGE,
    ),
    # The page is not withdrawn: an editor is sent back to it with a message.
    "hub:page-reinstate": route(post(GUIDANCE_EDITORS, ok=302), target=GUIDANCE_PAGE),
    "hub:page-version": route(get(GUIDANCE_EDITORS), target=PAGE_VERSION),
    "hub:page-restore": route(post(GUIDANCE_EDITORS, ok=302), target=PAGE_VERSION),
    # A published page is open to visitors; an unpublished one is a 404 for them (test_pages).
    "hub:public-index": route(get(EVERYONE, anonymous=200)),
    "hub:public-page": route(get(EVERYONE, anonymous=200), target=PUBLIC_PAGE),
    "hub:process-detail": route(get(EVERYONE), target=PROCESS),
    "hub:checklist": route(get(EVERYONE)),
    "hub:contact-list": route(get(EVERYONE)),
    "hub:contact-create": route(get(GUIDANCE_EDITORS), post(GUIDANCE_EDITORS)),
    "hub:contact-detail": route(get(EVERYONE), target=CONTACT),
    "hub:contact-edit": route(get(GUIDANCE_EDITORS), post(GUIDANCE_EDITORS), target=CONTACT),
    "hub:contact-delete": route(get(GUIDANCE_EDITORS), post(GUIDANCE_EDITORS), target=CONTACT),
    "hub:training-list": route(get(EVERYONE)),
    "hub:training-report": route(get(COMPLETION_READERS)),
    "hub:module-create": route(get(GUIDANCE_EDITORS), post(GUIDANCE_EDITORS)),
    "hub:module-edit": route(get(GUIDANCE_EDITORS), post(GUIDANCE_EDITORS), target=MODULE),
    # Those who propose engagements take the quiz (a form without answers is shown again).
    "hub:module-detail": route(get(EVERYONE), post(PROPOSERS, ok=200), target=MODULE),
    "api:guidance_page_list": route(api_get(EVERYONE)),
    "api:guidance_page_detail": route(api_get(EVERYONE), target=GUIDANCE_PAGE),
    "api:guidance_search": route(api_get(EVERYONE)),
    "api:guidance_contact_list": route(api_get(EVERYONE)),
    "api:guidance_page_withdraw": route(
        api_send("POST", GUIDANCE_EDITORS, body={"reason": REASON}), target=GUIDANCE_PAGE
    ),
    "api:guidance_contact_delete": route(
        api_send("DELETE", GUIDANCE_EDITORS, ok=204), target=CONTACT
    ),
    "api:training_completion_list": route(api_get(EVERYONE)),
    "api:training_attempt": route(
        api_send("POST", PROPOSERS, ok=201, body={"answers": [0]}), target=MODULE
    ),
    # --- leadership: figures across departments for the central roles and the senior owner;
    # the governing body's report generated by officers and the senior owner ---
    "leadership:dashboard": route(get(LEADERSHIP)),
    "leadership:figure-csv": route(get(LEADERSHIP), target=FIGURE),
    "leadership:report-list": route(get(LEADERSHIP), post(REPORT_GENERATORS, ok=302)),
    "leadership:report-detail": route(get(LEADERSHIP), target=BOARD_REPORT),
    "leadership:report-progress": route(get(LEADERSHIP), target=BOARD_REPORT),
    # Still queued (its task runs after a commit the matrix never makes): sent back to its page.
    "leadership:report-file": route(get(LEADERSHIP, ok=302), target=BOARD_REPORT_FILE),
    # --- the JSON API (session-authenticated here; tests/web/api covers bearer tokens) ---
    "api:openapi-json": route(get(EVERYONE, anonymous=200)),  # the schema is public
    "api:openapi-view": route(get(EVERYONE, anonymous=200)),  # the docs page too
    # Any other path under /api/ (including /api/ itself) is a JSON 404, for everyone.
    "api:api-root": route(get(EVERYONE, ok=404, anonymous=404)),
    "api:not-found": route(get(EVERYONE, ok=404, anonymous=404)),
    "api:organisation_list": route(api_get(CASE_READERS)),
    "api:organisation_create": route(
        api_send("POST", PROPOSERS, ok=201, body={"name": "Matrix Institute", "kind": "company"})
    ),
    "api:organisation_detail": route(api_get(EVERYONE, outside=SAME), target=ORGANISATION),
    "api:organisation_update": route(
        api_send("PATCH", PROPOSERS, ok=200, outside=403, body={"aliases": ["Matrix alias"]}),
        target=ORGANISATION,
    ),
    # The officer names an organisation that does not exist to merge into: 422, not 403.
    "api:organisation_merge": route(
        api_send(
            "POST",
            OFFICERS,
            ok=422,
            outside=SAME,
            body={"into": "00000000-0000-4000-8000-000000000000", "reason": REASON},
        ),
        target=ORGANISATION,
    ),
    "api:organisation_screenings": route(api_get(EVERYONE, outside=SAME), target=ORGANISATION),
    "api:organisation_rescreen": route(
        api_send("POST", OFFICERS, ok=202, outside=SAME), target=ORGANISATION
    ),
    "api:person_list": route(api_get(CASE_READERS)),
    "api:person_create": route(api_send("POST", PROPOSERS, ok=201, body={"name": "Matrix Person"})),
    "api:person_detail": route(api_get(EVERYONE), target=PERSON),
    "api:person_update": route(
        api_send("PATCH", PROPOSERS, ok=200, body={"aliases": ["Matrix alias"]}), target=PERSON
    ),
    "api:person_screenings": route(api_get(EVERYONE), target=PERSON),
    "api:person_rescreen": route(api_send("POST", OFFICERS, ok=202), target=PERSON),
    "api:hit_adjudicate": route(
        api_send("POST", OFFICERS, ok=200, body={"verdict": "false_positive", "reason": REASON}),
        target=PERSON_HIT,
    ),
    # The organisation's screening is still pending: it has no group, so an officer's verdict
    # is refused as input (422 unknown_group), not for lack of permission.
    "api:organisation_group_adjudicate": route(
        api_send(
            "POST",
            OFFICERS,
            ok=422,
            outside=SAME,
            body={"group": GROUP_KEY, "verdict": "confirmed", "reason": REASON},
        ),
        target=ORGANISATION_RUN,
    ),
    "api:person_group_adjudicate": route(
        api_send(
            "POST",
            OFFICERS,
            ok=200,
            body={"group": GROUP_KEY, "verdict": "confirmed", "reason": REASON},
        ),
        target=PERSON_RUN,
    ),
    "api:name_screen": route(api_send("POST", OFFICERS, ok=200, body={"name": "Matrix Institute"})),
    "api:engagement_list": route(api_get(CASE_READERS)),
    "api:engagement_create": route(
        api_send("POST", PROPOSERS, ok=201, body={"title": "Matrix", "kind": "event"})
    ),
    "api:engagement_detail": route(api_get(EVERYONE), target=ENGAGEMENT),
    "api:engagement_update": route(
        api_send("PATCH", PROPOSERS, ok=200, body={"summary": "Matrix"}), target=ENGAGEMENT
    ),
    # The target is a draft: allowed roles get 200 (submit) or 409 (not from a draft).
    "api:engagement_submit": route(api_send("POST", OWNER), target=ENGAGEMENT),
    "api:engagement_withdraw": route(api_send("POST", OWNER), target=ENGAGEMENT),
    "api:engagement_review_start": route(api_send("POST", OFFICERS), target=ENGAGEMENT),
    "api:decision_state": route(api_get(EVERYONE), target=ENGAGEMENT),
    "api:recommendation_make": route(
        api_send("POST", OFFICERS, body={"outcome": "decline", "reasoning": REASON}),
        target=ENGAGEMENT,
    ),
    "api:decision_make": route(
        api_send("POST", OFFICERS, body={"outcome": "decline", "reason": REASON}),
        target=ENGAGEMENT,
    ),
    "api:vote_cast": route(
        api_send("POST", OFFICERS, body={"outcome": "decline", "reason": REASON}),
        target=ENGAGEMENT,
    ),
    "api:engagement_activate": route(api_send("POST", OFFICERS), target=ENGAGEMENT),
    "api:letter_pdf_download": route(api_get(EVERYONE), target=ENGAGEMENT),
    "api:report_pdf_download": route(api_get(REPORT_READERS), target=ENGAGEMENT),
    # Unassigning an unassigned case: officers get 409 (already so), everyone else 403.
    "api:engagement_assign": route(
        api_send("POST", OFFICERS, body={"assignee": None}), target=ENGAGEMENT
    ),
    "api:information_request_list": route(api_get(EVERYONE), target=ENGAGEMENT),
    "api:information_request": route(
        api_send("POST", OFFICERS, body={"questions": ["Who funds the laboratory?"]}),
        target=ENGAGEMENT,
    ),
    "api:information_answer": route(
        api_send("POST", OWNER, body={"answer": "The ministry."}), target=QUESTION
    ),
    "api:engagement_close": route(
        api_send("POST", OFFICERS, body={"reason": REASON}), target=ENGAGEMENT
    ),
    # --- risk assessment through the API: read in scope; officers run (409: a draft) ---
    "api:assessment_current": route(api_get(EVERYONE), target=ENGAGEMENT),
    "api:assessment_run": route(api_send("POST", OFFICERS), target=ENGAGEMENT),
    "api:assessment_override": route(
        api_send("POST", OFFICERS, body={"area": "people", "rating": "high"}), target=ENGAGEMENT
    ),
    # --- mitigation plans through the API ---
    "api:mitigation_list": route(api_get(EVERYONE), target=ENGAGEMENT),
    "api:mitigation_propose": route(api_send("POST", OFFICERS, ok=200), target=ENGAGEMENT),
    "api:mitigation_create": route(
        api_send("POST", OFFICERS, ok=201, body={"title": "Matrix"}), target=ENGAGEMENT
    ),
    "api:mitigation_update": route(
        api_send("PATCH", OFFICERS, ok=200, body={"title": "Matrix"}), target=MITIGATION
    ),
    "api:mitigation_remove": route(
        api_send("POST", OFFICERS, ok=200, body={"reason": REASON}), target=MITIGATION
    ),
    "api:mitigation_status": route(
        api_send("POST", OWNER | OFFICERS, ok=200, body={"action": "complete"}),
        target=MITIGATION,
    ),
    # A JSON body carries no file: the allowed roles get 422 (send the file), the others 403.
    "api:evidence_upload": route(api_send("POST", OWNER | OFFICERS, ok=422), target=MITIGATION),
    "api:evidence_download": route(api_get(EVERYONE), target=EVIDENCE),
    # --- triage through the API: the pack and stateless triage for everyone signed in ---
    "api:policy_pack": route(api_get(CASE_READERS)),
    "api:triage_evaluate": route(
        api_send("POST", CASE_READERS, ok=200, body={"answers": {"engagement_kind": ["visitor"]}})
    ),
    "api:triage_session_list": route(api_get(CASE_READERS)),
    "api:triage_session_detail": route(api_get(EVERYONE), target=TRIAGE_DONE),
    # Rita's draft: its owner triages it (201); a champion or officer is not on it (403).
    "api:engagement_triage": route(
        api_send("POST", OWNER, ok=201, body={"answers": TRIAGE_ANSWERS}), target=ENGAGEMENT
    ),
}


# --- the rows ------------------------------------------------------------------------------


def _scopes(target: Target | None, who: str) -> list[str]:
    if target is None:
        return [NO_OBJECT]
    if who in target.blind:
        return [BLIND]
    return [INSIDE, OUTSIDE] if who in target.scoped else [INSIDE]


def _rows() -> Iterator[ParameterSet]:
    for key, entry in MATRIX.items():
        for check in entry.checks:
            method = f"{check.method}({check.label})" if check.label else check.method
            for who in (*ROLES, ANONYMOUS):
                for scope in _scopes(entry.target, who) if who != ANONYMOUS else [NO_OBJECT]:
                    reason = check.bug(who, scope)
                    marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                    yield pytest.param(
                        key, check, who, scope, id=f"{key}:{method}:{who}:{scope}", marks=marks
                    )


def _url(key: str, kwargs: Mapping[str, str]) -> str:
    if "/" not in key and "<" not in key:
        return reverse(key, kwargs=dict(kwargs) or None)
    # A pattern without a name: fill each <converter:name> with its argument.
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: kwargs[m.group(1)], key)


def _client(world: World, who: str) -> Client:
    client = Client()
    if who != ANONYMOUS:
        client.force_login(world.users[who])  # django-axes makes client.login() fail
    return client


def _send(client: Client, check: Check, url: str) -> TestResponse:
    call = getattr(client, check.method.lower())
    headers = dict(check.headers)
    if check.method == "GET":
        response = call(url, headers=headers)
    elif check.json:
        body = json.dumps(check.body or {})
        response = call(url, data=body, content_type="application/json", headers=headers)
    else:
        response = call(url, data=dict(check.body or {}), headers=headers)
    return response  # type: ignore[no-any-return]


def _without(kwargs: Mapping[str, str], response: TestResponse) -> str:
    """The body with the URL's own ids blanked out: a page may echo the id it was asked for."""
    text = response.content.decode()
    for name, value in kwargs.items():
        text = text.replace(value, f"<{name}>")
    return text


_CSRF_VALUE = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+')


def _unmasked(text: str) -> str:
    """The page with its CSRF token blanked: the 403 page's sign-out form masks it anew."""
    return _CSRF_VALUE.sub(r"\1<csrf>", text)


@pytest.fixture(scope="module")
def world(
    django_db_setup: None,
    django_db_blocker: DjangoDbBlocker,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[World]:
    """The cast and their records, once for the module, rolled back when it is done.

    Tasks run in-process after commit (which never comes inside the tests' transactions), and
    single sign-on is off, so its routes answer alike for everyone.
    """
    overrides = override_settings(
        TRUSTDESK_TASKS=replace(settings.TRUSTDESK_TASKS, redis_url=""),
        TRUSTDESK_OIDC=None,
        TRUSTDESK_POLICY_PACK="gb-base",  # the triage sessions answer the UK pack's questions
    )
    overrides.enable()
    atomic = transaction.atomic()
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            built = build_world(Path(tmp_path_factory.mktemp("matrix-lists")))
        except BaseException:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)
            overrides.disable()
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)
    overrides.disable()


@pytest.mark.parametrize(("key", "check", "who", "scope"), list(_rows()))
def test_each_route_answers_each_role_inside_and_outside_its_scope(
    world: World, key: str, check: Check, who: str, scope: str
) -> None:
    target = MATRIX[key].target
    if target is None:
        kwargs: dict[str, str] = {}
    elif scope == OUTSIDE:
        assert target.outside is not None
        kwargs = target.outside(world, who)
    else:
        kwargs = target.inside(world, RESEARCHER if who == ANONYMOUS else who)
    client = _client(world, who)

    response = _send(client, check, _url(key, kwargs))

    status = response.status_code
    if scope == BLIND:
        # Whether refused outright (403) or not found (404), the answer is the one a missing
        # object gets, byte for byte: the role cannot tell that the record exists.
        assert target is not None
        assert target.missing is not None
        missing_kwargs = target.missing()
        missing = _send(client, check, _url(key, missing_kwargs))
        assert status in (403, 404)
        assert (status, _unmasked(_without(kwargs, response))) == (
            missing.status_code,
            _unmasked(_without(missing_kwargs, missing)),
        )
        return
    if who == ANONYMOUS:
        if check.anonymous is None:
            assert status == 302
            assert response["Location"].startswith(f"{reverse(settings.LOGIN_URL)}?next=")
        else:
            assert status == check.anonymous
        return
    if scope == OUTSIDE and check.outside == HIDDEN:
        assert target is not None
        assert target.missing is not None
        missing_kwargs = target.missing()
        missing = _send(client, check, _url(key, missing_kwargs))
        assert (status, _without(kwargs, response)) == (404, _without(missing_kwargs, missing))
        return
    expected = check.expected(who)
    if scope == OUTSIDE and isinstance(check.outside, int):
        expected = check.outside
    if isinstance(expected, int):
        assert status == expected
    else:
        assert status in expected


# --- every route has its rows --------------------------------------------------------------


def _route_keys(resolver: URLResolver, namespace: str = "", prefix: str = "") -> Iterator[str]:
    """`namespace:name` of every pattern, included ones too; the full route of unnamed ones."""
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _route_keys(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield f"{namespace}{pattern.name}" if pattern.name else prefix + str(pattern.pattern)


def test_every_route_is_in_the_matrix() -> None:
    routes = set(_route_keys(get_resolver()))

    not_in_matrix = sorted(routes - MATRIX.keys())
    no_longer_routes = sorted(MATRIX.keys() - routes)

    assert (not_in_matrix, no_longer_routes) == ([], []), (
        f"Add a MATRIX row for each of these routes: {not_in_matrix}; "
        f"remove each of these MATRIX keys, which no longer route: {no_longer_routes}"
    )
