"""Anchors kept outside the database: written on a schedule or by `trustdesk audit anchor`, and
checked by default, so a deleted newest event or a rewritten chain is caught."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner
from django.test import Client
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.web.core.support import behind_the_back, note
from trustdesk.cli import main
from trustdesk.web.accounts.models import User
from trustdesk.web.core import audit
from trustdesk.web.core.anchors import (
    audit_anchor_write,
    audit_verify,
)
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.lists.services import shipped_lists_ensure


@pytest.fixture
def anchors(settings: SettingsWrapper, tmp_path: Path) -> Path:
    path = tmp_path / "kept" / "anchors" / "audit-chain.jsonl"
    settings.TRUSTDESK_AUDIT_ANCHOR_PATH = path
    return path


def _lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text().splitlines()]


def _delete(sequence: int) -> None:
    behind_the_back("DELETE FROM core_auditevent WHERE sequence = %s", [sequence])


@pytest.mark.django_db
def test_the_anchor_command_appends_the_head_to_an_owner_only_file(anchors: Path) -> None:
    shipped_lists_ensure()  # what every command does first (audited): done, it adds nothing
    head = note(3)[-1]

    result = CliRunner().invoke(main, ["audit", "anchor"])

    assert result.exit_code == 0, result.output
    assert result.output == f"anchor written to {anchors}: {head.sequence}:{head.hash}\n"
    [line] = _lines(anchors)
    assert (line["sequence"], line["hash"]) == (head.sequence, head.hash)
    assert line["events"] == AuditEvent.objects.count()
    assert stat.S_IMODE(anchors.stat().st_mode) == 0o600
    assert stat.S_IMODE(anchors.parent.stat().st_mode) == 0o700


@pytest.mark.django_db
def test_a_head_already_anchored_appends_nothing(anchors: Path) -> None:
    note(2)
    audit_anchor_write()

    again = audit_anchor_write()

    assert again.written is None
    assert again.message == "nothing new since the last anchor (2)"
    assert len(_lines(anchors)) == 1


@pytest.mark.django_db
def test_a_deleted_newest_event_is_caught_through_the_stored_anchor(anchors: Path) -> None:
    note(5)
    audit_anchor_write()
    _delete(5)
    assert audit.verify_chain().intact  # on its own the shortened chain is consistent

    result, stored = audit_verify()

    assert stored is not None
    assert stored.anchor.sequence == 5
    assert result.broken == audit.ChainBreak(
        5,
        "missing",
        "event #5: missing — the trail ends at #4 but the anchor names a later event (events "
        "were removed from the end)",
    )


@pytest.mark.django_db
def test_a_chain_rewritten_with_recomputed_hashes_is_caught(anchors: Path) -> None:
    note(5)
    audit_anchor_write()
    newest = AuditEvent.objects.get(sequence=5)
    newest.data = {"i": 999}
    behind_the_back(
        "UPDATE core_auditevent SET data = %s, hash = %s WHERE sequence = %s",
        [json.dumps({"i": 999}), audit.event_hash(newest), 5],
    )
    assert audit.verify_chain().intact  # every hash recomputed: consistent in itself

    result, _ = audit_verify()

    assert result.broken is not None
    assert (result.broken.sequence, result.broken.problem) == (5, "anchor-mismatch")


@pytest.mark.django_db
def test_audit_verify_checks_the_stored_anchor_by_default(anchors: Path) -> None:
    shipped_lists_ensure()
    head = note(3)[-1]
    audit_anchor_write()
    _delete(head.sequence)

    result = CliRunner().invoke(main, ["audit", "verify", "--json"])

    assert result.exit_code == 1
    body = json.loads(result.stdout)
    assert (body["broken"]["sequence"], body["broken"]["problem"]) == (head.sequence, "missing")
    assert body["anchor"] == f"{head.sequence}:{head.hash}"


@pytest.mark.django_db
def test_a_broken_chain_is_not_anchored(anchors: Path, caplog: pytest.LogCaptureFixture) -> None:
    note(4)
    audit_anchor_write()
    _delete(3)

    outcome = audit_anchor_write()

    assert outcome.exit_code == 1
    assert outcome.written is None
    assert outcome.message == (
        "no anchor written: audit trail broken: event #3: missing — the chain jumps from #2 to "
        "#4; #3 was deleted"
    )
    assert len(_lines(anchors)) == 1
    assert "audit anchor not written" in caplog.text


@pytest.mark.django_db
def test_the_verify_page_checks_the_stored_anchor_by_default(anchors: Path) -> None:
    auditor = User.objects.create_user(username="aldo", role=User.Role.AUDITOR)
    note(3)
    audit_anchor_write()
    _delete(3)
    client = Client()
    client.force_login(auditor)

    page = client.post("/audit/verify/").content.decode()

    assert "event #3: missing" in page
    assert "Checked against the anchor kept outside the database at" in page
