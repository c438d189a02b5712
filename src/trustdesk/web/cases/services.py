"""Every write to an engagement: creation, edits and one service per status transition.

Each service locks the engagement's row, checks the actor's permission and the status table in
`workflow.py` against the row as locked (so two officers clicking at once cannot both move it),
writes, and records its audit event in the same transaction, with the old and new status and the
reason where one is required. The HTML views, a future JSON API and the command line all call
these, so the rules live here once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.accounts.permissions import out_of_scope, require
from trustdesk.web.cases import permissions, selectors, values, workflow
from trustdesk.web.cases.models import Engagement, EngagementPartner, InformationRequest
from trustdesk.web.core import audit
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.hub import selectors as hub_selectors
from trustdesk.web.notify import services as notify_services
from trustdesk.web.notify.models import Notification
from trustdesk.web.partners import selectors as partner_selectors
from trustdesk.web.partners.models import Organisation, Person

Status = Engagement.Status
Action = workflow.Action


def _summary_status(event: AuditEvent) -> str:
    data = event.data
    old, new = Status(data["old"]).label, Status(data["new"]).label
    return f"{event.target_label}: {old} → {new}"


audit.register_action("trustdesk.engagement.created", label="Engagement proposed")
audit.register_action("trustdesk.engagement.updated", label="Engagement details changed")
for _action, _label, _reason in (
    ("submitted", "Submitted for review", False),
    ("withdrawn", "Withdrawn to draft", False),
    ("review_started", "Review started", False),
    ("decided", "Decision recorded", True),
    ("referred_back", "Referred back to the researcher", True),
    ("activated", "Engagement activated", False),
    ("review_due", "Review due", False),
    ("closed", "Engagement closed", True),
):
    audit.register_action(
        f"trustdesk.engagement.{_action}",
        label=_label,
        summary=_summary_status,
        reason_required=_reason,
    )
audit.register_action("trustdesk.engagement.partner_added", label="Partner added")
audit.register_action("trustdesk.engagement.partner_removed", label="Partner removed")

# The actor recorded when the review-due sweep runs without a person behind it.
REVIEW_DUE_ACTOR = "task:cases.review_due"


class EngagementError(Exception):
    """A refused engagement change; the message is shown to whoever asked for it."""


class InvalidTransition(EngagementError):
    MESSAGE = 'Cannot {verb} this engagement while its status is "{status}".'

    def __init__(self, status: str, action: workflow.Action) -> None:
        self.status, self.action = Status(status), action
        verb = workflow.TRANSITIONS[action].verb
        super().__init__(self.MESSAGE.format(verb=verb, status=self.status.label))


class NotEditable(EngagementError):
    MESSAGE = "A closed engagement cannot be edited."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class EngagementInvalid(EngagementError):
    """Values the engagement cannot hold; `errors` maps each field to its messages."""

    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__(" ".join(m for messages in errors.values() for m in messages))


class NotReady(EngagementError):
    """A transition whose preconditions (beyond status) are not met; the message says which."""


@dataclass(frozen=True, slots=True)
class Change:
    """One thing changed since an edit was read: a field, "status", or an event's label."""

    field: str
    old: object
    new: object

    def __str__(self) -> str:
        if self.old is None and self.new is None:  # an event without values: its label
            return self.field
        return f"{self.field}: {_shown(self.old)} → {_shown(self.new)}"


def _shown(value: object) -> str:
    if value is None or value in ("", []):
        return "(empty)"
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return f"“{value}”" if isinstance(value, str) else str(value)


class EditConflict(EngagementError):
    """An edit made from a version that is no longer current; `changes` says what moved since.

    Read from the audit trail, where every change records the version it produced, so the
    message names the same changes the timeline shows.
    """

    MESSAGE = (
        "This engagement was changed after you opened it (by {who}), so your changes were not "
        "saved. What changed: {changes}. Reload the page to see the current version, then make "
        "your changes again."
    )

    def __init__(self, engagement: Engagement, read_version: int) -> None:
        self.read_version, self.current_version = read_version, engagement.version
        self.changes, self.by = _changes_since(engagement, read_version)
        listed = "; ".join(str(c) for c in self.changes) or "the engagement"
        who = ", ".join(self.by) or "someone else"
        super().__init__(self.MESSAGE.format(who=who, changes=listed))


def _changes_since(engagement: Engagement, version: int) -> tuple[list[Change], list[str]]:
    """Every field changed after `version`, its value then and now, and who changed them."""
    first: dict[str, object] = {}
    last: dict[str, object] = {}
    by: dict[str, None] = {}
    events = AuditEvent.objects.filter(
        target_type=selectors.TARGET_TYPE, target_id=str(engagement.pk)
    ).order_by("sequence")
    for event in events:
        data = event.data if isinstance(event.data, dict) else {}
        produced = data.get("version")
        if not isinstance(produced, int) or produced <= version:
            continue
        if event.action == "trustdesk.engagement.updated":
            pairs = [(k, data["old"][k], data["new"][k]) for k in data.get("new", {})]
        elif isinstance(data.get("old"), str) and data["old"] in Status.values:
            pairs = [("status", Status(data["old"]).label, Status(data["new"]).label)]
        else:
            kind = audit.action_type(event.action)
            label = str(kind.label) if kind is not None else event.action
            pairs = [(label, None, None)]
        by[event.actor_label] = None
        for field, old, new in pairs:
            first.setdefault(field, old)
            last[field] = new
    return [Change(field, first[field], last[field]) for field in first], list(by)


NEEDS_DEPARTMENT = "Choose the engagement's department before submitting it."
NEEDS_TRAINING = "Pass the training this engagement needs before submitting it: {modules}."
NEEDS_CLOSE_REASON = "Give a reason for closing the engagement."
NOT_APPROVED = "Only an approved engagement can become active."


@dataclass(frozen=True, slots=True)
class EngagementFields:
    """What a person writes on an engagement, as the create and edit forms collect it."""

    title: str
    kind: str
    summary: str = ""
    department: Department | None = None
    countries: Sequence[str] = ()  # names or codes; stored as ISO 3166-1 alpha-2
    research_areas: Sequence[str] = ()
    funding_amount: Decimal | None = None
    funding_currency: str = ""  # ISO 4217; required with an amount
    funding_source: str = ""
    start_date: date | None = None
    end_date: date | None = None
    team: Sequence[User] = ()


_CONTENT_FIELDS = (
    "title",
    "kind",
    "summary",
    "department",
    "countries",
    "research_areas",
    "funding_amount",
    "funding_currency",
    "funding_source",
    "start_date",
    "end_date",
)


def _apply(engagement: Engagement, fields: EngagementFields) -> None:
    """Copy `fields` onto the engagement, codes normalised; EngagementInvalid names bad ones."""
    errors: dict[str, list[str]] = {}
    try:
        countries = values.country_codes(fields.countries)
    except values.UnknownCode as exc:
        errors["countries"] = [str(exc)]
        countries = []
    currency = ""
    if fields.funding_currency.strip():
        try:
            currency = values.currency_code(fields.funding_currency)
        except values.UnknownCode as exc:
            errors["funding_currency"] = [str(exc)]
            currency = fields.funding_currency.strip()[:3]  # kept, so it is not also "missing"
    engagement.title = fields.title.strip()
    engagement.kind = fields.kind
    engagement.summary = fields.summary.strip()
    # Unnamed, the department is the owner's: it decides which champion sees the case.
    engagement.department = fields.department or engagement.owner.department
    engagement.countries = countries
    engagement.research_areas = list(
        dict.fromkeys(a.strip() for a in fields.research_areas if a.strip())
    )
    engagement.funding_amount = fields.funding_amount
    engagement.funding_currency = currency
    engagement.funding_source = fields.funding_source.strip()
    engagement.start_date = fields.start_date
    engagement.end_date = fields.end_date
    _validate(engagement, errors)


def _validate(engagement: Engagement, errors: dict[str, list[str]]) -> None:
    if engagement.funding_amount is not None and not engagement.funding_currency:
        errors.setdefault("funding_currency", []).append("Give the currency of the amount.")
    if engagement.funding_currency and engagement.funding_amount is None:
        errors.setdefault("funding_amount", []).append("Give the amount in that currency.")
    if engagement.funding_amount is not None and engagement.funding_amount < 0:
        errors.setdefault("funding_amount", []).append("The amount cannot be negative.")
    if (
        engagement.start_date
        and engagement.end_date
        and engagement.end_date < engagement.start_date
    ):
        errors.setdefault("end_date", []).append("The end date is before the start date.")
    try:
        # The table's constraints are the checks above, in words a person can act on.
        engagement.full_clean(
            exclude=["owner", "countries", "research_areas", "funding_currency"],
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise EngagementInvalid(errors)


def _snapshot(engagement: Engagement, team: Sequence[User]) -> dict[str, object]:
    """The engagement's content as plain JSON, for the audit trail's old/new values."""
    amount = engagement.funding_amount
    return {
        "title": engagement.title,
        "kind": engagement.kind,
        "summary": engagement.summary,
        "department": str(engagement.department) if engagement.department else None,
        "countries": list(engagement.countries),
        "research_areas": list(engagement.research_areas),
        "funding_amount": str(amount) if amount is not None else None,
        "funding_currency": engagement.funding_currency,
        "funding_source": engagement.funding_source,
        "start_date": engagement.start_date.isoformat() if engagement.start_date else None,
        "end_date": engagement.end_date.isoformat() if engagement.end_date else None,
        "team": sorted(u.get_username() for u in team),
    }


def _team(owner_id: int | None, team: Sequence[User]) -> list[User]:
    """The team as given, each once and without the owner, who is on every case anyway."""
    return list({u.pk: u for u in team if u.pk != owner_id}.values())


@transaction.atomic
def engagement_create(*, actor: User, fields: EngagementFields) -> Engagement:
    """A draft owned by the actor, in their department unless they name another."""
    require(actor, "engagement.propose")
    engagement = Engagement(owner=actor)
    _apply(engagement, fields)
    engagement.save(force_insert=True)
    team = _team(actor.pk, fields.team)
    engagement.team.set(team)
    audit.record(
        actor=actor,
        action="trustdesk.engagement.created",
        target=engagement,
        data={"new": _snapshot(engagement, team)},
    )
    return engagement


@transaction.atomic
def engagement_update(
    *,
    actor: User,
    engagement: Engagement,
    fields: EngagementFields,
    version: int | None = None,
) -> Engagement:
    """Change what the engagement says: its people while a draft, the officers' afterwards.

    `version` is the one the editor read: if another change was saved since, EditConflict says
    what it was and nothing is written (None skips the check, for callers that read and write
    under one lock).
    """
    engagement = _locked(engagement)
    permissions.require_edit(actor, engagement)
    if engagement.status not in workflow.EDITABLE:
        raise NotEditable
    if version is not None and version != engagement.version:
        raise EditConflict(engagement, version)
    old_team = list(engagement.team.order_by("pk"))
    old = _snapshot(engagement, old_team)
    _apply(engagement, fields)
    team = _team(engagement.owner_id, fields.team)
    new = _snapshot(engagement, team)
    changed = [key for key in new if new[key] != old[key]]
    if not changed:
        return engagement
    engagement.version += 1
    engagement.save(
        update_fields=[f for f in _CONTENT_FIELDS if f in changed] + ["version", "updated_at"]
    )
    if "team" in changed:
        engagement.team.set(team)
    audit.record(
        actor=actor,
        action="trustdesk.engagement.updated",
        target=engagement,
        data={
            "old": {k: old[k] for k in changed},
            "new": {k: new[k] for k in changed},
            "version": engagement.version,
        },
    )
    return engagement


def _locked(engagement: Engagement) -> Engagement:
    """The engagement's row, re-read under a lock held to commit: every check uses this copy."""
    return Engagement.objects.select_for_update().get(pk=engagement.pk)


def _begin(actor: User, engagement: Engagement, action: workflow.Action) -> Engagement:
    """Lock, check who may, check the status table; the locked copy to change."""
    engagement = _locked(engagement)
    permissions.require_action(actor, action, engagement)
    if not workflow.leaves_from(action, engagement.status):
        raise InvalidTransition(engagement.status, action)
    return engagement


def _move(
    *,
    actor: User | str,
    engagement: Engagement,
    to: Status,
    event: str,
    fields: Sequence[str] = (),
    data: dict[str, object] | None = None,
    reason: str | None = None,
) -> Engagement:
    old = engagement.status
    engagement.status = to
    engagement.version += 1
    engagement.save(update_fields=["status", *fields, "version", "updated_at"])
    audit.record(
        actor=actor,
        action=f"trustdesk.engagement.{event}",
        target=engagement,
        data={"old": old, "new": to.value, **(data or {}), "version": engagement.version},
        reason=reason or None,
    )
    return engagement


@transaction.atomic
def engagement_submit(*, actor: User, engagement: Engagement) -> Engagement:
    """The owner sends a draft to the research-security team."""
    engagement = _begin(actor, engagement, Action.SUBMIT)
    if engagement.department_id is None:
        # The department decides which champion sees the case; without it nobody local would.
        raise NotReady(NEEDS_DEPARTMENT)
    missing = hub_selectors.training_missing(
        # The stored tier: the triage services keep it as the latest completed triage says.
        user=actor,
        kind=engagement.kind,
        tier=engagement.triage_tier or None,
        now=timezone.now(),
    )
    if missing:
        # The policy pack asks for these modules first (the hub's training pages teach them).
        raise NotReady(
            NEEDS_TRAINING.format(modules=", ".join(f"“{r.requirement.title}”" for r in missing))
        )
    engagement = _move(actor=actor, engagement=engagement, to=Status.SUBMITTED, event="submitted")
    transaction.on_commit(lambda: _tell(engagement, Kind.SUBMITTED, actor))
    return engagement


@transaction.atomic
def engagement_withdraw(*, actor: User, engagement: Engagement, reason: str = "") -> Engagement:
    """The owner takes a submitted case back to draft, before an officer has started on it."""
    engagement = _begin(actor, engagement, Action.WITHDRAW)
    return _move(
        actor=actor,
        engagement=engagement,
        to=Status.DRAFT,
        event="withdrawn",
        reason=reason.strip(),
    )


@transaction.atomic
def engagement_review_start(*, actor: User, engagement: Engagement) -> Engagement:
    """An officer takes the case (new, or back for its periodic review) into review."""
    engagement = _begin(actor, engagement, Action.START_REVIEW)
    return _move(actor=actor, engagement=engagement, to=Status.IN_REVIEW, event="review_started")


@dataclass(frozen=True, slots=True)
class DecisionInput:
    outcome: Engagement.Decision
    reason: str
    conditions: str = ""  # the conditions as text, one a line with its due date
    review_date: date | None = None


@transaction.atomic
def engagement_decision_apply(
    *,
    actor: User,
    engagement: Engagement,
    decision: DecisionInput,
    now: datetime | None = None,
    data: dict[str, object] | None = None,
) -> Engagement:
    """Writes onto the engagement a decision that `trustdesk.web.decisions` routed and checked.

    Not a user action of its own, and no page or API calls it: deciding is
    `decisions.services.decision_make` or a committee's `vote_cast`, which check the route the
    triage tier gives, the conflict rule and the recommendation, then call this in their
    transaction. The role and status are checked again here, by the workflow table.

    A referral back goes to draft, not to "awaiting information": that state waits on open
    questions an officer asked and resumes the review when they are answered, while a referral
    asks the researcher to rework the proposal itself. In draft the owner and team can edit it
    and submit it again, which starts a new review and a new decision round; the reason stays on
    the engagement and the trail.
    """
    engagement = _begin(actor, engagement, Action.DECIDE)
    outcome = Engagement.Decision(decision.outcome)
    approved = outcome in (Engagement.Decision.APPROVE, Engagement.Decision.APPROVE_WITH_CONDITIONS)
    engagement.decision = outcome.value
    engagement.decision_reason = decision.reason
    engagement.conditions = decision.conditions
    engagement.review_date = decision.review_date if approved else None
    engagement.decided_by = actor
    engagement.decided_at = now or timezone.now()
    referred = outcome == Engagement.Decision.REFER_BACK
    engagement = _move(
        actor=actor,
        engagement=engagement,
        to=Status.DRAFT if referred else Status.DECIDED,
        event="referred_back" if referred else "decided",
        fields=[
            "decision",
            "decision_reason",
            "conditions",
            "review_date",
            "decided_by",
            "decided_at",
        ],
        # The caller's routing facts first, so they can never overwrite what was decided.
        data={
            **(data or {}),
            "decision": engagement.decision,
            "conditions": engagement.conditions,
            "review_date": engagement.review_date.isoformat() if engagement.review_date else None,
        },
        reason=decision.reason,
    )
    transaction.on_commit(lambda: _tell(engagement, Kind.DECIDED, actor))
    return engagement


@transaction.atomic
def engagement_activate(*, actor: User, engagement: Engagement) -> Engagement:
    """An officer records that an approved engagement has started, its conditions in place."""
    engagement = _begin(actor, engagement, Action.ACTIVATE)
    if not engagement.is_approved:
        raise NotReady(NOT_APPROVED)
    return _move(actor=actor, engagement=engagement, to=Status.ACTIVE, event="activated")


@transaction.atomic
def engagement_close(*, actor: User, engagement: Engagement, reason: str) -> Engagement:
    """An officer closes the case (finished, abandoned or declined); it then stays closed."""
    engagement = _begin(actor, engagement, Action.CLOSE)
    reason = reason.strip()
    if not reason:
        raise NotReady(NEEDS_CLOSE_REASON)
    engagement.closed_reason = reason
    return _move(
        actor=actor,
        engagement=engagement,
        to=Status.CLOSED,
        event="closed",
        fields=["closed_reason"],
        reason=reason,
    )


def engagement_mark_review_due(
    *, now: datetime | None = None, actor: str = REVIEW_DUE_ACTOR
) -> list[Engagement]:
    """Move every active engagement whose review date has come to "review due"; the ones moved.

    Scheduled, not a person's action, so it checks no permission. Each engagement moves in its
    own transaction, re-checked under its lock: a sweep racing an officer who closes a case
    skips it, and a long sweep never holds the audit chain for long.
    """
    today = timezone.localdate(now or timezone.now())
    marked = []
    for pk in selectors.engagement_list_review_due(today=today).values_list("pk", flat=True):
        with transaction.atomic():
            engagement = (
                selectors.engagement_list_review_due(today=today)
                .select_for_update()
                .filter(pk=pk)
                .first()
            )
            if engagement is None:
                continue
            review_date = engagement.review_date.isoformat() if engagement.review_date else None
            marked.append(
                _move(
                    actor=actor,
                    engagement=engagement,
                    to=Status.REVIEW_DUE,
                    event="review_due",
                    data={"review_date": review_date, "today": today.isoformat()},
                )
            )
            transaction.on_commit(lambda e=engagement: _tell(e, Kind.REVIEW_DUE, actor))  # type: ignore[misc]
    return marked


Kind = notify_services.Kind


def _tell(engagement: Engagement, kind: Notification.Kind, actor: User | str) -> None:
    """Tell the people an event concerns, once it committed.

    A submitted case or a due review goes to the officers' queue; a decision or a due review to
    the owner and the team.
    """
    people: list[User] = []
    if kind in (Kind.SUBMITTED, Kind.REVIEW_DUE):
        people += notify_services.recipients_officers()
    if kind in (Kind.DECIDED, Kind.REVIEW_DUE):
        people += [engagement.owner, *engagement.team.all()]
    data: dict[str, object] = {}
    if kind == Kind.DECIDED:
        data["decision"] = engagement.get_decision_display().lower()
    if kind == Kind.REVIEW_DUE:
        data["review_date"] = engagement.review_date.isoformat() if engagement.review_date else "—"
    notify_services.notify(
        recipients=people, kind=kind, engagement=engagement, actor=actor, data=data
    )


PARTNER_OUT_OF_SCOPE = out_of_scope("partner.view", what="partner record")
PARTNER_ALREADY_LINKED = "{partner} is already on this engagement as {role}."
UNKNOWN_ROLE = "{role!r} is not a partner role."


def _sees_partner(actor: User, partner: Organisation | Person) -> bool:
    """People are personal data seen within a scope; a case cannot be a way round it."""
    if isinstance(partner, Organisation):
        records = partner_selectors.organisation_list_for_user(user=actor)
        return records.filter(pk=partner.pk).exists()
    return partner_selectors.person_list_for_user(user=actor).filter(pk=partner.pk).exists()


def _partner_data(link: EngagementPartner) -> dict[str, object]:
    partner = link.partner
    return {
        # The model's own name ("organisation", "person"), so the trail names the type it holds.
        "partner": {
            "type": partner._meta.model_name,
            "id": str(partner.public_id),
            "name": partner.name,
        },
        "role": link.role,
        "note": link.note,
    }


@transaction.atomic
def engagement_partner_add(
    *,
    actor: User,
    engagement: Engagement,
    partner: Organisation | Person,
    role: str,
    note: str = "",
) -> EngagementPartner:
    """Name an organisation or person on the engagement in a role; whoever may edit it may."""
    engagement = _locked(engagement)
    permissions.require_edit(actor, engagement)
    if engagement.status not in workflow.EDITABLE:
        raise NotEditable
    if not _sees_partner(actor, partner):
        raise PermissionDenied(PARTNER_OUT_OF_SCOPE)
    if role not in EngagementPartner.Role.values:
        raise EngagementInvalid({"role": [UNKNOWN_ROLE.format(role=role)]})
    link = EngagementPartner(engagement=engagement, role=role, note=note.strip())
    if isinstance(partner, Organisation):
        link.organisation = partner
    else:
        link.person = partner
    duplicate = EngagementPartner.objects.filter(
        engagement=engagement,
        role=role,
        organisation=link.organisation,
        person=link.person,
    )
    if duplicate.exists():
        label = EngagementPartner.Role(role).label
        raise NotReady(PARTNER_ALREADY_LINKED.format(partner=partner.name, role=label))
    link.save(force_insert=True)
    engagement.version += 1
    engagement.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.engagement.partner_added",
        target=engagement,
        data={**_partner_data(link), "version": engagement.version},
    )
    return link


@transaction.atomic
def engagement_partner_remove(*, actor: User, link: EngagementPartner) -> Engagement:
    """Take a partner off the engagement; the trail keeps who it was and in which role."""
    engagement = _locked(link.engagement)
    permissions.require_edit(actor, engagement)
    if engagement.status not in workflow.EDITABLE:
        raise NotEditable
    data = {**_partner_data(link), "version": engagement.version + 1}
    link.delete()
    engagement.version += 1
    engagement.save(update_fields=["version", "updated_at"])
    audit.record(
        actor=actor, action="trustdesk.engagement.partner_removed", target=engagement, data=data
    )
    return engagement


audit.register_action("trustdesk.information.requested", label="Information requested")
audit.register_action("trustdesk.information.answered", label="Information given")

NEEDS_QUESTION = "Write at least one question."
NEEDS_ANSWER = "Write the answer."
ALREADY_ANSWERED = "This question has already been answered."


@transaction.atomic
def information_request(
    *,
    actor: User,
    engagement: Engagement,
    questions: Sequence[str],
    now: datetime | None = None,
) -> list[InformationRequest]:
    """An officer asks the researchers one or more questions; the case waits for the answers."""
    engagement = _begin(actor, engagement, Action.REQUEST_INFORMATION)
    asked = [q.strip() for q in questions if q.strip()]
    if not asked:
        raise NotReady(NEEDS_QUESTION)
    at = now or timezone.now()
    made = [
        InformationRequest(engagement=engagement, asked_by=actor, question=q, asked_at=at)
        for q in asked
    ]
    for item in made:
        item.save(force_insert=True)
    requests = [{"id": str(r.public_id), "question": r.question} for r in made]
    asked_of = [engagement.owner, *engagement.team.all()]
    said = "a question" if len(made) == 1 else f"{len(made)} questions"
    transaction.on_commit(
        lambda: notify_services.notify(
            recipients=asked_of,
            kind=Kind.INFORMATION_REQUESTED,
            engagement=engagement,
            actor=actor,
            data={"questions": said},
        )
    )
    if engagement.status == Status.AWAITING_INFORMATION:
        # Already waiting: more questions, same state; the version still moves.
        engagement.version += 1
        engagement.save(update_fields=["version", "updated_at"])
        audit.record(
            actor=actor,
            action="trustdesk.information.requested",
            target=engagement,
            data={"requests": requests, "version": engagement.version},
        )
        return made
    old = engagement.status
    engagement.status = Status.AWAITING_INFORMATION
    engagement.version += 1
    engagement.save(update_fields=["status", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.information.requested",
        target=engagement,
        data={
            "old": old,
            "new": engagement.status,
            "requests": requests,
            "version": engagement.version,
        },
    )
    return made


@transaction.atomic
def information_answer(
    *,
    actor: User,
    request: InformationRequest,
    answer: str,
    now: datetime | None = None,
) -> InformationRequest:
    """The owner or a team member answers one question; the last answer resumes the review."""
    engagement = _locked(request.engagement)
    permissions.require_answer(actor, engagement)
    item = InformationRequest.objects.select_for_update().get(pk=request.pk)
    if not item.is_open:
        raise NotReady(ALREADY_ANSWERED)
    if not workflow.leaves_from(Action.INFORMATION_RECEIVED, engagement.status):
        raise InvalidTransition(engagement.status, Action.INFORMATION_RECEIVED)
    text = answer.strip()
    if not text:
        raise NotReady(NEEDS_ANSWER)
    item.answer, item.answered_by, item.answered_at = text, actor, now or timezone.now()
    item.save(update_fields=["answer", "answered_by", "answered_at"])
    still_open = engagement.information_requests.filter(answered_at__isnull=True).exists()
    data: dict[str, object] = {"request": str(item.public_id), "question": item.question}
    fields = ["version", "updated_at"]
    if not still_open:
        data.update(old=engagement.status, new=Status.IN_REVIEW.value)
        engagement.status = Status.IN_REVIEW
        fields.insert(0, "status")
    engagement.version += 1
    engagement.save(update_fields=fields)
    audit.record(
        actor=actor,
        action="trustdesk.information.answered",
        target=engagement,
        data={**data, "version": engagement.version},
    )
    asker = item.asked_by
    transaction.on_commit(
        lambda: notify_services.notify(
            recipients=[asker],
            kind=Kind.INFORMATION_ANSWERED,
            engagement=engagement,
            actor=actor,
            data={},
        )
    )
    return item


audit.register_action("trustdesk.engagement.assigned", label="Assigned")

NOT_AN_OFFICER = "{user} cannot hold a case: only an active officer of the research-security team."
ALREADY_ASSIGNED = "The engagement is already assigned to {user}."
CLOSED_NOT_ASSIGNED = "A closed engagement is not assigned to anyone any more."


def _who(user: User | None) -> str | None:
    return user.username if user is not None else None


@transaction.atomic
def engagement_assign(*, actor: User, engagement: Engagement, assignee: User | None) -> Engagement:
    """An officer takes a case on, hands it to another officer, or leaves it unassigned.

    The new assignee is told (never the actor: assigning to oneself tells nobody). A closed case
    is not work any more, so it is not assigned.
    """
    engagement = _locked(engagement)
    permissions.require_assign(actor, engagement)
    if assignee is not None and not permissions.can_be_assigned(assignee):
        raise NotReady(NOT_AN_OFFICER.format(user=assignee))
    if engagement.status == Status.CLOSED:
        raise NotReady(CLOSED_NOT_ASSIGNED)
    if engagement.assignee_id == (assignee.pk if assignee is not None else None):
        raise NotReady(ALREADY_ASSIGNED.format(user=assignee or "nobody"))
    old = engagement.assignee
    engagement.assignee = assignee
    engagement.version += 1
    engagement.save(update_fields=["assignee", "version", "updated_at"])
    audit.record(
        actor=actor,
        action="trustdesk.engagement.assigned",
        target=engagement,
        # "from"/"to", not "old"/"new": those name status changes on the timeline.
        data={"from": _who(old), "to": _who(assignee), "version": engagement.version},
    )
    if assignee is not None:
        transaction.on_commit(
            lambda: notify_services.notify(
                recipients=[assignee],
                kind=Kind.ASSIGNED,
                engagement=engagement,
                actor=actor,
                data={},
            )
        )
    return engagement
