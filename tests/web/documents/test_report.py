"""The due-diligence report: the whole file for officers, approvers and auditors, page and PDF."""

from __future__ import annotations

import hashlib
import time
from datetime import UTC, date, datetime

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.api.conftest import api_client
from tests.web.documents.conftest import (
    CONDITIONS,
    DECISION_REASON,
    EVIDENCE,
    JUSTIFICATION,
    PLAN_DONE,
    PLAN_OVERDUE,
    VERDICT_REASON,
    Case,
    CommitteeCase,
)
from tests.web.documents.pdftext import read_pdf
from trustdesk.web.cases.selectors import TARGET_TYPE
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.documents import pdf, services
from trustdesk.web.documents.builders import name_of
from trustdesk.web.documents.content import (
    AreaRating,
    Casework,
    DecisionSummary,
    HitLine,
    MitigationLine,
    PartnerSection,
    Recommendation,
    ScreeningCounts,
    VoteLine,
)
from trustdesk.web.partners.models import ScreeningHit

pytestmark = pytest.mark.django_db

AT = datetime(2026, 11, 20, 14, 5, tzinfo=UTC)
CASEWORK = Casework(
    ratings=(
        AreaRating(
            area_id="reputation",
            area="Reputation and values",
            computed="high",
            computed_label="High",
            chosen="medium",
            chosen_label="Medium",
            reasons=("The partner is on the ASPI tracker (confirmed by an officer)",),
            justification="The lab is civilian; the tracker lists the university as a whole.",
            rated_by="Olga Tester",
            rated_at=AT,
        ),
        AreaRating("people", "People", "low", "Low", "low", "Low", ("No visitors",)),
    ),
    mitigations=(
        MitigationLine(
            title="Technology control plan signed",
            owner="Rita Tester",
            status="Done",
            due=date(2026, 12, 1),
            area="Partnerships",
            evidence=("tcp-signed.pdf",),
            done=True,
        ),
        MitigationLine(
            title="Export-control screening of shared samples",
            owner="Rita Tester",
            status="Open",
            due=date(2026, 1, 15),
            condition=True,
        ),
    ),
    recommendation=Recommendation(
        "approve_with_conditions",
        "Approve with conditions",
        "Risks are managed by the plan.",
        "Olga Tester",
        AT,
    ),
    decision=DecisionSummary(
        outcome="approve_with_conditions",
        outcome_label="Approve with conditions",
        reason="Approved by the committee on the plan's conditions.",
        decided_by="Research security committee",
        decided_at=AT,
        conditions=("Export-control screening of shared samples",),
        review_date=date(2027, 11, 20),
        route="committee",
        votes=(
            VoteLine(
                "Alan Tester",
                "approve_with_conditions",
                "Approve with conditions",
                "Plan is sound.",
                AT,
            ),
            VoteLine("Vera Voter", "decline", "Decline", "Too close to the defence sector.", AT),
        ),
        quorum=2,
    ),
)


def _client(case: Case, name: str) -> Client:
    client = Client()
    client.force_login(case.user(name))
    return client


def _url(case: Case, name: str) -> str:
    return reverse(f"documents:{name}", args=[case.engagement.public_id])


@pytest.mark.parametrize(("reader", "status"), [
    ("olga", 200), ("alan", 200), ("aude", 200), ("rita", 403), ("tom", 403), ("cara", 403),
    ("ada", 403), ("otto", 404),
])  # fmt: skip
def test_the_report_is_for_officers_approvers_and_auditors(
    case: Case, reader: str, status: int
) -> None:
    assert _client(case, reader).get(_url(case, "report")).status_code == status
    assert _client(case, reader).get(_url(case, "report-pdf")).status_code == status


def test_the_report_pdf_holds_hits_verdicts_provenance_and_the_audit_excerpt(case: Case) -> None:
    events = AuditEvent.objects.filter(target_type=TARGET_TYPE, target_id=str(case.engagement.pk))
    before = list(events.order_by("sequence"))  # before this download's own
    hashes = [e.hash[:16] for e in before]

    response = _client(case, "aude").get(_url(case, "report-pdf"))

    report = read_pdf(response.content)
    assert len(report.pages) >= 2
    text = report.flat
    assert "Due-diligence report: Quantum sensing with Example University" in text
    assert f"Confirmed match: {VERDICT_REASON} (Olga Tester," in text
    assert (
        "Lists: ASPI China Defence Universities Tracker; Named Research Organizations (Canada)"
        in text
    )
    # the score as the matcher gave it (the shipped lists' data moves it in the second decimal)
    beihang = ScreeningHit.objects.filter(entry_id="beihang-university")
    assert beihang.exists()
    assert f"Beihang University - score {max(h.score for h in beihang):.2f}" in text
    assert "Listed for: Seven sons of national defence" in text
    assert "Matcher 0.1.0/" in text
    assert "Decided: Approve with conditions, by Olga Tester" in text
    assert "Decision recorded: The collaboration is open basic research" in text
    # the case's own events, ending with the plan's last step, the recommendation, the decision
    # and its conditions recorded as mitigation items
    assert [e.action for e in before][-4:] == [
        "trustdesk.mitigation.completed",
        "trustdesk.decision.recommended",
        "trustdesk.engagement.decided",
        "trustdesk.mitigation.conditions_recorded",
    ]
    assert len(hashes) > 14
    assert [h for h in hashes if h not in text] == []


def test_the_report_reads_the_assessment_the_plan_and_the_decision_from_their_records(
    case: Case,
) -> None:
    text = read_pdf(_client(case, "alan").get(_url(case, "report-pdf")).content).flat

    # the ratings, computed and chosen, with the officer's justification and the reasons
    assert f"Reputation and values High Medium (changed from High: {JUSTIFICATION})" in text
    assert "Partnerships High High The partner is, or may be, on an export-control" in text
    assert "screening found Beihang University on ASPI China Defence Universities Tracker" in text
    assert "People Low Low No risk rule raised this area above the lowest rating." in text
    # the plan: done with its evidence, overdue, and the decision's conditions as items
    assert f"{PLAN_DONE} Rita Tester 1 December 2026 Done {EVIDENCE}" in text
    assert f"{PLAN_OVERDUE} Rita Tester 15 January 2026 (overdue) To do" in text
    for condition in CONDITIONS.splitlines():
        assert f"{condition} [condition of approval] Rita Tester 1 September 2027" in text
    # the recommendation the decision was made on, and the decision
    assert "Recommended: Approve with conditions, by Olga Tester on" in text
    assert "Decided: Approve with conditions, by Olga Tester" in text
    assert "No export-controlled equipment is shared. (due 1 September 2027)" in text
    assert DECISION_REASON in text
    assert "Committee votes" not in text  # an officer decided this tier alone


def test_a_committee_decision_shows_every_vote_who_and_when_and_the_quorum(
    case: Case, committee_case: CommitteeCase
) -> None:
    file = services.report_pdf_generate(engagement=committee_case.engagement, actor=case.aude)

    text = read_pdf(file.content).flat
    assert "Decided: Approve, by the research security committee on" in text
    assert "Committee votes (quorum 3)" in text
    assert (
        "Bea Tester (Chair (Pro-Vice-Chancellor for Research)) Approve "
        "The partner is civilian and the work is published." in text
    )
    assert "Dov Tester (Senior academic member) Decline Too close to the defence sector." in text
    assert text.count(" UTC") >= 3  # each vote says when it was cast
    assert "Eve Tester" not in text  # the fourth seat did not vote


def test_the_other_apps_parts_appear_as_given(case: Case) -> None:
    file = services.report_pdf_generate(
        engagement=case.engagement, actor=case.olga, casework=CASEWORK
    )

    text = read_pdf(file.content).flat
    assert "Reputation and values High Medium (changed from High: The lab is civilian;" in text
    assert "Technology control plan signed Rita Tester 1 December 2026 Done tcp-signed.pdf" in text
    assert "Export-control screening of shared samples [condition of approval]" in text
    assert "(overdue)" in text
    assert (
        "Recommended: Approve with conditions, by Olga Tester on 20 November 2026, 14:05 UTC."
        in text
    )
    assert "Committee votes (quorum 2)" in text
    assert "Vera Voter Decline Too close to the defence sector. 20 November 2026, 14:05 UTC" in text


def test_reading_and_downloading_the_report_are_audited(case: Case) -> None:
    _client(case, "alan").get(_url(case, "report"))
    response = _client(case, "alan").get(_url(case, "report-pdf"))

    viewed = AuditEvent.objects.get(action="trustdesk.document.report_viewed")
    downloaded = AuditEvent.objects.get(action="trustdesk.document.report_downloaded")
    assert (viewed.actor, viewed.data) == (case.alan, {"format": "html"})
    assert downloaded.actor == case.alan
    assert downloaded.data == {
        "sha256": hashlib.sha256(response.content).hexdigest(),
        "bytes": len(response.content),
    }


def test_a_refused_reader_leaves_no_audit_event(case: Case) -> None:
    before = AuditEvent.objects.count()

    assert _client(case, "rita").get(_url(case, "report-pdf")).status_code == 403

    assert AuditEvent.objects.count() == before


def test_the_api_serves_both_downloads_by_the_same_rules(case: Case) -> None:
    base = f"/api/engagements/{case.engagement.public_id}"
    rita, olga = api_client(case.rita), api_client(case.olga)

    letter = rita.get(f"{base}/letter.pdf")
    refused = rita.get(f"{base}/report.pdf")
    report = olga.get(f"{base}/report.pdf")

    assert (letter.status_code, letter["Content-Type"]) == (200, "application/pdf")
    assert read_pdf(letter.content).text
    assert refused.status_code == 403
    assert (
        refused.json()["message"] == "Your role does not allow you to read due-diligence reports."
    )
    assert (report.status_code, report["Content-Type"]) == (200, "application/pdf")
    assert api_client(case.otto).get(f"{base}/letter.pdf").status_code == 404


def _hits(count: int) -> tuple[HitLine, ...]:
    return tuple(
        HitLine(
            entry=name_of(f"Listed Institute {i} 北京研究所"),
            lists=(
                "ASPI China Defence Universities Tracker",
                "Named Research Organizations (Canada)",
            ),
            entry_ids=(f"aspi-unitracker:inst-{i}", f"ca-nro:inst-{i}"),
            matched=(f"Partner {i} matched Listed Institute {i}",),
            score=0.9,
            verdict="Confirmed match",
            verdict_reason="Same institution. " * 20,
            adjudicated_by="Olga Tester",
            adjudicated_at=AT,
        )
        for i in range(count)
    )


def test_a_twenty_hit_report_renders_well_within_a_second(case: Case) -> None:
    # given the case's report with twenty confirmed hits on one partner
    report = services.report_generate(engagement=case.engagement, actor=case.olga)
    partner = PartnerSection(
        name=name_of("Партнёр 20"),
        kind="Organisation (University)",
        role="Partner institution",
        counts=ScreeningCounts(True, 20, 0, 20, 0),
        hits=_hits(20),
    )
    from dataclasses import replace

    big = replace(report, partners=(*report.partners, partner), casework=CASEWORK)

    started = time.perf_counter()
    content = pdf.report_pdf(big)
    elapsed = time.perf_counter() - started

    text = read_pdf(content).flat
    assert (
        "Listed Institute 19 Bei Jing Yan Jiu Suo (transliterated from Chinese characters)" in text
    )
    assert elapsed < 2.0, f"{elapsed:.2f} s"  # measured about 0.1 s; the bound leaves CI headroom


def test_the_report_page_shows_the_same_file(case: Case) -> None:
    html = _client(case, "olga").get(_url(case, "report")).content.decode()

    assert "<strong>Confirmed match</strong>: " + VERDICT_REASON in html
    assert "Seven sons of national defence" in html
    assert "<strong>Decided: Approve with conditions</strong>, by Olga Tester" in html
    assert "No export-controlled equipment is shared." in html
    assert '<strong>Medium</strong><br><span class="muted">Changed from High: ' in html
    assert JUSTIFICATION in html
    assert f"{PLAN_DONE}</td>" in html
    assert "ASPI China Defence Universities Tracker" in html
    event = AuditEvent.objects.filter(target_type=TARGET_TYPE).order_by("sequence").first()
    assert event is not None
    assert event.hash[:16] in html
