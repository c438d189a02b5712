"""Staged list snapshots: held back from screening, their impact previewed, then decided.

The preview names the partners that would gain a hit (with the score and a remembered verdict
that would hold) and those that would lose one, and the engagements whose review would fall
due, writing no screening; making the snapshot current runs the usual re-screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.web.watch.conftest import HEADER
from trustdesk.cli import main
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.desk.providers import work_items
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.lists import services as list_services
from trustdesk.web.lists import staging
from trustdesk.web.lists.models import ImportRun, ListSource, Staging
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import Organisation, ScreeningHit, ScreeningRun
from trustdesk.web.watch.models import Rescreen, StagedImpact
from trustdesk.web.watch.staged import ImpactData

pytestmark = pytest.mark.django_db
SOURCE = "custom:watch"
POLYTECHNIC = "W-1,Northern Example Polytechnic,NEP Institute,organization,CN,Listed 2024\n"
WORKS = "W-2,Southern Example Aviation Works,,organization,RU,Listed\n"


@pytest.fixture
def write_list(tmp_path: Path) -> Any:
    def write(rows: list[str]) -> Path:
        folder = tmp_path / f"f{len(list(tmp_path.glob('f*')))}"
        folder.mkdir()
        path = folder / "watch.csv"
        path.write_text(HEADER + "".join(rows), encoding="utf-8")
        return path

    return write


@pytest.fixture
def stage(write_list: Any, django_capture_on_commit_callbacks: Any) -> Any:
    """Stage rows as a new snapshot of custom:watch; its preview runs after the commit."""

    def run(rows: list[str]) -> Staging:
        with django_capture_on_commit_callbacks(execute=True):
            [outcome] = list_services.list_snapshot_import(
                paths=[write_list(rows)], source=SOURCE, actor="test", stage=True
            )
        return Staging.objects.get(public_id=outcome.staged)

    return run


def _impact(staging: Staging) -> ImpactData:
    stored = StagedImpact.objects.get(staging=staging)
    assert stored.status == StagedImpact.Status.COMPLETED, stored.error
    return ImpactData.from_dict(stored.data)


def _org(actor: User, name: str, capture: Any) -> Organisation:
    with capture(execute=True):
        return factories.make_organisation(actor, name)


def test_a_staged_snapshot_is_stored_and_checked_but_the_previous_one_keeps_serving(
    import_list: Any, stage: Any, researcher: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = import_list([POLYTECHNIC]).snapshot
    works = _org(researcher, "Southern Example Aviation Works", django_capture_on_commit_callbacks)
    runs_before = ScreeningRun.objects.count()

    staged = stage([POLYTECHNIC, WORKS])

    assert ListSource.objects.get(key=SOURCE).current == first
    assert (staged.status, staged.base, staged.snapshot.total) == ("awaiting", first, 2)
    assert ImportRun.objects.filter(snapshot=staged.snapshot).get().status == "staged"
    assert AuditEvent.objects.filter(action="trustdesk.list.staged").count() == 1
    # nothing is screened against it, and no re-screen starts
    assert ScreeningRun.objects.count() == runs_before
    assert not ScreeningHit.objects.filter(run__organisation=works).exists()
    assert not Rescreen.objects.filter(new_snapshot=staged.snapshot).exists()


def test_the_preview_names_partners_gaining_and_losing_hits_and_writes_nothing(
    import_list: Any, stage: Any, researcher: User, django_capture_on_commit_callbacks: Any
) -> None:
    import_list([POLYTECHNIC])
    polytechnic = _org(
        researcher, "Northern Example Polytechnic", django_capture_on_commit_callbacks
    )
    _org(researcher, "Southern Example Aviation Works", django_capture_on_commit_callbacks)
    _org(researcher, "Université Exemple de Lyon", django_capture_on_commit_callbacks)
    hits_before = list(ScreeningHit.objects.values_list("pk", "removed_on"))

    # when the next file drops W-1 and adds W-2
    impact = _impact(stage([WORKS]))

    assert (impact.added, impact.changed, impact.removed) == (1, 0, 1)
    by_name = {p.name: p for p in impact.partners}
    assert set(by_name) == {"Northern Example Polytechnic", "Southern Example Aviation Works"}
    [gained] = by_name["Southern Example Aviation Works"].gained
    assert (gained.key, gained.how, gained.remembered) == (f"{SOURCE}:W-2", "new", None)
    assert gained.score >= 0.9
    [lost] = by_name["Northern Example Polytechnic"].lost
    assert (lost.key, lost.how) == (f"{SOURCE}:W-1", "removed")
    # and nothing was written to the hits
    assert list(ScreeningHit.objects.values_list("pk", "removed_on")) == hits_before
    assert ScreeningHit.objects.get(run__organisation=polytechnic).removed_on is None


def test_the_preview_says_which_remembered_verdict_would_keep_a_hit_from_awaiting_one(
    import_list: Any,
    stage: Any,
    researcher: User,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import_list([POLYTECHNIC])
    polytechnic = _org(
        researcher, "Northern Example Polytechnic", django_capture_on_commit_callbacks
    )
    hit = ScreeningHit.objects.get(run__organisation=polytechnic)
    partner_services.hit_adjudicate(
        actor=officer, hit=hit, verdict="false_positive", reason="Other city"
    )

    # the remarks change (kept) and, in a second file, an alias is added (raised again)
    kept = _impact(stage([POLYTECHNIC.replace("Listed 2024", "Listed 2024 and renewed")]))
    raised = _impact(stage([POLYTECHNIC.replace("NEP Institute", "NEP Institute;NEPI")]))

    [[change]] = [p.gained for p in kept.partners]
    assert change.how == "changed"
    assert change.remembered is not None
    assert (change.remembered.verdict, change.remembered.carried) == ("false_positive", True)
    [[again]] = [p.gained for p in raised.partners]
    assert again.remembered is not None
    assert again.remembered.carried is False
    assert again.remembered.why == ("The listed entry's names changed: now “NEPI”.",)


def test_the_preview_names_the_engagements_whose_review_would_fall_due_and_making_it_current_rescreens(  # noqa: E501
    import_list: Any,
    stage: Any,
    researcher: User,
    officer: User,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import_list([POLYTECHNIC])
    physics = factories.make_department("Physics", faculty="Science")
    researcher = factories.make_user("ravi", User.Role.RESEARCHER, department=physics)
    works = _org(researcher, "Southern Example Aviation Works", django_capture_on_commit_callbacks)
    engagement = factories.make_decided_engagement(researcher, officer, works)
    assert engagement.status == Engagement.Status.DECIDED
    staged = stage([POLYTECHNIC, WORKS])

    [affected] = _impact(staged).engagements
    assert (affected.public_id, affected.review_due, affected.replayed) == (
        str(engagement.public_id),
        True,
        True,
    )
    assert Engagement.objects.get(pk=engagement.pk).status == Engagement.Status.DECIDED

    # when an officer makes it current, the usual re-screen follows
    with django_capture_on_commit_callbacks(execute=True):
        staging.staged_snapshot_make_current(staging=staged, actor=officer)

    assert ListSource.objects.get(key=SOURCE).current == staged.snapshot
    staged.refresh_from_db()
    assert (staged.status, staged.decided_by) == ("made_current", actor_for(officer))
    rescreen = Rescreen.objects.get(new_snapshot=staged.snapshot)
    assert rescreen.status == "completed"
    assert ScreeningHit.objects.filter(run__organisation=works, entry_id="W-2").exists()
    assert Engagement.objects.get(pk=engagement.pk).status == Engagement.Status.REVIEW_DUE
    assert AuditEvent.objects.filter(action="trustdesk.list.staged_made_current").count() == 1
    # and a second decision is refused
    with pytest.raises(staging.StagingConflict, match="no longer awaiting review"):
        staging.staged_snapshot_discard(staging=staged, actor=officer)


def test_a_discarded_snapshot_never_serves(
    import_list: Any, stage: Any, officer: User, django_capture_on_commit_callbacks: Any
) -> None:
    first = import_list([POLYTECHNIC]).snapshot
    staged = stage([WORKS])

    staging.staged_snapshot_discard(staging=staged, actor=officer)

    staged.refresh_from_db()
    assert (staged.status, staged.decided_by) == ("discarded", actor_for(officer))
    assert ListSource.objects.get(key=SOURCE).current == first
    assert AuditEvent.objects.filter(action="trustdesk.list.staged_discarded").count() == 1
    with pytest.raises(staging.StagingConflict, match="it was discarded"):
        staging.staged_snapshot_make_current(staging=staged, actor=officer)


def test_an_older_snapshot_is_made_current_only_when_confirmed(
    import_list: Any, stage: Any, officer: User
) -> None:
    import_list([POLYTECHNIC])
    staged = stage([WORKS])
    current = ListSource.objects.get(key=SOURCE).current
    assert current is not None
    # the files say when they were published: the staged one is the older
    type(current).objects.filter(pk=current.pk).update(published="2026-03-01")
    type(current).objects.filter(pk=staged.snapshot_id).update(published="2026-02-01")
    staged = Staging.objects.get(pk=staged.pk)

    with pytest.raises(staging.OlderThanCurrent, match="earlier publication date"):
        staging.staged_snapshot_make_current(staging=staged, actor=officer)
    staging.staged_snapshot_make_current(staging=staged, actor=officer, confirm_older=True)

    assert ListSource.objects.get(key=SOURCE).current_id == staged.snapshot_id
    event = AuditEvent.objects.get(action="trustdesk.list.staged_made_current")
    assert event.data["older"] is True


def test_only_list_reviewers_decide_and_the_page_shows_the_partner(
    import_list: Any,
    stage: Any,
    researcher: User,
    officer: User,
    client: Client,
    django_capture_on_commit_callbacks: Any,
) -> None:
    import_list([POLYTECHNIC])
    _org(researcher, "Southern Example Aviation Works", django_capture_on_commit_callbacks)
    staged = stage([POLYTECHNIC, WORKS])
    auditor = factories.make_user("audrey", User.Role.AUDITOR)
    make_current = reverse("watch:staged-make-current", args=[staged.public_id])

    client.force_login(auditor)
    page = client.get(reverse("watch:staged", args=[staged.public_id]))
    assert page.status_code == 200
    assert "Southern Example Aviation Works" in page.content.decode()
    assert "Make current" not in page.content.decode()
    assert client.post(make_current).status_code == 403

    client.force_login(officer)
    first = StagedImpact.objects.get(staging=staged).completed_at
    with django_capture_on_commit_callbacks(execute=True):
        again = client.post(reverse("watch:staged-preview", args=[staged.public_id]))
    assert again.status_code == 302
    assert StagedImpact.objects.get(staging=staged).completed_at != first
    assert client.post(make_current).status_code == 302
    assert ListSource.objects.get(key=SOURCE).current_id == staged.snapshot_id


def test_the_upload_page_stages_with_the_preview_ticked(
    admin_client_for: Any, tmp_path: Path, django_capture_on_commit_callbacks: Any
) -> None:
    client = admin_client_for()
    path = tmp_path / "watch.csv"
    path.write_text(HEADER + POLYTECHNIC, encoding="utf-8")

    with django_capture_on_commit_callbacks(execute=True), path.open("rb") as fh:
        response = client.post(
            reverse("lists:upload"),
            {"file": fh, "source": "custom", "custom_name": "watch", "preview": "on"},
        )

    assert response.status_code == 302
    staged = Staging.objects.get()
    assert ListSource.objects.get(key=SOURCE).current is None
    assert StagedImpact.objects.get(staging=staged).status == "completed"
    overview = client.get(reverse("lists:index")).content.decode()
    assert "Awaiting review" in overview
    assert reverse("watch:staged", args=[staged.public_id]) in overview
    monitoring = client.get(reverse("watch:index")).content.decode()
    assert "Awaiting review" in monitoring
    assert reverse("watch:staged", args=[staged.public_id]) in monitoring
    source_page = client.get(reverse("lists:source", args=[SOURCE])).content.decode()
    assert "awaiting review" in source_page


@pytest.fixture
def admin_client_for(client: Client) -> Any:
    def make() -> Client:
        client.force_login(factories.make_user("ada", User.Role.ADMIN))
        return client

    return make


def test_lists_import_stage_holds_the_file_back(
    import_list: Any, write_list: Any, settings: Any
) -> None:
    first = import_list([POLYTECHNIC]).snapshot

    result = CliRunner().invoke(
        main, ["lists", "import", "--stage", "--source", SOURCE, str(write_list([WORKS]))]
    )

    assert result.exit_code == 0, result.output
    assert "awaiting review, not current until made current" in result.output
    assert ListSource.objects.get(key=SOURCE).current == first
    assert Staging.objects.get().status == "awaiting"


def test_the_desk_of_who_may_decide_lists_each_staged_snapshot(
    import_list: Any, stage: Any, officer: User, researcher: User
) -> None:
    import_list([POLYTECHNIC])
    staged = stage([WORKS])
    today = staged.staged_at.date()

    [item] = [i for i in work_items(user=officer, today=today) if i.kind == "list_staged"]
    assert item.link == reverse("watch:staged", args=[staged.public_id])
    assert item.subject == f"{SOURCE} snapshot {staged.snapshot.short_id}"
    assert not [i for i in work_items(user=researcher, today=today) if i.kind == "list_staged"]


def test_the_page_follows_a_preview_still_running_and_says_why_one_failed(
    import_list: Any, write_list: Any, officer: User, client: Client
) -> None:
    import_list([POLYTECHNIC])
    [outcome] = list_services.list_snapshot_import(  # no commit here: the preview is not run
        paths=[write_list([WORKS])], source=SOURCE, actor="test", stage=True
    )
    staged = Staging.objects.get(public_id=outcome.staged)
    impact = StagedImpact.objects.create(staging=staged, started_at=staged.staged_at)
    client.force_login(officer)
    url = reverse("watch:staged", args=[staged.public_id])

    running = client.get(url).content.decode()
    StagedImpact.objects.filter(pk=impact.pk).update(status="failed", error="OSError: disk full")
    failed = client.get(url).content.decode()

    assert 'hx-trigger="every 2s"' in running
    assert "Working out the impact" in running
    assert "hx-trigger" not in failed
    assert "The impact could not be worked out: OSError: disk full" in failed
