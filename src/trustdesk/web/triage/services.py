"""Every write to a triage session: start, save answers, complete, reopen, attach, re-run, run.

`triage_run` is the API's start, answer and complete in one call.

Completing, re-running, reopening and attaching are decisions on the record, so each writes its
audit event in the same transaction (on the engagement when there is one, so the case's timeline
shows it). Saving answers is a draft being typed, autosaved on each change: it is not audited,
and the outcome it leads to is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from trustdesk.policy.models import Pack
from trustdesk.policy.triage import MAX_NAME_LENGTH, AnswersInvalid, Outcome, triage
from trustdesk.screening.entries import EntityType
from trustdesk.screening.matching import NameNotScreenable, Query, ScreeningHit, check_name
from trustdesk.web.accounts.models import User
from trustdesk.web.accounts.permissions import not_allowed
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core import audit
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.partners import services as partner_services
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage import permissions, selectors
from trustdesk.web.triage.models import TriageSession

Status = TriageSession.Status
HITS_PER_ANSWER = 5


def _completed_summary(event: AuditEvent) -> str:
    data = event.data
    return f"Triage {data['triage']} completed: {data['tier']} ({data['pack']})"


audit.register_action("trustdesk.triage.started", label="Triage started")
audit.register_action(
    "trustdesk.triage.completed", label="Triage completed", summary=_completed_summary
)
audit.register_action("trustdesk.triage.reopened", label="Triage reopened to change answers")
audit.register_action("trustdesk.triage.attached", label="Triage attached to the engagement")
audit.register_action(
    "trustdesk.triage.rerun", label="Triage re-run with the current lists and policy"
)


class TriageError(Exception):
    """A refused triage change; the message is shown to whoever asked for it."""


class NotADraft(TriageError):
    MESSAGE = "This triage is completed; reopen it to change the answers."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class NotCompleted(TriageError):
    MESSAGE = "Only a completed triage can be re-run."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class AlreadyAttached(TriageError):
    MESSAGE = "This triage already belongs to an engagement."

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class AnswersIncomplete(TriageError):
    """Questions still to answer or answers that do not fit; `errors` maps question to message."""

    MESSAGE = "Some questions need an answer before the result can be worked out."

    def __init__(self, errors: Mapping[str, str]) -> None:
        self.errors = dict(errors)
        super().__init__(self.MESSAGE)


class AnswersNoLongerFit(TriageError):
    MESSAGE = (
        "The answers no longer fit the current policy pack ({problems}); "
        "the owner must reopen the triage and answer again."
    )


NEEDS_ANSWER = "Answer this question to see the result."
ENGAGEMENT_NOT_YOURS = "You can only use triage for engagements you own or are on the team of."


def _audit(actor: User | str, action: str, session: TriageSession, **data: Any) -> None:
    target = session.engagement if session.engagement_id is not None else session
    audit.record(
        actor=actor,
        action=action,
        target=target,
        data={"triage": str(session.public_id), **data},
    )


ANSWER = "answer"  # the origin of a hit found by screening an organisation answer
Screened = Mapping[str, answer_glue.AnswerScreening]  # by question id


def _screen_name(name: str, *, role: str = "", build: bool = False) -> answer_glue.AnswerScreening:
    """The name against the loaded lists, through partner screening's own service.

    The index is never built in a request (it must not spend minutes on it): when it is not
    built yet, the name is recorded as not checked, and the pages say so. The CLI may build it.
    `role` is the label of the question the name answers (partner, funder, intermediary …),
    carried on every hit so that each row says which organisation it concerns.
    """
    result = partner_services.organisation_name_screen(name, limit=HITS_PER_ANSWER, build=build)
    if result is None:
        return answer_glue.AnswerScreening(name=name, screened=False)
    keys = [(h.source, h.entry_id) for h in result.hits]
    names = selectors.programmes(result.snapshots, keys)
    # Only sanctions, export-control and research-security listings count for an organisation;
    # person and PEP records are kept apart, as officers' context that the engine never sees.
    context = selectors.context_only(result.snapshots, keys)
    kept = [
        ScreeningHit.of(h, subject=name, origin=ANSWER, programme=names.get(h.key), role=role)
        for h in result.hits
    ]
    return answer_glue.AnswerScreening(
        name=name,
        snapshots=result.snapshots,
        coverage=result.coverage,
        matcher_version=result.matcher_version,
        hits=tuple(h for h in kept if h.key not in context),
        context=tuple(
            answer_glue.ContextMatch(h, context[h.key]) for h in kept if h.key in context
        ),
    )


def _screenable_answer(value: object) -> str | None:
    """The organisation answer to screen, or None when there is nothing the engine would screen.

    A name it refuses is reported on its question by the triage engine, not screened here.
    """
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > MAX_NAME_LENGTH:
        return None
    try:
        check_name(Query(value.strip(), type=EntityType.ORGANIZATION))
    except NameNotScreenable:
        return None
    return value.strip()


def _organisation_names(current: Pack, answers: Mapping[str, object]) -> dict[str, str]:
    """The organisation answers worth screening, by question id."""
    return {
        q.id: name
        for q in current.questions
        if q.kind == "organisation" and (name := _screenable_answer(answers.get(q.id)))
    }


def organisation_answers_screen(
    current: Pack, answers: Mapping[str, object]
) -> dict[str, answer_glue.AnswerScreening]:
    """Each organisation answer screened as the questionnaire does, by question id.

    The CLI's `trustdesk triage` uses this, so a file of answers is screened exactly as the
    same answers typed into the web questionnaire; a command (not a request) may build the
    index of lists just imported.
    """
    return _screen(current, answers, {}, build=True)


def _screen(
    current: Pack,
    answers: Mapping[str, object],
    stored: Screened,
    *,
    again: bool = False,
    build: bool = False,
) -> dict[str, answer_glue.AnswerScreening]:
    """Screens each organisation answer that is new or was not checked (every one, `again`).

    Called before the session's row is locked and outside any transaction: screening reads
    the lists and the index, and must not hold a lock while it does.
    """
    screened: dict[str, answer_glue.AnswerScreening] = {}
    roles = selectors.organisation_roles(current)
    for qid, name in sorted(_organisation_names(current, answers).items()):
        previous = stored.get(qid)
        if not again and previous is not None and previous.name == name and previous.screened:
            screened[qid] = previous
        else:
            screened[qid] = _screen_name(name, role=roles.get(qid, ""), build=build)
    return screened


def _keep_screening(session: TriageSession, current: Pack, screened: Screened) -> None:
    """Under the lock: each organisation answer with the screening done before it was taken.

    A name that changed in between (another tab saved) is recorded as not checked; the next
    save or completion checks it.
    """
    kept = {
        qid: found
        if (found := screened.get(qid)) is not None and found.name == name
        else answer_glue.AnswerScreening(name=name, screened=False)
        for qid, name in sorted(_organisation_names(current, session.answers).items())
    }
    session.answer_screening = {qid: answer.to_dict() for qid, answer in kept.items()}


def _require_start(actor: User, engagement: Engagement | None) -> None:
    if not permissions.can_start_triage(actor):
        raise PermissionDenied(not_allowed("engagement.propose"))
    if engagement is not None and not permissions.can_attach_to(actor, engagement):
        raise PermissionDenied(ENGAGEMENT_NOT_YOURS)


def triage_start(*, actor: User, engagement: Engagement | None = None) -> TriageSession:
    """A new draft under the current pack; from an engagement, prefilled from its record."""
    _require_start(actor, engagement)
    current = selectors.pack()
    answers = selectors.prefill(current=current, engagement=engagement) if engagement else {}
    return _start(actor, engagement, current, answers, _screen(current, answers, {}))


@transaction.atomic
def _start(
    actor: User,
    engagement: Engagement | None,
    current: Pack,
    answers: dict[str, object],
    screened: Screened,
) -> TriageSession:
    _require_start(actor, engagement)
    session = TriageSession(owner=actor, engagement=engagement, answers=answers)
    _stamp(session, current)
    _keep_screening(session, current, screened)
    session.save(force_insert=True)
    _audit(actor, "trustdesk.triage.started", session, pack=f"{current.id}@{current.version}")
    return session


def _stamp(session: TriageSession, current: Pack) -> None:
    session.pack_id, session.pack_version = current.id, current.version
    session.pack_lineage = list(current.lineage)
    session.pack_digest = selectors.pack_digest(current)


def _locked(session: TriageSession) -> TriageSession:
    # Only the session's row is locked (PostgreSQL refuses FOR UPDATE across the outer join).
    return (
        TriageSession.objects.select_for_update(of=("self",))
        .select_related("engagement")
        .get(pk=session.pk)
    )


def _merged(
    stored: Mapping[str, object], answers: Mapping[str, object], questions: Iterable[str]
) -> dict[str, object]:
    merged = dict(stored)
    for qid in questions:
        value = answers.get(qid)
        if value is None:
            merged.pop(qid, None)
        else:
            merged[qid] = value
    return merged


def triage_answers_save(
    *, actor: User, session: TriageSession, answers: Mapping[str, object], questions: Iterable[str]
) -> TriageSession:
    """Stores the answers to `questions` (None clears one); answers to others are kept.

    An answer to a question that is no longer asked is kept too, so that changing an earlier
    answer back brings it back; the engine ignores it meanwhile. Organisation answers are
    screened first, before the session is locked.
    """
    questions = list(questions)
    permissions.require_owner(actor, session, "answer")
    if session.is_completed:
        raise NotADraft
    current = selectors.pack()
    expected = _merged(session.answers, answers, questions)
    screened = _screen(current, expected, answer_glue.answer_screening(session))
    return _answers_save(actor, session, answers, questions, current, screened)


@transaction.atomic
def _answers_save(
    actor: User,
    session: TriageSession,
    answers: Mapping[str, object],
    questions: list[str],
    current: Pack,
    screened: Screened,
) -> TriageSession:
    session = _locked(session)
    permissions.require_owner(actor, session, "answer")
    if session.is_completed:
        raise NotADraft
    session.answers = _merged(session.answers, answers, questions)
    _stamp(session, current)
    _keep_screening(session, current, screened)
    session.save(
        update_fields=[
            "answers",
            "answer_screening",
            "pack_id",
            "pack_version",
            "pack_lineage",
            "pack_digest",
            "updated_at",
        ]
    )
    return session


def _missing(current: Pack, answers: Mapping[str, object]) -> dict[str, str]:
    evaluation = answer_glue.evaluate(current, answers)
    errors = dict(evaluation.errors)
    kinds = {q.id: q.kind for q in current.questions}
    for qid in evaluation.asked:
        # "None of these" is a fair answer to a multiple choice; every other kind needs one.
        if qid not in errors and kinds[qid] != "multiple_choice" and answers.get(qid) in (None, []):
            errors[qid] = NEEDS_ANSWER
    return errors


def _outcome(session: TriageSession, current: Pack) -> Outcome:
    """Runs the engine over the session's answers, its screenings and its engagement's hits."""
    screened = answer_glue.answer_screening(session).values()
    hits = [h for answer in screened for h in answer.hits]
    context: list[answer_glue.ContextMatch] = []
    if session.engagement is not None:
        partners = selectors.partner_screenings(engagement=session.engagement)
        hits += partners.hits
        context = partners.context  # person and PEP records: officers' context, never hits
    session.hits = [h.to_dict() for h in hits]
    session.partner_context = [c.to_dict() for c in context]
    return triage(current, answer_glue.typed_answers(current, session.answers), screening=hits)


def _store(session: TriageSession, outcome: Outcome, actor: User) -> None:
    # Through JSON once, so the session in hand holds what a fresh read gives (lists, not tuples).
    session.outcome = json.loads(json.dumps(outcome.to_dict()))
    session.status = Status.COMPLETED
    session.completed_at = timezone.now()
    session.completed_by = actor
    session.save(
        update_fields=[
            "outcome",
            "status",
            "completed_at",
            "completed_by",
            "hits",
            "partner_context",
            "answer_screening",
            "pack_id",
            "pack_version",
            "pack_lineage",
            "pack_digest",
            "updated_at",
        ]
    )
    engagement_tier_sync(engagement_id=session.engagement_id, session=session)


def engagement_tier_sync(
    *, engagement_id: int | None, session: TriageSession | None = None
) -> None:
    """The engagement's stored tier follows its latest completed triage.

    Called under the services' transaction whenever a completed outcome appears, changes or
    goes (complete, re-run, reopen, attach), so lists and counts by tier can read a column, and
    the decision's route and the training required read the tier without the triage. The
    session's engagement, when already loaded, gets the new value too, so a caller holding it
    never reads the old tier. Not a user action of its own, so not audited: the triage event
    that caused it is.
    """
    if engagement_id is None:
        return
    tier = selectors.latest_tier(engagement_id=engagement_id)
    Engagement.objects.filter(pk=engagement_id).update(triage_tier=tier)
    if session is not None and TriageSession.engagement.is_cached(session):
        loaded = session.engagement
        if loaded is not None and loaded.pk == engagement_id:
            loaded.triage_tier = tier


def _summary(outcome: Outcome) -> dict[str, Any]:
    return {
        "pack": f"{outcome.pack_id}@{outcome.pack_version}",
        "tier": outcome.tier.id,
        "processes": [p.id for p in outcome.processes],
        "verdicts": [v.id for v in outcome.verdicts],
    }


def triage_complete(*, actor: User, session: TriageSession) -> TriageSession:
    """Works out the outcome once every asked question has a fitting answer; audited."""
    permissions.require_owner(actor, session, "complete")
    current = selectors.pack()
    screened = _screen(current, session.answers, answer_glue.answer_screening(session))
    return _complete(actor, session, current, screened)


@transaction.atomic
def _complete(
    actor: User, session: TriageSession, current: Pack, screened: Screened
) -> TriageSession:
    session = _locked(session)
    permissions.require_owner(actor, session, "complete")
    if session.is_completed:
        raise NotADraft
    errors = _missing(current, session.answers)
    if errors:
        raise AnswersIncomplete(errors)
    _stamp(session, current)
    _keep_screening(session, current, screened)
    outcome = _outcome(session, current)
    _store(session, outcome, actor)
    hits = [f"{h.key}:{h.status}" for h in answer_glue.used_hits(session)]
    _audit(actor, "trustdesk.triage.completed", session, hits=hits, **_summary(outcome))
    return session


def triage_run(
    *, actor: User, engagement: Engagement, answers: Mapping[str, object]
) -> TriageSession:
    """Start, answer and complete an engagement's triage in one call (the API's), all or nothing.

    Each step checks and audits as it does on the pages; answers not given keep what the
    engagement's record prefilled. A refusal (missing or unfitting answers, an answer to a
    question the pack does not have) rolls the whole call back, so no draft is left behind.
    The organisation answers are screened once, first, before any row is written or locked.
    """
    _require_start(actor, engagement)
    current = selectors.pack()
    prefilled = selectors.prefill(current=current, engagement=engagement)
    questions = list(answers)
    screened = _screen(current, _merged(prefilled, answers, questions), {})
    with transaction.atomic():
        session = _start(actor, engagement, current, prefilled, screened)
        session = _answers_save(actor, session, answers, questions, current, screened)
        # The engine's verdict on what was sent (an unknown question included), then what is
        # missing.
        errors = answer_glue.problems(current, answers)
        errors.update(_missing(current, session.answers))
        if errors:
            raise AnswersIncomplete(errors)
        return _complete(actor, session, current, screened)


@transaction.atomic
def triage_reopen(*, actor: User, session: TriageSession) -> TriageSession:
    """Back to a draft to change answers; the outcome it had stays on the audit trail."""
    session = _locked(session)
    permissions.require_owner(actor, session, "reopen")
    if not session.is_completed:
        raise NotCompleted
    previous = answer_glue.stored_outcome(session)
    session.status, session.outcome, session.completed_at = Status.DRAFT, None, None
    session.save(update_fields=["status", "outcome", "completed_at", "updated_at"])
    engagement_tier_sync(engagement_id=session.engagement_id, session=session)
    _audit(
        actor,
        "trustdesk.triage.reopened",
        session,
        old_tier=previous.tier.id if previous is not None else None,
    )
    return session


@transaction.atomic
def triage_attach(*, actor: User, session: TriageSession, engagement: Engagement) -> TriageSession:
    """A stand-alone triage goes onto one of the owner's engagements.

    Its partners' hits count from the next run; until then the page says the outcome is stale.
    """
    session = _locked(session)
    permissions.require_owner(actor, session, "attach")
    if session.engagement_id is not None:
        raise AlreadyAttached
    if not permissions.can_attach_to(actor, engagement):
        raise PermissionDenied(ENGAGEMENT_NOT_YOURS)
    session.engagement = engagement
    session.save(update_fields=["engagement", "updated_at"])
    engagement_tier_sync(engagement_id=session.engagement_id, session=session)
    _audit(actor, "trustdesk.triage.attached", session, status=session.status)
    return session


@transaction.atomic
def engagement_from_triage(
    *, actor: User, session: TriageSession, fields: case_services.EngagementFields
) -> Engagement:
    """The researcher proposes an engagement from their stand-alone triage: both in one step.

    The draft is created as any other (its own audit event) and the triage attached to it, so
    the case starts with the outcome, and its checklist can be proposed into the mitigation plan.
    """
    permissions.require_owner(actor, session, "attach")
    if not session.is_completed:
        raise NotCompleted
    if session.engagement_id is not None:
        raise AlreadyAttached
    engagement = case_services.engagement_create(actor=actor, fields=fields)
    triage_attach(actor=actor, session=session, engagement=engagement)
    return engagement


def triage_rerun(*, actor: User, session: TriageSession) -> TriageSession:
    """An officer runs a completed triage again with the current pack, lists and adjudications."""
    permissions.require_rerun(actor)
    if not session.is_completed:
        raise NotCompleted
    current = selectors.pack()
    screened = _screen(current, session.answers, {}, again=True)
    return _rerun(actor, session, current, screened)


@transaction.atomic
def _rerun(actor: User, session: TriageSession, current: Pack, screened: Screened) -> TriageSession:
    permissions.require_rerun(actor)
    session = _locked(session)
    if not session.is_completed:
        raise NotCompleted
    old = answer_glue.stored_outcome(session)
    old_tier = old.tier.id if old is not None else None
    _stamp(session, current)
    _keep_screening(session, current, screened)
    try:
        outcome = _outcome(session, current)
    except AnswersInvalid as exc:
        problems = "; ".join(f"{e.path}: {e.problem}" for e in exc.errors[:3])
        raise AnswersNoLongerFit(AnswersNoLongerFit.MESSAGE.format(problems=problems)) from exc
    _store(session, outcome, actor)
    summary = _summary(outcome)
    _audit(actor, "trustdesk.triage.rerun", session, old_tier=old_tier, **summary)
    return session
