"""The "Policy and sources" page, the travel-advice status page, and a refresh started from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests import factories
from tests.web.lists.httpserver import LocalHTTPServer, status
from tests.web.reference.fcdo_api import WHOLE_ALL, FakeFCDO
from trustdesk.web.accounts.models import User
from trustdesk.web.conf.tasks import TaskSettings
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.reference import selectors
from trustdesk.web.reference.models import RefreshRun

pytestmark = pytest.mark.django_db
OnCommit = Callable[..., Any]

POLICY = reverse("reference:pack-detail")
TRAVEL = reverse("reference:travel-advice-detail")
UPDATE = reverse("reference:travel-advice-update")

#: A pack whose sources were checked on three dates, one over 12 months before 2026-11-22, and
#: whose notes carry markup that must show as text.
SOURCES_PACK = """
id: sources-test
urn: urn:test:sources
version: "3"
publication_date: 2026-11-01
publisher: Test University
jurisdiction: GB
title: Sources test pack
sources:
  - {title: Old guidance, url: "https://example.org/old", publisher: Old Office,
     checked: 2025-10-01, note: "Checked against the <script>alert('x')</script> page"}
contacts: {office: {name: Research security office}}
tiers:
  - {id: standard, label: Standard, description: S}
processes:
  - id: visa-check
    title: Visa subject check
    what: W
    why: Y
    contact: office
    guidance_url: "https://example.org/visa"
    lead_time: 30 days
    legal_basis: The Visa Rules, appendix Q
    notice: Legal basis being re-checked after the page was removed.
    sources:
      - {title: Visa rules, url: "https://example.org/visa", checked: 2026-11-20}
taxonomies:
  - id: areas
    title: Research areas
    source: {title: Area list, url: "https://example.org/areas", checked: 2026-06-01}
    nodes:
      - id: quantum
        label: Quantum
        note: Sensing and computing
        also_in: [sectors/q]
        children:
          - {id: sensing, label: Quantum sensing, note: "<b>gravimeters</b>"}
  - id: sectors
    title: Sectors
    node_prefix: Sector
    source: {title: Sector regulations, url: "https://example.org/sectors", checked: 2026-06-01}
    nodes:
      - {id: q, label: Quantum technologies, code: "13"}
country_lists:
  - id: regimes
    title: Sanctions regimes
    source: {title: Regime list, url: "https://example.org/regimes", checked: 2026-06-01}
    countries: [RU, KP]
"""


@pytest.fixture(autouse=True)
def _embedded_queue(settings: SettingsWrapper) -> None:
    settings.TRUSTDESK_TASKS = replace(TaskSettings(), redis_url="")


def _client(role: User.Role) -> Client:
    user = factories.make_user(f"{role.value}-views", role)
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def sources_pack(tmp_path: Path, settings: SettingsWrapper) -> Path:
    path = tmp_path / "sources-test.yaml"
    path.write_text(SOURCES_PACK, encoding="utf-8")
    settings.TRUSTDESK_POLICY_PACK = str(path)
    return path


def _refresh(client: Client, on_commit: OnCommit) -> TaskRun:
    with on_commit(execute=True):
        response = client.post(UPDATE)
    run = TaskRun.objects.filter(task="reference.travel_advice_update").latest("pk")
    assert response.status_code == 302
    assert response["Location"] == reverse("jobs:run_detail", kwargs={"public_id": run.public_id})
    return run


# --- the policy page --------------------------------------------------------------------------


def test_a_researcher_sees_the_uk_pack_with_the_atas_notice(settings: SettingsWrapper) -> None:
    settings.TRUSTDESK_POLICY_PACK = "gb-base"

    response = _client(User.Role.RESEARCHER).get(POLICY)

    assert response.status_code == 200
    text = response.content.decode()
    assert "<h1>Policy and sources</h1>" in text
    assert "<code>gb-base</code>" in text
    assert "Notice:</strong> Legal basis being re-checked" in text
    assert '<h3 id="process-atas-certificate">' in text
    # Travel advice detail is for those who read the lists: no link for a researcher.
    assert TRAVEL not in text


def test_an_institution_pack_shows_the_base_it_is_built_on(settings: SettingsWrapper) -> None:
    settings.TRUSTDESK_POLICY_PACK = "example-uk-university"

    response = _client(User.Role.OFFICER).get(POLICY)

    text = response.content.decode()
    assert "<dt>Built on</dt><dd>gb-base@" in text
    assert TRAVEL in text


@time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False)
def test_sources_are_listed_oldest_check_first_with_the_stale_one_flagged(
    sources_pack: Path,
) -> None:
    response = _client(User.Role.RESEARCHER).get(POLICY)

    text = response.content.decode()
    assert "1 source last checked before 22 Nov 2025" in text
    assert text.count("Over 12 months ago") == 1
    old, areas, visa = (text.index(t) for t in (">Old guidance<", ">Area list<", ">Visa rules<"))
    assert old < areas < visa
    # One source cited twice is one row naming both.
    assert "<li>Taxonomy: Research areas</li>" in text
    assert "<li>Process: Visa subject check</li>" in text
    assert "<li>Pack: Sources test pack</li>" in text
    assert "<li>Country list: Sanctions regimes</li>" in text


@time_machine.travel(dt.datetime(2026, 11, 22, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_source_checked_within_12_months_is_not_flagged(
    sources_pack: Path, settings: SettingsWrapper
) -> None:
    sources_pack.write_text(SOURCES_PACK.replace("2025-10-01", "2025-11-22"), encoding="utf-8")
    settings.TRUSTDESK_POLICY_PACK = str(sources_pack)  # a new path string: a fresh load

    response = _client(User.Role.RESEARCHER).get(POLICY)

    text = response.content.decode()
    assert "Over 12 months ago" not in text
    assert "Every source was checked in the last 12 months" in text


def test_pack_text_is_escaped(sources_pack: Path) -> None:
    response = _client(User.Role.RESEARCHER).get(POLICY)

    text = response.content.decode()
    assert "<script>alert" not in text
    assert "the &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; page" in text
    assert "&lt;b&gt;gravimeters&lt;/b&gt;" in text


def test_processes_taxonomies_and_country_lists_are_shown(sources_pack: Path) -> None:
    response = _client(User.Role.RESEARCHER).get(POLICY)

    text = response.content.decode()
    assert "<dt>Legal basis</dt><dd>The Visa Rules, appendix Q</dd>" in text
    assert "<summary>Research areas (2 entries)</summary>" in text
    assert "<summary>Quantum</summary>" in text
    assert "Also counts as: Sector 13 Quantum technologies" in text
    assert "2 countries: North Korea (KP), Russian Federation (RU)" in text


def test_a_pack_that_cannot_be_loaded_gives_503_saying_why(
    tmp_path: Path, settings: SettingsWrapper
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("id: broken\n", encoding="utf-8")
    settings.TRUSTDESK_POLICY_PACK = str(broken)

    response = _client(User.Role.RESEARCHER).get(POLICY)

    assert response.status_code == 503
    assert "The policy pack cannot be shown" in response.content.decode()


# --- travel advice ----------------------------------------------------------------------------


def test_before_any_refresh_the_shipped_values_apply(pack_path: Path) -> None:
    response = _client(User.Role.AUDITOR).get(TRAVEL)

    assert response.status_code == 200
    text = response.content.decode()
    assert "the pack's shipped values apply (checked 2026-08-22), 6 countries" in text
    assert "Russia (RU)" in text
    assert "No refresh has been run yet." in text
    # An auditor reads; only an administrator refreshes.
    assert UPDATE not in text


def test_a_researcher_may_not_see_travel_advice_status(pack_path: Path) -> None:
    response = _client(User.Role.RESEARCHER).get(TRAVEL)

    assert response.status_code == 403


def test_an_officer_may_not_start_a_refresh(pack_path: Path, fcdo: FakeFCDO) -> None:
    response = _client(User.Role.OFFICER).post(UPDATE)

    assert response.status_code == 403
    assert not TaskRun.objects.exists()


def test_the_refresh_form_needs_a_csrf_token(pack_path: Path, fcdo: FakeFCDO) -> None:
    user = factories.make_user("ada", User.Role.ADMIN)
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)

    response = client.post(UPDATE)

    assert response.status_code == 403
    assert not TaskRun.objects.exists()


def test_an_admin_refresh_runs_is_audited_and_shows_the_snapshot(
    pack_path: Path, fcdo: FakeFCDO, django_capture_on_commit_callbacks: OnCommit
) -> None:
    admin = _client(User.Role.ADMIN)
    admin_user = User.objects.get(role=User.Role.ADMIN)
    assert UPDATE in admin.get(TRAVEL).content.decode()

    run = _refresh(admin, django_capture_on_commit_callbacks)

    current = selectors.current_snapshot()
    assert current is not None
    assert run.status == "succeeded"
    audited = AuditEvent.objects.get(action="trustdesk.reference.refreshed")
    assert (audited.target_label, audited.actor_label) == (
        str(current),
        f"user:{admin_user.public_id}",
    )
    text = admin.get(TRAVEL).content.decode()
    assert f"<code>{current.short_id}</code>" in text
    assert "6 from 6 FCDO pages" in text
    assert f"{current.fetched_at:%Y-%m-%d %H:%M}" in text
    page = fcdo.server.url("/foreign-travel-advice/russia")
    assert f'href="{page}">Russia travel advice</a>' in text
    assert "2026-10-30 16:02" in text  # the FCDO's own update time for Russia
    assert "Cuba (CU)" in text
    assert "Changes since the pack&#x27;s shipped values (checked 2026-08-22)" in text
    assert "New snapshot" in text
    policy = admin.get(POLICY).content.decode()
    assert "FCDO travel advice (GOV.UK Content API)" in policy


def test_changes_since_the_previous_snapshot_are_listed(
    pack_path: Path, fcdo: FakeFCDO, django_capture_on_commit_callbacks: OnCommit
) -> None:
    admin = _client(User.Role.ADMIN)
    _refresh(admin, django_capture_on_commit_callbacks)
    fcdo.set("cuba", [WHOLE_ALL])

    _refresh(admin, django_capture_on_commit_callbacks)

    text = _client(User.Role.APPROVER).get(TRAVEL).content.decode()
    assert "<h2>Changes since the snapshot of " in text
    assert "<tr><td>Cuba (CU)</td><td>3</td><td>4</td></tr>" in text


def test_a_failed_refresh_shows_its_reason_and_the_snapshot_stays_current(
    pack_path: Path,
    fcdo: FakeFCDO,
    server: LocalHTTPServer,
    django_capture_on_commit_callbacks: OnCommit,
) -> None:
    admin = _client(User.Role.ADMIN)
    _refresh(admin, django_capture_on_commit_callbacks)
    good = selectors.current_snapshot()
    assert good is not None
    server.route("/api/content/foreign-travel-advice", status(404))

    run = _refresh(admin, django_capture_on_commit_callbacks)

    assert run.status == "failed"
    assert selectors.current_snapshot() == good
    failed = RefreshRun.objects.get(status=RefreshRun.Status.FAILED)
    text = admin.get(TRAVEL).content.decode()
    assert "The last refresh failed" in text
    assert "answered 404 Not Found" in failed.error
    assert f"<strong>Failed:</strong> {failed.error}" in text.replace("&#x27;", "'")
    assert "The snapshot below is still current." in text
    assert f"<code>{good.short_id}</code>" in text
    assert AuditEvent.objects.filter(action="trustdesk.reference.refresh_failed").count() == 1
