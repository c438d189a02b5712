"""A new policy pack version: its impact on open cases before it is current, and after."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests import factories
from tests.web.packs.conftest import INSURANCE_QUESTION, RUSSIA_RULE, pack_text
from trustdesk.cli import main
from trustdesk.policy.impact import Impact
from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.packs import services
from trustdesk.web.reference import selectors as reference
from trustdesk.web.reference import services as reference_services
from trustdesk.web.reference.models import PackChange, PackVersion

pytestmark = pytest.mark.django_db
OnCommit = Callable[..., Any]

V2 = pack_text("2", extra_rules=RUSSIA_RULE, extra_questions=INSURANCE_QUESTION)
#: Version 3 drops the "conference" option: a conference's answers no longer fit.
V3 = pack_text("3", options="{id: fieldwork, label: Fieldwork}")


@pytest.fixture(autouse=True)
def _embedded_queue(settings: Any) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


@pytest.fixture
def cases(pack_v1: Path) -> dict[str, Engagement]:
    """Four engagements triaged under version 1; the closed one must not be examined."""
    rita = factories.make_user("rita")
    made = {}
    for name, answers in (
        ("moscow", {"country": "RU", "purpose": "conference"}),
        ("fieldwork", {"country": "FR", "purpose": "fieldwork"}),
        ("paris", {"country": "RU", "purpose": "conference"}),
        ("closed", {"country": "RU", "purpose": "conference"}),
    ):
        engagement = factories.make_engagement(rita, title=f"Trip: {name}")
        factories.complete_triage(engagement, rita, answers=answers)
        made[name] = engagement
    # Paris was triaged again: its latest triage (a conference in France) is what counts.
    factories.complete_triage(
        made["paris"], rita, answers={"country": "FR", "purpose": "conference"}
    )
    Engagement.objects.filter(pk=made["closed"].pk).update(status=Engagement.Status.CLOSED)
    return made


@pytest.fixture
def admin() -> User:
    return factories.make_user("ada", User.Role.ADMIN)


def _install(admin: User, text: str, name: str = "impact-test.yaml") -> PackVersion:
    return reference_services.pack_version_upload(
        actor=admin, file_name=name, content=text.encode()
    )


def test_preview_lists_the_open_cases_whose_tier_or_processes_change(
    cases: dict[str, Engagement], admin: User
) -> None:
    version = _install(admin, V2)

    stored = services.pack_version_preview(actor=admin, version=version)

    impact = Impact.from_dict(stored.preview or {})
    assert (impact.current, impact.candidate) == ("impact-test@1", "impact-test@2")
    assert (impact.examined, impact.skipped) == (3, 0)
    moscow, fieldwork = impact.changes
    assert (moscow.key, moscow.label) == (str(cases["moscow"].public_id), "Trip: moscow")
    assert (moscow.tier_before, moscow.tier_after, moscow.tier_changed) == (
        "standard",
        "enhanced",
        True,
    )
    assert (moscow.gained, moscow.lost, moscow.unanswered) == (("travel-exemption",), (), ())
    assert (fieldwork.key, fieldwork.tier_changed, fieldwork.gained) == (
        str(cases["fieldwork"].public_id),
        False,
        (),
    )
    assert fieldwork.unanswered == ("insured",)
    assert impact.questions == {"insured": "Insurance"}
    assert (impact.tier_changes, impact.process_changes, impact.needs_triage) == (1, 1, 0)
    assert reference.current_pack_version_id() is None  # a preview changes nothing in use


def test_answers_the_new_version_refuses_are_listed_for_a_new_triage(
    cases: dict[str, Engagement], admin: User
) -> None:
    version = _install(admin, V3)

    impact = Impact.from_dict(
        services.pack_version_preview(actor=admin, version=version).preview or {}
    )

    assert sorted(c.label for c in impact.changes) == ["Trip: moscow", "Trip: paris"]
    assert all(c.tier_after == "" and c.problems for c in impact.changes)
    assert impact.changes[0].problems[0].startswith("purpose: ")
    assert impact.needs_triage == 2


def test_making_a_version_current_switches_triage_and_keeps_what_changed(
    cases: dict[str, Engagement], admin: User
) -> None:
    version = _install(admin, V2)

    change = services.pack_version_make_current(actor=admin, version=version)

    assert reference.active_pack().version == "2"
    assert change.replaced == "impact-test@1"
    impact = Impact.from_dict(change.impact)
    assert [c.label for c in impact.changes] == ["Trip: moscow", "Trip: fieldwork"]
    event = AuditEvent.objects.get(action="trustdesk.pack_version.activated")
    assert (event.data["pack"], event.data["replaced"], event.data["tier_changes"]) == (
        "impact-test@2",
        "impact-test@1",
        1,
    )
    # The next version replaces it; the one it replaces is kept, marked replaced.
    later = services.pack_version_make_current(actor=admin, version=_install(admin, V3))
    version.refresh_from_db()
    assert (version.status, later.replaced, later.replaced_version) == (
        PackVersion.Status.RETIRED,
        "impact-test@2",
        version,
    )


def test_a_switch_worked_out_against_another_pack_in_use_is_refused(
    cases: dict[str, Engagement], admin: User
) -> None:
    services.pack_version_make_current(actor=admin, version=_install(admin, V2))
    stale = Impact.from_dict(
        services.pack_version_preview(actor=admin, version=_install(admin, V3)).preview or {}
    )

    with pytest.raises(reference_services.PackConflict, match="changed to impact-test@2"):
        reference_services.pack_version_activate(
            actor=admin,
            version=PackVersion.objects.get(version="3"),
            impact=replace(stale, current="impact-test@1"),
            in_use="impact-test@1",
        )


def test_an_invalid_or_repeated_file_is_not_installed(pack_v1: Path, admin: User) -> None:
    _install(admin, V2)

    with pytest.raises(reference_services.PackRefused) as repeated:
        _install(admin, V2)
    with pytest.raises(reference_services.PackRefused) as invalid:
        _install(admin, V2.replace("kind: yes_no", "kind: essay"), name="bad.yaml")

    assert repeated.value.problems[0].startswith("This file is already installed, as impact-test@2")
    assert invalid.value.problems[0].startswith("bad.yaml: questions[2](insured).kind")
    assert PackVersion.objects.count() == 1


def test_only_policy_managers_install_or_switch(pack_v1: Path) -> None:
    officer = factories.make_user("otto", User.Role.OFFICER)

    with pytest.raises(PermissionDenied):
        _install(officer, V2)


def test_pages_show_the_preview_to_officers_and_let_an_admin_make_it_current(
    cases: dict[str, Engagement],
    admin: User,
    client: Client,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    client.force_login(admin)
    upload = SimpleUploadedFile("impact-test-2.yaml", V2.encode(), "application/yaml")
    with django_capture_on_commit_callbacks(execute=True):
        installed = client.post(reverse("packs:version-upload"), {"file": upload})
    version = PackVersion.objects.get()
    assert installed.status_code == 302
    assert installed["Location"] == reverse("packs:version-detail", args=[version.public_id])

    officer = Client()
    officer.force_login(factories.make_user("otto", User.Role.OFFICER))
    page = officer.get(installed["Location"]).content.decode()
    assert "Standard → <strong>Enhanced</strong>" in page
    assert reverse("cases:engagement-detail", args=[cases["moscow"].public_id]) in page
    assert "New question to answer: Insurance" in page
    assert "Make current" not in page  # officers see the preview; admins act on it
    assert (
        officer.post(reverse("packs:version-activate", args=[version.public_id])).status_code == 403
    )

    with django_capture_on_commit_callbacks(execute=True):
        switched = client.post(reverse("packs:version-activate", args=[version.public_id]))
    assert switched.status_code == 302
    change = PackChange.objects.get()
    after = officer.get(reverse("packs:change-detail", args=[change.public_id])).content.decode()
    assert "What changed with impact-test 2" in after
    assert "Trip: moscow" in after
    listing = officer.get(reverse("packs:version-list")).content.decode()
    assert "impact-test 2</strong>, an installed version" in listing


def test_researchers_see_no_pack_versions(pack_v1: Path, client: Client) -> None:
    client.force_login(factories.make_user("rita"))

    assert client.get(reverse("packs:version-list")).status_code == 403


def test_cli_previews_a_file_and_activates_it(cases: dict[str, Engagement], tmp_path: Path) -> None:
    path = tmp_path / "impact-test-2.yaml"
    path.write_text(V2, encoding="utf-8")

    preview = CliRunner().invoke(main, ["policy", "preview", str(path)])
    activated = CliRunner().invoke(main, ["policy", "activate", str(path), "--yes"])

    assert preview.exit_code == 0, preview.output
    assert preview.output.splitlines()[:3] == [
        "impact-test@2 against impact-test@1 (in use): 3 open case(s) replayed; 1 change tier, "
        "1 change processes, 0 need a new triage.",
        f"- Trip: moscow [{cases['moscow'].public_id}]",
        "    tier: Standard -> Enhanced",
    ]
    assert activated.exit_code == 0, activated.output
    assert "impact-test@2 is now the pack in use (replacing impact-test@1)." in activated.output
    assert reference.active_pack().version == "2"
    assert AuditEvent.objects.filter(action="trustdesk.pack_version.uploaded").count() == 1
