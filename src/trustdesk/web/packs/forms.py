"""The upload form: one policy pack YAML file."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile

MAX_PACK_BYTES = 5 * 1024 * 1024  # the UK base pack is about 0.2 MiB; an extension far less


class PackUploadForm(forms.Form):
    file = forms.FileField(
        label="Policy pack file",
        help_text=(
            "A pack's YAML (.yaml or .yml), checked completely before it is installed. It may "
            "extend an installed pack (gb-base, ca-base) by its id."
        ),
    )

    def clean_file(self) -> UploadedFile[bytes]:
        upload: UploadedFile[bytes] = self.cleaned_data["file"]
        if not (upload.name or "").lower().endswith((".yaml", ".yml")):
            raise forms.ValidationError("Choose a .yaml or .yml file.")
        if (upload.size or 0) > MAX_PACK_BYTES:
            raise forms.ValidationError("The file is larger than 5 MiB; a pack is far smaller.")
        return upload
