"""Pages through the Django client, for every role: who sees what, and what the forms do."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import pytest
from django.test import Client

from tests.factories import make_organisation
from tests.web.partners.conftest import MakeUser, OnCommit
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.partners import services
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun
from trustdesk.web.partners.services import PersonInput

pytestmark = pytest.mark.django_db


@dataclass
class World:
    users: dict[str, User]
    org: Organisation
    person: Person


Role = User.Role


def _client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(
    make_user: MakeUser, physics: Department, django_capture_on_commit_callbacks: OnCommit
) -> World:
    """One user per role (all in Chemistry but one researcher), an organisation and a person."""
    users = {role.value: make_user(role.value, role) for role in Role}
    users["outsider"] = make_user("outsider", Role.RESEARCHER, department=physics)
    users["physics_champion"] = make_user("pchamp", Role.CHAMPION, department=physics)
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(users["researcher"], "Beihang University")
        person = services.person_create(
            actor=users["researcher"], data=PersonInput(name="Ann Lee", affiliations=[org])
        )
    return World(users, org, person)


def _url(route: str, world: World) -> str:
    org, person = world.org, world.person
    hit = ScreeningHit.objects.filter(run__organisation=org).first()
    assert hit is not None
    return route.format(org=org.public_id, person=person.public_id, hit=hit.public_id)


# The permission matrix: GET status per role. Researchers and champions propose partners,
# officers also screen, merge and adjudicate; approvers, auditors and admins read only; the
# senior owner reads figures, never a partner record.
READ_ALL = {r.value: 200 for r in Role} | {"senior_owner": 403}
PROPOSERS = {
    "researcher": 200,
    "champion": 200,
    "officer": 200,
    "approver": 403,
    "auditor": 403,
    "admin": 403,
    "senior_owner": 403,
}
MERGERS = {
    "researcher": 403,
    "champion": 403,
    "officer": 200,
    "approver": 403,
    "auditor": 403,
    "admin": 403,
    "senior_owner": 404,  # no partner record is in their scope: a missing one
}
EDITORS = PROPOSERS | {"senior_owner": 404}
MATRIX = [
    ("/partners/organisations/", READ_ALL),
    ("/partners/organisations/{org}/", READ_ALL),
    ("/partners/organisations/{org}/screening/", READ_ALL),
    ("/partners/organisations/new/", PROPOSERS),
    ("/partners/organisations/{org}/edit/", EDITORS),
    ("/partners/organisations/{org}/merge/", MERGERS),
    ("/partners/people/", READ_ALL),
    ("/partners/people/{person}/", READ_ALL),
    ("/partners/people/new/", PROPOSERS),
    ("/partners/people/{person}/edit/", EDITORS),
    ("/partners/people/{person}/merge/", MERGERS),
]


@pytest.mark.usefixtures("shipped_lists")
@pytest.mark.parametrize(("route", "expected"), MATRIX)
def test_permission_matrix(route: str, expected: dict[str, int], world: World) -> None:
    users = world.users
    url = _url(route, world)
    got = {role: _client(users[role]).get(url).status_code for role in expected}
    assert got == expected
    anonymous = Client().get(url)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.usefixtures("shipped_lists")
def test_a_person_out_of_scope_is_the_same_404_as_a_missing_one(world: World) -> None:
    users = world.users
    url = _url("/partners/people/{person}/", world)
    hit_run = ScreeningRun.objects.filter(person=world.person).get()
    person_hit_url = f"/partners/hits/{uuid.uuid4()}/adjudicate/"

    outsider = _client(users["outsider"])
    missing = outsider.get(f"/partners/people/{uuid.uuid4()}/")
    hidden = outsider.get(url)
    assert (hidden.status_code, missing.status_code) == (404, 404)
    assert hidden.content == missing.content
    assert _client(users["physics_champion"]).get(url).status_code == 404
    assert _client(users["champion"]).get(url).status_code == 200  # same department
    assert outsider.get(url + "edit/").status_code == 404
    assert outsider.get(url + "screening/").status_code == 404
    assert outsider.post(person_hit_url, {"verdict": "confirmed", "reason": "x"}).status_code == 404
    assert "Ann Lee" not in outsider.get("/partners/people/?q=ann").content.decode()
    assert hit_run.status == "completed"


@pytest.mark.usefixtures("shipped_lists")
def test_the_detail_page_shows_hits_with_explanations_and_only_officers_adjudicate(
    world: World,
) -> None:
    users = world.users
    url = _url("/partners/organisations/{org}/", world)

    # The researcher, who may not read the lists, learns how many matches and how they
    # stand, never which entries or lists (the partner's own name is theirs to see).
    page = _client(users["researcher"]).get(url).content.decode()
    assert "3 possible matches with 1 listed institution." in page
    assert "<li>Not yet adjudicated: 1</li>" in page
    assert "beihang-university" not in page  # no entry id (the lists consulted are coverage)
    assert "ASPI China Defence Universities Tracker" not in page
    assert "Seven sons of national defence" not in page
    assert "Record verdict" not in page
    assert "Screen again" not in page
    assert "Edit details" in page  # the researcher added it

    auditor_page = _client(users["auditor"]).get(url).content.decode()
    assert "aspi-unitracker:beihang-university" in auditor_page  # ids, in the disclosure
    assert "“Beihang University” matched the listed name “Beihang University”" in auditor_page
    assert "all distinctive words agree" in auditor_page

    for role in ("auditor", "approver", "admin"):
        read_only = _client(users[role]).get(url).content.decode()
        assert "Record verdict" not in read_only
        assert "Edit details" not in read_only
        assert "Merge into another record" not in read_only

    officer_page = _client(users["officer"]).get(url).content.decode()
    assert "Record verdict" in officer_page
    assert "csrfmiddlewaretoken" in officer_page
    assert "Screen again" in officer_page
    assert '<label for="reason-' in officer_page


@pytest.mark.usefixtures("shipped_lists")
def test_adjudicating_through_the_page_needs_a_reason(world: World) -> None:
    users = world.users
    url = _url("/partners/hits/{hit}/adjudicate/", world)
    hit = ScreeningHit.objects.get(public_id=url.split("/")[3])

    assert (
        _client(users["researcher"]).post(url, {"verdict": "confirmed", "reason": "x"}).status_code
        == 403
    )
    assert (
        _client(users["auditor"]).post(url, {"verdict": "confirmed", "reason": "x"}).status_code
        == 403
    )
    officer = _client(users["officer"])
    response = officer.post(url, {"verdict": "false_positive", "reason": ""}, follow=True)
    assert "Choose a verdict and give the reason for it." in response.content.decode()
    hit.refresh_from_db()
    assert hit.verdict == "unresolved"

    response = officer.post(url, {"verdict": "confirmed", "reason": "Listed by ASPI"}, follow=True)
    hit.refresh_from_db()
    assert (hit.verdict, hit.verdict_reason) == ("confirmed", "Listed by ASPI")
    assert "Listed by ASPI" in response.content.decode()


@pytest.mark.usefixtures("shipped_lists")
def test_adding_an_organisation_through_the_form_screens_it(
    make_user: MakeUser, django_capture_on_commit_callbacks: OnCommit
) -> None:
    client = _client(make_user("rita"))
    form = client.get("/partners/organisations/new/").content.decode()
    assert 'for="id_name"' in form
    assert "csrfmiddlewaretoken" in form

    bad = client.post(
        "/partners/organisations/new/", {"name": "X", "kind": "university", "ror_id": "052gg0111"}
    )
    assert "check digits do not match" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/partners/organisations/new/",
            {
                "name": "BUAA",
                "aliases": "北京航空航天大学\nBeihang University",
                "kind": "university",
                "country": "CN",
            },
        )
    org = Organisation.objects.get(name="BUAA")
    assert response["Location"] == f"/partners/organisations/{org.public_id}/"
    run = ScreeningRun.objects.get(organisation=org)
    assert run.hits.exists()
    # Search across scripts: the Chinese alias is found through its transliteration.
    link = f'href="/partners/organisations/{org.public_id}/"'
    assert link in client.get("/partners/organisations/?q=Beijinghang").content.decode()
    assert link in client.get("/partners/organisations/?q=北京航空").content.decode()
    assert link not in client.get("/partners/organisations/?q=oxford").content.decode()


def test_everything_shown_is_escaped(
    make_user: MakeUser, django_capture_on_commit_callbacks: OnCommit
) -> None:
    rita = make_user("rita")
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(rita, "<script>alert(1)</script> Ltd")
    page = _client(rita).get(f"/partners/organisations/{org.public_id}/").content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Ltd" in page


def test_a_pending_screening_polls_and_offers_a_reload_link(make_user: MakeUser) -> None:
    rita = make_user("rita")
    org = make_organisation(
        rita, "Northern Widgets"
    )  # not committed: the screening has not run yet
    client = _client(rita)

    page = client.get(f"/partners/organisations/{org.public_id}/").content.decode()
    fragment = client.get(f"/partners/organisations/{org.public_id}/screening/").content.decode()

    assert f'data-poll-url="/partners/organisations/{org.public_id}/screening/"' in page
    assert "reload this page" in page
    assert fragment.lstrip().startswith('<section id="screening"')
    assert "<html" not in fragment


def test_edit_redirects_to_the_detail_and_rescreens(
    make_user: MakeUser, django_capture_on_commit_callbacks: OnCommit
) -> None:
    rita = make_user("rita")
    org = make_organisation(rita, "Northern Widgets")
    client = _client(rita)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/partners/organisations/{org.public_id}/edit/",
            {"name": "Northern Widgets Ltd", "kind": "company"},
        )

    assert response.status_code == 302
    assert ScreeningRun.objects.filter(organisation=org, trigger="renamed").exists()
    assert (
        _client(make_user("ravi")).get(f"/partners/organisations/{org.public_id}/edit/").status_code
        == 403
    )


def test_merge_through_the_page_and_the_old_address_redirects(
    make_user: MakeUser, django_capture_on_commit_callbacks: OnCommit
) -> None:
    rita, olga = make_user("rita"), make_user("olga", Role.OFFICER)
    keep = make_organisation(rita, "University of Oxford", ror_id="052gg0110")
    dup = make_organisation(rita, "Oxford Univ.")
    client = _client(olga)
    merge_url = f"/partners/organisations/{dup.public_id}/merge/"

    page = client.get(merge_url + "?q=oxford").content.decode()
    assert f'value="{keep.public_id}"' in page
    assert f'value="{dup.public_id}"' not in page
    missing_reason = client.post(
        merge_url + "?q=oxford", {"into": str(keep.public_id), "reason": ""}
    )
    assert missing_reason.status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            merge_url, {"into": str(keep.public_id), "reason": "Same university"}
        )
    assert response["Location"] == f"/partners/organisations/{keep.public_id}/"

    old = client.get(f"/partners/organisations/{dup.public_id}/")
    assert old.status_code == 302
    assert old["Location"] == f"/partners/organisations/{keep.public_id}/"
    assert "Oxford Univ." in client.get(old["Location"]).content.decode()  # now an alias
    assert client.get(f"/partners/organisations/{dup.public_id}/edit/").status_code == 404
    assert "Oxford Univ.</a>" not in client.get("/partners/organisations/").content.decode()


def test_the_old_address_of_a_person_merged_out_of_scope_names_no_kept_record(
    make_user: MakeUser, physics: Department
) -> None:
    rita, olga = make_user("rita"), make_user("olga", Role.OFFICER)
    paul = make_user("paul", department=physics)
    dup = services.person_create(actor=rita, data=PersonInput(name="Ann Lee"))
    kept = services.person_create(actor=paul, data=PersonInput(name="Ann Lee-Smith"))
    services.person_merge(actor=olga, duplicate=dup, into=kept, reason="same person")
    client = _client(rita)

    old = client.get(f"/partners/people/{dup.public_id}/", follow=True)

    assert old.redirect_chain == [("/partners/people/", 302)]
    page = old.content.decode()
    assert "Ann Lee was merged into a record you cannot see." in page
    assert "Lee-Smith" not in page
    assert str(kept.public_id) not in page
    for_officer = _client(olga).get(f"/partners/people/{dup.public_id}/")
    assert for_officer["Location"] == f"/partners/people/{kept.public_id}/"


def test_search_finds_by_ror_and_orcid(make_user: MakeUser) -> None:
    rita = make_user("rita")
    make_organisation(rita, "University of Oxford", ror_id="052gg0110")
    services.person_create(
        actor=rita, data=PersonInput(name="Josiah Carberry", orcid="0000-0002-1825-0097")
    )
    client = _client(rita)

    assert (
        "University of Oxford"
        in client.get("/partners/organisations/?q=https://ror.org/052gg0110").content.decode()
    )
    assert (
        "Josiah Carberry" in client.get("/partners/people/?q=0000-0002-1825-0097").content.decode()
    )
    assert "Josiah Carberry" in client.get("/partners/people/?q=carberry").content.decode()


@pytest.mark.usefixtures("shipped_lists")
def test_the_screening_shows_its_coverage_sanctions_not_checked(world: World) -> None:
    url = _url("/partners/organisations/{org}/", world)

    page = _client(world.users["researcher"]).get(url).content.decode()

    assert "Coverage is incomplete.</strong> Sanctions were not checked" in page
    assert "Not checked against (never loaded): uk-sanctions, un-sc, ofac-sdn" in page
    assert "Lists consulted: aspi-unitracker (snapshot " in page


@pytest.mark.usefixtures("shipped_lists")
def test_a_screening_stored_before_coverage_says_it_was_not_recorded(world: World) -> None:
    ScreeningRun.objects.filter(organisation=world.org).update(coverage=None)

    page = _client(world.users["officer"]).get(_url("/partners/organisations/{org}/", world))

    assert "This screening ran before trustdesk recorded coverage" in page.content.decode()


def test_a_name_with_nothing_to_screen_is_refused_by_the_form(make_user: MakeUser) -> None:
    client = _client(make_user("rita"))

    response = client.post("/partners/organisations/new/", {"name": "of the", "kind": "university"})

    assert response.status_code == 200
    assert "it could not be screened" in response.content.decode()
    assert not Organisation.objects.exists()
