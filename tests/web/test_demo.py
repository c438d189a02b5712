"""`demo_load`: the fictional university, loaded through the real services, once."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import authenticate
from django.test import RequestFactory

from trustdesk.screening.matching.model import HitStatus
from trustdesk.web import demo, demo_data
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.cases.models import Engagement, EngagementPartner
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.core.audit import verify_chain
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.decisions.models import Decision, Recommendation
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun
from trustdesk.web.selfassess import selectors as selfassess_selectors
from trustdesk.web.selfassess.models import Action, Assessment
from trustdesk.web.triage import answers as answer_glue
from trustdesk.web.triage.models import TriageSession

pytestmark = pytest.mark.django_db
ACTOR = "cli:tester@host"
LISTED = [demo_data.BEIHANG, demo_data.HIT, demo_data.NUDT]


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any, tmp_path: Path) -> None:
    settings.HOME = tmp_path  # the demo's evidence file is written under TRUSTDESK_HOME
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


def _load() -> demo.DemoSummary:
    # PostgreSQL is not the embedded default, so its run of this suite has to force the load.
    return demo.demo_load(actor=ACTOR, force=not django_settings.EMBEDDED)


@pytest.fixture
def summary() -> demo.DemoSummary:
    return _load()


def _rows() -> dict[str, int]:
    return {
        "departments": Department.objects.count(),
        "users": User.objects.count(),
        "organisations": Organisation.objects.count(),
        "people": Person.objects.count(),
        "screenings": ScreeningRun.objects.count(),
        "hits": ScreeningHit.objects.count(),
        "engagements": Engagement.objects.count(),
        "links": EngagementPartner.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_every_role_has_a_user_who_signs_in_with_the_printed_password(
    summary: demo.DemoSummary,
) -> None:
    request = RequestFactory().post("/accounts/login/")

    signed_in = {
        s.role: authenticate(request, username=s.username, password=s.password)
        for s in summary.sign_ins
    }

    assert set(signed_in) == set(User.Role.values)
    assert all(isinstance(user, User) for user in signed_in.values())
    assert {user.role for user in signed_in.values() if user} == set(User.Role.values)


def test_each_department_has_its_champion(summary: demo.DemoSummary) -> None:
    champions = User.objects.filter(role=User.Role.CHAMPION)

    assert sorted(champions.values_list("department__name", flat=True)) == sorted(
        d.name for d in demo_data.DEPARTMENTS
    )
    assert Department.objects.count() == 6


def test_every_status_has_an_engagement(summary: demo.DemoSummary) -> None:
    statuses = set(Engagement.objects.values_list("status", flat=True))
    decisions = set(Engagement.objects.exclude(decision="").values_list("decision", flat=True))

    assert statuses == set(Engagement.Status.values)
    assert decisions == set(Engagement.Decision.values)
    # a case in review with the officer's recommendation, waiting for whoever its tier names
    assert Recommendation.objects.filter(
        engagement__status="in_review", decision__isnull=True
    ).exists()


def test_a_case_above_the_officers_authority_was_decided_by_the_approver(
    summary: demo.DemoSummary,
) -> None:
    visit = Engagement.objects.get(kind=Engagement.Kind.VISITING_RESEARCHER)

    actions = list(
        AuditEvent.objects.filter(target_type="cases.engagement", target_id=str(visit.pk))
        .filter(action__regex=r"^trustdesk\.(engagement|decision)\.")
        .exclude(action="trustdesk.engagement.partner_added")
        .order_by("sequence")
        .values_list("action", "actor__username")
    )
    decision = Decision.objects.get(engagement=visit)

    assert (visit.status, visit.decision) == ("decided", "approve_with_conditions")
    assert (decision.route, decision.tier, decision.decided_by.username) == (
        "approver",
        "enhanced",
        "mthornbury",
    )
    assert actions == [
        ("trustdesk.engagement.created", "frahimi"),
        ("trustdesk.engagement.submitted", "frahimi"),
        ("trustdesk.engagement.review_started", "hkowalczyk"),
        ("trustdesk.decision.recommended", "hkowalczyk"),
        ("trustdesk.engagement.decided", "mthornbury"),
    ]


def test_the_review_due_case_was_marked_by_the_sweep(summary: demo.DemoSummary) -> None:
    event = AuditEvent.objects.get(
        action="trustdesk.engagement.review_due", actor_label="task:cases.review_due"
    )
    due = Engagement.objects.get(pk=int(event.target_id))

    assert due.status == Engagement.Status.REVIEW_DUE
    assert due.title.startswith("Digitising the Wessex–Normandy medieval charters")


def test_the_self_assessment_moved_since_last_year_and_its_gaps_are_on_desks(
    summary: demo.DemoSummary,
) -> None:
    latest, previous = Assessment.objects.order_by("-as_of")
    assert {latest.status, previous.status} == {Assessment.Status.COMPLETED}
    result = selfassess_selectors.assessment_result(latest)
    assert result.previous == previous
    changes = {s.section.id: s.change for s in result.sections}
    assert (changes["governance"], changes["due-diligence"], changes["it-data"]) == (
        "up",
        "up",
        "down",
    )
    assert not previous.actions.exclude(status=Action.Status.DONE).exists()
    mellis = User.objects.get(username="mellis")
    overdue = list(selfassess_selectors.open_actions_for_owner(user=mellis))
    assert [a.question_id for a in overdue] == ["it-cyber", "it-devices"]
    assert overdue[0].due_date < latest.completed_at.date()  # type: ignore[union-attr]


def test_listed_partners_have_screening_hits_with_explanations(
    summary: demo.DemoSummary,
) -> None:
    for name in LISTED:
        hits = ScreeningHit.objects.filter(run__organisation__name=name)
        assert {"ca-nro", "us-dod-1286", "aspi-unitracker"} <= {h.source for h in hits}, name
        assert all(h.explanation for h in hits), name
    confirmed = ScreeningHit.objects.get(
        run__organisation__name=demo_data.BEIHANG, source="ca-nro", entry_id="beihang-university"
    )
    assert confirmed.verdict == HitStatus.CONFIRMED
    assert confirmed.adjudicated_by is not None
    near_miss = ScreeningHit.objects.filter(run__organisation__name=demo_data.NORTHWESTERN)
    assert {h.verdict for h in near_miss} == {HitStatus.FALSE_POSITIVE}
    # Work waiting for an officer: the university itself, and the centre of it that the DoD
    # 1286 list names ("… of Tsinghua University").
    left = ScreeningHit.objects.filter(run__organisation__name="Tsinghua University")
    assert "tsinghua-university" in {h.entry_id for h in left}
    assert {h.verdict for h in left} == {HitStatus.UNRESOLVED}
    assert not ScreeningHit.objects.filter(run__organisation__name="ETH Zürich").exists()
    assert not ScreeningHit.objects.filter(run__person__isnull=False).exists()


def test_every_triage_checked_its_organisation_answers(summary: demo.DemoSummary) -> None:
    sessions = list(TriageSession.objects.all())

    assert sessions
    assert [s.public_id for s in sessions if answer_glue.unchecked_names(s)] == []


def test_a_second_load_creates_nothing_and_says_so(summary: demo.DemoSummary) -> None:
    before = _rows()

    again = _load()

    assert _rows() == before
    assert (summary.created, again.created) == (True, False)
    assert again.message == "The demo is already loaded; nothing was changed."
    assert again.sign_ins == summary.sign_ins


def test_the_audit_chain_is_intact_and_ends_with_the_load(summary: demo.DemoSummary) -> None:
    last = AuditEvent.objects.order_by("-sequence").first()

    assert verify_chain().intact
    assert last is not None
    assert (last.action, last.actor_label) == (demo.DEMO_LOADED, ACTOR)
    assert AuditEvent.objects.filter(actor__isnull=False).values("actor").distinct().count() > 10


def test_a_production_database_is_refused_unless_forced(settings: Any) -> None:
    settings.EMBEDDED = False

    with pytest.raises(demo.DemoRefused, match="Refusing to load the demo"):
        demo.demo_load(actor=ACTOR)

    assert not User.objects.exists()
    assert demo.demo_load(actor=ACTOR, force=True).created


def test_the_summary_prints_every_sign_in(summary: demo.DemoSummary) -> None:
    text = summary.text()

    assert text.startswith(
        "Loaded the demo, the fictional University of Wessex: 6 departments, 23 users, "
        "17 organisations, 8 people, 15 engagements."
    )
    for sign_in in summary.sign_ins:
        assert f"  {sign_in.username} " in text
        assert f" {sign_in.password} " in text


def test_passwords_are_fixed_and_pass_the_validators() -> None:
    assert demo.demo_password("mellis") == demo.demo_password("mellis")
    assert demo.demo_password("mellis") != demo.demo_password("oadeyemi")
    assert all(len(s.password) >= 12 for s in demo.demo_sign_ins())


def test_the_load_takes_a_few_seconds() -> None:
    started = time.monotonic()

    _load()

    # Generous for a shared two-core machine; it takes about a second with the test hasher.
    assert time.monotonic() - started < 20
