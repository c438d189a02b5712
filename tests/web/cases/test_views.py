"""Engagement pages: every URL × every role, the same 404 outside scope, and what the pages show."""

from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.web.cases.conftest import EVERYONE, REVIEW_DATE, Advance, Cast, fields
from trustdesk.web.cases import services
from trustdesk.web.cases.models import Engagement

Status = Engagement.Status

pytestmark = pytest.mark.django_db

OUTSIDERS = {"chad", "otto"}  # champion of another department; unrelated researcher
IN_SCOPE = set(EVERYONE) - OUTSIDERS


def _as(cast: Cast, who: str) -> Client:
    client = Client()
    client.force_login(cast.by_name(who))
    return client


def _page(response: object) -> str:
    return " ".join(response.content.decode().split())  # type: ignore[attr-defined]


def _expect(allowed: set[str], *, ok: int = 302) -> dict[str, int]:
    """The status each of the cast gets: `ok` if allowed, 404 out of scope, 403 otherwise."""
    return {who: ok if who in allowed else 404 if who in OUTSIDERS else 403 for who in EVERYONE}


DECIDE = {"outcome": "approve", "reason": "Low risk", "review_date": REVIEW_DATE.isoformat()}
# Each engagement URL: name, method, the status the engagement is in, POST data, who may.
MATRIX = [
    ("engagement-detail", "get", Status.DRAFT, None, _expect(IN_SCOPE, ok=200)),
    (
        "engagement-edit",
        "get",
        Status.DRAFT,
        None,
        _expect({"rita", "tom", "cara", "olga"}, ok=200),
    ),
    ("engagement-edit", "get", Status.IN_REVIEW, None, _expect({"olga"}, ok=200)),
    ("engagement-submit", "post", Status.DRAFT, {}, _expect({"rita"})),
    ("engagement-withdraw", "post", Status.SUBMITTED, {}, _expect({"rita"})),
    ("engagement-review-start", "post", Status.SUBMITTED, {}, _expect({"olga"})),
    ("engagement-activate", "post", Status.DECIDED, {}, _expect({"olga"})),
    ("engagement-close", "post", Status.ACTIVE, {"reason": "Finished"}, _expect({"olga"})),
]


@pytest.mark.parametrize(("name", "method", "status", "data", "expected"), MATRIX)
@pytest.mark.parametrize("who", EVERYONE)
def test_permission_matrix_for_one_engagement(
    cast: Cast,
    advance: Advance,
    name: str,
    method: str,
    status: Status,
    data: dict[str, str] | None,
    expected: dict[str, int],
    who: str,
) -> None:
    engagement = advance(status)
    url = reverse(f"cases:{name}", kwargs={"public_id": engagement.public_id})

    response = getattr(_as(cast, who), method)(url, data)

    assert response.status_code == expected[who]
    if response.status_code == 302:
        assert response["Location"] == engagement.get_absolute_url()
        assert Engagement.objects.get(pk=engagement.pk).status != status


@pytest.mark.parametrize(
    ("name", "allowed"),
    [
        ("engagement-list", set(EVERYONE)),
        ("engagement-create", {"rita", "tom", "cara", "chad", "otto", "olga"}),
    ],
)
@pytest.mark.parametrize("who", EVERYONE)
def test_permission_matrix_for_pages_without_an_engagement(
    cast: Cast, name: str, allowed: set[str], who: str
) -> None:
    response = _as(cast, who).get(reverse(f"cases:{name}"))

    assert response.status_code == (200 if who in allowed else 403)


@pytest.mark.parametrize(
    "name",
    [
        "engagement-detail",
        "engagement-edit",
        "engagement-submit",
        "engagement-close",
    ],
)
def test_out_of_scope_is_the_same_404_as_missing(cast: Cast, advance: Advance, name: str) -> None:
    engagement = advance(Status.DRAFT)
    otto = _as(cast, "otto")
    method = otto.get if name in {"engagement-detail", "engagement-edit"} else otto.post

    unseen = method(reverse(f"cases:{name}", kwargs={"public_id": engagement.public_id}))
    missing = method(reverse(f"cases:{name}", kwargs={"public_id": uuid.uuid4()}))

    assert (unseen.status_code, missing.status_code) == (404, 404)
    assert unseen.content == missing.content


def test_anonymous_visitors_are_sent_to_sign_in(advance: Advance) -> None:
    engagement = advance(Status.DRAFT)

    response = Client().get(engagement.get_absolute_url())

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/engagements/")


def test_transitions_accept_only_post(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.DRAFT)
    url = reverse("cases:engagement-submit", kwargs={"public_id": engagement.public_id})

    assert _as(cast, "rita").get(url).status_code == 405


def test_a_transition_needs_the_csrf_token(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.DRAFT)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.rita)

    response = client.post(
        reverse("cases:engagement-submit", kwargs={"public_id": engagement.public_id})
    )

    assert response.status_code == 403
    assert Engagement.objects.get(pk=engagement.pk).status == Status.DRAFT


def test_the_list_shows_each_reader_their_scope(cast: Cast, advance: Advance) -> None:
    advance(Status.DRAFT)  # Rita's, Tom on the team, Physics
    services.engagement_create(actor=cast.otto, fields=fields(title="Otto's trip"))

    def titles(who: str) -> list[str]:
        page = _as(cast, who).get(reverse("cases:engagement-list")).content.decode()
        return re.findall(r'<a href="/engagements/[0-9a-f-]+/">([^<]+)</a>', page)

    assert titles("rita") == ["Quantum sensing with Example University"]
    assert titles("tom") == ["Quantum sensing with Example University"]
    assert titles("cara") == ["Quantum sensing with Example University"]
    assert titles("chad") == ["Otto&#x27;s trip"]
    assert titles("otto") == ["Otto&#x27;s trip"]
    assert sorted(titles("aude")) == ["Otto&#x27;s trip", "Quantum sensing with Example University"]


def test_the_list_filters_by_status_kind_department_and_text(cast: Cast, advance: Advance) -> None:
    advance(Status.SUBMITTED)
    services.engagement_create(
        actor=cast.otto,
        fields=fields(title="Summer school", kind=Engagement.Kind.EVENT, research_areas=["optics"]),
    )
    client = _as(cast, "olga")

    def titles(**query: str) -> list[str]:
        page = client.get(reverse("cases:engagement-list"), query).content.decode()
        return re.findall(r'<a href="/engagements/[0-9a-f-]+/">([^<]+)</a>', page)

    assert titles(status="submitted") == ["Quantum sensing with Example University"]
    assert titles(kind="event") == ["Summer school"]
    assert titles(department=str(cast.chemistry.public_id)) == ["Summer school"]
    assert titles(q="OPTICS school") == ["Summer school"]
    assert titles(q="nothing-like-this") == []
    assert titles(status="not-a-status") == [
        "Summer school",
        "Quantum sensing with Example University",
    ]


def test_the_list_pages_through_many_engagements(cast: Cast) -> None:
    for n in range(27):
        services.engagement_create(actor=cast.rita, fields=fields(title=f"Visit {n:02}"))
    client = _as(cast, "rita")

    first = _page(client.get(reverse("cases:engagement-list"), {"kind": "research_collaboration"}))
    second = _page(
        client.get(
            reverse("cases:engagement-list"), {"kind": "research_collaboration", "page": "2"}
        )
    )

    assert "27 engagements, page 1 of 2." in first
    assert 'href="?kind=research_collaboration&amp;page=2" rel="next">Next page</a>' in first
    assert len(re.findall(r'<a href="/engagements/[0-9a-f-]+/">', second)) == 2


def test_an_htmx_request_gets_only_the_results(cast: Cast, advance: Advance) -> None:
    advance(Status.DRAFT)
    client = _as(cast, "rita")

    fragment = client.get(reverse("cases:engagement-list"), headers={"HX-Request": "true"})
    full = client.get(reverse("cases:engagement-list"))

    assert fragment.content.decode().lstrip().startswith('<section id="engagement-results"')
    assert "<html" not in fragment.content.decode()
    assert '<section id="engagement-results"' in full.content.decode()
    assert "<html" in full.content.decode()


def test_the_detail_page_shows_the_case_and_its_timeline(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.CLOSED, tier="enhanced")

    page = _page(_as(cast, "aude").get(engagement.get_absolute_url()))

    assert "<dt>Countries</dt><dd>Germany (DE), Japan (JP)</dd>" in page
    assert "<dt>Funding</dt><dd>GBP 125,000.00 from Horizon Europe</dd>" in page
    assert "<dt>Team</dt><dd>Tom Tester</dd>" in page
    timeline = re.findall(r"<strong>([^<]+)</strong>( \([^)]*\))? by ([^<]+?)(?:<br>| </li>)", page)
    assert [(label, change, actor) for label, change, actor in timeline] == [
        ("Engagement proposed", "", "Rita Tester (rita)"),
        ("Triage started", "", "Rita Tester (rita)"),
        ("Triage completed", "", "Rita Tester (rita)"),
        ("Submitted for review", " (Draft → Submitted)", "Rita Tester (rita)"),
        ("Review started", " (Submitted → In review)", "Olga Tester (olga)"),
        ("Decision recommended", "", "Olga Tester (olga)"),
        ("Decision recorded", " (In review → Decided)", "Alan Tester (alan)"),
        ("Engagement activated", " (Decided → Active)", "Olga Tester (olga)"),
        ("Engagement closed", " (Active → Closed)", "Olga Tester (olga)"),
    ]
    assert "Reason: Low risk" in page
    assert "What you can do" not in page  # the auditor changes nothing


def test_the_detail_page_offers_only_the_actions_the_reader_can_take(
    cast: Cast, advance: Advance
) -> None:
    engagement = advance(Status.DRAFT)

    rita = _page(_as(cast, "rita").get(engagement.get_absolute_url()))
    tom = _page(_as(cast, "tom").get(engagement.get_absolute_url()))

    assert "Submit for review</button>" in rita
    assert "Edit details</a>" in rita
    assert "Submit for review</button>" not in tom
    assert "Edit details</a>" in tom
    assert 'name="csrfmiddlewaretoken"' in rita


def test_user_text_is_escaped(cast: Cast) -> None:
    engagement = services.engagement_create(
        actor=cast.rita, fields=fields(title="<script>alert(1)</script>", summary="<b>x</b>")
    )

    page = _as(cast, "rita").get(engagement.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;b&gt;x&lt;/b&gt;" in page


def test_proposing_through_the_form_saves_a_draft(cast: Cast) -> None:
    client = _as(cast, "rita")

    response = client.post(
        reverse("cases:engagement-create"),
        {
            "title": "Visiting fellow from Example Institute",
            "kind": "visiting_researcher",
            "countries": "Korea, Republic of; fr",
            "research_areas": "photonics\n\nlasers",
            "funding_amount": "1500.50",
            "funding_currency": "eur",
            "team": "TOM\ncara@uni.example",
            "start_date": "2026-09-01",
        },
        follow=True,
    )

    engagement = Engagement.objects.get()
    assert response.redirect_chain == [(engagement.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == ["Engagement saved as a draft."]
    assert (engagement.countries, engagement.research_areas) == (
        ["KR", "FR"],
        ["photonics", "lasers"],
    )
    assert (str(engagement.funding_amount), engagement.funding_currency) == ("1500.50", "EUR")
    assert sorted(u.username for u in engagement.team.all()) == ["cara", "tom"]
    assert engagement.department == cast.physics


def test_the_form_explains_what_it_cannot_take(cast: Cast) -> None:
    response = _as(cast, "rita").post(
        reverse("cases:engagement-create"),
        {
            "title": "",
            "kind": "research_collaboration",
            "countries": "Narnia",
            "funding_amount": "10",
            "funding_currency": "ZZZ",
            "team": "nobody-here",
        },
    )

    page = _page(response)
    assert response.status_code == 200
    assert "This field is required." in page
    assert "&#x27;Narnia&#x27; is not a country in ISO 3166-1" in page
    assert "&#x27;ZZZ&#x27; is not an ISO 4217 currency code" in page
    assert "No active account has the username or e-mail nobody-here." in page
    assert 'aria-invalid="true"' in page
    assert not Engagement.objects.exists()


def test_the_service_refusal_lands_on_the_form(cast: Cast) -> None:
    response = _as(cast, "rita").post(
        reverse("cases:engagement-create"),
        {"title": "Trip", "kind": "staff_travel", "funding_amount": "10"},
    )

    assert "Give the currency of the amount." in _page(response)
    assert not Engagement.objects.exists()


def test_editing_prefills_and_saves_changes(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.DRAFT)
    url = reverse("cases:engagement-edit", kwargs={"public_id": engagement.public_id})
    client = _as(cast, "rita")

    form = _page(client.get(url))
    client.post(url, {"title": "Renamed", "kind": "licensing", "team": "tom"})

    assert 'value="Quantum sensing with Example University"' in form
    assert 'value="DE, JP"' in form
    engagement.refresh_from_db()
    assert (engagement.title, engagement.kind, engagement.countries) == ("Renamed", "licensing", [])


def test_a_refused_transition_says_why_on_the_page(cast: Cast) -> None:
    engagement = services.engagement_create(actor=cast.rita, fields=fields())
    client = _as(cast, "rita")
    services.engagement_submit(actor=cast.rita, engagement=engagement)

    response = client.post(
        reverse("cases:engagement-submit", kwargs={"public_id": engagement.public_id}), follow=True
    )

    assert [str(m) for m in response.context["messages"]] == [
        'Cannot submit this engagement while its status is "Submitted".'
    ]


def test_a_whole_life_cycle_through_the_pages(cast: Cast) -> None:
    rita, olga = _as(cast, "rita"), _as(cast, "olga")
    rita.post(
        reverse("cases:engagement-create"), {"title": "Donation", "kind": "donation_or_funding"}
    )
    engagement = Engagement.objects.get()
    factories.complete_triage(engagement, cast.rita, "enhanced")

    def post(client: Client, name: str, data: dict[str, str] | None = None) -> None:
        app = "decisions" if name.startswith(("recommendation", "decision")) else "cases"
        url = reverse(f"{app}:{name}", kwargs={"public_id": engagement.public_id})
        assert client.post(url, data or {}).status_code == 302

    post(rita, "engagement-submit")
    post(olga, "engagement-review-start")
    post(olga, "recommendation-make", DECIDE)
    post(_as(cast, "alan"), "decision-make", DECIDE)
    post(olga, "engagement-activate")
    post(olga, "engagement-close", {"reason": "Gift received"})

    engagement.refresh_from_db()
    assert (engagement.status, engagement.decided_by) == (Status.CLOSED, cast.alan)


def test_a_closed_engagement_offers_no_edit_form(cast: Cast, advance: Advance) -> None:
    engagement = advance(Status.CLOSED)
    url = reverse("cases:engagement-edit", kwargs={"public_id": engagement.public_id})

    response = _as(cast, "olga").get(url, follow=True)

    assert response.redirect_chain == [(engagement.get_absolute_url(), 302)]
    assert [str(m) for m in response.context["messages"]] == [
        "A closed engagement cannot be edited."
    ]
    assert "Edit details</a>" not in _page(response)
