"""Input shapes for the list pages: uploading a list file, updating a source, picking a diff.

The upload handler sits here too: it is the first line of the size limit, counting bytes as they
arrive so an oversized file is dropped while it streams instead of after it filled the disk.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from trustdesk.web.lists.models import Snapshot
from trustdesk.web.lists.sources import CUSTOM_PREFIX, SOURCES, UnknownSource, source_info

# What trustdesk's parsers read; anything else cannot be a list, so it is refused at the door.
ALLOWED_SUFFIXES = (".csv", ".txt", ".xml", ".xlsx", ".json")
CUSTOM = "custom"

TOO_LARGE = (
    "The file is larger than the {limit} limit for one list file; nothing was stored. "
    "If the file is genuine, an administrator can raise TRUSTDESK_MAX_LIST_BYTES."
)
BAD_SUFFIX = "trustdesk reads list files ending in {allowed}; nothing was stored."
CUSTOM_NAME_NEEDED = "Name the custom list (letters, digits and dashes, as in custom:<name>)."


def human_bytes(size: int) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,} {unit}" if unit == "bytes" else f"{size:.1f} {unit}"
        size //= 1024
    return str(size)


class ListSizeLimitHandler(FileUploadHandler):
    """Drops a file part once it passes `max_bytes`, before any later handler stores more of it.

    `SkipFile` makes Django discard the rest of that part and carry on with the request, so the
    view can still answer with a form that says why (`refused` is set).
    """

    def __init__(self, max_bytes: int) -> None:
        super().__init__()
        self.max_bytes = max_bytes
        self.refused = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if start + len(raw_data) > self.max_bytes:
            self.refused = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the uploaded file


def _source_choices() -> list[tuple[str, str]]:
    return [
        ("", "Recognise it from the file"),
        *((key, f"{key}: {info.title}") for key, info in SOURCES.items()),
        (CUSTOM, "A custom list (name it below)"),
    ]


class UploadForm(forms.Form):
    file = forms.FileField(
        label="List file",
        help_text="A published list file (.csv, .txt, .xml, .xlsx or .json) or a custom CSV.",
    )
    source = forms.ChoiceField(label="Source", required=False, choices=_source_choices)
    custom_name = forms.CharField(
        label="Custom list name",
        required=False,
        max_length=64,
        help_text="Only for a custom list: it becomes custom:<name>.",
    )
    # Unticked (or absent, as from a script) the file becomes current at once, as before.
    preview = forms.BooleanField(
        label="Preview the impact before making it current",
        required=False,
        initial=True,
        help_text="The snapshot is stored and checked but not used for screening until an "
        "officer has seen which partners and cases it would affect and made it current.",
    )

    def __init__(self, *args: Any, max_bytes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes

    def refuse_too_large(self) -> None:
        """Called when the upload handler dropped the file while it streamed.

        The dropped file is missing from the request, so this message replaces "required".
        """
        self.errors["file"] = self.error_class(
            [TOO_LARGE.format(limit=human_bytes(self.max_bytes))]
        )
        self.cleaned_data.pop("file", None)

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(TOO_LARGE.format(limit=human_bytes(self.max_bytes)))
        if not str(upload.name).lower().endswith(ALLOWED_SUFFIXES):
            raise forms.ValidationError(BAD_SUFFIX.format(allowed=", ".join(ALLOWED_SUFFIXES)))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("source") == CUSTOM:
            name = data.get("custom_name", "")
            data["source"] = f"{CUSTOM_PREFIX}{name}"
            if not name:
                self.add_error("custom_name", CUSTOM_NAME_NEEDED)
            else:
                try:
                    source_info(data["source"])
                except UnknownSource as exc:
                    self.add_error("custom_name", exc.reason)
        return data

    def stage(self) -> bool:
        return bool(self.cleaned_data.get("preview"))

    def source_key(self) -> str | None:
        return self.cleaned_data.get("source") or None

    def file_name(self) -> str:
        return PurePath(str(self.cleaned_data["file"].name)).name


def _update_choices() -> list[tuple[str, str]]:
    return [
        ("", "The default set (the governments' lists and any loaded source with a download)"),
        *((key, f"{key}: {info.title}") for key, info in SOURCES.items() if info.downloads),
    ]


class UpdateForm(forms.Form):
    source = forms.ChoiceField(label="Source to update", required=False, choices=_update_choices)

    def sources(self) -> list[str]:
        key = self.cleaned_data.get("source")
        return [key] if key else []


class DiffForm(forms.Form):
    """Two snapshots of one source, older first; the choices are that source's snapshots."""

    old = forms.ChoiceField(label="Older snapshot")
    new = forms.ChoiceField(label="Newer snapshot")

    def __init__(self, *args: Any, snapshots: list[Snapshot], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [(str(s.public_id), snapshot_label(s)) for s in snapshots]
        for name in ("old", "new"):
            field = self.fields[name]
            if isinstance(field, forms.ChoiceField):
                field.choices = choices


def snapshot_label(snapshot: Snapshot) -> str:
    when = snapshot.published[:10] or f"imported {snapshot.imported_at:%Y-%m-%d %H:%M}"
    return f"{snapshot.short_id} ({when}, {snapshot.total:,} entries)"
