"""Delta re-screens: only what a list change added or changed is screened, in chunks that a
dead worker's redelivery or the recovery sweep completes without screening anyone twice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from tests.factories import make_organisation, make_person
from tests.web.watch.conftest import ImportList
from trustdesk.web.accounts.models import User
from trustdesk.web.core.tasks import run_here
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists.models import ListSource
from trustdesk.web.partners import selectors
from trustdesk.web.partners.models import Organisation, ScreeningHit, ScreeningRun
from trustdesk.web.recovery import work_recover
from trustdesk.web.watch import services
from trustdesk.web.watch.models import Rescreen, RescreenChunk
from trustdesk.web.watch.subjects import SubjectKey

pytestmark = pytest.mark.django_db
V1 = ["W-1,Northern Example Polytechnic,,organization,CN,Listed\n"]
ADDED = [
    "W-2,Southern Example Aviation Works,,organization,RU,Listed\n",
    "W-3,Ivan Examplovich Tervolin,,person,RU,Listed\n",
]


def _partners(researcher: User, capture: Any) -> tuple[Organisation, Any, Organisation]:
    with capture(execute=True):
        polytechnic = make_organisation(researcher, "Northern Example Polytechnic")
        works = make_organisation(researcher, "Southern Example Aviation Works", kind="company")
        make_person(researcher, "Ivan Tervolin")
        bystander = make_organisation(researcher, "Université Exemple de Lyon")
    return polytechnic, works, bystander


def test_a_list_change_screens_only_partners_near_what_it_added_and_marks_removed_hits(
    import_list: ImportList, researcher: User, django_capture_on_commit_callbacks: Any
) -> None:
    import_list(V1)
    polytechnic, works, bystander = _partners(researcher, django_capture_on_commit_callbacks)
    before = ScreeningRun.objects.count()

    # when the list drops W-1 and adds W-2 and W-3
    import_list(ADDED)

    # then the partners matching the new entries have a new screening, and no one else
    rescreen = Rescreen.objects.get(old_snapshot__isnull=False)
    assert (rescreen.status, rescreen.added, rescreen.changed, rescreen.removed) == (
        "completed",
        2,
        0,
        1,
    )
    new_runs = ScreeningRun.objects.filter(batch=str(rescreen.public_id))
    assert {r.subject.name for r in new_runs} == {
        "Southern Example Aviation Works",
        "Ivan Tervolin",
    }
    assert ScreeningRun.objects.count() == before + 2
    assert all(r.trigger == "list_changed" for r in new_runs)
    hit = ScreeningHit.objects.get(run__in=new_runs, entry_id="W-2")
    assert hit.explanation  # as a partner's own screening explains it
    # the hit on the removed entry stays, marked with the day it left the list
    delisted = ScreeningHit.objects.get(run__organisation=polytechnic, entry_id="W-1")
    assert delisted.removed_on == timezone.localdate()
    outcomes = {o.subject.name: o for o in rescreen.outcomes.all()}
    assert outcomes["Northern Example Polytechnic"].delisted == ["custom:watch:W-1"]
    assert outcomes["Southern Example Aviation Works"].gained == ["custom:watch:W-2"]
    assert not ScreeningRun.objects.filter(organisation=bystander, batch__gt="").exists()
    # the partner's page shows the newest screening first
    latest = selectors.screening_latest(works)
    assert latest is not None
    assert latest.trigger == "list_changed"


def _stop_before_chunks(import_list: ImportList, capture: Any) -> Rescreen:
    """A list change whose chunks were queued but whose worker never finished them."""
    source = ListSource.objects.get(key="custom:watch")
    old = source.current
    import_list(ADDED)
    # the delta that ran is undone: the same change is started again, its chunks left queued
    Rescreen.objects.all().delete()
    ScreeningRun.objects.exclude(batch="").delete()
    source.refresh_from_db()
    assert old is not None
    assert source.current is not None
    with capture(execute=False):
        [rescreen] = services.rescreen_for_list_changes(
            changes=[
                {
                    "source": "custom:watch",
                    "old": str(old.public_id),
                    "new": str(source.current.public_id),
                }
            ],
            actor="test",
        )
    assert rescreen.task_run is not None
    with capture(execute=False):
        run_here(rescreen.task_run)
    return Rescreen.objects.get(pk=rescreen.pk)


def _die_mid_chunk(rescreen: Rescreen, works: Organisation) -> TaskRun:
    """The chunk's worker screened one partner, then was killed: its run says running, stale."""
    chunk = RescreenChunk.objects.get(rescreen=rescreen)
    services._refresh_batch(  # what the killed worker got done
        rescreen,
        [SubjectKey("o", works.pk)],
        trigger=ScreeningRun.Trigger.LIST_CHANGED,
        keys=frozenset({"custom:watch:W-2", "custom:watch:W-3"}),
    )
    run = chunk.task_run
    assert run is not None
    stale = timezone.now() - timedelta(hours=1)
    TaskRun.objects.filter(pk=run.pk).update(
        status="running", attempts=1, worker="gone:1", heartbeat_at=stale, started_at=stale
    )
    return run


def test_a_chunk_redelivered_after_its_worker_died_completes_without_duplicates(
    import_list: ImportList, researcher: User, django_capture_on_commit_callbacks: Any
) -> None:
    import_list(V1)
    _, works, _ = _partners(researcher, django_capture_on_commit_callbacks)
    rescreen = _stop_before_chunks(import_list, django_capture_on_commit_callbacks)
    assert rescreen.chunks_total == 1
    run = _die_mid_chunk(rescreen, works)

    # when the queue delivers the chunk's message again (Redis, after the visibility timeout)
    with django_capture_on_commit_callbacks(execute=True):
        finished = run_here(run)

    assert (finished.status, finished.attempts) == ("succeeded", 2)
    rescreen.refresh_from_db()
    assert rescreen.status == "completed"
    batch = ScreeningRun.objects.filter(batch=str(rescreen.public_id))
    assert sorted(r.subject.name for r in batch) == [
        "Ivan Tervolin",
        "Southern Example Aviation Works",
    ]
    assert rescreen.subjects_screened == 2


def test_the_recovery_sweep_queues_an_abandoned_chunk_again_and_it_completes(
    import_list: ImportList, researcher: User, django_capture_on_commit_callbacks: Any
) -> None:
    import_list(V1)
    _, works, _ = _partners(researcher, django_capture_on_commit_callbacks)
    rescreen = _stop_before_chunks(import_list, django_capture_on_commit_callbacks)
    dead = _die_mid_chunk(rescreen, works)

    # when a server or worker starts (embedded default: nothing redelivers)
    with django_capture_on_commit_callbacks(execute=True):
        recovery = work_recover()

    dead.refresh_from_db()
    assert dead.status == "failed"
    assert any(line.startswith("watch.chunk") for line in recovery.resumed)
    rescreen.refresh_from_db()
    assert rescreen.status == "completed"
    batch = ScreeningRun.objects.filter(batch=str(rescreen.public_id))
    assert batch.count() == 2


def test_the_monitoring_pages_show_the_change_and_its_partners(
    import_list: ImportList,
    researcher: User,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import_list(V1)
    _partners(researcher, django_capture_on_commit_callbacks)
    import_list(ADDED)
    rescreen = Rescreen.objects.get(old_snapshot__isnull=False)
    client = Client()
    client.force_login(officer)

    index = client.get("/monitoring/")
    page = client.get(f"/monitoring/{rescreen.public_id}/")

    assert index.status_code == 200
    assert f"/monitoring/{rescreen.public_id}/" in index.content.decode()
    text = " ".join(page.content.decode().split())
    assert "Southern Example Aviation Works" in text
    assert "removed from the list custom:watch:W-1" in text
    researcher_client = Client()
    researcher_client.force_login(researcher)
    assert researcher_client.get("/monitoring/").status_code == 403


def test_a_matcher_change_screens_every_partner_again_writing_only_what_differs(
    import_list: ImportList, researcher: User, django_capture_on_commit_callbacks: Any
) -> None:
    import_list(V1)
    _, _, bystander = _partners(researcher, django_capture_on_commit_callbacks)
    # the first check records today's matcher as the baseline, screening nothing
    assert services.rescreen_if_matcher_changed() is None
    assert services.rescreen_if_matcher_changed() is None
    baseline = Rescreen.objects.get(kind="full")
    Rescreen.objects.filter(pk=baseline.pk).update(matcher_version="0.0.9/index-4")
    ScreeningRun.objects.filter(organisation=bystander).delete()  # never screened

    with django_capture_on_commit_callbacks(execute=True):
        started = services.rescreen_if_matcher_changed()

    # then every partner was screened; a run is written where the result differs (here: the
    # partner never screened), the others' latest screening stands as it is the same
    assert started is not None
    started.refresh_from_db()
    assert (started.status, started.chunks_total, started.subjects_screened) == (
        "completed",
        1,
        1,
    )
    run = ScreeningRun.objects.get(batch=str(started.public_id))
    assert (run.subject, run.trigger) == (bystander, "rescreen")
    assert services.rescreen_if_matcher_changed() is None  # the new full re-screen is the baseline


def test_a_batch_that_meets_a_run_another_delivery_wrote_writes_each_partner_once(
    import_list: ImportList,
    researcher: User,
    django_capture_on_commit_callbacks: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import_list(V1)
    _, works, _ = _partners(researcher, django_capture_on_commit_callbacks)
    rescreen = _stop_before_chunks(import_list, django_capture_on_commit_callbacks)
    chunk = RescreenChunk.objects.get(rescreen=rescreen)
    compare = services.screening_compare
    raced: list[bool] = []

    def racing(subject: Any, **kwargs: Any) -> Any:
        # another delivery of the chunk writes this partner just after this one looked
        if subject == works and not raced:
            raced.append(True)
            _die_mid_chunk(rescreen, works)
        return compare(subject, **kwargs)

    monkeypatch.setattr(services, "screening_compare", racing)

    # when this delivery's batch, screened, meets the run the other one wrote
    with django_capture_on_commit_callbacks(execute=True):
        services.rescreen_chunk(public_id=str(rescreen.public_id), number=chunk.number)

    # then the batch is written again one partner at a time: each has one run, counted once
    assert raced == [True]
    rescreen.refresh_from_db()
    assert (rescreen.status, rescreen.subjects_screened) == ("completed", 2)
    batch = ScreeningRun.objects.filter(batch=str(rescreen.public_id))
    assert sorted(r.subject.name for r in batch) == [
        "Ivan Tervolin",
        "Southern Example Aviation Works",
    ]
    assert rescreen.outcomes.filter(run__isnull=False).count() == 2
