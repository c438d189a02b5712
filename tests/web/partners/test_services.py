"""Services: create, edit, merge and adjudicate, with screening through the embedded queue."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from tests.factories import make_organisation
from tests.web.partners.conftest import MakeUser, OnCommit
from trustdesk.screening.matching.model import HitStatus
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.core.audit import verify_chain
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists.models import ListSource
from trustdesk.web.lists.screening import MATCHER_VERSION
from trustdesk.web.partners import services, tasks
from trustdesk.web.partners.models import (
    Affiliation,
    Organisation,
    Person,
    ScreeningHit,
    ScreeningRun,
)
from trustdesk.web.partners.services import OrganisationInput, PersonInput

pytestmark = pytest.mark.django_db
UNIVERSITY = Organisation.Kind.UNIVERSITY


def _actions() -> list[str]:
    events = AuditEvent.objects.exclude(action__startswith="trustdesk.list.")
    return list(events.order_by("sequence").values_list("action", flat=True))


@pytest.mark.usefixtures("shipped_lists")
def test_a_new_organisation_is_screened_with_snapshots_matcher_version_and_explanations(
    researcher: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(researcher, "Beihang University", country="CN", ror_id="00wk2mp56")

    run = ScreeningRun.objects.get(organisation=org)
    assert (run.status, run.trigger, run.names) == ("completed", "created", ["Beihang University"])
    current = {s.key: str(s.current.public_id) for s in ListSource.objects.all() if s.current}
    assert run.snapshots == current
    assert run.matcher_version == MATCHER_VERSION
    assert run.requested_by == f"user:{researcher.public_id}"
    hits = {h.key: h for h in run.hits.all()}
    assert {"aspi-unitracker:beihang-university", "ca-nro:beihang-university"} <= set(hits)
    hit = hits["ca-nro:beihang-university"]
    assert (hit.matched_name, hit.query_name, hit.score) == (
        "Beihang University",
        "Beihang University",
        1.0,
    )
    assert "matched primary name 'Beihang University'" in hit.explanation
    assert hit.features
    assert hit.verdict == HitStatus.UNRESOLVED
    assert run.task_run is not None
    assert TaskRun.objects.get(pk=run.task_run.pk).status == TaskRun.Status.SUCCEEDED
    assert _actions() == ["trustdesk.organisation.created", "trustdesk.screening.completed"]
    assert verify_chain().intact


@pytest.mark.usefixtures("shipped_lists")
def test_every_alias_is_screened_and_a_hit_names_the_alias_that_matched(
    researcher: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(
            researcher, "Acme Aerospace Partner", aliases=["Beihang University", " "]
        )

    assert org.aliases == ["Beihang University"]
    run = ScreeningRun.objects.get(organisation=org)
    assert run.names == ["Acme Aerospace Partner", "Beihang University"]
    assert {h.query_name for h in run.hits.all()} == {"Beihang University"}


@pytest.mark.usefixtures("shipped_lists")
def test_renaming_screens_again_and_other_edits_do_not(
    researcher: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(researcher, "Northern Widgets")
    assert ScreeningRun.objects.get(organisation=org).hits.count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_update(
            actor=researcher,
            organisation=org,
            data=OrganisationInput(
                name="Northern Widgets", kind=UNIVERSITY, website="https://nw.example"
            ),
        )
    assert ScreeningRun.objects.filter(organisation=org).count() == 1

    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_update(
            actor=researcher,
            organisation=org,
            data=OrganisationInput(name="Beihang University", kind=UNIVERSITY),
        )
    latest = ScreeningRun.objects.filter(organisation=org).first()
    assert latest is not None
    assert (latest.trigger, latest.status) == ("renamed", "completed")
    assert latest.hits.filter(source="us-dod-1286").exists()
    event = (
        AuditEvent.objects.filter(action="trustdesk.organisation.updated")
        .order_by("sequence")
        .last()
    )
    assert event is not None
    assert event.data["old"] == {"name": "Northern Widgets", "website": "https://nw.example"}
    assert event.data["new"] == {"name": "Beihang University", "website": ""}


def test_identifiers_are_checked_and_unique(researcher: User) -> None:
    make_organisation(researcher, "University of Oxford", ror_id="https://ror.org/052gg0110")

    with pytest.raises(services.InvalidPartner, match="check digits"):
        make_organisation(researcher, "Typo University", ror_id="052gg0111")
    with pytest.raises(services.DuplicateIdentifier, match="University of Oxford already has"):
        make_organisation(researcher, "Oxford University", ror_id="052gg0110")
    with pytest.raises(services.InvalidPartner, match="country code"):
        make_organisation(researcher, "Nowhere College", country="XX")


def test_a_researcher_edits_only_the_organisations_they_added(make_user: MakeUser) -> None:
    rita, ravi = make_user("rita"), make_user("ravi")
    org = make_organisation(rita, "Northern Widgets", kind=Organisation.Kind.COMPANY)

    with pytest.raises(PermissionDenied):
        services.organisation_update(
            actor=ravi, organisation=org, data=OrganisationInput(name="X", kind="company")
        )
    officer = make_user("olga", User.Role.OFFICER)
    services.organisation_update(
        actor=officer, organisation=org, data=OrganisationInput(name="NW Ltd", kind="company")
    )


def test_a_parent_cannot_be_the_organisation_or_its_descendant(researcher: User) -> None:
    top = make_organisation(researcher, "Top University")
    school = make_organisation(researcher, "School of Engineering", parent=top)

    with pytest.raises(services.InvalidPartner, match="its own parent"):
        services.organisation_update(
            actor=researcher,
            organisation=top,
            data=OrganisationInput(name="Top University", kind=UNIVERSITY, parent=school),
        )


@pytest.mark.usefixtures("shipped_lists")
def test_merge_moves_aliases_people_screenings_and_children_and_leaves_a_tombstone(
    researcher: User, officer: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        keep = make_organisation(researcher, "Beihang University", ror_id="00wk2mp56")
        dup = make_organisation(
            researcher, "BUAA", aliases=["Beijing Univ. of Aero. & Astro."], country="CN"
        )
        lab = make_organisation(researcher, "Beihang Robotics Lab", parent=dup)
        both = services.person_create(
            actor=researcher, data=PersonInput(name="Li Ming", affiliations=[keep, dup])
        )
        one = services.person_create(
            actor=researcher, data=PersonInput(name="Wang Fang", affiliations=[dup])
        )
    dup_run = ScreeningRun.objects.get(organisation=dup)

    with django_capture_on_commit_callbacks(execute=True):
        merged = services.organisation_merge(
            actor=officer, duplicate=dup, into=keep, reason="Same university (BUAA is its acronym)"
        )

    dup.refresh_from_db()
    lab.refresh_from_db()
    assert (dup.merged_into, dup.merged_at is not None) == (keep, True)
    assert merged.aliases == ["BUAA", "Beijing Univ. of Aero. & Astro."]
    assert (merged.country, merged.ror_id) == ("CN", "00wk2mp56")
    assert lab.parent == keep
    assert list(both.affiliations.all()) == [keep]
    assert list(one.affiliations.all()) == [keep]
    assert Affiliation.objects.filter(organisation=dup).count() == 0
    dup_run.refresh_from_db()
    assert dup_run.organisation == keep  # the duplicate's screening and hits came along
    latest = ScreeningRun.objects.filter(organisation=keep).first()
    assert latest is not None
    assert (latest.trigger, latest.status) == ("merged", "completed")
    event = AuditEvent.objects.get(action="trustdesk.organisation.merged")
    assert event.data["reason"] == "Same university (BUAA is its acronym)"
    assert event.data["duplicate"] == {"id": str(dup.public_id), "name": "BUAA"}
    assert event.data["moved"]["partners.screeningrun.organisation"] == 1
    assert event.data["moved"]["partners.organisation.parent"] == 1
    assert verify_chain().intact


def test_merge_needs_an_officer_and_a_reason_and_refuses_different_identifiers(
    researcher: User, officer: User
) -> None:
    a = make_organisation(researcher, "Oxford", ror_id="052gg0110")
    b = make_organisation(researcher, "Cambridge", ror_id="013meh722")
    c = make_organisation(researcher, "Oxon")

    with pytest.raises(PermissionDenied):
        services.organisation_merge(actor=researcher, duplicate=c, into=a, reason="dup")
    with pytest.raises(services.ReasonRequired):
        services.organisation_merge(actor=officer, duplicate=c, into=a, reason="  ")
    with pytest.raises(services.MergeRefused, match="different ROR id"):
        services.organisation_merge(actor=officer, duplicate=b, into=a, reason="dup")
    with pytest.raises(services.MergeRefused, match="into itself"):
        services.organisation_merge(actor=officer, duplicate=a, into=a, reason="dup")
    services.organisation_merge(actor=officer, duplicate=c, into=a, reason="dup")
    with pytest.raises(services.MergedRecord):
        services.organisation_merge(actor=officer, duplicate=c, into=b, reason="dup")
    assert (
        not AuditEvent.objects.filter(action="trustdesk.organisation.merged")
        .exclude(data__reason="dup")
        .exists()
    )


@pytest.mark.usefixtures("shipped_lists")
def test_adjudication_needs_an_officer_and_a_reason_and_is_audited(
    researcher: User, officer: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(researcher, "Beihang University")
    hit = ScreeningHit.objects.filter(run__organisation=org).first()
    assert hit is not None

    with pytest.raises(PermissionDenied):
        services.hit_adjudicate(actor=researcher, hit=hit, verdict="confirmed", reason="listed")
    with pytest.raises(services.ReasonRequired):
        services.hit_adjudicate(actor=officer, hit=hit, verdict="confirmed", reason=" ")
    with pytest.raises(services.InvalidVerdict):
        services.hit_adjudicate(actor=officer, hit=hit, verdict="unresolved", reason="undo")
    services.hit_adjudicate(
        actor=officer, hit=hit, verdict="confirmed", reason="Same institution, same address"
    )

    hit.refresh_from_db()
    assert (hit.verdict, hit.verdict_reason, hit.adjudicated_by) == (
        "confirmed",
        "Same institution, same address",
        officer,
    )
    event = AuditEvent.objects.get(action="trustdesk.screening_hit.adjudicated")
    assert event.actor == officer
    assert event.data["old"] == "unresolved"
    assert event.data["new"] == "confirmed"
    assert event.data["reason"] == "Same institution, same address"
    assert event.data["entry"] == hit.key


@pytest.mark.usefixtures("shipped_lists")
def test_a_person_is_screened_on_names_only_and_nationality_needs_a_reason(
    researcher: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with pytest.raises(services.InvalidPartner, match="which process"):
        services.person_create(actor=researcher, data=PersonInput(name="Ann Lee", nationality="CN"))

    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_create(
            actor=researcher,
            data=PersonInput(
                name="Ann Lee",
                orcid="0000-0002-1825-0097",
                nationality="cn",
                nationality_reason="ATAS application",
            ),
        )

    assert (person.nationality, person.orcid) == ("CN", "0000-0002-1825-0097")
    run = ScreeningRun.objects.get(person=person)
    assert (run.status, run.names) == ("completed", ["Ann Lee"])
    created = AuditEvent.objects.get(action="trustdesk.person.created")
    assert created.data["new"]["nationality"] == "recorded"  # the code itself is not kept
    with pytest.raises(services.DuplicateIdentifier, match="ORCID"):
        services.person_create(
            actor=researcher, data=PersonInput(name="A. Lee", orcid="0000000218250097")
        )


def test_a_clashing_orcid_held_out_of_scope_is_not_named(
    make_user: MakeUser, physics: Department
) -> None:
    paul = make_user("paul", department=physics)
    services.person_create(
        actor=paul, data=PersonInput(name="Ann Lee-Smith", orcid="0000-0002-1825-0097")
    )

    with pytest.raises(services.DuplicateIdentifier) as refused:
        services.person_create(
            actor=make_user("rita"), data=PersonInput(name="A. Lee", orcid="0000000218250097")
        )

    assert str(refused.value) == (
        "A record you cannot see already has this ORCID iD (0000-0002-1825-0097): ask the "
        "research-security team to merge them."
    )


def test_people_merge_within_scope(make_user: MakeUser, officer: User) -> None:
    rita = make_user("rita")
    a = services.person_create(
        actor=rita, data=PersonInput(name="Ann Lee", orcid="0000-0002-1825-0097")
    )
    b = services.person_create(actor=rita, data=PersonInput(name="Lee Ann"))

    with pytest.raises(PermissionDenied):
        services.person_merge(actor=rita, duplicate=b, into=a, reason="same ORCID holder")
    kept = services.person_merge(actor=officer, duplicate=b, into=a, reason="same person")

    b.refresh_from_db()
    assert (kept.aliases, b.merged_into) == (["Lee Ann"], a)


def test_screening_again_needs_the_screen_permission(
    researcher: User, officer: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    org = make_organisation(researcher, "Northern Widgets")

    with pytest.raises(PermissionDenied):
        services.screening_request(actor=researcher, subject=org)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.screening_request(actor=officer, subject=org)

    run.refresh_from_db()
    assert (run.trigger, run.status) == ("requested", "completed")
    assert "trustdesk.screening.requested" in _actions()


def test_a_completed_run_is_not_screened_twice(
    researcher: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(researcher, "Northern Widgets")
    run = ScreeningRun.objects.get(organisation=org)

    again = services.screening_run(run_id=str(run.public_id), actor="task:test")

    assert again.completed_at == run.completed_at
    assert _actions().count("trustdesk.screening.completed") == 1


def test_screenings_of_people_expire_and_those_of_organisations_stay(
    researcher: User, settings: Any, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS = 30
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_create(actor=researcher, data=PersonInput(name="Ann Lee"))
        org = make_organisation(researcher, "Northern Widgets")
    ScreeningRun.objects.update(completed_at=timezone.now() - timedelta(days=31))

    assert services.screening_purge_expired() == 1

    assert not ScreeningRun.objects.filter(person=person).exists()
    assert ScreeningRun.objects.filter(organisation=org).exists()
    assert Person.objects.filter(pk=person.pk).exists()
    event = AuditEvent.objects.get(action="trustdesk.screening.purged")
    assert event.data["runs"] == 1


def test_the_purge_task_runs_on_the_queue(
    researcher: User, settings: Any, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS = 1
    with django_capture_on_commit_callbacks(execute=True):
        services.person_create(actor=researcher, data=PersonInput(name="Ann Lee"))
    ScreeningRun.objects.update(completed_at=timezone.now() - timedelta(days=2))

    with django_capture_on_commit_callbacks(execute=True):
        run = tasks.purge_screenings.enqueue("task:schedule")

    run.refresh_from_db()
    assert (run.status, run.result) == ("succeeded", {"deleted": 1})
