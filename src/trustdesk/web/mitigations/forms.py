"""Input shapes for the mitigation pages, and the size limit that applies while a file streams."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile

from trustdesk.web.accounts.models import User
from trustdesk.web.cases.models import Engagement
from trustdesk.web.mitigations import files, selectors, services


class EvidenceSizeLimitHandler(FileUploadHandler):
    """Drops a file part once it passes `max_bytes`, before a later handler stores more of it.

    The service counts again while it writes; this only spares the disk an oversized body.
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


class ItemForm(forms.Form):
    title = forms.CharField(label="What must be done", max_length=300)
    description = forms.CharField(
        label="Details", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    area = forms.ChoiceField(label="Risk area", required=False)
    owner = forms.ChoiceField(label="Owner")
    due_date = forms.DateField(
        label="Due date", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args: Any, engagement: Engagement, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.candidates = {
            u.get_username(): u for u in selectors.owner_candidates(engagement=engagement)
        }
        areas = selectors.area_labels()
        self.fields["area"].choices = [("", "None"), *areas.items()]  # type: ignore[attr-defined]
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (name, f"{u.get_full_name() or name} ({u.get_role_display()})")
            for name, u in self.candidates.items()
        ]
        self.fields["owner"].initial = engagement.owner.get_username()

    @classmethod
    def initial_for(cls, item: Any) -> dict[str, object]:
        return {
            "title": item.title,
            "description": item.description,
            "area": item.area,
            "owner": item.owner.get_username(),
            "due_date": item.due_date,
        }

    def to_fields(self) -> services.ItemFields:
        data = self.cleaned_data
        owner: User | None = self.candidates.get(data["owner"])
        return services.ItemFields(
            title=data["title"],
            description=data["description"],
            area=data["area"],
            owner=owner,
            due_date=data["due_date"],
        )


class RemoveForm(forms.Form):
    reason = forms.CharField(label="Why it is removed", widget=forms.Textarea(attrs={"rows": 2}))


class StatusForm(forms.Form):
    action = forms.ChoiceField(choices=[(a.value, a.value) for a in services.StatusAction])
    note = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 2}))


class EvidenceForm(forms.Form):
    file = forms.FileField(label="File")

    def refuse_too_large(self) -> None:
        """The handler dropped the file while it streamed, so "required" would mislead."""
        limit = files.human_bytes(files.max_bytes())
        self.errors["file"] = self.error_class([files.TOO_LARGE.format(limit=limit)])
        self.cleaned_data.pop("file", None)
