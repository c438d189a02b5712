"""Triage pages through the Django client: the questionnaire with and without htmx, the result,
the engagement page, and who sees what."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.web.cases.conftest import Cast, fields
from tests.web.triage.conftest import LISTED, TYPICAL, Answer, Completed
from trustdesk.web.accounts.models import User
from trustdesk.web.cases import services as case_services
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.triage import services
from trustdesk.web.triage.models import TriageSession

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def questionnaire(session: TriageSession) -> str:
    return reverse("triage:session-questionnaire", kwargs={"public_id": session.public_id})


def result(session: TriageSession) -> str:
    return reverse("triage:session-result", kwargs={"public_id": session.public_id})


def shown(html: str) -> list[str]:
    """The question ids the page shows, in order."""
    return re.findall(r'name="shown" value="([^"]+)"', html)


UNCONDITIONAL = [
    "activity", "partner_country", "sensitive_tech", "partner_name", "funding", "data_types",
    "start_date",
]  # fmt: skip


def test_the_nav_link_starts_a_stand_alone_triage(cast: Cast) -> None:
    client = client_for(cast.rita)

    page = client.get(reverse("triage:session-create"))
    response = client.post(reverse("triage:session-create"))

    assert 'href="/triage/new/"' in page.content.decode()
    session = TriageSession.objects.get(owner=cast.rita)
    assert response["Location"] == questionnaire(session)
    assert session.engagement is None


def test_the_questionnaire_shows_only_the_questions_that_apply_with_their_help(
    cast: Cast,
) -> None:
    session = services.triage_start(actor=cast.rita)

    html = client_for(cast.rita).get(questionnaire(session)).content.decode()

    assert shown(html) == UNCONDITIONAL
    assert "Its legal name; it is screened against the loaded watch lists." in html
    assert '<option value="FR">France (FR)</option>' in html


def test_a_follow_up_question_appears_and_disappears_with_htmx(cast: Cast) -> None:
    session = services.triage_start(actor=cast.rita)
    client = client_for(cast.rita)

    yes = client.post(
        questionnaire(session),
        {"shown": ["sensitive_tech"], "q-sensitive_tech": "yes"},
        headers=HTMX,
    )
    no = client.post(
        questionnaire(session),
        {"shown": ["sensitive_tech"], "q-sensitive_tech": "no"},
        headers=HTMX,
    )

    assert yes.status_code == 200
    assert yes.content.decode().startswith('<form id="questionnaire"')  # the form alone
    assert shown(yes.content.decode()) == [*UNCONDITIONAL[:3], "tech_areas", *UNCONDITIONAL[3:]]
    assert 'value="quantum-sensing"' in yes.content.decode()
    assert "Answers saved at" in yes.content.decode()
    assert shown(no.content.decode()) == UNCONDITIONAL


def test_without_javascript_continue_saves_and_the_page_resumes_with_the_answers(
    cast: Cast,
) -> None:
    session = services.triage_start(actor=cast.rita)
    client = client_for(cast.rita)

    response = client.post(
        questionnaire(session),
        {
            "shown": ["activity", "sensitive_tech", "funding"],
            "q-activity": "staff_travel",
            "q-sensitive_tech": "yes",
            "q-funding": "£1,250,000",
            "action": "continue",
        },
    )
    html = client.get(questionnaire(session)).content.decode()

    assert response.status_code == 302
    assert TriageSession.objects.get(pk=session.pk).answers == {
        "activity": "staff_travel",
        "sensitive_tech": True,
        "funding": 1250000,
    }
    assert 'id="q-activity-staff_travel" name="q-activity" value="staff_travel" checked' in html
    assert 'value="1250000"' in html
    assert "tech_areas" in shown(html)


def test_save_and_finish_later_goes_to_my_triage_where_the_draft_resumes(cast: Cast) -> None:
    session = services.triage_start(actor=cast.rita)
    client = client_for(cast.rita)

    response = client.post(
        questionnaire(session), {"shown": ["funding"], "q-funding": "5000", "action": "save"}
    )
    listing = client.get(reverse("triage:session-list")).content.decode()

    assert response["Location"] == reverse("triage:session-list")
    assert f'href="{questionnaire(session)}"' in listing
    assert "Draft: resume" in listing


def test_an_answer_that_cannot_be_read_is_shown_next_to_its_question(cast: Cast) -> None:
    session = services.triage_start(actor=cast.rita)

    response = client_for(cast.rita).post(
        questionnaire(session), {"shown": ["funding"], "q-funding": "a lot"}, headers=HTMX
    )

    # the engine's words, as the API and the CLI give them: the form does not judge answers
    html = response.content.decode()
    problem = "amount question expects a number, zero or more"
    assert response.status_code == 200
    assert f'<p class="field-error" id="q-funding-error">{problem}</p>' in html
    assert f'href="#q-funding">Funding: {problem}' in html
    assert 'value="a lot"' in html


@pytest.mark.parametrize(
    ("field", "typed", "problem"),
    [
        ("sensitive_tech", "perhaps", "yes_no question expects yes or no (true/false)"),
        ("activity", "no-such-option", "single_choice question expects one of"),
        ("partner_country", "Germany", "country question expects an ISO 3166-1 alpha-2 code"),
        ("funding", "-5", "amount question expects a number, zero or more"),
        ("start_date", "next spring", "date question expects a date (YYYY-MM-DD)"),
        ("partner_name", "x" * 301, "organisation question expects an organisation name of at"),
    ],
)
def test_the_questionnaire_shows_the_engines_verdict_on_each_kind(
    cast: Cast, field: str, typed: str, problem: str
) -> None:
    session = services.triage_start(actor=cast.rita)

    response = client_for(cast.rita).post(
        questionnaire(session), {"shown": [field], f"q-{field}": typed}, headers=HTMX
    )

    assert f'<p class="field-error" id="q-{field}-error">{problem}' in response.content.decode()
    with pytest.raises(services.AnswersIncomplete) as refused:
        services.triage_complete(actor=cast.rita, session=session)
    assert refused.value.errors[field].startswith(problem)


def test_an_answer_the_engine_rejects_is_shown_next_to_its_question(
    cast: Cast, answer: Answer
) -> None:
    session = services.triage_start(actor=cast.rita)
    answer(session, cast.rita, partner_country="not a code")

    html = client_for(cast.rita).get(questionnaire(session)).content.decode()

    assert (
        '<p class="field-error" id="q-partner_country-error">country question expects an ISO '
        "3166-1 alpha-2 code such as CA or GB</p>"
    ) in html


def test_seeing_the_result_with_questions_unanswered_lists_each_of_them(cast: Cast) -> None:
    session = services.triage_start(actor=cast.rita)

    response = client_for(cast.rita).post(
        questionnaire(session), {"shown": ["funding"], "q-funding": "10", "action": "complete"}
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "5 answers need your attention" in html
    assert html.count("Answer this question to see the result.") == 10  # summary and field
    assert TriageSession.objects.get(pk=session.pk).status == "draft"


def _post(client: Client, session: TriageSession, action: str, **answers: str | list[str]) -> str:
    data: dict[str, object] = {"shown": list(answers), "action": action}
    data.update({f"q-{k}": v for k, v in answers.items()})
    response = client.post(questionnaire(session), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return str(response["Location"])


def test_the_result_shows_reasons_contacts_links_legal_basis_notice_and_pack(cast: Cast) -> None:
    session = services.triage_start(actor=cast.rita)
    client = client_for(cast.rita)
    _post(
        client,
        session,
        "continue",
        activity="visiting_researcher",
        partner_country="IR",
        sensitive_tech="yes",
        partner_name="Tehran Example University",
        funding="50000",
        start_date="2027-02-01",
    )
    location = _post(client, session, "complete", tech_areas=["propulsion"])

    html = client.get(location).content.decode()

    assert location == result(session)
    assert "Due diligence: Enhanced due diligence" in html
    assert (
        "Because Partner country IR has a UK sanctions regime; Sensitive technology is yes." in html
    )
    assert "ATAS certificate" in html
    assert "<strong>Notice:</strong> The legal basis of ATAS changed in 2026" in html
    assert "Immigration Rules Appendix ATAS (test data)" in html
    assert "International Office" in html
    assert 'href="mailto:international@uni.example"' in html
    assert 'href="https://guidance.uni.example/atas"' in html
    assert "30 working days" in html
    assert "web-test version 1.0" in html
    assert "<h3>Campuses</h3>" in html  # the mitigation checklist by UUK area
    assert "Propulsion" in html  # the answers, as words


def test_a_verdict_comes_first_on_the_result(
    cast: Cast, completed: Completed, watch_list: str
) -> None:
    session = completed(
        cast.rita, partner_name=LISTED, sensitive_tech=True, tech_areas=["quantum-sensing"]
    )

    html = client_for(cast.rita).get(result(session)).content.decode()

    assert html.index("Cannot go ahead as proposed") < html.index("Due diligence:")


def test_a_researcher_is_told_of_a_possible_match_and_an_officer_sees_the_entry(
    cast: Cast, completed: Completed, watch_list: str
) -> None:
    session = completed(cast.rita, partner_name=LISTED)

    rita = client_for(cast.rita).get(result(session)).content.decode()
    olga = client_for(cast.olga).get(result(session)).content.decode()
    draft = services.triage_start(actor=cast.rita)
    services.triage_answers_save(
        actor=cast.rita, session=draft, answers={"partner_name": LISTED}, questions=["partner_name"]
    )
    form = client_for(cast.rita).get(questionnaire(draft)).content.decode()

    assert "possible match on a watch list; the research security office will review it" in rita
    assert "TT-001" not in rita
    assert "screening found a possible match, which the research security office will" in rita
    assert "Triage test list" not in rita
    assert f"{LISTED} (custom:triage-test:TT-001)" in olga
    assert "Possible match on a watch list." in form
    assert "TT-001" not in form


def test_answers_are_escaped(cast: Cast, completed: Completed) -> None:
    session = completed(cast.rita, partner_name="<script>alert(1)</script>")

    html = client_for(cast.rita).get(result(session)).content.decode()

    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_another_researchers_triage_is_the_same_404_as_a_missing_one(
    cast: Cast, completed: Completed
) -> None:
    draft = services.triage_start(actor=cast.rita)
    done = completed(cast.rita)
    otto = client_for(cast.otto)
    missing = "/triage/00000000-0000-4000-8000-000000000000/"

    responses = [otto.get(questionnaire(draft)), otto.get(result(done)), otto.get(missing)]

    assert [r.status_code for r in responses] == [404, 404, 404]
    assert len({r.content for r in responses}) == 1


def test_the_champion_and_the_auditor_read_a_draft_but_cannot_answer_it(cast: Cast) -> None:
    draft = services.triage_start(actor=cast.rita)

    for user in (cast.cara, cast.aude):
        client = client_for(user)
        page = client.get(questionnaire(draft))
        post = client.post(questionnaire(draft), {"shown": ["funding"], "q-funding": "1"})

        assert page.status_code == 200
        assert '<fieldset class="questions" disabled>' in page.content.decode()
        assert "See what applies" not in page.content.decode()
        assert post.status_code == 403
    assert client_for(cast.chad).get(questionnaire(draft)).status_code == 404  # not his dept


def test_every_post_needs_the_csrf_token(cast: Cast, completed: Completed) -> None:
    draft = services.triage_start(actor=cast.rita)
    done = completed(cast.rita)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.rita)

    statuses = [
        client.post(questionnaire(draft), {"shown": ["funding"], "q-funding": "1"}).status_code,
        client.post(reverse("triage:session-create")).status_code,
        client.post(reverse("triage:session-reopen", args=[done.public_id])).status_code,
    ]

    assert statuses == [403, 403, 403]


def test_attach_to_engagement_is_offered_to_the_owner_and_audited(
    cast: Cast, completed: Completed
) -> None:
    session = completed(cast.rita)
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields())
    client = client_for(cast.rita)
    page = client.get(result(session)).content.decode()

    response = client.post(
        reverse("triage:session-attach", args=[session.public_id]),
        {"engagement": str(engagement.public_id)},
    )

    assert "Attach to engagement" in page
    assert response["Location"] == result(session)
    assert TriageSession.objects.get(pk=session.pk).engagement == engagement
    assert AuditEvent.objects.filter(action="trustdesk.triage.attached").count() == 1
    assert "Attach to engagement" not in client.get(result(session)).content.decode()


def test_the_engagement_page_shows_the_latest_result_and_starts_a_prefilled_triage(
    cast: Cast, completed: Completed
) -> None:
    engagement = case_services.engagement_create(actor=cast.rita, fields=fields(countries=["FR"]))
    client = client_for(cast.rita)
    before = client.get(engagement.get_absolute_url()).content.decode()

    started = client.post(reverse("triage:session-start", args=[engagement.public_id]))
    session = TriageSession.objects.get(engagement=engagement)
    services.triage_answers_save(
        actor=cast.rita, session=session, answers=TYPICAL, questions=TYPICAL
    )
    services.triage_complete(actor=cast.rita, session=session)
    after = client.get(engagement.get_absolute_url()).content.decode()

    assert "No triage has been completed for this engagement yet." in before
    assert ">Check what applies</button>" in before
    assert started["Location"] == questionnaire(session)
    assert session.answers["partner_country"] == "FR"
    assert "<dt>Due diligence</dt><dd>Basic</dd>" in after
    assert f'href="{result(session)}"' in after
    assert "Triage completed" in after  # on the engagement's timeline


def test_an_officer_re_runs_from_the_result_and_a_researcher_may_not(
    cast: Cast, completed: Completed
) -> None:
    session = completed(cast.rita)
    rerun = reverse("triage:session-rerun", args=[session.public_id])

    officer = client_for(cast.olga)
    page = officer.get(result(session)).content.decode()
    refused = client_for(cast.rita).post(rerun)
    done = officer.post(rerun)

    assert "Re-run with current lists and policy" in page
    assert refused.status_code == 403
    assert done["Location"] == result(session)
    assert AuditEvent.objects.filter(action="trustdesk.triage.rerun").count() == 1


def test_a_pack_that_cannot_be_loaded_says_so(cast: Cast, settings: object) -> None:
    settings.TRUSTDESK_POLICY_PACK = "no-such-pack"  # type: ignore[attr-defined]

    response = client_for(cast.rita).post(reverse("triage:session-create"))

    assert response.status_code == 503
    assert "The policy pack &#x27;no-such-pack&#x27; (TRUSTDESK_POLICY_PACK) cannot be loaded" in (
        response.content.decode()
    )


def test_the_result_names_the_lists_the_answers_were_screened_against(
    cast: Cast, completed: Completed, watch_list: str
) -> None:
    session = completed(cast.rita, partner_name=LISTED)

    html = client_for(cast.rita).get(result(session)).content.decode()

    assert "Sanctions were not checked: no sanctions list is loaded." in html
    assert f"Lists consulted: {watch_list} (snapshot " in html
