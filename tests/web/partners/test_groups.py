"""Hits grouped by listed institution: the group's details, one verdict for it, by page and API."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from tests.factories import make_organisation
from tests.web.api.conftest import api_client
from tests.web.partners.conftest import MakeUser, OnCommit
from trustdesk.screening.matching import HitStatus
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.partners import grouping, services
from trustdesk.web.partners.models import Organisation, ScreeningHit, ScreeningRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_lists")]

BEIHANG = "aspi-unitracker:beihang-university"  # the group's key: its least entry key
ENTRIES = [BEIHANG, "ca-nro:beihang-university", "us-dod-1286:beihang-university"]
TITLES = {
    "ASPI China Defence Universities Tracker",
    "Named Research Organizations (Canada)",
    "DoD Section 1286 list of foreign institutions engaged in problematic activities",
}
REASON = "Same university on all three lists: the partner is Beihang itself."


@pytest.fixture
def beihang(researcher: User, django_capture_on_commit_callbacks: OnCommit) -> Organisation:
    with django_capture_on_commit_callbacks(execute=True):
        return make_organisation(researcher, "Beihang University")


def _run(org: Organisation) -> ScreeningRun:
    run = ScreeningRun.objects.get(organisation=org)
    assert run.status == ScreeningRun.Status.COMPLETED
    return run


def _verdicts(org: Organisation) -> dict[str, str]:
    return {h.key: h.verdict for h in ScreeningHit.objects.filter(run__organisation=org)}


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_three_lists_are_one_group_with_each_entrys_own_details(beihang: Organisation) -> None:
    (group,) = grouping.screening_groups(_run(beihang))

    assert (group.key, group.name, group.status) == (
        BEIHANG,
        "Beihang University",
        HitStatus.UNRESOLVED,
    )
    assert sorted(h.key for h in group.hits) == ENTRIES
    assert set(group.list_titles) == TITLES
    aspi = next(m.details for m in group.members if m.hit.source == "aspi-unitracker")
    assert (aspi.category_label, aspi.categories) == (
        "Tracker's classification",
        ("Seven sons of national defence",),
    )
    assert aspi.countries == ("China",)
    assert aspi.reason.startswith("Supervising agencies: Ministry of Industry")
    assert aspi.source_url == "https://unitracker.aspi.org.au/universities/beihang-university"


def test_a_group_verdict_adjudicates_every_hit_audited_each_and_once_for_the_group(
    beihang: Organisation, officer: User
) -> None:
    run = _run(beihang)
    before = AuditEvent.objects.count()

    rows = services.hit_group_adjudicate(
        actor=officer, run=run, group=BEIHANG, verdict="confirmed", reason=REASON
    )

    assert sorted(r.key for r in rows) == ENTRIES
    assert _verdicts(beihang) == dict.fromkeys(ENTRIES, "confirmed")
    assert {h.verdict_reason for h in ScreeningHit.objects.filter(run=run)} == {REASON}
    events = list(AuditEvent.objects.order_by("sequence")[before:])
    assert [e.action for e in events] == [
        *["trustdesk.screening_hit.adjudicated"] * 3,
        "trustdesk.screening_hit_group.adjudicated",
    ]
    assert sorted(e.data["entry"] for e in events[:3]) == ENTRIES
    assert {e.data["group"] for e in events[:3]} == {BEIHANG}
    group_event = events[3]
    assert (group_event.target_id, group_event.data["run"]) == (str(run.pk), str(run.public_id))
    assert group_event.data["group"] == BEIHANG
    assert sorted(group_event.data["entries"]) == ENTRIES
    assert group_event.data["old"] == dict.fromkeys(ENTRIES, "unresolved")
    assert group_event.data["reason"] == REASON
    assert grouping.screening_groups(run)[0].status == HitStatus.CONFIRMED


@pytest.mark.parametrize(
    ("group", "verdict", "reason", "error"),
    [
        ("ca-nro:harbin-institute-of-technology", "confirmed", REASON, services.UnknownGroup),
        (BEIHANG, "unresolved", REASON, services.InvalidVerdict),
        (BEIHANG, "confirmed", "   ", services.ReasonRequired),
    ],
)
def test_a_group_verdict_that_cannot_be_given_changes_nothing(
    beihang: Organisation,
    officer: User,
    group: str,
    verdict: str,
    reason: str,
    error: type[Exception],
) -> None:
    before = AuditEvent.objects.count()

    with pytest.raises(error):
        services.hit_group_adjudicate(
            actor=officer, run=_run(beihang), group=group, verdict=verdict, reason=reason
        )

    assert _verdicts(beihang) == dict.fromkeys(ENTRIES, "unresolved")
    assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("role", [User.Role.RESEARCHER, User.Role.AUDITOR, User.Role.APPROVER])
def test_only_those_who_adjudicate_hits_give_a_group_verdict(
    beihang: Organisation, make_user: MakeUser, role: User.Role
) -> None:
    with pytest.raises(PermissionDenied):
        services.hit_group_adjudicate(
            actor=make_user(f"u-{role}", role),
            run=_run(beihang),
            group=BEIHANG,
            verdict="false_positive",
            reason=REASON,
        )

    assert _verdicts(beihang) == dict.fromkeys(ENTRIES, "unresolved")


def test_the_page_shows_one_group_by_list_titles_and_takes_its_verdict(
    beihang: Organisation, officer: User
) -> None:
    url = f"/partners/organisations/{beihang.public_id}/"
    client = _client(officer)

    page = client.get(url).content.decode()

    assert page.count('class="hit-group"') == 1
    assert all(title in page for title in TITLES)
    assert "Tracker&#x27;s classification" in page
    assert "<dd>China</dd>" in page
    assert page.count('name="group"') == 1  # one form for the group
    assert page.count("Record verdict") == 4  # and one per entry, folded away
    action = f"/partners/organisations/{beihang.public_id}/screenings/{_run(beihang).public_id}"
    response = client.post(
        f"{action}/group-adjudicate/",
        {"group": BEIHANG, "verdict": "false_positive", "reason": REASON},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"{url}#group-aspi-unitracker-beihang-university"
    assert "Verdict recorded on Beihang University: 3 list entries." in response.content.decode()
    assert _verdicts(beihang) == dict.fromkeys(ENTRIES, "false_positive")


def test_the_page_refuses_a_group_verdict_to_a_researcher_and_hides_the_entries(
    beihang: Organisation, researcher: User
) -> None:
    client = _client(researcher)
    run = _run(beihang)

    page = client.get(f"/partners/organisations/{beihang.public_id}/").content.decode()
    response = client.post(
        f"/partners/organisations/{beihang.public_id}/screenings/{run.public_id}/group-adjudicate/",
        {"group": BEIHANG, "verdict": "confirmed", "reason": REASON},
    )

    assert response.status_code == 403
    assert [t for t in TITLES if t in page] == []
    assert [k for k in ENTRIES if k in page] == []
    assert 'class="hit-group"' not in page
    assert _verdicts(beihang) == dict.fromkeys(ENTRIES, "unresolved")


def test_the_api_lists_the_groups_and_takes_a_group_verdict(
    beihang: Organisation, officer: User
) -> None:
    api = api_client(officer)
    base = f"/api/organisations/{beihang.public_id}/screenings"
    run = _run(beihang)

    listed = api.get(base).json()["items"][0]["groups"]
    response = api.post(
        f"{base}/{run.public_id}/group-adjudication",
        {"group": BEIHANG, "verdict": "needs_information", "reason": REASON},
    )
    unknown = api.post(
        f"{base}/{run.public_id}/group-adjudication",
        {"group": "un-sc:nobody", "verdict": "confirmed", "reason": REASON},
    )

    assert [(g["key"], sorted(g["entries"]), g["verdict"]) for g in listed] == [
        (BEIHANG, ENTRIES, "unresolved")
    ]
    assert response.status_code == 200
    assert response.json()["group"] == BEIHANG
    assert {h["verdict"] for h in response.json()["hits"]} == {"needs_information"}
    assert (unknown.status_code, unknown.json()["code"]) == (422, "unknown_group")
    assert _verdicts(beihang) == dict.fromkeys(ENTRIES, "needs_information")
