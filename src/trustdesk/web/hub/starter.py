"""trustdesk's starter guidance and training for the UK pack, shipped as Markdown in the package.

Each file in ``starter/pages`` and ``starter/training`` is a YAML header between ``---`` lines and
a Markdown body. The pages are the project's own words, each ending with the public sources it
summarises and their dates, for an institution to adapt. Loading is idempotent: a page whose slug
exists (an institution may have edited it) and a module whose key exists are left alone.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from importlib import resources

import yaml
from django.utils import timezone

from trustdesk.web.accounts.models import User
from trustdesk.web.hub import services
from trustdesk.web.hub.models import GuidancePage, TrainingModule

PACKAGE = "trustdesk.web.hub"
#: A starter page is due for review a year after it is loaded: the sources change yearly.
REVIEW_AFTER = dt.timedelta(days=365)


class StarterFormatError(ValueError):
    """A starter file without its header, or with a header missing a required key."""


@dataclass(frozen=True, slots=True)
class StarterFile:
    name: str
    meta: dict[str, object]
    body: str


@dataclass
class StarterReport:
    pages_added: list[str] = field(default_factory=list)
    pages_kept: list[str] = field(default_factory=list)
    modules_added: list[str] = field(default_factory=list)
    modules_kept: list[str] = field(default_factory=list)


def _split(name: str, text: str) -> StarterFile:
    if not text.startswith("---\n"):
        raise StarterFormatError(f"{name}: no '---' header")
    head, sep, body = text[4:].partition("\n---\n")
    if not sep:
        raise StarterFormatError(f"{name}: the header is not closed with '---'")
    meta = yaml.safe_load(head)
    if not isinstance(meta, dict):
        raise StarterFormatError(f"{name}: the header is not a mapping")
    return StarterFile(name, meta, body.lstrip("\n"))


def starter_files(folder: str) -> list[StarterFile]:
    """The parsed files of ``starter/<folder>``, in file-name order (numbered for reading order)."""
    root = resources.files(PACKAGE) / "starter" / folder
    files = sorted((f for f in root.iterdir() if f.name.endswith(".md")), key=lambda f: f.name)
    return [_split(f.name, f.read_text(encoding="utf-8")) for f in files]


def _text(meta: dict[str, object], key: str, name: str) -> str:
    value = meta.get(key)
    if not isinstance(value, str) or not value.strip():
        raise StarterFormatError(f"{name}: header needs {key!r}")
    return value


def _quiz(meta: dict[str, object], name: str) -> list[tuple[str, list[str], int]]:
    raw = meta.get("quiz")
    if not isinstance(raw, list):
        raise StarterFormatError(f"{name}: header needs a 'quiz' list")
    quiz = []
    for item in raw:
        if not isinstance(item, dict):
            raise StarterFormatError(f"{name}: each quiz entry is a mapping")
        options = [str(o) for o in item.get("options", [])]
        quiz.append((str(item.get("question", "")), options, int(item.get("answer", -1))))
    return quiz


def starter_load(*, owner: User) -> StarterReport:
    """Adds the starter pages (owned by ``owner``) and training modules that are not there yet."""
    report = StarterReport()
    review_by = timezone.localdate() + REVIEW_AFTER
    for f in starter_files("pages"):
        slug = _text(f.meta, "slug", f.name)
        if GuidancePage.objects.filter(slug=slug).exists():
            report.pages_kept.append(slug)
            continue
        fields = services.PageFields(
            title=_text(f.meta, "title", f.name),
            summary=str(f.meta.get("summary", "")),
            body=f.body,
            tags=[str(t) for t in f.meta.get("tags", []) or []],  # type: ignore[attr-defined]
            review_by=review_by,
            public=bool(f.meta.get("public", False)),
        )
        services.page_create(actor=owner, fields=fields, slug=slug)
        report.pages_added.append(slug)
    for f in starter_files("training"):
        key = _text(f.meta, "key", f.name)
        if TrainingModule.objects.filter(key=key).exists():
            report.modules_kept.append(key)
            continue
        services.module_save(
            actor=owner,
            fields=services.ModuleFields(
                key=key,
                title=_text(f.meta, "title", f.name),
                summary=str(f.meta.get("summary", "")),
                body=f.body,
                questions=_quiz(f.meta, f.name),
                pass_mark=int(str(f.meta.get("pass_mark", 80))),
                valid_days=int(str(f.meta.get("valid_days", 730))),
            ),
        )
        report.modules_added.append(key)
    return report
