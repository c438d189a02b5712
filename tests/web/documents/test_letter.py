"""The decision letter: plain words for the researcher, entries only for list readers, any name."""

from __future__ import annotations

import hashlib

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.documents.conftest import (
    CONDITIONS,
    DECISION_REASON,
    HOSTILE,
    JUSTIFICATION,
    LONG,
    PLAN_DONE,
    PLAN_OVERDUE,
    SCRIPTS,
    VOTES,
    Case,
    CommitteeCase,
)
from tests.web.documents.pdftext import read_pdf
from trustdesk.web.cases import services as case_services
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.documents import builders, services

pytestmark = pytest.mark.django_db

# What only a reader of the watch lists may see: an entry the Chinese-named partner matched,
# the lists' titles, an entry id and the tracker's classification.
ENTRY_DETAILS = [
    "ASPI China Defence Universities Tracker",
    "aspi-unitracker:beihang-university",
    "Seven sons of national defence",
    "Supervising agencies",
]


def _client(case: Case, name: str) -> Client:
    client = Client()
    client.force_login(case.user(name))
    return client


def _url(case: Case, name: str) -> str:
    return reverse(f"documents:{name}", args=[case.engagement.public_id])


@pytest.mark.parametrize("reader", ["rita", "tom", "cara"])
def test_researchers_and_champions_read_counts_but_no_entry_details(
    case: Case, reader: str
) -> None:
    # given the letter as page and PDF for the owner, a team member and the champion
    page = _client(case, reader).get(_url(case, "letter"))
    pdf = read_pdf(_client(case, reader).get(_url(case, "letter-pdf")).content)

    # then both say how many matches there are, and name none of the entries
    html = page.content.decode()
    assert page.status_code == 200
    assert (
        "Screened: 1 possible match on the watch lists — 0 confirmed, 0 dismissed, 1 still open."
        in html
    )
    assert (
        "1 possible match on the watch lists; 0 confirmed, 0 dismissed, 1 still open." in pdf.flat
    )
    for detail in ENTRY_DETAILS:
        assert detail not in html
        assert detail not in pdf.flat


def test_an_officer_reads_the_entries_in_the_letter(case: Case) -> None:
    letter = services.letter_build(engagement=case.engagement, reader=case.olga)

    assert letter.entries_shown is True
    chinese = next(p for p in letter.partners if p.name.text == SCRIPTS["chinese"])
    assert [h.entry.text for h in chinese.hits] == ["Beihang University"]
    html = _client(case, "olga").get(_url(case, "letter")).content.decode()
    for detail in ENTRY_DETAILS:
        assert detail in html


def test_the_letter_says_what_was_decided_why_what_to_do_and_whom_to_ask(case: Case) -> None:
    response = _client(case, "rita").get(_url(case, "letter-pdf"))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith('attachment; filename="TD-')
    pdf = read_pdf(response.content)
    assert len(pdf.pages) >= 1
    assert "Decision on your engagement" in pdf.text
    assert builders.HEADLINES["approve_with_conditions"] in pdf.flat
    assert DECISION_REASON in pdf.flat
    for condition in CONDITIONS.splitlines():
        assert condition in pdf.flat
    assert "reviewed by 1 September 2027" in pdf.flat
    assert "Olga Tester Research-security officer olga@uni.example" in pdf.flat


@pytest.mark.parametrize("reader", ["rita", "tom"])
def test_the_researcher_reads_the_risk_and_what_is_still_to_do_without_the_justification(
    case: Case, reader: str
) -> None:
    page = _client(case, reader).get(_url(case, "letter")).content.decode()
    text = read_pdf(_client(case, reader).get(_url(case, "letter-pdf")).content).flat

    assert "How the risk was assessed" in page
    assert "Reputation and values Medium (set by the office; the assessment gave High)" in text
    assert "Partnerships High The partner is, or may be, on an export-control" in text
    # the reasons are redacted: no entry named, and the justification (which names one) is out
    assert "Because screening found a possible match" in text
    assert "Beihang University on ASPI" not in text
    assert JUSTIFICATION not in text
    assert JUSTIFICATION not in page
    # what is still open, by when, with the conditions marked; nothing already done
    assert f"{PLAN_OVERDUE} Rita Tester 15 January 2026 (overdue) To do" in text
    for condition in CONDITIONS.splitlines():
        assert f"{condition} [condition of approval] Rita Tester 1 September 2027" in text
    assert PLAN_DONE not in text
    assert PLAN_DONE not in page


def test_an_officer_reads_the_justification_in_the_letter(case: Case) -> None:
    text = read_pdf(_client(case, "olga").get(_url(case, "letter-pdf")).content).flat

    assert f"the assessment gave High: {JUSTIFICATION}" in text


def test_a_committee_letter_names_the_committee_and_the_officer_as_the_contact(
    case: Case, committee_case: CommitteeCase
) -> None:
    letter = services.letter_build(engagement=committee_case.engagement, reader=case.rita)
    text = read_pdf(
        services.letter_pdf_generate(engagement=committee_case.engagement, actor=case.rita).content
    ).flat

    assert letter.decision is not None
    assert letter.decision.decided_by == "the research security committee"
    assert [v.voter.split(" (")[0] for v in letter.decision.votes] == [
        str(committee_case.members[name]) for name, _, _ in VOTES
    ]
    assert [c.name for c in letter.contacts] == ["Olga Tester"]  # no committee member
    assert builders.HEADLINES["approve"] in text
    assert "Decided by the research security committee on" in text


def test_names_in_other_scripts_are_shown_by_their_transliteration_in_the_pdf(case: Case) -> None:
    pdf = read_pdf(_client(case, "rita").get(_url(case, "letter-pdf")).content)

    assert (
        "Bei Jing Hang Kong Hang Tian Da Xue (transliterated from Chinese characters)" in pdf.flat
    )
    assert "Moskovskiy Fiziko-tekhnicheskiy Institut (transliterated from Cyrillic)" in pdf.flat
    assert "Jm`h Lmlk `bdllh Ll`lwm Wltqnyh (transliterated from Arabic)" in pdf.flat


def test_the_page_shows_the_original_name_beside_its_transliteration(case: Case) -> None:
    html = _client(case, "rita").get(_url(case, "letter")).content.decode()

    assert f"<bdi>{SCRIPTS['chinese']}</bdi>" in html
    assert "(Bei Jing Hang Kong Hang Tian Da Xue)" in html
    assert f"<bdi>{SCRIPTS['arabic']}</bdi>" in html


def test_hostile_names_are_escaped_on_the_page_and_drawn_as_text_in_the_pdf(case: Case) -> None:
    html = _client(case, "olga").get(_url(case, "letter")).content.decode()
    pdf = read_pdf(_client(case, "olga").get(_url(case, "letter-pdf")).content)

    assert '<script>alert("pwned")' not in html
    assert (
        "<bdi>&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt; "
        "Institute \u202eevil\u202c</bdi>" in html
    )
    # The override character is dropped in the PDF, so the name reads as written, left to right.
    assert '<script>alert("pwned")</script> Institute evil' in pdf.flat
    assert "\u202e" not in pdf.text
    assert LONG.replace(" ", "") in pdf.flat.replace(" ", "")  # wrapped, every letter drawn
    assert HOSTILE not in pdf.text


def test_downloading_the_letter_is_audited_with_the_files_hash(case: Case) -> None:
    # given: reading the page is not audited, downloading is
    before = AuditEvent.objects.count()
    _client(case, "rita").get(_url(case, "letter"))
    assert AuditEvent.objects.count() == before

    response = _client(case, "rita").get(_url(case, "letter-pdf"))

    event = AuditEvent.objects.get(action="trustdesk.document.letter_downloaded")
    assert event.actor == case.rita
    assert event.target_id == str(case.engagement.pk)
    assert event.data == {
        "sha256": hashlib.sha256(response.content).hexdigest(),
        "bytes": len(response.content),
        "entries": False,
    }


def test_an_undecided_engagement_has_a_letter_saying_so(case: Case) -> None:
    engagement = case_services.engagement_create(
        actor=case.rita, fields=case_services.EngagementFields(title="Undecided", kind="event")
    )

    letter = services.letter_build(engagement=engagement, reader=case.rita)

    assert letter.decision is None
    assert letter.headline == "No decision has been made on your engagement yet. Its status: Draft."
    assert read_pdf(services.letter_pdf_generate(engagement=engagement, actor=case.rita).content)


def test_someone_outside_the_engagement_gets_the_same_404_as_for_none(case: Case) -> None:
    response = _client(case, "otto").get(_url(case, "letter"))

    assert response.status_code == 404
    assert _client(case, "otto").get(_url(case, "letter-pdf")).status_code == 404
