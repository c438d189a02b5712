"""The memory of verdicts: a dismissed match stays dismissed until what it rested on changes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import make_organisation
from tests.web.watch.conftest import ImportList
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.notify.models import Notification
from trustdesk.web.partners import services
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun, VerdictMemory
from trustdesk.web.partners.services import OrganisationInput, PersonInput

pytestmark = pytest.mark.django_db
ROW = "W-1,Northern Example Polytechnic,NEP Institute,organization,CN,Listed 2024\n"


def _latest_hit(org: Any) -> ScreeningHit:
    run = ScreeningRun.objects.filter(organisation=org, status="completed").order_by("-pk")[0]
    return run.hits.get(entry_id="W-1")


def test_a_dismissed_hit_is_carried_over_and_raised_again_when_the_names_change(
    import_list: ImportList,
    researcher: User,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # given a partner whose screening matched a listed entry, dismissed by an officer
    import_list([ROW])
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(researcher, "Northern Example Polytechnic")
    hit = _latest_hit(org)
    services.hit_adjudicate(actor=officer, hit=hit, verdict="false_positive", reason="Other city")
    memory = VerdictMemory.objects.get()
    assert (memory.verdict, memory.subject_names, memory.entry_identity["names"]) == (
        "false_positive",
        ["Northern Example Polytechnic"],
        ["NEP Institute", "Northern Example Polytechnic"],
    )

    # when it is screened again with nothing changed
    with django_capture_on_commit_callbacks(execute=True):
        services.screening_request(actor=officer, subject=org)

    # then the hit is carried over as dismissed, linked to the remembered verdict
    again = _latest_hit(org)
    assert again.pk != hit.pk
    assert (again.verdict, again.verdict_reason, again.memory, again.changes) == (
        "false_positive",
        "Other city",
        memory,
        [],
    )

    # when the partner gains a name, the hit comes back, saying what changed
    data = OrganisationInput(
        name="Northern Example Polytechnic", kind="university", aliases=["NEP"]
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.organisation_update(actor=officer, organisation=org, data=data)
    raised = _latest_hit(org)
    assert raised.verdict == "unresolved"
    assert raised.memory == memory
    assert raised.changes == [{"what": "subject_names", "added": ["NEP"], "removed": []}]


def test_an_entry_whose_names_change_raises_the_hit_again_and_remarks_alone_do_not(
    import_list: ImportList,
    researcher: User,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import_list([ROW])
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(researcher, "Northern Example Polytechnic")
    services.hit_adjudicate(
        actor=officer, hit=_latest_hit(org), verdict="false_positive", reason="Other city"
    )

    # the notes (remarks) change: the delta re-screen carries the verdict over
    import_list([ROW.replace("Listed 2024", "Listed 2024 and renewed 2025")])
    assert _latest_hit(org).verdict == "false_positive"
    assert not Notification.objects.filter(kind=Notification.Kind.LIST_HITS).exists()

    # an alias is added: the hit is raised again, with the new name
    import_list([ROW.replace("NEP Institute", "NEP Institute;NEPI")])
    raised = _latest_hit(org)
    assert raised.verdict == "unresolved"
    assert raised.changes == [{"what": "entry_names", "added": ["NEPI"], "removed": []}]
    told = Notification.objects.get(kind=Notification.Kind.LIST_HITS)
    assert (told.recipient, told.data["partners"]) == (officer, 1)


def test_a_remembered_verdict_on_a_person_expires_with_their_screenings(
    import_list: ImportList,
    researcher: User,
    officer: User,
    settings: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settings.TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS = 30
    import_list(["W-9,Ivan Examplovich Tervolin,,person,RU,Listed\n"])
    with django_capture_on_commit_callbacks(execute=True):
        person = services.person_create(actor=researcher, data=PersonInput(name="Ivan Tervolin"))
    hit = ScreeningHit.objects.get(run__person=person)
    services.hit_adjudicate(actor=officer, hit=hit, verdict="false_positive", reason="Born 1990")
    VerdictMemory.objects.update(decided_at=timezone.now() - timedelta(days=31))
    ScreeningRun.objects.update(completed_at=timezone.now() - timedelta(days=31))

    assert services.screening_purge_expired() == 1

    assert not VerdictMemory.objects.exists()
    event = AuditEvent.objects.get(action="trustdesk.screening.purged")
    assert event.data["verdicts_forgotten"] == 1
