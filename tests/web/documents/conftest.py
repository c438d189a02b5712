"""A decided case with partners in four scripts, a hostile name and a confirmed listed match.

Rita (researcher, Physics) owns it and Tom (researcher, Chemistry) is on its team; Cara
champions Physics; Olga (officer) confirmed the Beihang group, assessed the risk (changing one
rating with a justification that names the listed entry), set a mitigation plan (one item done
with evidence, one overdue) and approved the case with conditions, which became tracked items;
Alan approves, Aude audits, Ada administers, Otto (researcher, Chemistry) is not on it.
Everything is made through the services, with the shipped research lists loaded.

`committee_case` is another engagement of Rita's in the escalated tier, decided by three votes
of gb-base's research security committee (Bea, Cem and Dov; Eve holds the fourth seat).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from tests import factories
from trustdesk.policy.routing import route_for
from trustdesk.web.accounts.models import User
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.decisions import services as decision_services
from trustdesk.web.decisions.models import Outcome
from trustdesk.web.lists.services import shipped_lists_ensure
from trustdesk.web.mitigations import files
from trustdesk.web.mitigations import services as mitigation_services
from trustdesk.web.mitigations.models import MitigationItem
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import Organisation, ScreeningRun
from trustdesk.web.triage import selectors as triage_selectors

OnCommit = Callable[..., Any]

BEIHANG_GROUP = "aspi-unitracker:beihang-university"
VERDICT_REASON = "Same university on all three lists: the partner is Beihang itself."
DECISION_REASON = "The collaboration is open basic research with no dual-use element."
CONDITIONS = "No export-controlled equipment is shared.\nData stays on university servers."
REVIEW_DATE = date(2027, 9, 1)
# The officer's override: a justification that names the listed entry, for list readers only.
OVERRIDE_AREA = "reputation-and-values"
JUSTIFICATION = "Beihang is on the ASPI tracker as one of the Seven Sons; the lab is civilian."
PLAN_DONE = "Technology control plan signed"
PLAN_OVERDUE = "Record the lab's owners and funders"
PLAN_OVERDUE_DUE = date(2026, 1, 15)
EVIDENCE = "tcp-signed.pdf"
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
COMMITTEE_REASON = "Open research; the committee accepts the risk on its conditions."
VOTES = (
    ("bea", Outcome.APPROVE, "The partner is civilian and the work is published."),
    ("cem", Outcome.APPROVE, "Mitigations are proportionate."),
    ("dov", Outcome.DECLINE, "Too close to the defence sector."),
)
HOSTILE = '<script>alert("pwned")</script> Institute \u202eevil\u202c'
LONG = "Institute of " + "Extraordinarily" * 17 + " Long Names"
SCRIPTS = {
    "chinese": "北京航空航天大学",
    "cyrillic": "Московский физико-технический институт",
    "arabic": "جامعة الملك عبدالله للعلوم والتقنية",
}


@dataclass(frozen=True)
class Case:
    engagement: Engagement
    rita: User
    tom: User
    cara: User
    olga: User
    alan: User
    aude: User
    ada: User
    otto: User
    beihang: Organisation

    def user(self, name: str) -> User:
        found: User = getattr(self, name)
        return found


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any, tmp_path: Path) -> None:
    """Screenings run in-process once the transaction commits, as on a laptop; evidence files
    go to a data directory of the test's own."""
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")
    settings.HOME = tmp_path / "home"


def _users() -> dict[str, User]:
    physics = factories.make_department("Physics", faculty="Science")
    chemistry = factories.make_department("Chemistry", faculty="Science")
    make = factories.make_user
    return {
        "rita": make("rita", User.Role.RESEARCHER, department=physics),
        "tom": make("tom", User.Role.RESEARCHER, department=chemistry),
        "cara": make("cara", User.Role.CHAMPION, department=physics),
        "olga": make("olga", User.Role.OFFICER),
        "alan": make("alan", User.Role.APPROVER),
        "aude": make("aude", User.Role.AUDITOR),
        "ada": make("ada", User.Role.ADMIN),
        "otto": make("otto", User.Role.RESEARCHER, department=chemistry),
    }


def _partners(rita: User, capture: OnCommit) -> list[Organisation]:
    with capture(execute=True):
        beihang = factories.make_organisation(rita, "Beihang University", country="CN")
        others = [
            factories.make_organisation(rita, SCRIPTS["chinese"], country="CN"),
            factories.make_organisation(rita, SCRIPTS["cyrillic"], country="RU"),
            factories.make_organisation(rita, SCRIPTS["arabic"], country="SA"),
            factories.make_organisation(rita, HOSTILE, kind="company"),
            factories.make_organisation(rita, LONG),
        ]
    return [beihang, *others]


@pytest.fixture
def case(db: None, django_capture_on_commit_callbacks: OnCommit) -> Case:
    shipped_lists_ensure()
    users = _users()
    rita, olga = users["rita"], users["olga"]
    organisations = _partners(rita, django_capture_on_commit_callbacks)
    engagement = factories.make_engagement(rita, team=[users["tom"]])
    for org in organisations:
        case_services.engagement_partner_add(
            actor=rita,
            engagement=engagement,
            partner=org,
            role=EngagementPartner.Role.PARTNER_INSTITUTION,
        )
    factories.complete_triage(engagement, rita)
    engagement = case_services.engagement_submit(actor=rita, engagement=engagement)
    engagement = case_services.engagement_review_start(actor=olga, engagement=engagement)
    run = ScreeningRun.objects.get(organisation=organisations[0])
    partner_services.hit_group_adjudicate(
        actor=olga, run=run, group=BEIHANG_GROUP, verdict="confirmed", reason=VERDICT_REASON
    )
    _assess(engagement, olga)
    _plan(engagement, olga, rita)
    factories.recommend_and_decide(
        engagement,
        olga,
        what=factories.proposal(
            Outcome.APPROVE_WITH_CONDITIONS,
            DECISION_REASON,
            conditions=tuple((text, REVIEW_DATE) for text in CONDITIONS.splitlines()),
            review_date=REVIEW_DATE,
        ),
    )
    engagement = Engagement.objects.get(pk=engagement.pk)
    return Case(engagement=engagement, beihang=organisations[0], **users)


def _assess(engagement: Engagement, officer: User) -> None:
    """The risk assessed from the case, and one area's rating lowered with a justification."""
    record = assessment_services.assessment_run(actor=officer, engagement=engagement)
    assessment_services.assessment_override(
        actor=officer,
        assessment=record,
        area=OVERRIDE_AREA,
        rating="medium",
        justification=JUSTIFICATION,
    )


def _plan(engagement: Engagement, officer: User, researcher: User) -> None:
    """Two items of the officer's for the researcher: one done with evidence, one overdue."""
    mitigation_services.mitigation_propose(actor=officer, engagement=engagement)
    add = mitigation_services.mitigation_add
    fields = mitigation_services.ItemFields
    done = add(
        actor=officer,
        engagement=engagement,
        fields=fields(PLAN_DONE, area="campuses", owner=researcher, due_date=date(2026, 12, 1)),
    )
    add(
        actor=officer,
        engagement=engagement,
        fields=fields(
            PLAN_OVERDUE, area="partnerships", owner=researcher, due_date=PLAN_OVERDUE_DUE
        ),
    )
    mitigation_services.evidence_add(
        actor=researcher, item=done, name=EVIDENCE, content=files.chunks_of(PDF)
    )
    mitigation_services.mitigation_status(
        actor=researcher,
        item=MitigationItem.objects.get(pk=done.pk),
        action=mitigation_services.StatusAction.COMPLETE,
        note="Signed by both labs.",
    )


@dataclass(frozen=True)
class CommitteeCase:
    engagement: Engagement
    members: dict[str, User]


@pytest.fixture
def committee_case(case: Case) -> CommitteeCase:
    """Rita's escalated engagement, decided by three of the committee's four seats."""
    route = route_for(triage_selectors.pack(), "escalated")
    assert route.committee is not None
    members = {
        name: factories.make_user(name, User.Role.APPROVER) for name in ("bea", "cem", "dov", "eve")
    }
    for member, seat in zip(members.values(), route.committee.seats, strict=True):
        decision_services.committee_seat_assign(
            actor=case.ada, route=route, seat=seat.id, holder=member, pack_id="gb-base"
        )
    engagement = factories.make_engagement(case.rita, title="Escalated collaboration")
    factories.complete_triage(engagement, case.rita, "escalated")
    engagement = case_services.engagement_submit(actor=case.rita, engagement=engagement)
    engagement = case_services.engagement_review_start(actor=case.olga, engagement=engagement)
    decision_services.recommendation_make(
        actor=case.olga,
        engagement=engagement,
        proposal=factories.proposal(Outcome.APPROVE, COMMITTEE_REASON),
    )
    for name, outcome, reason in VOTES:
        decision_services.vote_cast(
            actor=members[name], engagement=engagement, outcome=outcome, reason=reason
        )
    return CommitteeCase(Engagement.objects.get(pk=engagement.pk), members)
