"""Starter guidance and training: loaded by command, once, each page citing its sources."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from tests.web.hub.conftest import Cast
from trustdesk.web.hub import search
from trustdesk.web.hub.models import GuidancePage, TrainingModule
from trustdesk.web.hub.starter import starter_files

PAGES = [
    "what-is-trusted-research",
    "how-to-use-triage",
    "export-controls-for-academics",
    "travelling-to-high-risk-destinations",
    "hosting-visitors",
    "accepting-foreign-funding",
    "sanctions-for-researchers",
]
# Each page names at least one of the public sources it summarises, with a year.
SOURCES = re.compile(
    r"(Universities UK|NPSA|UK Research and Innovation|Export Control|ECJU|National Security "
    r"and Investment Act|ATAS|OFSI|FCDO)[^\n]*(19|20)\d\d"
)


def test_every_starter_page_ends_with_its_dated_sources() -> None:
    files = starter_files("pages")

    assert [f.meta["slug"] for f in files] == PAGES
    for f in files:
        sources = f.body.split("## Sources this page summarises", 1)
        assert len(sources) == 2, f.name
        assert SOURCES.search(sources[1]), f.name
        # and every source it lists carries a date: a year, or when it was last checked
        listed = [line for line in sources[1].splitlines() if line.startswith("- ")]
        assert listed, f.name
        undated = [line for line in listed if not re.search(r"\b(19|20)\d\d\b", line)]
        assert undated == [], f.name


def test_the_command_loads_the_starter_set_once(cast: Cast) -> None:
    out = StringIO()

    call_command("hub_starter", owner="olga", json=True, stdout=out)
    call_command("hub_starter", owner="olga", json=True, stdout=(again := StringIO()))

    first, second = json.loads(out.getvalue()), json.loads(again.getvalue())
    assert (first["pages_added"], second["pages_added"], second["pages_kept"]) == (PAGES, [], PAGES)
    assert first["modules_added"] == ["trusted-research-essentials", "hosting-visitors"]
    assert set(GuidancePage.objects.values_list("owner__username", flat=True)) == {"olga"}
    assert TrainingModule.objects.get(key="hosting-visitors").quiz()[0].options[0] == (
        "An ATAS certificate"
    )
    assert [h.key for h in search.search("ATAS certificate", kinds=["page"])] != []


def test_a_starter_page_edited_by_the_institution_is_kept(cast: Cast) -> None:
    call_command("hub_starter", owner="olga", stdout=StringIO())
    GuidancePage.objects.filter(slug="how-to-use-triage").update(body="Our own words.")

    call_command("hub_starter", owner="olga", stdout=StringIO())

    assert GuidancePage.objects.get(slug="how-to-use-triage").body == "Our own words."


def test_an_unknown_owner_is_refused(cast: Cast) -> None:
    with pytest.raises(CommandError, match="no active user 'nobody'"):
        call_command("hub_starter", owner="nobody", stdout=StringIO())
