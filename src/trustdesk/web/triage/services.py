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
from trustdesk.screening.matching import NameNotScreenable, Query, check_name
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core import audit
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.lists import screening
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


def _screen_name(name: str) -> dict[str, Any]:
    """The name against every current list, as stored on the session and shown on its pages."""
    result = screening.screen(
        Query(name, type=EntityType.ORGANIZATION), limit=HITS_PER_ANSWER
    )  # the one call into the loaded lists
    names = selectors.programmes(result.snapshots, [(h.source, h.entity_id) for h in result.hits])
    return {
        "name": name,
        "snapshots": result.snapshots,
        "coverage": result.coverage.to_dict(),
        "matcher_version": result.matcher_version,
        "hits": [
            {
                "source": h.source,
                "entry_id": h.entity_id,
                "name": h.name,
                "matched_name": h.matched_name,
                "score": h.score,
                "status": "unresolved",
                "programme": names.get(h.key),
                "origin": "answer",
                "subject": name,
            }
            for h in result.hits
        ],
    }


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


def organisation_answers_screen(current: Pack, answers: Mapping[str, object]) -> dict[str, Any]:
    """Each organisation answer screened as the questionnaire does: question id → stored record.

    The CLI's `trustdesk triage` uses this too, so a file of answers is screened exactly as the
    same answers typed into the web questionnaire.
    """
    screened: dict[str, Any] = {}
    for qid in sorted(q.id for q in current.questions if q.kind == "organisation"):
        name = _screenable_answer(answers.get(qid))
        if name is not None:
            screened[qid] = _screen_name(name)
    return screened


def _screen_answers(session: TriageSession, current: Pack, *, again: bool = False) -> None:
    """Screens each organisation answer whose name is new (or all of them, `again`)."""
    organisation_questions = {q.id for q in current.questions if q.kind == "organisation"}
    screened: dict[str, Any] = {}
    for qid in sorted(organisation_questions):
        name = _screenable_answer(session.answers.get(qid))
        if name is None:
            continue
        previous = session.answer_screening.get(qid)
        if not again and isinstance(previous, dict) and previous.get("name") == name:
            screened[qid] = previous
        else:
            screened[qid] = _screen_name(name)
    session.answer_screening = screened


@transaction.atomic
def triage_start(*, actor: User, engagement: Engagement | None = None) -> TriageSession:
    """A new draft under the current pack; from an engagement, prefilled from its record."""
    if not permissions.can_start_triage(actor):
        raise PermissionDenied(permissions.NOT_ALLOWED.format(perm="engagement.propose"))
    if engagement is not None and not permissions.can_attach_to(actor, engagement):
        raise PermissionDenied(ENGAGEMENT_NOT_YOURS)
    current = selectors.pack()
    session = TriageSession(
        owner=actor,
        engagement=engagement,
        answers=selectors.prefill(current=current, engagement=engagement) if engagement else {},
    )
    _stamp(session, current)
    _screen_answers(session, current)
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


@transaction.atomic
def triage_answers_save(
    *, actor: User, session: TriageSession, answers: Mapping[str, object], questions: Iterable[str]
) -> TriageSession:
    """Stores the answers to `questions` (None clears one); answers to others are kept.

    An answer to a question that is no longer asked is kept too, so that changing an earlier
    answer back brings it back; the engine ignores it meanwhile.
    """
    session = _locked(session)
    permissions.require_owner(actor, session, "answer")
    if session.is_completed:
        raise NotADraft
    current = selectors.pack()
    stored = dict(session.answers)
    for qid in questions:
        value = answers.get(qid)
        if value is None:
            stored.pop(qid, None)
        else:
            stored[qid] = value
    session.answers = stored
    _stamp(session, current)
    _screen_answers(session, current)
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
    hits = [h for screened in session.answer_screening.values() for h in screened["hits"]]
    if session.engagement is not None:
        hits += selectors.engagement_hits(engagement=session.engagement)
    session.hits = hits
    return triage(
        current,
        answer_glue.typed_answers(current, session.answers),
        screening=[answer_glue.hit_input(h) for h in hits],
    )


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
            "answer_screening",
            "pack_id",
            "pack_version",
            "pack_lineage",
            "pack_digest",
            "updated_at",
        ]
    )


def _summary(outcome: Outcome) -> dict[str, Any]:
    return {
        "pack": f"{outcome.pack_id}@{outcome.pack_version}",
        "tier": outcome.tier.id,
        "processes": [p.id for p in outcome.processes],
        "verdicts": [v.id for v in outcome.verdicts],
    }


@transaction.atomic
def triage_complete(*, actor: User, session: TriageSession) -> TriageSession:
    """Works out the outcome once every asked question has a fitting answer; audited."""
    session = _locked(session)
    permissions.require_owner(actor, session, "complete")
    if session.is_completed:
        raise NotADraft
    current = selectors.pack()
    errors = _missing(current, session.answers)
    if errors:
        raise AnswersIncomplete(errors)
    _stamp(session, current)
    _screen_answers(session, current)
    outcome = _outcome(session, current)
    _store(session, outcome, actor)
    hits = [f"{h['source']}:{h['entry_id']}:{h['status']}" for h in session.hits]
    _audit(actor, "trustdesk.triage.completed", session, hits=hits, **_summary(outcome))
    return session


NO_SUCH_QUESTION = "There is no such question in this policy pack."


@transaction.atomic
def triage_run(
    *, actor: User, engagement: Engagement, answers: Mapping[str, object]
) -> TriageSession:
    """Start, answer and complete an engagement's triage in one call (the API's), all or nothing.

    Each step checks and audits as it does on the pages; answers not given keep what the
    engagement's record prefilled. A refusal (missing or unfitting answers, an answer to a
    question the pack does not have) rolls the whole call back, so no draft is left behind.
    """
    session = triage_start(actor=actor, engagement=engagement)
    session = triage_answers_save(
        actor=actor, session=session, answers=answers, questions=list(answers)
    )
    current = selectors.pack()
    known = {q.id for q in current.questions}
    errors = {qid: NO_SUCH_QUESTION for qid in answers if qid not in known}
    errors.update(_missing(current, session.answers))
    if errors:
        raise AnswersIncomplete(errors)
    return triage_complete(actor=actor, session=session)


@transaction.atomic
def triage_reopen(*, actor: User, session: TriageSession) -> TriageSession:
    """Back to a draft to change answers; the outcome it had stays on the audit trail."""
    session = _locked(session)
    permissions.require_owner(actor, session, "reopen")
    if not session.is_completed:
        raise NotCompleted
    previous = session.outcome or {}
    tier = previous.get("tier", {})
    session.status, session.outcome, session.completed_at = Status.DRAFT, None, None
    session.save(update_fields=["status", "outcome", "completed_at", "updated_at"])
    _audit(
        actor,
        "trustdesk.triage.reopened",
        session,
        old_tier=tier.get("id") if isinstance(tier, dict) else None,
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
    _audit(actor, "trustdesk.triage.attached", session, status=session.status)
    return session


@transaction.atomic
def triage_rerun(*, actor: User, session: TriageSession) -> TriageSession:
    """An officer runs a completed triage again with the current pack, lists and adjudications."""
    permissions.require_rerun(actor)
    session = _locked(session)
    if not session.is_completed:
        raise NotCompleted
    current = selectors.pack()
    old = session.outcome or {}
    old_tier = old.get("tier", {}).get("id") if isinstance(old.get("tier"), dict) else None
    _stamp(session, current)
    _screen_answers(session, current, again=True)
    try:
        outcome = _outcome(session, current)
    except AnswersInvalid as exc:
        problems = "; ".join(f"{e.path}: {e.problem}" for e in exc.errors[:3])
        raise AnswersNoLongerFit(AnswersNoLongerFit.MESSAGE.format(problems=problems)) from exc
    _store(session, outcome, actor)
    summary = _summary(outcome)
    _audit(actor, "trustdesk.triage.rerun", session, old_tier=old_tier, **summary)
    return session
