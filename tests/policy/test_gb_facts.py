"""Facts of the UK base pack corrected in issue 13, each checked against the data it rests on."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest

from tests.support import shared_path
from trustdesk.policy.models import Pack
from trustdesk.policy.registry import load
from trustdesk.policy.triage import triage
from trustdesk.screening.lists import SHIPPED
from trustdesk.screening.parsers.base import ParseLimits
from trustdesk.screening.parsers.ofsi import xlsx_rows


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load("gb-base")


def country_list(pack: Pack, list_id: str) -> set[str]:
    return set(next(lst for lst in pack.country_lists if lst.id == list_id).countries)


# --- UK sanctions regimes -------------------------------------------------------------------------


def conlist_regimes() -> set[str]:
    """The regime names of OFSI's Consolidated List (the UK government's own names)."""
    path = shared_path("data/ofsi-conlist/ConList.xlsx")
    rows = [values for _, values in xlsx_rows(path, "ofsi-conlist", ParseLimits())]
    header = rows[1]
    column = header.index("Regime")
    return {r[column] for r in rows[2:] if len(r) > column and r[column]}


def test_every_regime_on_the_uk_governments_list_is_in_the_pack(pack: Pack) -> None:
    names = {r.name for r in pack.sanctions_regimes}

    assert conlist_regimes() <= names


def test_regime_names_of_the_uk_sanctions_list_are_in_the_pack(pack: Pack) -> None:
    """The UK Sanctions List names regimes by their regulations; each is a regime of the pack."""
    path = shared_path("data/uk-sanctions-list/uk-sanctions-list.xml")
    titles = {el.text.strip() for el in ET.parse(path).iter("RegimeName") if el.text}
    instruments = " ".join(r.instrument.casefold() for r in pack.sanctions_regimes)

    def core(title: str) -> str:
        return re.sub(r"^the ", "", title.casefold()).replace("al-qaeda", "al-qaida").strip()

    missing = [t for t in titles if core(t) not in instruments]
    assert missing == []


def test_zimbabwe_and_lebanon_regimes_are_in_force_with_their_instruments(pack: Pack) -> None:
    by_id = {r.id: r for r in pack.sanctions_regimes}

    assert "SI 2019/604" in by_id["zimbabwe"].instrument
    assert by_id["zimbabwe"].countries == ["ZW"]
    assert "SI 2020/612" in by_id["lebanon"].instrument
    assert "arms-embargo" in by_id["lebanon"].measures
    assert {"ZW", "LB"} <= country_list(pack, "uk-sanctions-regimes")
    assert "LB" in country_list(pack, "uk-sanctions-arms-embargo")


def test_each_regime_says_its_measures_source_and_check_date(pack: Pack) -> None:
    assert len(pack.sanctions_regimes) >= 33
    for regime in pack.sanctions_regimes:
        assert regime.measures, regime.id
        assert regime.source.url.startswith("https://www.gov.uk/"), regime.id
        assert regime.source.checked is not None, regime.id
        assert regime.source.confidence is not None, regime.id
        assert re.search(r"SI \d{4}/\d+", regime.instrument), regime.id


def test_country_lists_follow_from_the_regimes_measures(pack: Pack) -> None:
    countries = {c for r in pack.sanctions_regimes for c in r.countries}
    armed = {c for r in pack.sanctions_regimes if "arms-embargo" in r.measures for c in r.countries}

    assert country_list(pack, "uk-sanctions-regimes") == countries
    assert country_list(pack, "uk-sanctions-arms-embargo") == armed
    # Targeted arms restrictions on designated persons are not a country embargo.
    assert "AF" not in armed
    assert "RU" in country_list(pack, "uk-sanctions-trade-measures")
    assert "ML" not in country_list(pack, "uk-sanctions-trade-measures")


# --- Arms embargoes -------------------------------------------------------------------------------

MILITARY_COLLABORATION = {
    "engagement_kind": ["research-collaboration"],
    "partner_name": "Example Institute",
    "partner_kind": "university",
    "research_areas": ["aerospace-engineering"],
    "transfer_abroad": True,
    "military_end_use": "other-military",
    "partner_military_links": False,
}


@pytest.mark.parametrize("country", ["AM", "AZ"])
def test_lifted_osce_embargo_no_longer_escalates_armenia_or_azerbaijan(
    pack: Pack, country: str
) -> None:
    outcome = triage(pack, {**MILITARY_COLLABORATION, "partner_country": country})

    assert outcome.tier.id != "escalated"
    assert all("OSCE" not in r.reason for r in pack.rules)
    assert all(lst.id != "osce-nagorno-karabakh-embargo" for lst in pack.country_lists)


def test_rules_on_the_embargo_list_say_it_is_a_transcription(pack: Pack) -> None:
    on_embargo = [r for r in pack.rules if "uk-sanctions-arms-embargo" in r.when.model_dump_json()]

    assert on_embargo
    assert all("not the legal list" in r.reason for r in on_embargo)


def test_embargo_reason_reaches_the_outcome(pack: Pack) -> None:
    outcome = triage(pack, {**MILITARY_COLLABORATION, "partner_country": "SY"})

    export = next(p for p in outcome.processes if p.id == "export-control")
    assert any("not the legal list" in r.text for r in export.reasons)


# --- Headings, editions, notes --------------------------------------------------------------------


def test_ml5_heading_is_fire_control_surveillance_and_warning(pack: Pack) -> None:
    tax = next(t for t in pack.taxonomies if t.id == "uk-export-control")
    nodes = [n for top in tax.nodes for n in (top, *top.children)]
    ml5 = next(n for n in nodes if n.code == "ML5")

    assert ml5.label.startswith("Fire control, surveillance and warning equipment")


def test_freedom_house_indicators_show_their_edition(pack: Pack) -> None:
    fh = [i for i in pack.indicators if i.id.startswith("fh_")]

    assert len(fh) == 3
    assert all("2024 edition" in i.title for i in fh)


def test_research_list_check_dates_are_the_dates_their_files_were_built_from() -> None:
    """A list source's check date is the shipped file's, not the pack's publication date."""
    for pack_id in ("gb-base", "ca-base"):
        sources = {s.id: s.source for s in load(pack_id).list_sources}
        for item in SHIPPED:
            if item.source not in sources:
                continue
            header = json.loads(item.resource.read_text(encoding="utf-8"))
            source = sources[item.source]
            assert source.checked is not None
            assert source.checked.isoformat() == header["checked"], (pack_id, item.source)
            assert source.published is not None
            assert source.published.isoformat() == header["edition"], (pack_id, item.source)


# --- Processes: legal basis or institutional practice ---------------------------------------------


def test_every_process_states_a_legal_basis_or_the_guidance_behind_the_practice(
    pack: Pack,
) -> None:
    for process in pack.processes:
        assert process.legal_basis or process.practice, process.id
        if process.practice is not None:
            assert "own" in process.practice.statement, process.id
            assert process.practice.recommended_by, process.id
        cited = [*process.sources, *(process.practice.recommended_by if process.practice else [])]
        assert cited, f"{process.id} cites no source"
        assert all(s.checked for s in cited), process.id


def test_practice_basis_and_its_sources_reach_the_outcome(pack: Pack) -> None:
    outcome = triage(pack, {**MILITARY_COLLABORATION, "partner_country": "SY"})

    diligence = next(p for p in outcome.processes if p.id == "partner-due-diligence")
    assert diligence.practice is not None
    assert "Universities UK" in diligence.practice
    assert any("internationalisation" in s.title for s in diligence.sources)


# --- Facts resting on uncertainty -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "phrase"),
    [
        ("visitor_nationality", "ATAS still applies after April 2026"),
        ("visitor_level", "ATAS still applies after April 2026"),
        ("visitor_level", "integrated master's"),
        ("research_areas", "reform to 19 areas"),
        ("transfer_abroad", "article 12B"),
    ],
)
def test_questions_resting_on_uncertain_facts_say_so(
    pack: Pack, question: str, phrase: str
) -> None:
    found = next(q for q in pack.questions if q.id == question)

    assert found.uncertainty is not None
    assert phrase in found.uncertainty


def test_processes_and_classifications_resting_on_uncertain_facts_say_so(pack: Pack) -> None:
    notices = {p.id: p.notice or "" for p in pack.processes}
    taxonomies = {t.id: t.uncertainty or "" for t in pack.taxonomies}

    assert "29 April 2026" in notices["atas-certificate"]
    assert "integrated master's" in notices["atas-certificate"]
    assert "19 areas" in notices["nsi-assessment"]
    assert "article 12B" in notices["export-control"]
    assert "reform to 19 areas" in taxonomies["nsi"]
    assert "April 2026" in taxonomies["atas-subjects"]
