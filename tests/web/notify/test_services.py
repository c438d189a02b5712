"""Who is told what, and when: notifications from the engagement services, e-mail and the digest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.core import mail
from django.db import transaction

from tests.web.cases.conftest import REVIEW_DUE_NOW
from trustdesk.web.cases import services as cases
from trustdesk.web.cases.models import Engagement
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.notify import services
from trustdesk.web.notify.models import Notification, Preference
from trustdesk.web.schedule import services as schedule
from trustdesk.web.schedule.table import job_get

from .conftest import Advance, Cast

Status = Engagement.Status
Kind = Notification.Kind
Capture = Any  # pytest-django's django_capture_on_commit_callbacks


def _told(kind: str) -> dict[str, str]:
    return dict(Notification.objects.filter(kind=kind).values_list("recipient__username", "text"))


def test_a_submitted_case_is_told_to_the_officers_once_it_commits(
    cast: Cast, advance: Advance, django_capture_on_commit_callbacks: Capture
) -> None:
    draft = advance(Status.DRAFT)
    with django_capture_on_commit_callbacks(execute=True):
        cases.engagement_submit(actor=cast.rita, engagement=draft)

    assert _told(Kind.SUBMITTED) == {"olga": f"Rita Tester submitted “{draft.title}” for review."}
    note = Notification.objects.get()
    assert note.engagement == draft
    assert note.data == {"title": draft.title, "actor": "Rita Tester"}
    assert note.read_at is None
    assert note.emailed_at is None


def test_nobody_is_told_of_a_submission_a_rollback_undid(
    cast: Cast, advance: Advance, django_capture_on_commit_callbacks: Capture
) -> None:
    draft = advance(Status.DRAFT)

    def failing_request() -> None:
        with transaction.atomic():
            cases.engagement_submit(actor=cast.rita, engagement=draft)
            raise RuntimeError("the request failed after the service")

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        failing_request()

    assert not Notification.objects.exists()


def test_a_decision_is_told_to_the_owner_and_team_but_not_the_officer_who_made_it(
    cast: Cast, advance: Advance, django_capture_on_commit_callbacks: Capture
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        decided = advance(Status.DECIDED)

    text = f"A decision was recorded on “{decided.title}” (decision: approve)."
    assert _told(Kind.DECIDED) == {"rita": text, "tom": text}


def test_a_review_falling_due_is_told_to_the_owner_team_and_officers(
    cast: Cast, advance: Advance, django_capture_on_commit_callbacks: Capture
) -> None:
    active = advance(Status.ACTIVE)
    with django_capture_on_commit_callbacks(execute=True):
        cases.engagement_mark_review_due(now=REVIEW_DUE_NOW)

    text = f"“{active.title}” is due for its periodic review (review date 2027-03-01)."
    assert _told(Kind.REVIEW_DUE) == {"rita": text, "tom": text, "olga": text}
    assert Notification.objects.filter(kind=Kind.REVIEW_DUE).first().data["actor"] == "trustdesk"  # type: ignore[union-attr]


def test_immediate_email_goes_through_the_task_queue_with_only_the_notification_id(
    cast: Cast, advance: Advance, django_capture_on_commit_callbacks: Capture, mail_on: None
) -> None:
    services.preference_set(actor=cast.tom, delivery=Preference.Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        decided = advance(Status.DECIDED)

    # Olga was told of the submission, Rita of the decision; Tom waits for his digest.
    assert sorted(m.to[0] for m in mail.outbox) == ["olga@uni.example", "rita@uni.example"]
    to_rita = next(m for m in mail.outbox if m.to == ["rita@uni.example"])
    assert (
        to_rita.subject
        == f"trustdesk: A decision was recorded on “{decided.title}” (decision: approve)."
    )
    assert f"/engagements/{decided.public_id}/" in to_rita.body
    runs = TaskRun.objects.filter(task=services.SEND_TASK)
    assert runs.count() == 2
    for run in runs:
        assert set(run.arguments) == {"notification_id"}
        assert run.status == TaskRun.Status.SUCCEEDED
    assert Notification.objects.get(recipient=cast.tom).emailed_at is None
    assert Notification.objects.get(recipient=cast.rita, kind=Kind.DECIDED).emailed_at is not None

    # A redelivered run finds it sent and sends nothing more.
    note = Notification.objects.get(recipient=cast.rita, kind=Kind.DECIDED)
    assert services.notification_send(public_id=note.public_id) is False
    assert len(mail.outbox) == 2


def test_without_an_email_host_notifications_stay_in_the_app(
    cast: Cast, advance: Advance, django_capture_on_commit_callbacks: Capture, settings: Any
) -> None:
    settings.TRUSTDESK_EMAIL_CONFIGURED = False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    services.preference_set(actor=cast.tom, delivery=Preference.Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        advance(Status.DECIDED)

    assert Notification.objects.count() == 3  # olga, rita, tom
    assert not TaskRun.objects.filter(task=services.SEND_TASK).exists()
    assert services.notification_digest_send() == []
    assert mail.outbox == []


MORNING = datetime(2026, 3, 3, 7, 0, 30, tzinfo=UTC)


def test_the_digest_sends_one_email_a_day_with_what_was_not_yet_sent(
    cast: Cast, advance: Advance, django_capture_on_commit_callbacks: Capture, mail_on: None
) -> None:
    for user in (cast.rita, cast.tom):
        services.preference_set(actor=user, delivery=Preference.Delivery.DIGEST)
    with django_capture_on_commit_callbacks(execute=True):
        first = advance(Status.DECIDED)
        second = advance(Status.DECIDED)
    assert [m.to for m in mail.outbox] == [["olga@uni.example"], ["olga@uni.example"]]
    mail.outbox.clear()
    digest = job_get("notifications.digest")

    on_commit = django_capture_on_commit_callbacks
    with time_machine.travel(MORNING, tick=False), on_commit(execute=True):
        assert schedule.job_start(digest, actor="scheduler").run is not None
        assert schedule.job_start(digest, actor="scheduler").run is None  # same day

    assert sorted(m.to[0] for m in mail.outbox) == ["rita@uni.example", "tom@uni.example"]
    to_rita = next(m for m in mail.outbox if m.to == ["rita@uni.example"])
    assert to_rita.subject == "trustdesk: 2 new notifications"
    assert first.title in to_rita.body
    assert second.title in to_rita.body
    assert not Notification.objects.filter(recipient=cast.rita, emailed_at__isnull=True).exists()
    mail.outbox.clear()

    # The next morning: only what is new since, and nobody with nothing new hears anything.
    with django_capture_on_commit_callbacks(execute=True):
        cases.engagement_close(actor=cast.olga, engagement=first, reason="Finished")  # no notice
        services.notify(
            recipients=[cast.rita],
            kind=Kind.DECIDED,
            engagement=second,
            actor=cast.olga,
            data={"decision": "approve"},
        )
    with time_machine.travel(MORNING + timedelta(days=1), tick=False), on_commit(execute=True):
        assert schedule.job_start(digest, actor="scheduler").run is not None

    assert [(m.to, m.subject) for m in mail.outbox] == [
        (["rita@uni.example"], "trustdesk: 1 new notification")
    ]


def test_the_preference_is_the_users_own_and_audited_when_it_changes(cast: Cast) -> None:
    from trustdesk.web.core.models import AuditEvent

    services.preference_set(actor=cast.rita, delivery=Preference.Delivery.DIGEST)
    services.preference_set(actor=cast.rita, delivery=Preference.Delivery.DIGEST)
    assert Preference.objects.get(user=cast.rita).delivery == "digest"
    assert not Preference.objects.filter(user=cast.tom).exists()
    events = AuditEvent.objects.filter(action="trustdesk.notification.preference_changed")
    assert [e.data for e in events] == [{"old": "immediate", "new": "digest"}]
    with pytest.raises(ValueError, match="unknown delivery"):
        services.preference_set(actor=cast.rita, delivery="weekly")


def test_questions_are_told_to_the_owner_and_team_and_each_answer_to_who_asked(
    cast: Cast, advance: Advance, django_capture_on_commit_callbacks: Capture
) -> None:
    # given a case in review
    engagement = advance(Status.IN_REVIEW)

    # when the officer asks two questions and the owner answers one
    with django_capture_on_commit_callbacks(execute=True):
        first, _ = cases.information_request(
            actor=cast.olga, engagement=engagement, questions=["Who funds it?", "For how long?"]
        )
    with django_capture_on_commit_callbacks(execute=True):
        cases.information_answer(actor=cast.rita, request=first, answer="The ministry.")

    # then the researchers heard of the questions, and the officer of the answer
    asked = (
        f"{cast.olga} asked 2 questions about “{engagement.title}”: "
        "the review waits for your answers."
    )
    assert _told(Kind.INFORMATION_REQUESTED) == {"rita": asked, "tom": asked}
    assert _told(Kind.INFORMATION_ANSWERED) == {
        "olga": f"{cast.rita} answered your question on “{engagement.title}”."
    }
