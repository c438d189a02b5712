"""Watch lists in the browser: overview, snapshots, failures, uploads (good and hostile), diffs."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.web.ops.conftest import HEADER, ROWS, ClientAs, import_list, page_text
from trustdesk.web.accounts.models import User
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.lists.models import ImportRun, ListSource, Snapshot
from trustdesk.web.lists.uploads import safe_file_name

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., Any]


def _upload(client: Client, name: str, content: bytes, on_commit: OnCommit, **fields: str) -> Any:
    with on_commit(execute=True):
        return client.post("/lists/upload/", {"file": SimpleUploadedFile(name, content), **fields})


def _uploaded_files() -> list[Path]:
    root = Path(settings.HOME) / "uploads"
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_custom_list_upload_is_imported_on_the_queue_and_shows_its_outcome(
    client_as: ClientAs, django_capture_on_commit_callbacks: OnCommit
) -> None:
    admin = client_as(User.Role.ADMIN)
    content = (HEADER + "".join(ROWS)).encode()

    response = _upload(
        admin,
        "Declined partners.csv",
        content,
        django_capture_on_commit_callbacks,
        source="custom",
        custom_name="declined",
    )

    run = TaskRun.objects.get(task="lists.import_file")
    assert response.status_code == 302
    assert response["Location"] == f"/jobs/{run.public_id}/"
    assert run.status == "succeeded"
    # The new current snapshot queued the index rebuild (one ingest service for every path).
    assert TaskRun.objects.get(task="lists.rebuild_index").status == "succeeded"
    assert run.arguments["source"] == "custom:declined"
    page = page_text(admin.get(response["Location"]).content)
    assert "Status: <strong>Succeeded</strong>" in page
    assert "<li>custom:declined: imported 3 entries; now current</li>" in page
    assert "hx-trigger" not in page  # finished: the page stops polling
    snapshot = ListSource.objects.get(key="custom:declined").current
    assert snapshot is not None
    assert snapshot.total == 3
    overview = page_text(admin.get("/lists/").content)
    assert "by Admin Tester (admin)" in overview
    assert _uploaded_files() == []  # imported: its private copy is gone


def test_an_upload_over_the_size_limit_is_refused_while_it_streams(
    client_as: ClientAs, settings: SettingsWrapper, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_MAX_LIST_BYTES = 1000
    admin = client_as(User.Role.ADMIN)

    response = _upload(
        admin, "big.csv", (HEADER + ROWS[0] * 100).encode(), django_capture_on_commit_callbacks
    )

    assert response.status_code == 400
    page = page_text(response.content)
    assert (
        "The file is larger than the 1,000 bytes limit for one list file; nothing was stored."
        in page
    )
    assert "This field is required" not in page
    assert TaskRun.objects.count() == 0
    assert _uploaded_files() == []


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("list.exe", "trustdesk reads list files ending in .csv, .txt, .xml, .xlsx, .json"),
        ("empty.csv", "The submitted file is empty."),
    ],
)
def test_a_file_that_cannot_be_a_list_is_refused_at_the_door(
    client_as: ClientAs, django_capture_on_commit_callbacks: OnCommit, name: str, message: str
) -> None:
    content = b"" if name == "empty.csv" else b"MZ\x90\x00"

    response = _upload(
        client_as(User.Role.ADMIN), name, content, django_capture_on_commit_callbacks
    )

    assert response.status_code == 400
    assert message in page_text(response.content)
    assert TaskRun.objects.count() == 0


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 << 20))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "source", "error"),
    [
        ("notes.txt", b"Dear colleagues,\nplease screen these.\n", "custom", "not a list file"),
        ("ConList.xlsx", _zip_bomb(), "", "refused as a possible zip bomb"),
        ("sdn.csv", b"id,name\n1,<script>alert(1)</script>\n", "", "not a list file"),
    ],
)
def test_a_hostile_upload_fails_its_run_and_the_current_snapshot_keeps_serving(
    client_as: ClientAs,
    tmp_path: Path,
    django_capture_on_commit_callbacks: OnCommit,
    name: str,
    content: bytes,
    source: str,
    error: str,
) -> None:
    before = import_list(tmp_path, ROWS).snapshot
    admin = client_as(User.Role.ADMIN)

    response = _upload(
        admin,
        name,
        content,
        django_capture_on_commit_callbacks,
        source=source,
        custom_name="declined",
    )

    run = TaskRun.objects.get()
    assert run.status == "failed"
    assert error in run.error
    run_page = page_text(admin.get(response["Location"]).content)
    assert "Status: <strong>Failed</strong>" in run_page
    assert error in run_page
    assert "<script>alert(1)" not in run_page
    assert ListSource.objects.get(key="custom:declined").current == before
    assert Snapshot.objects.count() == 1
    failure = ImportRun.objects.get(status=ImportRun.Status.FAILED)
    assert error in failure.error
    overview = page_text(admin.get("/lists/").content)
    assert "Failed imports" in overview
    assert error in overview


def test_the_uploaders_file_name_never_becomes_a_path() -> None:
    assert safe_file_name("../../etc/passwd") == "passwd"
    assert safe_file_name("..\\..\\ConList 2025.XLSX") == "conlist-2025.xlsx"
    assert safe_file_name("sdn.csv") == "sdn.csv"
    assert safe_file_name("....") == "list"
    assert safe_file_name("x.ftm.json") == "x-ftm.json"


def test_an_upload_without_a_csrf_token_is_refused(make_user: Any) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user(User.Role.ADMIN))

    response = client.post("/lists/upload/", {"file": SimpleUploadedFile("a.csv", b"x")})

    assert response.status_code == 403
    assert TaskRun.objects.count() == 0


def test_a_custom_list_needs_a_name(
    client_as: ClientAs, django_capture_on_commit_callbacks: OnCommit
) -> None:
    response = _upload(
        client_as(User.Role.ADMIN),
        "x.csv",
        (HEADER + ROWS[0]).encode(),
        django_capture_on_commit_callbacks,
        source="custom",
    )

    assert response.status_code == 400
    assert "Name the custom list" in page_text(response.content)


def test_an_update_is_queued_and_its_run_page_shows_the_outcome(
    client_as: ClientAs, settings: SettingsWrapper, django_capture_on_commit_callbacks: OnCommit
) -> None:
    # Nothing listens on the discard port: the download fails at once, as offline it would.
    settings.TRUSTDESK_LIST_URL_OVERRIDES = {"un-sc": "http://127.0.0.1:9/consolidated.xml"}
    admin = client_as(User.Role.ADMIN)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post("/lists/update/", {"source": "un-sc"})

    run = TaskRun.objects.get(task="lists.update")
    assert response["Location"] == f"/jobs/{run.public_id}/"
    assert (run.arguments, run.status) == ({"sources": ["un-sc"]}, "succeeded")
    page = page_text(admin.get(response["Location"]).content)
    assert "<li>un-sc: failed, never loaded, so not screened against: download failed:" in page
    assert "1 of 1 (100%) — 1 done, 1 failed" in page


def test_the_source_page_shows_snapshots_with_hash_importer_and_failures(
    client_as: ClientAs, tmp_path: Path
) -> None:
    first = import_list(tmp_path, ROWS).snapshot
    second = import_list(tmp_path, ROWS[:2]).snapshot

    page = page_text(client_as(User.Role.OFFICER).get("/lists/custom:declined/").content)

    assert "<caption>Snapshots of custom:declined, newest import first</caption>" in page
    assert f"<code>{second.short_id}</code> <strong>(current)</strong>" in page
    assert first.content_hash in page
    assert second.content_hash in page
    assert "1 person, 2 organization" in page or "2 organization, 1 person" in page
    assert "by test" in page
    assert 'name="old"' in page
    assert "Show what changed" in page


def test_an_unknown_source_is_not_found(client_as: ClientAs) -> None:
    assert client_as(User.Role.ADMIN).get("/lists/custom:nothing/").status_code == 404
    assert client_as(User.Role.ADMIN).get("/lists/custom:nothing/diff/").status_code == 404


def test_the_diff_page_shows_added_removed_and_changed_fields(
    client_as: ClientAs, tmp_path: Path
) -> None:
    old = import_list(tmp_path, ROWS).snapshot
    changed = ROWS[1].replace(",RU,", ",BY,")
    added = "DP-004,<b>New</b> Institute,,organization,IR,\n"
    new = import_list(tmp_path, [ROWS[0], changed, added]).snapshot
    officer = client_as(User.Role.OFFICER)

    page = page_text(officer.get("/lists/custom:declined/diff/").content)
    removed = page_text(
        officer.get(
            f"/lists/custom:declined/diff/?old={old.public_id}&new={new.public_id}&show=removed"
        ).content
    )
    changes = page_text(
        officer.get(
            f"/lists/custom:declined/diff/?old={old.public_id}&new={new.public_id}&show=changed"
        ).content
    )

    assert "1 added, 1 removed, 1 changed." in page
    assert "<td><code>DP-004</code></td><td>&lt;b&gt;New&lt;/b&gt; Institute</td>" in page
    assert "<td><code>DP-003</code></td><td>Jane Example</td>" in removed
    assert (
        "<dt>countries</dt><dd><del>[&quot;RU&quot;]</del> → <ins>[&quot;BY&quot;]</ins></dd>"
        in changes
    )


def test_a_big_diff_is_paginated_and_the_links_keep_the_pair(
    client_as: ClientAs, tmp_path: Path
) -> None:
    old = import_list(tmp_path, ROWS).snapshot
    many = [f"N-{i:03},Institute number {i},,organization,CN,\n" for i in range(150)]
    new = import_list(tmp_path, ROWS + many).snapshot
    base = f"/lists/custom:declined/diff/?old={old.public_id}&new={new.public_id}&show=added"
    officer = client_as(User.Role.OFFICER)

    first = page_text(officer.get(base).content)
    second = page_text(officer.get(base + "&page=2").content)

    assert "Added entries (1–100 of 150)" in first
    assert f'href="?old={old.public_id}&amp;new={new.public_id}&amp;show=added&amp;page=2"' in first
    assert "Added entries (101–150 of 150)" in second
    assert "N-149" in second
    assert "N-149" not in first


def test_a_snapshot_of_another_source_is_not_found_in_a_diff(
    client_as: ClientAs, tmp_path: Path
) -> None:
    mine = import_list(tmp_path, ROWS).snapshot
    other = import_list(tmp_path, ROWS, name="other").snapshot

    response = client_as(User.Role.OFFICER).get(
        f"/lists/custom:declined/diff/?old={other.public_id}&new={mine.public_id}"
    )

    assert response.status_code == 400  # not one of this source's snapshots: not offered
