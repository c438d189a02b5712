"""Evidence uploads: the kinds accepted, hostile files refused with reasons, files kept under
TRUSTDESK_HOME and always served back as attachments to those who see the case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from tests.web.cases.conftest import Cast
from tests.web.mitigations import samples
from tests.web.mitigations.conftest import Triaged
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.mitigations import files, services
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem


def _item(cast: Cast, triaged: Triaged) -> MitigationItem:
    engagement = triaged()
    [item] = services.mitigation_propose(actor=cast.olga, engagement=engagement)
    return item


def _add(user: Any, item: MitigationItem, name: str, data: bytes) -> EvidenceFile:
    return services.evidence_add(actor=user, item=item, name=name, content=files.chunks_of(data))


def _stored() -> list[Path]:
    root = files.evidence_root()
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("briefing.pdf", samples.PDF, "application/pdf"),
        ("receipt.png", samples.PNG, "image/png"),
        ("photo.JPG", samples.JPEG, "image/jpeg"),
        ("notes.txt", samples.TEXT, "text/plain"),
        ("attendance.csv", samples.CSV, "text/csv"),
        ("plan.docx", samples.DOCX, files.DOCX.content_type),
        ("register.xlsx", samples.XLSX, files.XLSX.content_type),
        ("letter.odt", samples.ODT, files.ODT.content_type),
    ],
)
def test_allowed_kinds_are_kept_with_their_sniffed_type_and_digest(
    cast: Cast, triaged: Triaged, name: str, data: bytes, content_type: str
) -> None:
    item = _item(cast, triaged)

    evidence = _add(cast.rita, item, name, data)

    assert (evidence.original_name, evidence.content_type, evidence.size) == (
        name,
        content_type,
        len(data),
    )
    stored = files.evidence_root() / evidence.stored_path
    assert stored.read_bytes() == data
    assert Path(settings.HOME) in stored.parents
    assert name not in evidence.stored_path  # a path made of ids only
    event = AuditEvent.objects.get(action="trustdesk.mitigation.evidence_added")
    assert event.data["file"]["sha256"] == evidence.sha256


def test_a_name_without_an_extension_gets_the_kinds(cast: Cast, triaged: Triaged) -> None:
    evidence = _add(cast.rita, _item(cast, triaged), "scan", samples.PDF)

    assert evidence.original_name == "scan.pdf"


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("report.pdf", samples.EXE, "This file is a Windows program, which is not accepted"),
        ("report.pdf", samples.HTML, "This file is a web page or markup (HTML, SVG or XML)"),
        ("notes.txt", samples.HTML, "This file is a web page or markup (HTML, SVG or XML)"),
        ("diagram.svg", samples.SVG, "This file is a web page or markup (HTML, SVG or XML)"),
        ("bundle.docx", samples.ZIP, "This file is an archive that is not an office document"),
        ("report.pdf", samples.PNG, "named report.pdf but its content is a PNG image"),
        ("empty.pdf", b"", "The file is empty"),
        ("../../etc/cron.d/evil.pdf", samples.PDF, "The file name contains a folder path"),
        ("..\\..\\evil.pdf", samples.PDF, "The file name contains a folder path"),
        ("evil\x00.pdf", samples.PDF, "The file name contains control characters"),
    ],
)
def test_hostile_uploads_are_refused_and_nothing_is_kept(
    cast: Cast, triaged: Triaged, name: str, data: bytes, message: str
) -> None:
    item = _item(cast, triaged)

    with pytest.raises(
        files.EvidenceRefused, match=message.replace("(", r"\(").replace(")", r"\)")
    ):
        _add(cast.rita, item, name, data)

    assert EvidenceFile.objects.count() == 0
    assert _stored() == []


def test_a_file_over_the_limit_is_refused_while_it_is_written(
    cast: Cast, triaged: Triaged, settings: Any
) -> None:
    settings.TRUSTDESK_EVIDENCE_MAX_BYTES = 1024
    item = _item(cast, triaged)

    with pytest.raises(files.EvidenceRefused, match="larger than the 1 KiB limit"):
        _add(cast.rita, item, "big.pdf", samples.PDF + b"0" * 2048)

    assert _stored() == []


@pytest.mark.parametrize(("who", "allowed"), [
    ("rita", True), ("tom", True), ("olga", True), ("cara", False), ("otto", False),
    ("alan", False), ("aude", False),
])  # fmt: skip
def test_who_may_add_evidence(cast: Cast, triaged: Triaged, who: str, allowed: bool) -> None:
    item = _item(cast, triaged)

    if allowed:
        assert _add(cast.by_name(who), item, "a.pdf", samples.PDF).item == item
    else:
        with pytest.raises(PermissionDenied):
            _add(cast.by_name(who), item, "a.pdf", samples.PDF)


def test_a_waived_item_takes_no_evidence(cast: Cast, triaged: Triaged) -> None:
    item = _item(cast, triaged)
    services.mitigation_status(
        actor=cast.olga, item=item, action=services.StatusAction.WAIVE, note="Not travelling"
    )

    with pytest.raises(services.NotChangeable, match="waived"):
        _add(cast.rita, item, "a.pdf", samples.PDF)


# --- through the pages ----------------------------------------------------------------------


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _upload_url(item: MitigationItem) -> str:
    return reverse(
        "mitigations:evidence-add",
        kwargs={"public_id": item.engagement.public_id, "item_id": item.public_id},
    )


def _download_url(item: MitigationItem, evidence: EvidenceFile) -> str:
    return reverse(
        "mitigations:evidence-download",
        kwargs={
            "public_id": item.engagement.public_id,
            "item_id": item.public_id,
            "evidence_id": evidence.public_id,
        },
    )


def test_the_researcher_uploads_evidence_from_the_case_page(cast: Cast, triaged: Triaged) -> None:
    item = _item(cast, triaged)
    upload = SimpleUploadedFile("briefing.pdf", samples.PDF, content_type="text/html")

    response = _client(cast.rita).post(_upload_url(item), {"file": upload}, follow=True)

    evidence = EvidenceFile.objects.get()
    assert (evidence.original_name, evidence.content_type) == ("briefing.pdf", "application/pdf")
    assert "briefing.pdf uploaded." in response.content.decode()


def test_a_disguised_page_is_refused_with_the_reason_on_the_case_page(
    cast: Cast, triaged: Triaged
) -> None:
    item = _item(cast, triaged)
    upload = SimpleUploadedFile("report.pdf", samples.HTML, content_type="application/pdf")

    response = _client(cast.rita).post(_upload_url(item), {"file": upload}, follow=True)

    assert "This file is a web page or markup (HTML, SVG or XML)" in response.content.decode()
    assert EvidenceFile.objects.count() == 0


def test_an_oversized_upload_is_dropped_while_it_streams(
    cast: Cast, triaged: Triaged, settings: Any
) -> None:
    settings.TRUSTDESK_EVIDENCE_MAX_BYTES = 1024
    item = _item(cast, triaged)
    upload = SimpleUploadedFile("big.pdf", samples.PDF + b"0" * 4096)

    response = _client(cast.rita).post(_upload_url(item), {"file": upload}, follow=True)

    assert "larger than the 1 KiB limit for evidence" in response.content.decode()
    assert (EvidenceFile.objects.count(), _stored()) == (0, [])


def test_a_path_in_the_uploaded_name_never_reaches_the_disk(cast: Cast, triaged: Triaged) -> None:
    item = _item(cast, triaged)
    upload = SimpleUploadedFile("../../../../tmp/evil.pdf", samples.PDF)

    _client(cast.rita).post(_upload_url(item), {"file": upload})

    evidence = EvidenceFile.objects.get()
    assert evidence.original_name == "evil.pdf"  # Django keeps only the last part
    assert _stored() == [files.evidence_root() / evidence.stored_path]


def test_evidence_is_served_as_an_attachment_with_nosniff(cast: Cast, triaged: Triaged) -> None:
    item = _item(cast, triaged)
    evidence = _add(cast.rita, item, "notes.txt", samples.TEXT)

    response = _client(cast.cara).get(_download_url(item, evidence))

    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="notes.txt"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Type"] == "text/plain"
    assert "sandbox" in response["Content-Security-Policy"]
    assert b"".join(response.streaming_content) == samples.TEXT  # type: ignore[attr-defined]


def test_another_cases_evidence_is_a_404(cast: Cast, triaged: Triaged) -> None:
    item = _item(cast, triaged)
    other = _item(cast, triaged)
    evidence = _add(cast.rita, other, "notes.txt", samples.TEXT)
    client = _client(cast.rita)

    through_wrong_item = client.get(_download_url(item, evidence))
    outsider = _client(cast.otto).get(_download_url(other, evidence))

    assert (through_wrong_item.status_code, outsider.status_code) == (404, 404)
