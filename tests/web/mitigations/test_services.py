"""Mitigation services: proposals from the checklist, officers' items, status moves, decision
conditions, overdue flags, notifications and who may do each."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from tests.web.cases.conftest import Cast
from tests.web.mitigations.conftest import Triaged
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.mitigations import permissions, selectors, services
from trustdesk.web.mitigations.models import MitigationItem
from trustdesk.web.notify.models import Notification

Status = MitigationItem.Status
Action = services.StatusAction
TODAY = date(2027, 6, 1)


def _add(
    cast: Cast, engagement: Engagement, title: str = "Sign the end-use undertaking", **kw: object
) -> MitigationItem:
    fields = services.ItemFields(title=title, **kw)  # type: ignore[arg-type]
    return services.mitigation_add(actor=cast.olga, engagement=engagement, fields=fields)


def test_propose_adds_the_items_the_triage_applies_to_the_researcher(
    cast: Cast, triaged: Triaged
) -> None:
    engagement = triaged()

    made = services.mitigation_propose(actor=cast.olga, engagement=engagement)

    [item] = made
    assert (item.checklist_item, item.area, item.source, item.owner) == (
        "travel-device-hygiene",
        "people",
        MitigationItem.Source.PACK,
        cast.rita,
    )
    assert item.title.startswith("Travel with a clean loan laptop and phone")
    assert item.description == (
        "Devices and unpublished research taken abroad can be lost, inspected or copied at borders."
    )
    event = AuditEvent.objects.get(action="trustdesk.mitigation.proposed")
    assert event.actor == cast.olga
    assert event.data["items"][0]["checklist_item"] == "travel-device-hygiene"


def test_propose_is_idempotent_and_never_brings_back_a_removed_item(
    cast: Cast, triaged: Triaged
) -> None:
    engagement = triaged()
    [item] = services.mitigation_propose(actor=cast.olga, engagement=engagement)

    again = services.mitigation_propose(actor=cast.olga, engagement=engagement)
    services.mitigation_remove(actor=cast.olga, item=item, reason="Nobody travels after all")
    after_removal = services.mitigation_propose(actor=cast.olga, engagement=engagement)

    assert (again, after_removal) == ([], [])
    assert MitigationItem.objects.filter(engagement=engagement).count() == 1
    assert list(selectors.item_list(engagement=engagement)) == []
    assert AuditEvent.objects.filter(action="trustdesk.mitigation.proposed").count() == 1


def test_propose_without_a_completed_triage_is_refused(
    cast: Cast, advance: Callable[..., Engagement]
) -> None:
    engagement = advance(Engagement.Status.IN_REVIEW, tier=None)

    with pytest.raises(services.NotChangeable, match="no completed triage"):
        services.mitigation_propose(actor=cast.olga, engagement=engagement)


@pytest.mark.parametrize("who", ["rita", "tom", "cara", "alan", "aude", "ada"])
def test_only_officers_propose_add_and_remove(cast: Cast, triaged: Triaged, who: str) -> None:
    engagement = triaged()
    item = _add(cast, engagement)
    user = cast.by_name(who)

    with pytest.raises(PermissionDenied):
        services.mitigation_propose(actor=user, engagement=engagement)
    with pytest.raises(PermissionDenied):
        services.mitigation_add(
            actor=user, engagement=engagement, fields=services.ItemFields("Anything")
        )
    with pytest.raises(PermissionDenied):
        services.mitigation_remove(actor=user, item=item, reason="No")


def test_officer_adds_and_edits_an_item_and_the_new_owner_is_told(
    cast: Cast, triaged: Triaged, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    engagement = triaged()
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        item = _add(cast, engagement, area="partnerships", due_date=date(2027, 1, 31))
    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        item = services.mitigation_edit(
            actor=cast.olga,
            item=item,
            fields=services.ItemFields(
                "Sign the end-use undertaking", "", "partnerships", cast.tom, date(2027, 2, 28)
            ),
        )

    assert (item.owner, item.due_date, item.source) == (
        cast.tom,
        date(2027, 2, 28),
        MitigationItem.Source.OFFICER,
    )
    told = Notification.objects.filter(kind=Notification.Kind.MITIGATION_ASSIGNED)
    assert sorted((n.recipient.username, n.text) for n in told) == [
        (
            "rita",
            "Olga Tester made you responsible for “Sign the end-use undertaking” on "
            "“Quantum sensing with Example University”.",
        ),
        (
            "tom",
            "Olga Tester made you responsible for “Sign the end-use undertaking” on "
            "“Quantum sensing with Example University”.",
        ),
    ]
    edited = AuditEvent.objects.get(action="trustdesk.mitigation.edited")
    assert edited.data["old"] == {"owner": "rita", "due_date": "2027-01-31"}
    assert edited.data["new"] == {"owner": "tom", "due_date": "2027-02-28"}


def test_an_owner_outside_the_case_and_an_unknown_area_are_refused(
    cast: Cast, triaged: Triaged
) -> None:
    engagement = triaged()

    with pytest.raises(services.ItemInvalid) as refused:
        _add(cast, engagement, owner=cast.otto, area="space")

    assert refused.value.errors == {
        "owner": [services.OWNER_NOT_ON_CASE],
        "area": ["'space' is not a risk area of the policy pack."],
    }


def test_the_owner_starts_and_completes_their_item(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    item = _add(cast, engagement)

    item = services.mitigation_status(actor=cast.rita, item=item, action=Action.START)
    item = services.mitigation_status(
        actor=cast.rita, item=item, action=Action.COMPLETE, note="Signed on 3 March"
    )

    assert (item.status, item.status_note, item.updated_by) == (
        Status.DONE,
        "Signed on 3 March",
        cast.rita,
    )
    event = AuditEvent.objects.get(action="trustdesk.mitigation.completed")
    assert (event.data["from"], event.data["to"], event.data["note"]) == (
        "in_progress",
        "done",
        "Signed on 3 March",
    )


@pytest.mark.parametrize("who", ["tom", "cara", "otto", "alan", "aude"])
def test_others_cannot_move_the_researchers_item(cast: Cast, triaged: Triaged, who: str) -> None:
    item = _add(cast, triaged())

    with pytest.raises(PermissionDenied):
        services.mitigation_status(actor=cast.by_name(who), item=item, action=Action.COMPLETE)


def test_waiving_is_the_officers_and_needs_a_reason(cast: Cast, triaged: Triaged) -> None:
    item = _add(cast, triaged())

    with pytest.raises(PermissionDenied):
        services.mitigation_status(actor=cast.rita, item=item, action=Action.WAIVE, note="No")
    with pytest.raises(services.ItemInvalid, match="reason for waiving"):
        services.mitigation_status(actor=cast.olga, item=item, action=Action.WAIVE)
    item = services.mitigation_status(
        actor=cast.olga, item=item, action=Action.WAIVE, note="Covered by the framework contract"
    )

    assert (item.status, item.status_note) == (Status.WAIVED, "Covered by the framework contract")
    item = services.mitigation_status(actor=cast.olga, item=item, action=Action.REOPEN)
    assert (item.status, item.status_note) == (Status.OPEN, "")


def test_a_done_item_cannot_be_completed_again(cast: Cast, triaged: Triaged) -> None:
    item = _add(cast, triaged())
    item = services.mitigation_status(actor=cast.rita, item=item, action=Action.COMPLETE)

    with pytest.raises(services.InvalidStatusChange, match='whose status is "Done"'):
        services.mitigation_status(actor=cast.rita, item=item, action=Action.COMPLETE)


def test_a_closed_engagements_plan_cannot_change(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    item = _add(cast, engagement)
    case_services.engagement_close(actor=cast.olga, engagement=engagement, reason="Abandoned")

    with pytest.raises(services.NotChangeable, match="closed"):
        services.mitigation_status(actor=cast.rita, item=item, action=Action.COMPLETE)


def test_conditions_become_tracked_items_once(
    cast: Cast, triaged: Triaged, django_capture_on_commit_callbacks: Callable[..., object]
) -> None:
    engagement = triaged()
    conditions = [
        ("Export licence in place before any transfer", date(2027, 3, 1)),
        ("Quarterly report to the research security office", None),
    ]

    with django_capture_on_commit_callbacks(execute=True):  # type: ignore[operator]
        made = services.mitigations_from_conditions(
            actor=cast.alan, engagement=engagement, conditions=conditions
        )
    again = services.mitigations_from_conditions(
        actor=cast.olga, engagement=engagement, conditions=conditions[:1]
    )

    assert [(i.title, i.due_date, i.source, i.owner) for i in made] == [
        ("Export licence in place before any transfer", date(2027, 3, 1), "condition", cast.rita),
        ("Quarterly report to the research security office", None, "condition", cast.rita),
    ]
    assert again == []
    told = Notification.objects.get(kind=Notification.Kind.MITIGATION_ASSIGNED)
    assert told.text == (
        "Alan Tester made you responsible for 2 mitigations on "
        "“Quantum sensing with Example University”."
    )


@pytest.mark.parametrize("who", ["rita", "cara", "aude", "ada"])
def test_only_deciders_record_conditions(cast: Cast, triaged: Triaged, who: str) -> None:
    with pytest.raises(PermissionDenied):
        services.mitigations_from_conditions(
            actor=cast.by_name(who), engagement=triaged(), conditions=[("Anything", None)]
        )


def test_overdue_items_are_past_due_not_done_and_in_the_readers_scope(
    cast: Cast, triaged: Triaged
) -> None:
    engagement = triaged()
    late = _add(cast, engagement, "Late", due_date=date(2027, 5, 31))
    _add(cast, engagement, "Due today", due_date=TODAY)
    _add(cast, engagement, "Undated")
    done = _add(cast, engagement, "Done late", due_date=date(2027, 1, 1))
    services.mitigation_status(actor=cast.rita, item=done, action=Action.COMPLETE)
    removed = _add(cast, engagement, "Removed", due_date=date(2027, 1, 1))
    services.mitigation_remove(actor=cast.olga, item=removed, reason="Duplicate")

    assert list(selectors.overdue_items(cast.rita, today=TODAY)) == [late]
    assert list(selectors.overdue_items(cast.olga, today=TODAY)) == [late]
    assert list(selectors.overdue_items(cast.tom, today=TODAY)) == [late]  # on the team
    assert list(selectors.overdue_items(cast.otto, today=TODAY)) == []
    assert list(selectors.overdue_items(cast.chad, today=TODAY)) == []
    assert selectors.overdue_counts(engagement_ids=[engagement.pk], today=TODAY) == {
        engagement.pk: 1
    }
    assert selectors.has_overdue(engagement=engagement, today=TODAY)
    assert not selectors.has_overdue(engagement=engagement, today=date(2027, 5, 31))


def test_items_to_do_are_the_users_own_open_items(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    mine = _add(cast, engagement, "Mine")
    _add(cast, engagement, "Tom's", owner=cast.tom)

    assert list(selectors.items_to_do(cast.rita)) == [mine]
    assert not permissions.can_progress_item(cast.tom, mine)


def test_the_pages_access_summary_agrees_with_each_rule(cast: Cast, triaged: Triaged) -> None:
    engagement = triaged()
    items = [_add(cast, engagement, "Rita's"), _add(cast, engagement, "Tom's", owner=cast.tom)]

    for name in ["rita", "tom", "cara", "chad", "olga", "alan", "aude", "ada", "otto"]:
        user = cast.by_name(name)
        access = permissions.access_for(user, engagement)
        for item in items:
            assert access.progresses(item) == permissions.can_progress_item(user, item), name
            assert access.evidences(item) == permissions.can_add_evidence(user, item), name
        assert access.manages == permissions.can_manage_plan(user, engagement), name
