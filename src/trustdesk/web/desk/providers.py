"""Work items: what a person must do next, gathered on their desk from small provider functions.

A provider is a function `(*, user, today) -> Iterable[WorkItem]` that answers one question
("which questions must this researcher answer?") with a bounded number of queries, whatever the
number of engagements: it filters in the database and cuts its answer at `LIMIT`. `PROVIDERS`
lists, for each role, the providers its desk asks, in order; `work_items` asks them and sorts
what they say (overdue first, then by due date, then oldest first).

Adding a kind of work (a mitigation overdue, a decision awaiting a vote) is one function here
that reads the owning app's selectors, plus its name in `PROVIDERS` under each role that does
that work. The apps below the desk never import it: the desk reads them, not the other way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Protocol

from django.db.models import Count, Max, Q, QuerySet
from django.urls import reverse

from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import has_permission
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement, InformationRequest
from trustdesk.web.decisions import selectors as decision_selectors
from trustdesk.web.hub import selectors as hub_selectors
from trustdesk.web.lists import selectors as list_selectors
from trustdesk.web.mitigations import selectors as mitigation_selectors
from trustdesk.web.selfassess import selectors as selfassess_selectors

Role = User.Role
Status = Engagement.Status

LIMIT = 10  # items per provider: the desk lists what to do next, the list pages list the rest
REVIEW_NOTICE = timedelta(days=30)  # how far ahead a review "comes up" on a researcher's desk
ANSWERS_RECENT = timedelta(days=14)  # answers older than this are no longer news to an officer


@dataclass(frozen=True, slots=True)
class WorkItem:
    """One thing to do, said in words; the desk renders every kind alike.

    Most work is on an engagement; some is not (a guidance page to review, an action from the
    institution's self-assessment): such items leave `engagement` empty and name what they concern
    in `subject`, with `link` to where the work is done.

    `kind` is a stable key (a CSS class and a test's handle); `action` completes "what to do";
    `due` makes an item overdue once passed; `since` orders items of equal urgency; `mine` marks
    a case assigned to the reader.
    """

    kind: str
    action: str
    engagement: Engagement | None = None
    detail: str = ""
    due: date | None = None
    since: datetime | None = None
    mine: bool = False
    subject: str = ""
    link: str = ""

    def __post_init__(self) -> None:
        if self.engagement is None and not (self.subject and self.link):
            raise ValueError("a work item without an engagement needs a subject and a link")

    def overdue(self, today: date) -> bool:
        return self.due is not None and self.due < today

    @property
    def title(self) -> str:
        return self.engagement.title if self.engagement is not None else self.subject

    @property
    def url(self) -> str:
        if self.link or self.engagement is None:  # __post_init__: no engagement means a link
            return self.link
        return self.engagement.get_absolute_url()


class Provider(Protocol):
    def __call__(self, *, user: User, today: date) -> Iterable[WorkItem]: ...


def _on_case(user: User) -> Q:
    """The engagements a researcher works on: owned, or on the team of."""
    on_team = Engagement.team.through.objects.filter(user_id=user.pk).values("engagement_id")
    return Q(owner_id=user.pk) | Q(pk__in=on_team)


def _engagements() -> QuerySet[Engagement]:
    return Engagement.objects.select_related("assignee")


# --- researcher --------------------------------------------------------------------------------


def questions_to_answer(*, user: User, today: date) -> Iterable[WorkItem]:
    """Open questions from the research-security office on the researcher's engagements."""
    rows = (
        Engagement.objects.filter(_on_case(user), status=Status.AWAITING_INFORMATION)
        .annotate(
            open=Count("information_requests", filter=Q(information_requests__answered_at=None)),
            asked=Max("information_requests__asked_at"),
        )
        .filter(open__gt=0)
        .order_by("asked", "pk")[:LIMIT]
    )
    for e in rows:
        n = e.open
        said = "a question" if n == 1 else f"{n} questions"
        yield WorkItem("information_requested", "Answer", e, f"{said} to answer", since=e.asked)


def reviews_coming_up(*, user: User, today: date) -> Iterable[WorkItem]:
    """The researcher's engagements due for review, or due within `REVIEW_NOTICE`."""
    rows = Engagement.objects.filter(
        _on_case(user),
        Q(status=Status.REVIEW_DUE)
        | Q(status=Status.ACTIVE, review_date__lte=today + REVIEW_NOTICE),
    ).order_by("review_date", "pk")[:LIMIT]
    for e in rows:
        yield WorkItem(
            "review_due", "Prepare the review of", e, "periodic review", due=e.review_date
        )


def drafts_to_submit(*, user: User, today: date) -> Iterable[WorkItem]:
    """Drafts the researcher owns: only the owner submits, so only theirs are their work."""
    rows = Engagement.objects.filter(owner_id=user.pk, status=Status.DRAFT).order_by(
        "created_at", "pk"
    )[:LIMIT]
    for e in rows:
        yield WorkItem("draft", "Complete and submit", e, "draft", since=e.created_at)


def training_due(*, user: User, today: date) -> Iterable[WorkItem]:
    """Training the reader must pass: the pack's for their drafts, then passes running out.

    First the modules the pack requires before the reader's drafts can be submitted, then the
    passes that run out within `hub_selectors.EXPIRY_WARNING` or already have. A module needed
    for a draft is listed once, however many drafts need it, and its pass running out is not
    said a second time. Bounded: the drafts (at most `LIMIT`), the modules and the passes,
    whatever the number of engagements or completions.
    """
    now = datetime.combine(today, time.min, tzinfo=UTC)
    drafts = list(
        Engagement.objects.filter(owner_id=user.pk, status=Status.DRAFT).order_by(
            "created_at", "pk"
        )[:LIMIT]
    )
    wants = [(e.kind, e.triage_tier or None) for e in drafts]
    missing = (
        hub_selectors.training_missing_for(user=user, engagements=wants, now=now) if drafts else {}
    )
    for module, positions in missing.values():
        needing = [drafts[i] for i in positions]
        what = f"“{needing[0].title}”" if len(needing) == 1 else f"{len(needing)} drafts"
        yield WorkItem(
            "training_required",
            "Take",
            detail=f"training needed before you submit {what}",
            since=needing[0].created_at,
            subject=module.title,
            link=module.get_absolute_url(),
        )
    until = now + hub_selectors.EXPIRY_WARNING
    for c in hub_selectors.passes_lapsing(user=user, until=until)[:LIMIT]:
        if c.module.key in missing:
            continue
        yield WorkItem(
            "training_expiring",
            "Renew",
            detail="training pass ran out" if c.expires_at <= now else "training pass runs out",
            due=c.expires_at.date(),
            subject=c.module.title,
            link=c.module.get_absolute_url(),
        )


# --- list reviewers -----------------------------------------------------------------------------


def staged_lists_to_review(*, user: User, today: date) -> Iterable[WorkItem]:
    """Staged list snapshots awaiting a decision: until someone decides, the old list serves."""
    if not has_permission(user, "lists.review"):
        return
    for staging in list_selectors.staging_awaiting_list()[:LIMIT]:
        snapshot = staging.snapshot
        yield WorkItem(
            "list_staged",
            "Review the impact of",
            detail=f"{snapshot.total:,} entries, not yet used for screening",
            since=staging.staged_at,
            subject=f"{snapshot.source.key} snapshot {snapshot.short_id}",
            link=reverse("watch:staged", args=[staging.public_id]),
        )


# --- guidance editors ----------------------------------------------------------------------------


def guidance_reviews_due(*, user: User, today: date) -> Iterable[WorkItem]:
    """Guidance pages the reader owns whose review is overdue or comes up soon.

    Soon is `hub_selectors.REVIEW_NOTICE`, as on the hub home. The most overdue first;
    withdrawn pages are nobody's work.
    """
    pages = hub_selectors.pages_for_review(owner=user, until=today + hub_selectors.REVIEW_NOTICE)
    for page in pages[:LIMIT]:
        yield WorkItem(
            "guidance_review",
            "Review",
            detail="guidance page you own",
            due=page.review_by,
            subject=page.title,
            link=page.get_absolute_url(),
        )


# --- officer -----------------------------------------------------------------------------------

_OPEN_CASE = ~Q(status__in=[Status.DRAFT, Status.CLOSED])


def hits_awaiting_verdict(*, user: User, today: date) -> Iterable[WorkItem]:
    """Cases under way whose partners' current screening has hits without a verdict."""
    open_links = case_selectors.engagement_ids_with_open_hits()
    rows = list(
        _engagements().filter(_OPEN_CASE, pk__in=open_links).order_by("created_at", "pk")[:LIMIT]
    )
    counts = case_selectors.engagement_hit_counts(engagement_ids=[e.pk for e in rows])
    for e in rows:
        n = counts[e.pk].open if e.pk in counts else 0
        said = "an open hit" if n == 1 else f"{n} open hits"
        yield WorkItem(
            "hits_open", "Adjudicate", e, said, since=e.created_at, mine=e.assignee_id == user.pk
        )


def cases_submitted(*, user: User, today: date) -> Iterable[WorkItem]:
    """Submitted cases no officer has started on yet, oldest first."""
    rows = _engagements().filter(status=Status.SUBMITTED).order_by("updated_at", "pk")[:LIMIT]
    for e in rows:
        yield WorkItem(
            "submitted",
            "Start the review of",
            e,
            "submitted",
            since=e.updated_at,
            mine=e.assignee_id == user.pk,
        )


def answers_returned(*, user: User, today: date) -> Iterable[WorkItem]:
    """Cases back in review whose questions were answered lately: the officer's move again."""
    since = datetime.combine(today - ANSWERS_RECENT, time.min, tzinfo=UTC)
    answered = InformationRequest.objects.filter(answered_at__gte=since).values("engagement_id")
    rows = (
        _engagements()
        .filter(status=Status.IN_REVIEW, pk__in=answered)
        .annotate(answered=Max("information_requests__answered_at"))
        .order_by("answered", "pk")[:LIMIT]
    )
    for e in rows:
        yield WorkItem(
            "answers_returned",
            "Read the answers on",
            e,
            "answers returned",
            since=e.answered,
            mine=e.assignee_id == user.pk,
        )


def reviews_due(*, user: User, today: date) -> Iterable[WorkItem]:
    """Reviews that have fallen due (marked by the sweep, or past their date and not yet swept)."""
    rows = (
        _engagements()
        .filter(Q(status=Status.REVIEW_DUE) | Q(status=Status.ACTIVE, review_date__lte=today))
        .order_by("review_date", "pk")[:LIMIT]
    )
    for e in rows:
        yield WorkItem(
            "review_due",
            "Review",
            e,
            "periodic review",
            due=e.review_date,
            mine=e.assignee_id == user.pk,
        )


# --- approver ----------------------------------------------------------------------------------


def awaiting_decision(*, user: User, today: date) -> Iterable[WorkItem]:
    """Cases whose open recommendation this reader may decide or vote on.

    Who may is the route the case's triage tier sets (officer, approver or a committee seat).
    """
    for e in decision_selectors.awaiting_decision(user)[:LIMIT]:
        yield WorkItem("awaiting_decision", "Decide", e, "recommendation made", since=e.updated_at)


def mitigations_overdue(*, user: User, today: date) -> Iterable[WorkItem]:
    """Mitigations past their due date and not done or waived, on the cases the reader sees."""
    for item in mitigation_selectors.overdue_items(user, today=today)[:LIMIT]:
        yield WorkItem(
            "mitigation_overdue",
            "Follow up",
            item.engagement,
            f"mitigation overdue: {item.title}",
            due=item.due_date,
            mine=item.owner_id == user.pk,
        )


def mitigations_to_do(*, user: User, today: date) -> Iterable[WorkItem]:
    """The reader's own mitigations still to complete (a condition of approval among them)."""
    for item in mitigation_selectors.items_to_do(user)[:LIMIT]:
        yield WorkItem(
            "mitigation_to_do",
            "Complete",
            item.engagement,
            f"mitigation: {item.title}",
            due=item.due_date,
            mine=True,
        )


# --- every role -----------------------------------------------------------------------------


def self_assessment_actions(*, user: User, today: date) -> Iterable[WorkItem]:
    """The reader's own open actions from the institution's self-assessment, soonest due first.

    Ownership, not role, puts an action here: whoever the person completing the assessment
    named owns the gap, whatever their role.
    """
    for action in selfassess_selectors.open_actions_for_owner(user=user)[:LIMIT]:
        yield WorkItem(
            "self_assessment_action",
            "Close the gap:",
            detail=f"your action from {action.assessment.title}",
            due=action.due_date,
            since=action.created_at,
            subject=action.title,
            link=action.get_absolute_url(),
        )


_RESEARCHER: tuple[Provider, ...] = (
    questions_to_answer,
    mitigations_to_do,
    reviews_coming_up,
    training_due,  # before the drafts: a draft's training comes before submitting it
    drafts_to_submit,
    self_assessment_actions,
)

PROVIDERS: Mapping[str, tuple[Provider, ...]] = {
    Role.RESEARCHER: _RESEARCHER,
    Role.CHAMPION: _RESEARCHER,
    Role.OFFICER: (
        awaiting_decision,
        hits_awaiting_verdict,
        cases_submitted,
        answers_returned,
        mitigations_overdue,
        reviews_due,
        staged_lists_to_review,
        self_assessment_actions,
        guidance_reviews_due,
        training_due,
    ),
    Role.APPROVER: (awaiting_decision, self_assessment_actions),
    Role.AUDITOR: (),  # an auditor changes nothing, so owns no action
    # An admin holds `guidance.manage`, so may own guidance pages: their reviews are its work.
    Role.ADMIN: (staged_lists_to_review, self_assessment_actions, guidance_reviews_due),
    Role.SENIOR_OWNER: (self_assessment_actions,),
}


_LATEST = datetime.max.replace(tzinfo=UTC)


def _order(today: date) -> Callable[[WorkItem], tuple[bool, bool, date, datetime]]:
    def key(item: WorkItem) -> tuple[bool, bool, date, datetime]:
        return (
            not item.overdue(today),
            not item.mine,
            item.due or date.max,
            item.since or _LATEST,
        )

    return key


def work_items(*, user: User, today: date) -> list[WorkItem]:
    """Everything the user's role's providers say they must do, most urgent first."""
    items = [
        item
        for provider in PROVIDERS.get(user.role, ())
        for item in provider(user=user, today=today)
    ]
    return sorted(items, key=_order(today))
