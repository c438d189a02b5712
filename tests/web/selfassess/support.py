"""Assessments brought to a state through the services, as a person completing one would."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from trustdesk.policy.models import Pack
from trustdesk.web.accounts.models import User
from trustdesk.web.reference.selectors import active_pack
from trustdesk.web.selfassess import selectors, services
from trustdesk.web.selfassess.models import Assessment

TODAY = date(2026, 11, 30)


def pack() -> Pack:
    return active_pack()


def answer_all(
    actor: User, assessment: Assessment, level: int, overrides: Mapping[str, int] | None = None
) -> None:
    """Answers every question at `level`, except those `overrides` names."""
    questionnaire = selectors.questionnaire_of(assessment)
    for section in questionnaire.sections:
        services.answers_save(
            actor=actor,
            assessment=assessment,
            section_id=section.id,
            answers=[
                services.AnswerInput(
                    q.id, (overrides or {}).get(q.id, level), evidence=f"Evidence for {q.id}"
                )
                for q in section.questions
            ],
        )


def completed(
    actor: User,
    as_of: date,
    level: int,
    overrides: Mapping[str, int] | None = None,
    *,
    today: date = TODAY,
) -> Assessment:
    """A completed assessment: every question answered, gaps' actions proposed and confirmed."""
    assessment = services.assessment_start(actor=actor, pack=pack(), as_of=as_of)
    answer_all(actor, assessment, level, overrides)
    services.actions_propose(actor=actor, assessment=assessment, today=today)
    return services.assessment_complete(actor=actor, assessment=assessment)
