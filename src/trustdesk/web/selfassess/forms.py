"""Input shapes for the self-assessment pages: a section's answers, an action, a reason."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.forms.boundfield import BoundWidget

from trustdesk.policy.models import AssessmentQuestion, AssessmentSection, MaturityLevel
from trustdesk.web.accounts.models import User
from trustdesk.web.selfassess import selectors, services
from trustdesk.web.selfassess.models import Action, Answer


class StartForm(forms.Form):
    as_of = forms.DateField(
        label="As at",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="The day the answers describe the institution as at.",
    )
    title = forms.CharField(label="Title", max_length=200, required=False)


LEVEL_FOR_EVIDENCE = "Choose a level: evidence is kept with the level it supports."


@dataclass(frozen=True, slots=True)
class QuestionFields:
    """One question's fields, with each level's radio beside what the level means for it."""

    question: AssessmentQuestion
    target: str
    level: forms.BoundField
    options: list[tuple[BoundWidget, str]]
    evidence: forms.BoundField
    link: forms.BoundField


class SectionForm(forms.Form):
    """Three fields per question of one section: level, evidence and an evidence link."""

    def __init__(
        self,
        *args: Any,
        section: AssessmentSection,
        scale: list[MaturityLevel],
        answers: dict[str, Answer],
        targets: dict[str, str],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.section = section
        self.scale = scale
        self.targets = targets
        choices = [(str(m.level), f"{m.level} {m.label}") for m in scale]
        for q in section.questions:
            had = answers.get(q.id)
            self.fields[f"{q.id}-level"] = forms.TypedChoiceField(
                label=q.text,
                choices=choices,
                coerce=int,
                required=False,
                widget=forms.RadioSelect,
                initial=str(had.level) if had else None,
            )
            self.fields[f"{q.id}-evidence"] = forms.CharField(
                label="Evidence",
                required=False,
                help_text=q.help,
                widget=forms.Textarea(attrs={"rows": 3}),
                initial=had.evidence if had else "",
            )
            self.fields[f"{q.id}-link"] = forms.CharField(
                label="Link or document reference",
                required=False,
                max_length=500,
                initial=had.evidence_link if had else "",
            )

    def clean(self) -> dict[str, Any]:
        """Evidence without a level would be dropped unseen: ask for the level instead."""
        data = super().clean() or {}
        for q in self.section.questions:
            noted = data.get(f"{q.id}-evidence") or data.get(f"{q.id}-link")
            if noted and data.get(f"{q.id}-level") in ("", None):
                self.add_error(f"{q.id}-level", LEVEL_FOR_EVIDENCE)
        return data

    def questions(self) -> list[QuestionFields]:
        """The bound fields question by question, for the template."""
        out = []
        for q in self.section.questions:
            level = self[f"{q.id}-level"]
            meanings = [q.levels.get(m.level) or m.description for m in self.scale]
            out.append(
                QuestionFields(
                    q,
                    self.targets.get(q.id, ""),
                    level,
                    list(zip(level.subwidgets, meanings, strict=True)),
                    self[f"{q.id}-evidence"],
                    self[f"{q.id}-link"],
                )
            )
        return out

    def to_answers(self) -> list[services.AnswerInput]:
        data = self.cleaned_data
        return [
            services.AnswerInput(
                question_id=q.id,
                level=data[f"{q.id}-level"] if data[f"{q.id}-level"] != "" else None,
                evidence=data[f"{q.id}-evidence"],
                evidence_link=data[f"{q.id}-link"],
            )
            for q in self.section.questions
        ]


class ActionForm(forms.Form):
    title = forms.CharField(label="What must be done", max_length=300)
    owner = forms.ChoiceField(label="Owner")
    due_date = forms.DateField(label="Due date", widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args: Any, action: Action, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial",
            {
                "title": action.title,
                "owner": action.owner.get_username(),
                "due_date": action.due_date,
            },
        )
        super().__init__(*args, **kwargs)
        self.candidates: dict[str, User] = {
            u.get_username(): u for u in selectors.owner_candidates()
        }
        self.fields["owner"].choices = [  # type: ignore[attr-defined]
            (name, f"{u.get_full_name() or name} ({u.get_role_display()})")
            for name, u in self.candidates.items()
        ]

    def to_fields(self) -> services.ActionFields:
        data = self.cleaned_data
        return services.ActionFields(
            title=data["title"], owner=self.candidates[data["owner"]], due_date=data["due_date"]
        )


class ReasonForm(forms.Form):
    reason = forms.CharField(label="Why", widget=forms.Textarea(attrs={"rows": 2}))


class DoneForm(forms.Form):
    note = forms.CharField(
        label="What was done", required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
