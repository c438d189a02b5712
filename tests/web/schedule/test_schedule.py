"""One schedule for every scheduled job: in Celery beat, in `jobs run-due`, once per period."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import time_machine
from click.testing import CliRunner
from django.utils import timezone
from django.utils.module_loading import autodiscover_modules

from tests import factories
from tests.web.core.support import note
from trustdesk.cli import main
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.core.audit import verify_chain
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.core.tasks import UnknownTask, get_app
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.partners import services as partners
from trustdesk.web.partners.models import ScreeningHit, ScreeningRun
from trustdesk.web.partners.services import PersonInput
from trustdesk.web.schedule import services
from trustdesk.web.schedule.beat import TrustdeskScheduler, beat_schedule
from trustdesk.web.schedule.cadence import DAY, HOUR, MINUTE, Cadence, InvalidCadence
from trustdesk.web.schedule.models import JobRecord
from trustdesk.web.schedule.table import SCHEDULE, Job, job_get

OnCommit = Callable[..., Any]
ALL = [job.name for job in SCHEDULE]
# A Monday morning, 05:30 UTC: past every job's time of day.
MONDAY = datetime(2026, 3, 2, 5, 30, tzinfo=UTC)
# Nothing listens on port 1: no queued job can run in these tests, whatever commits.
UNREACHABLE = TaskSettings(redis_url="redis://127.0.0.1:1/0", key_prefix="sched-test:")


@pytest.fixture
def anchors(settings: Any, tmp_path: Path) -> Path:
    settings.TRUSTDESK_AUDIT_ANCHOR_PATH = tmp_path / "anchors" / "audit-chain.jsonl"
    return settings.TRUSTDESK_AUDIT_ANCHOR_PATH  # type: ignore[no-any-return]


@pytest.fixture
def queue_down(settings: Any) -> TaskSettings:
    """Redis mode: queued jobs are recorded and wait; jobs of the scheduler's own run here."""
    settings.TRUSTDESK_TASKS = UNREACHABLE
    return UNREACHABLE


def test_the_cadences_are_utc_periods_and_their_crontabs() -> None:
    daily = Cadence(DAY, at=timedelta(hours=1))
    assert daily.slot(MONDAY) == datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
    assert daily.slot(datetime(2026, 3, 2, 0, 59, tzinfo=UTC)) == datetime(
        2026, 3, 1, 1, 0, tzinfo=UTC
    )
    assert (daily.crontab().hour, daily.crontab().minute) == ({1}, {0})
    twice = Cadence(12 * HOUR, at=timedelta(hours=5))
    assert (twice.crontab().hour, twice.crontab().minute) == ({5, 17}, {0})
    assert twice.slot(datetime(2026, 3, 2, 4, 0, tzinfo=UTC)) == datetime(
        2026, 3, 1, 17, tzinfo=UTC
    )
    assert Cadence(5 * MINUTE).crontab().minute == set(range(0, 60, 5))
    assert Cadence(HOUR, at=timedelta(minutes=5)).text() == "every hour at minute 5"
    with pytest.raises(InvalidCadence, match="must divide an hour or a day evenly"):
        Cadence(7 * MINUTE)
    with pytest.raises(InvalidCadence, match="whole minutes within the period"):
        Cadence(HOUR, at=HOUR)


def test_every_job_is_a_registered_task_in_the_beat_schedule(db: None) -> None:
    autodiscover_modules("tasks")  # as a worker and `enqueue` do
    app = get_app()
    schedule = beat_schedule()

    assert list(schedule) == ALL
    for job in SCHEDULE:
        assert job.task in app.tasks, job.task
        assert schedule[job.name]["task"] == job.task
        assert schedule[job.name]["schedule"] == job.cadence.crontab()
    # The scheduler beat runs holds the same entries, without any schedule file.
    scheduler = TrustdeskScheduler(app=app)
    assert sorted(scheduler.schedule) == sorted(ALL)
    assert {n: e.task for n, e in scheduler.schedule.items()} == {j.name: j.task for j in SCHEDULE}


def test_every_job_is_started_by_run_due_once_per_period(
    db: None, anchors: Path, queue_down: TaskSettings
) -> None:
    note(1)
    with time_machine.travel(MONDAY, tick=False):
        first = services.jobs_run_due(actor="cli:test")
        again = services.jobs_run_due(actor="cli:test")

    assert [s.job.name for s in first] == ALL
    assert again == []  # every job was started for this period already
    runs = {s.job.name: s.run for s in first}
    assert {name: run.task for name, run in runs.items() if run} == {
        j.name: j.task for j in SCHEDULE
    }
    # Queued jobs wait for a worker; the scheduler's own ran here, as task runs.
    assert {n: r.status for n, r in runs.items() if r} == {
        "lists.update": "queued",
        "travel-advice.update": "queued",
        "engagements.review-due": "queued",
        "partners.matcher-check": "queued",
        "screenings.purge": "queued",
        "notifications.digest": "queued",
        "guidance.review-due": "queued",
        "training.reminders": "queued",
        "audit.anchor": "succeeded",
        "work.reap": "succeeded",
    }
    assert anchors.exists()
    assert JobRecord.objects.get(name="audit.anchor").task_run == runs["audit.anchor"]

    # Ten minutes on: the reaping (every 5 minutes) is due again, nothing else is.
    with time_machine.travel(MONDAY + timedelta(minutes=10), tick=False):
        later = services.jobs_run_due(actor="cli:test")
    assert [s.job.name for s in later] == ["work.reap"]

    # The next morning, past 05:00: every daily job and the anchor are due once more.
    with time_machine.travel(MONDAY + DAY, tick=False):
        tomorrow = {s.job.name for s in services.jobs_run_due(actor="cli:test")}
    assert tomorrow == set(ALL)


def test_a_job_started_by_another_runner_is_not_started_again(
    db: None, anchors: Path, queue_down: TaskSettings
) -> None:
    job = job_get("engagements.review-due")
    with time_machine.travel(MONDAY, tick=False):
        scheduler_start = services.job_start(job, actor="scheduler")
        cron_start = services.job_start(job, actor="cli:test")

    assert scheduler_start.run is not None
    assert cron_start.run is None
    assert "already started for 2026-03-02 00:15 UTC" in cron_start.line()
    assert TaskRun.objects.filter(task="assessments.review_due").count() == 1


def test_beat_starts_a_due_job_through_the_same_claim(
    db: None, anchors: Path, queue_down: TaskSettings
) -> None:
    with time_machine.travel(MONDAY, tick=False):
        services.job_start(job_get("screenings.purge"), actor="cli:test")
        scheduler = TrustdeskScheduler(app=get_app())
        # Beat counts from the database's last start: the purge waits for tomorrow 01:00.
        assert scheduler.schedule["screenings.purge"].is_due()[0] is False
        assert scheduler.schedule["lists.update"].is_due()[0] is True

        started = scheduler.apply_async(scheduler.schedule["lists.update"])

    assert started.run is not None
    assert (started.run.task, started.run.actor, started.run.status) == (
        "lists.update",
        "scheduler",
        "queued",
    )
    assert started.run.arguments == {"sources": []}


def test_run_due_command_reports_and_a_second_run_at_once_does_nothing(
    db: None, anchors: Path, queue_down: TaskSettings
) -> None:
    runner = CliRunner()
    with time_machine.travel(MONDAY, tick=False):
        first = runner.invoke(main, ["jobs", "run-due", "--json"])
        second = runner.invoke(main, ["jobs", "run-due"])

    assert first.exit_code == 0, first.output
    assert [row["job"] for row in json.loads(first.output)] == ALL
    assert (second.exit_code, second.output) == (0, "No scheduled job is due.\n")


def test_run_due_does_nothing_while_another_holds_the_lock(tmp_path: Path) -> None:
    lock = tmp_path / "run-due.lock"
    held = services.run_due_lock(lock)
    held.__enter__()
    with pytest.raises(services.RunnerBusy, match="still running"), services.run_due_lock(lock):
        pass
    held.__exit__(None, None, None)
    with services.run_due_lock(lock):  # released when the first ended
        assert oct(lock.stat().st_mode & 0o777) == "0o600"


def test_jobs_run_starts_a_job_now_even_when_it_ran_this_period(
    db: None, anchors: Path, queue_down: TaskSettings
) -> None:
    runner = CliRunner()
    first = runner.invoke(main, ["jobs", "run", "work.reap"])
    second = runner.invoke(main, ["jobs", "run", "work.reap", "--json"])
    unknown = runner.invoke(main, ["jobs", "run", "digests"])

    assert first.exit_code == 0, first.output
    assert "schedule.reap" in first.output
    assert first.output.rstrip().endswith("succeeded")
    assert json.loads(second.output)["status"] == "succeeded"
    assert TaskRun.objects.filter(task="schedule.reap").count() == 2
    assert unknown.exit_code == 2
    assert "no scheduled job 'digests'" in unknown.output


def test_the_scheduler_command_needs_redis(embedded: None) -> None:
    result = CliRunner().invoke(main, ["scheduler"])

    assert result.exit_code == 1
    assert "`trustdesk serve` runs the scheduled jobs itself" in result.output


@pytest.fixture
def embedded(settings: Any) -> None:
    settings.TRUSTDESK_TASKS = TaskSettings()


def _screened_person(officer: User, name: str) -> ScreeningRun:
    person = partners.person_create(actor=officer, data=PersonInput(name=name))
    return ScreeningRun.objects.get(person=person)


def test_the_daily_purge_deletes_person_screenings_past_retention_and_keeps_the_trail(
    db: None,
    settings: Any,
    embedded: None,
    anchors: Path,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    settings.TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS = 30
    officer = factories.make_user("olga", User.Role.OFFICER)
    with time_machine.travel(MONDAY - timedelta(days=31), tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            old = _screened_person(officer, "Ann Lee")
            org = factories.make_organisation(officer, "Northern Widgets")
        ScreeningHit.objects.create(
            run=old,
            source="un-sc",
            entry_id="x1",
            entry_name="Ann Lee",
            matched_name="Ann Lee",
            query_name="Ann Lee",
            score=0.9,
        )
    with (
        time_machine.travel(MONDAY - timedelta(days=29), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        recent = _screened_person(officer, "Bo Chen")
    events_before = AuditEvent.objects.count()

    with (
        time_machine.travel(MONDAY, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        started = services.job_start(job_get("screenings.purge"), actor="scheduler")

    assert started.run is not None
    started.run.refresh_from_db()
    assert (started.run.status, started.run.result) == ("succeeded", {"deleted": 1})
    assert not ScreeningRun.objects.filter(pk=old.pk).exists()
    assert not ScreeningHit.objects.filter(run_id=old.pk).exists()
    assert ScreeningRun.objects.filter(pk=recent.pk).exists()  # 29 days old: kept
    assert ScreeningRun.objects.filter(organisation=org).exists()  # not personal data
    purged = AuditEvent.objects.get(action="trustdesk.screening.purged")
    assert (purged.data["runs"], purged.data["hits"], purged.actor_label) == (1, 1, "scheduler")
    # The trail keeps what happened before: every earlier event, and the chain verifies.
    assert AuditEvent.objects.count() == events_before + 1
    assert AuditEvent.objects.filter(action="trustdesk.screening.completed").count() == 3
    assert verify_chain().intact


def test_the_readme_lists_every_scheduled_job_and_no_other() -> None:
    readme = (Path(__file__).resolve().parents[3] / "README.md").read_text(encoding="utf-8")
    table = readme.split("| job | runs | what and why |", 1)[1].split("\n\n", 1)[0]

    rows = [line.split("|")[1].strip().strip("`") for line in table.splitlines()[2:]]
    assert rows == ALL


def test_the_reaping_removes_its_own_old_successes_and_keeps_everything_else(
    db: None, anchors: Path, queue_down: TaskSettings
) -> None:
    reap = job_get("work.reap")
    with time_machine.travel(MONDAY - timedelta(days=8), tick=False):
        old = services.job_start(reap, actor="scheduler").run
        assert old is not None
        other = TaskRun.objects.create(task="lists.update", status="succeeded", actor="x")
        TaskRun.objects.filter(pk=other.pk).update(finished_at=MONDAY - timedelta(days=8))
        failed = TaskRun.objects.create(task="schedule.reap", status="failed", actor="x")
        TaskRun.objects.filter(pk=failed.pk).update(finished_at=MONDAY - timedelta(days=8))
    with time_machine.travel(MONDAY - timedelta(days=6), tick=False):
        recent = services.job_start(reap, actor="scheduler").run

    with time_machine.travel(MONDAY, tick=False):
        now = services.job_start(reap, actor="scheduler").run

    assert recent is not None
    assert now is not None
    assert now.result is not None
    assert now.result["pruned"] == 1
    assert set(TaskRun.objects.values_list("pk", flat=True)) == {
        other.pk,
        failed.pk,
        recent.pk,
        now.pk,
    }


def test_serve_runs_the_due_jobs_from_its_own_thread(
    transactional_db: None, anchors: Path, embedded: None
) -> None:
    # The jobs that would reach for the internet have run this period (elsewhere).
    now = timezone.now()
    for name in ("lists.update", "travel-advice.update"):
        slot = job_get(name).cadence.slot(now)
        JobRecord.objects.create(name=name, slot=slot, started_at=now, started_by="test")
    note(1)

    stop = services.schedule_thread_start(actor="serve", every=60)
    try:
        deadline = time.monotonic() + 20
        finished = TaskRun.objects.filter(actor="serve", status__in=["succeeded", "failed"])
        while finished.count() < 8:
            assert time.monotonic() < deadline, "the thread started no job"
            time.sleep(0.05)
    finally:
        stop.set()

    # On the embedded default the queued jobs ran in the server's process too.
    runs = TaskRun.objects.filter(actor="serve")
    assert sorted(runs.values_list("task", "status")) == [
        ("assessments.review_due", "succeeded"),
        ("hub.guidance_review", "succeeded"),
        ("hub.training_reminders", "succeeded"),
        ("notify.digest", "succeeded"),
        ("partners.purge_screenings", "succeeded"),
        ("schedule.audit_anchor", "succeeded"),
        ("schedule.reap", "succeeded"),
        ("watch.matcher_check", "succeeded"),
    ]
    assert anchors.exists()


def test_a_list_update_by_hand_counts_as_the_periods_run(
    db: None, anchors: Path, queue_down: TaskSettings
) -> None:
    job = job_get("lists.update")
    with time_machine.travel(MONDAY, tick=False):
        assert services.job_done_by_hand(job, actor="cli:test") is True
        assert services.job_done_by_hand(job, actor="cli:test") is False
        assert "lists.update" not in [s.job.name for s in services.jobs_run_due(actor="cli:x")]
    with time_machine.travel(MONDAY + 12 * HOUR, tick=False):  # the next period
        assert services.job_due(job)


def test_a_job_that_cannot_start_leaves_its_period_unclaimed(
    db: None, queue_down: TaskSettings
) -> None:
    broken = Job("typo", "no.such_task", Cadence(DAY), "a job naming a task nobody registers")

    with pytest.raises(UnknownTask), time_machine.travel(MONDAY, tick=False):
        services.job_start(broken, actor="scheduler")

    assert not JobRecord.objects.filter(name="typo").exists()
    assert services.job_due(broken, now=MONDAY)
