"""A decided case with partners in four scripts, a hostile name and a confirmed listed match.

Rita (researcher, Physics) owns it and Tom (researcher, Chemistry) is on its team; Cara
champions Physics; Olga (officer) confirmed the Beihang group and approved the case with
conditions; Alan approves, Aude audits, Ada administers, Otto (researcher, Chemistry) is not on
it. Everything is made through the services, with the shipped research lists loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

import pytest

from tests import factories
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.decisions.models import Outcome
from trustdesk.web.lists.services import shipped_lists_ensure
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import Organisation, ScreeningRun

OnCommit = Callable[..., Any]

BEIHANG_GROUP = "aspi-unitracker:beihang-university"
VERDICT_REASON = "Same university on all three lists: the partner is Beihang itself."
DECISION_REASON = "The collaboration is open basic research with no dual-use element."
CONDITIONS = "No export-controlled equipment is shared.\nData stays on university servers."
REVIEW_DATE = date(2027, 9, 1)
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
def _embedded_queue(settings: Any) -> None:
    """Screenings run in-process once the transaction commits, as on a laptop."""
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


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
