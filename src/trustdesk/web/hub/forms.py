"""Input shapes for the hub's pages; each hands the services typed values and saves nothing."""

from __future__ import annotations

import re
from typing import Any

from django import forms

from trustdesk.web.accounts.models import Department, User
from trustdesk.web.accounts.roles import ROLES
from trustdesk.web.hub.models import Contact, TrainingModule
from trustdesk.web.hub.permissions import MANAGE
from trustdesk.web.hub.services import ContactFields, ModuleFields, PageFields

_SPLIT = re.compile(r"[,;\n]+")


class DateInput(forms.DateInput):
    input_type = "date"


def _words(raw: str) -> list[str]:
    return [w.strip() for w in _SPLIT.split(raw) if w.strip()]


class PageForm(forms.Form):
    title = forms.CharField(max_length=200)
    summary = forms.CharField(
        max_length=300, required=False, help_text="One sentence shown in lists and results."
    )
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 18, "data-preview-source": ""}),
        help_text=(
            "Markdown: ## headings, **bold**, *italic*, - lists, [links](https://…). "
            "HTML is shown as text; links may be http, https or mailto only."
        ),
    )
    tags = forms.CharField(required=False, help_text="Separated by commas: travel, export control")
    review_by = forms.DateField(
        widget=DateInput, label="Review by", help_text="You are told when this date passes."
    )
    owner = forms.ModelChoiceField(
        queryset=User.objects.none(), to_field_name="public_id", required=False
    )
    public = forms.BooleanField(
        required=False,
        label="Publish without sign-in",
        help_text="Anyone can read it at its public address, without an account.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # Owners keep pages true, so only people who may edit guidance can own one.
        field = self.fields["owner"]
        assert isinstance(field, forms.ModelChoiceField)  # noqa: S101  # narrows for mypy
        editors = [role for role, d in ROLES.items() if MANAGE in d.permissions]
        field.queryset = User.objects.filter(is_active=True, role__in=editors).order_by(
            "last_name", "username"
        )
        field.empty_label = "Me"

    def fields_value(self) -> PageFields:
        data = self.cleaned_data
        return PageFields(
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            tags=_words(data["tags"]),
            review_by=data["review_by"],
            public=data["public"],
            owner=data["owner"],
        )


class PreviewForm(forms.Form):
    body = forms.CharField(required=False, max_length=200_000, strip=False)


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        label="Why is the page withdrawn?",
        help_text="Kept on the audit trail and shown to editors on the withdrawn page.",
    )


class ContactDeleteForm(forms.Form):
    # Shown only when the pack's contact resolves to the record (see the confirmation page).
    pack_confirmed = forms.BooleanField(
        required=False,
        label="Delete anyway: triage and case pages may show the pack's own text for this contact",
    )


class ContactForm(forms.Form):
    name = forms.CharField(max_length=200)
    title = forms.CharField(max_length=200, required=False, label="Role or job title")
    key = forms.SlugField(
        max_length=100,
        required=False,
        label="Policy pack contact",
        help_text="The pack's contact this person answers for (e.g. export-control).",
    )
    email = forms.EmailField(required=False)
    phone = forms.CharField(max_length=50, required=False)
    topics = forms.CharField(max_length=500, required=False, help_text="Separated by commas.")
    processes = forms.CharField(
        required=False, help_text="Process ids from the policy pack, separated by commas."
    )
    department = forms.ModelChoiceField(
        queryset=Department.objects.all(), to_field_name="public_id", required=False
    )
    away_from = forms.DateField(widget=DateInput, required=False, label="Away from")
    away_until = forms.DateField(widget=DateInput, required=False, label="Away until")
    deputy = forms.ModelChoiceField(
        queryset=Contact.objects.all(),
        to_field_name="public_id",
        required=False,
        help_text="Answers while this contact is away.",
    )

    def fields_value(self) -> ContactFields:
        data = self.cleaned_data
        return ContactFields(
            name=data["name"],
            key=data["key"],
            title=data["title"],
            email=data["email"],
            phone=data["phone"],
            topics=data["topics"],
            processes=_words(data["processes"]),
            department=data["department"],
            away_from=data["away_from"],
            away_until=data["away_until"],
            deputy=data["deputy"],
        )


def initial_contact(contact: Contact) -> dict[str, object]:
    return {
        "name": contact.name,
        "title": contact.title,
        "key": contact.key,
        "email": contact.email,
        "phone": contact.phone,
        "topics": contact.topics,
        "processes": ", ".join(contact.processes),
        "department": contact.department.public_id if contact.department else None,
        "away_from": contact.away_from,
        "away_until": contact.away_until,
        "deputy": contact.deputy.public_id if contact.deputy else None,
    }


QUIZ_HELP = (
    "One question per block, blocks separated by an empty line: the question on its first line, "
    "then one option per line starting with “- ”, the right one starting with “* ”."
)


def parse_quiz(text: str) -> list[tuple[str, list[str], int]]:
    """The quiz written as blocks of a question and its options; ValidationError names a block."""
    quiz = []
    blocks = [b for b in re.split(r"\n\s*\n", text.strip().replace("\r\n", "\n")) if b.strip()]
    for n, block in enumerate(blocks, start=1):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        options = [line[2:].strip() for line in lines[1:] if line[:2] in {"- ", "* "}]
        right = [i for i, line in enumerate(lines[1:]) if line.startswith("* ")]
        if len(options) != len(lines) - 1 or len(options) < 2 or len(right) != 1:
            raise forms.ValidationError(
                f"Question {n} needs two or more options, each on a line starting with “- ”, "
                "and exactly one right answer starting with “* ”."
            )
        quiz.append((lines[0], options, right[0]))
    return quiz


def quiz_text(module: TrainingModule) -> str:
    return "\n\n".join(
        "\n".join(
            [q.text, *(("* " if i == q.answer else "- ") + o for i, o in enumerate(q.options))]
        )
        for q in module.quiz()
    )


class ModuleForm(forms.Form):
    key = forms.SlugField(
        max_length=100, help_text="What a policy pack's training requirement names; fixed later."
    )
    title = forms.CharField(max_length=200)
    summary = forms.CharField(max_length=300, required=False)
    body = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 14, "data-preview-source": ""}),
        help_text="Markdown, as on guidance pages.",
    )
    quiz = forms.CharField(widget=forms.Textarea(attrs={"rows": 12}), help_text=QUIZ_HELP)
    pass_mark = forms.IntegerField(min_value=1, max_value=100, initial=80, label="Pass mark (%)")
    valid_days = forms.IntegerField(
        min_value=1, max_value=3650, initial=730, label="A pass is valid for (days)"
    )

    def clean_quiz(self) -> list[tuple[str, list[str], int]]:
        return parse_quiz(self.cleaned_data["quiz"])

    def fields_value(self, key: str | None = None) -> ModuleFields:
        data = self.cleaned_data
        return ModuleFields(
            key=key or data["key"],
            title=data["title"],
            summary=data["summary"],
            body=data["body"],
            questions=data["quiz"],
            pass_mark=data["pass_mark"],
            valid_days=data["valid_days"],
        )


class QuizForm(forms.Form):
    """One radio group per question of the module's quiz."""

    def __init__(self, module: TrainingModule, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for i, question in enumerate(module.quiz(), start=1):
            self.fields[f"q{i}"] = forms.TypedChoiceField(
                label=f"{i}. {question.text}",
                choices=[(str(j), option) for j, option in enumerate(question.options)],
                coerce=int,
                widget=forms.RadioSelect,
                error_messages={"required": "Choose an answer."},
            )

    def answers(self) -> list[int | None]:
        return [self.cleaned_data.get(name) for name in self.fields]
