"""The cast for hub tests: Olga writes guidance, Rita and Otto read it and take training."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from tests import factories
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.hub import services
from trustdesk.web.hub.models import GuidancePage

REVIEW_BY = dt.date(2030, 1, 1)


@dataclass(frozen=True)
class Cast:
    physics: Department
    chemistry: Department
    rita: User  # researcher, Physics
    otto: User  # researcher, Chemistry
    cara: User  # champion, Physics
    olga: User  # officer
    aude: User  # auditor


@pytest.fixture
def cast(db: None) -> Cast:
    physics = factories.make_department("Physics", faculty="Science")
    chemistry = factories.make_department("Chemistry", faculty="Science")
    user = factories.make_user
    return Cast(
        physics=physics,
        chemistry=chemistry,
        rita=user("rita", User.Role.RESEARCHER, department=physics),
        otto=user("otto", User.Role.RESEARCHER, department=chemistry),
        cara=user("cara", User.Role.CHAMPION, department=physics),
        olga=user("olga", User.Role.OFFICER),
        aude=user("aude", User.Role.AUDITOR),
    )


def page_fields(**overrides: object) -> services.PageFields:
    values: dict[str, object] = {
        "title": "Export controls for academics",
        "summary": "When sharing research abroad needs a licence.",
        "body": "## Licences\n\nA **licence** may be needed for controlled technology.",
        "review_by": REVIEW_BY,
        "tags": ["Export control", "law"],
        "public": False,
    }
    values.update(overrides)
    return services.PageFields(**values)  # type: ignore[arg-type]


def make_page(actor: User, **overrides: object) -> GuidancePage:
    return services.page_create(actor=actor, fields=page_fields(**overrides))
