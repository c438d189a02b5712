"""Write trustdesk's shipped research-security lists from the copies in ../shared/policy-data.

Maintainers run this by hand when a publisher issues a new edition (see docs/research-lists.md);
tests run it only to prove that the committed files still follow from their inputs, and nothing
runs it at run time. Each output is parsed back with the trustdesk-json parser before it replaces
the committed file, so a bad build never lands.

    .venv/bin/python scripts/build_research_lists.py [--source-dir DIR] [--out-dir DIR]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
import tempfile
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.entries import EntityType
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.lists import SHIPPED, ShippedList
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.trustdesk_json import (
    ENTRY_KEYS,
    FORMAT_MARKER,
    FORMAT_VERSION,
    TrustdeskJson,
)

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_SOURCE_DIR = ROOT.parent / "shared" / "policy-data"
DEFAULT_OUT_DIR = ROOT / "src" / "trustdesk" / "screening" / "lists"

CA_NRO_CSV = "canada_named_research_organizations_rstoolkit.csv"
US_1286_CSV = "us_dod_section_1286_opensanctions.csv"
ASPI_JSON = "aspi_china_defence_universities_misp_galaxy.json"

# The date the input copies in ../shared/policy-data were taken (SOURCES.md). Nobody has compared
# them with the publishers' live pages since; bump a value only after doing so.
CHECKED = {
    "ca-nro": "2026-08-22",
    "us-dod-1286": "2026-08-22",
    "aspi-unitracker": "2026-08-22",
}

# "Last Updated: March 11, 2025" in RSToolkit's nroData.js, per SOURCES.md; the CSV has no date.
CA_NRO_EDITION = "2025-03-11"
# Rows the transcription files only as CAEP aliases although the official list also names them as
# organisations of their own. Read name by name on 2026-12-07 against a stored copy of the official
# page (tdhock/tdhock.github.io, assets/2024-09-09-canada-list-of-risky-research-orgs.html, saved
# 2024-09-09, "Date modified: 2024-04-18"): 103 names in bold (85 China, 12 Iran, 6 Russia); the
# transcription's 101 named rows are all among them, and the two it lacks are these. Each gets a
# named entry of its own beside its alias row, so a match says both. "Beijing Computational
# Science Research Center", added here before, is not one of the 103: the page names the
# "...Centre" (a named row already) and gives the "Center" spelling only among CAEP's aliases.
CA_NRO_STANDALONE = {
    "peac-institute-of-multiscale-science": "Peac Institute of Multiscale Science",
    "chengdu-fine-optical-engineering-research-center": (
        "Chengdu Fine Optical Engineering Research Center"
    ),
}
# Official names the transcription wrote differently, kept as aliases so the page's own wording
# matches: the page names "Northwest Institute of Nuclear" (sic); the transcription adds
# "Technology".
CA_NRO_OFFICIAL_NAMES = {
    "northwest-institute-of-nuclear-technology": "Northwest Institute of Nuclear",
}
CA_NRO_OFFICIAL_COUNT = 103
CA_NRO_URL = (
    "https://science.gc.ca/site/science/en/safeguarding-your-research/"
    "guidelines-and-tools-implement-research-security/"
    "sensitive-technology-research-and-affiliations-concern/named-research-organizations"
)

# The FY25 list: the transcription ended the entries FY25 dropped on 2026-07-23, the month of the
# PDF's upload path. A new fiscal year in the CSV stops the build until both are updated here.
US_1286_FISCAL_YEAR = "2025"
US_1286_EDITION = "2026-07-23"
# Table 2 of the FY25 list (drafts/us_definitions.yaml); every other row is a Table 1 institution.
US_1286_TABLE_2 = frozenset(
    {
        "Thousand Talents Plan",
        "Hundred Talents Plan",
        "Changjiang Scholar Distinguished Professorship",
        "Pearl River Talent Program",
        "River Talents Plan",
        "Project 5-100",
    }
)
US_1286_TABLE_1_CATEGORY = "Table 1: foreign institution (section 1286(c)(8))"
US_1286_TABLE_2_CATEGORY = "Table 2: foreign talent recruitment program (section 1286(c)(9))"
# Rows the transcription names by their legal form alone, which says nothing to an officer reading
# a hit: the entry is named by the alias given here (the body's own name, which the FY25 PDF writes
# after the form), the form and that name together become an alias, and the id stays the
# transcription's so stored hits keep pointing at the entry.
US_1286_BARE_FORMS = {
    "Federal State Budgetary Educational Institution of Higher Education": (
        "MIREA-Russian Technological University"
    ),
}
US_1286_NOTES = {
    "and affiliates": "Listed with its affiliates; the affiliates the list names are aliases here.",
}
# The PLA Strategic Support Force was abolished in April 2024 (its parts became the Aerospace
# Force, the Cyberspace Force and the Information Support Force); the 2020 tracker still names it.
ASPI_SSF = "PLA Strategic Support Force"
ASPI_SSF_NOTE = (
    "Note: the PLA Strategic Support Force named here was abolished in April 2024 and its "
    "parts reorganised (Aerospace Force, Cyberspace Force, Information Support Force); the "
    "tracker's 2020 text predates this."
)
# Structural conventions of the transcription (SECTION_1286.md, "Procedure" step 4).
US_1286_PARENTS = (
    ("Academy of Military Medical Sciences, ", "Academy of Military Medical Sciences"),
    ("Chinese Academy of Sciences", "Chinese Academy of Sciences"),
)

# The MISP galaxy's file last changed on this day, the month it was scraped from the tracker;
# ASPI does not date its tracker, so this snapshot date stands in for an edition.
ASPI_EDITION = "2020-08-22"
ASPI_URL = "https://unitracker.aspi.org.au/"
ASPI_PAGE = re.compile(
    r"https://unitracker\.aspi\.org\.au/universities/([a-z0-9]+(?:-[a-z0-9]+)*)/?"
)
# "China University of Geosciences (Wuhan) (中国地质大学)": the last brackets hold the Chinese.
_ENGLISH_AND_CHINESE = re.compile(r"(?P<english>.+?) \((?P<chinese>[^()]+)\)")

LICENCES = {
    "ca-nro": (
        "No licence: the transcription used (seawaydigital/RSToolkit, src/data/nroData.js at "
        "7eb48e9c) states none, so all rights are reserved by default. The list itself is a "
        "Government of Canada publication (science.gc.ca). Re-derive from the official page "
        "before redistributing."
    ),
    "us-dod-1286": (
        "CC BY-NC 4.0 (the OpenSanctions transcription, datasets/us/special_leg/source_files/"
        "section_1286.csv at 7ccd1f43): non-commercial use only. The DoD PDFs themselves are "
        "US Government works."
    ),
    "aspi-unitracker": (
        "CC0-1.0 or BSD-2-Clause (MISP galaxy clusters/china-defence-universities.json at "
        "4635146b); the tracker's content is ASPI's and must be attributed to ASPI."
    ),
}
ATTRIBUTIONS = {
    "ca-nro": (
        "Named Research Organizations, Government of Canada (science.gc.ca). Transcribed by "
        "seawaydigital/RSToolkit; adapted by trustdesk."
    ),
    "us-dod-1286": (
        "Section 1286 list (FY25), US Department of Defense. Transcribed by OpenSanctions "
        "(opensanctions.org, CC BY-NC 4.0); adapted by trustdesk: latest edition only, "
        "ids re-derived from names."
    ),
    "aspi-unitracker": (
        "China Defence Universities Tracker, Australian Strategic Policy Institute (ASPI) "
        "International Cyber Policy Centre, unitracker.aspi.org.au. Transcribed by the MISP "
        "galaxy project (2020); adapted by trustdesk."
    ),
}


class BuildError(Exception):
    """The inputs do not support a correct list; the committed file is left as it was."""


def slug(text: str) -> str:
    """The id of a name: accents stripped, casefolded, runs of anything but a-z0-9 as one hyphen.

    Stable across editions as long as the publisher keeps the name, which is what lets results
    be compared across tools and years.
    """
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return re.sub(r"[^a-z0-9]+", "-", plain).strip("-")


def is_latin(text: str) -> bool:
    """True when every letter is Latin script: others go to original_script_names."""
    return all(unicodedata.name(ch, "").startswith("LATIN") for ch in text if ch.isalpha())


def split_aliases(value: str) -> list[str]:
    return [part.strip() for part in value.split(";") if part.strip()]


def _clean(values: Iterable[str], exclude: str = "") -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        text = " ".join(value.split())
        if text and text != exclude:
            seen.setdefault(text, None)
    return list(seen)


def _country(value: str, where: str) -> list[str]:
    if not value:
        return []
    code = to_iso2(value)
    if code is None:
        raise BuildError(f"{where}: country {value!r} has no ISO code")
    return [code]


def make_entry(
    *,
    entry_id: str,
    name: str,
    aliases: Iterable[str] = (),
    countries: Sequence[str] = (),
    categories: Sequence[str] = (),
    parent: str | None = None,
    remarks: str = "",
    source_url: str = "",
) -> dict[str, Any]:
    """One entry with every field present and its keys sorted, so diffs show only real changes."""
    names = _clean(aliases, exclude=name)
    entry: dict[str, Any] = {
        "aliases": [n for n in names if is_latin(n)],
        "categories": _clean(categories),
        "countries": list(countries),
        "id": entry_id,
        "listed_on": None,
        "name": name,
        "original_script_names": [n for n in names if not is_latin(n)],
        "parent": parent,
        "remarks": remarks,
        "source_url": source_url,
        "type": EntityType.ORGANIZATION.value,
    }
    if tuple(entry) != ENTRY_KEYS:
        raise BuildError("the writer's entry fields differ from the parser's ENTRY_KEYS")
    return entry


def make_document(
    item: ShippedList, edition: str, source_url: str, entries: list[dict[str, Any]]
) -> dict[str, Any]:
    ids = [e["id"] for e in entries]
    if len(set(ids)) != len(ids):
        raise BuildError(f"{item.source}: duplicate ids")
    return {
        "format": FORMAT_MARKER,
        "format_version": FORMAT_VERSION,
        "source": item.source,
        "title": item.title,
        "publisher": item.publisher,
        "edition": edition,
        "checked": CHECKED[item.source],
        "source_url": source_url,
        "licence": LICENCES[item.source],
        "attribution": ATTRIBUTIONS[item.source],
        "entries": sorted(entries, key=lambda e: str(e["id"])),
    }


def _read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def build_ca_nro(source_dir: Path) -> dict[str, Any]:
    """Canada's NROs as RSToolkit transcribed them, one entry per row, the row's id kept."""
    rows = _read_csv(source_dir / CA_NRO_CSV)
    names = {row["id"]: row["name"] for row in rows}
    entries = []
    for line, row in enumerate(rows, start=2):
        where = f"{CA_NRO_CSV}:{line}"
        parent = names.get(row["parent_org"]) if row["parent_org"] else None
        if row["parent_org"] and parent is None:
            raise BuildError(f"{where}: parent {row['parent_org']!r} is not a row of the file")
        if row["listed_as"] == "named_entry":
            category = "Named research organization"
        elif parent and row["listed_as"] == f"alias_or_subsidiary_of_{row['parent_org']}":
            category = f"Alias or subsidiary of {parent}"
        else:
            raise BuildError(f"{where}: unknown listed_as {row['listed_as']!r}")
        # City and notes are RSToolkit's additions, not the Government's: kept, but labelled.
        added = [f"city: {row['city']}"] if row["city"] else []
        added += [f"note: {row['notes']}"] if row["notes"] else []
        remarks = f"Added by the RSToolkit transcription: {'; '.join(added)}." if added else ""
        aliases = split_aliases(row["aliases"])
        if official := CA_NRO_OFFICIAL_NAMES.get(row["id"]):
            aliases.append(official)
            remarks = f'{remarks} The official list names it "{official}".'.strip()
        entries.append(
            make_entry(
                entry_id=row["id"],
                name=row["name"],
                aliases=aliases,
                countries=_country(row["country"], where),
                categories=[category],
                parent=parent,
                remarks=remarks,
                source_url=CA_NRO_URL,
            )
        )
    for entry_id in CA_NRO_OFFICIAL_NAMES:
        if entry_id not in names:
            raise BuildError(f"{CA_NRO_CSV}: row {entry_id!r} for an official name is gone")
    for entry_id, name in CA_NRO_STANDALONE.items():
        if entry_id not in names:
            raise BuildError(f"{CA_NRO_CSV}: row {entry_id!r} for a standalone NRO is gone")
        row = next(r for r in rows if r["id"] == entry_id)
        entries.append(
            make_entry(
                entry_id=f"nro-{slug(name)}",
                name=name,
                aliases=split_aliases(row["aliases"]),
                countries=_country(row["country"], CA_NRO_CSV),
                categories=["Named research organization"],
                remarks=(
                    "Named by the official list as an organisation of its own as well as under "
                    "the Chinese Academy of Engineering Physics; the transcription used filed it "
                    "only as an alias, so trustdesk adds this entry."
                ),
                source_url=CA_NRO_URL,
            )
        )
    named = sum(1 for e in entries if e["parent"] is None)
    if named != CA_NRO_OFFICIAL_COUNT:
        raise BuildError(f"ca-nro: {named} named organisations, the official list has 103")
    return make_document(_shipped("ca-nro"), CA_NRO_EDITION, CA_NRO_URL, entries)


def build_us_dod_1286(source_dir: Path) -> dict[str, Any]:
    """The latest fiscal year's list only: each year is a complete block of rows in the CSV."""
    rows = _read_csv(source_dir / US_1286_CSV)
    latest = max(row["report-date"] for row in rows)
    if latest != US_1286_FISCAL_YEAR:
        raise BuildError(
            f"{US_1286_CSV} now holds FY{latest[2:]}: set US_1286_FISCAL_YEAR, US_1286_EDITION "
            "and US_1286_TABLE_2 for it in this script first"
        )
    current = [row for row in rows if row["report-date"] == latest and not row["end-date"]]
    by_slug: dict[str, str] = {}
    entries = []
    for row in current:
        name = row["name"]
        key = slug(name)
        if not key:
            raise BuildError(f"{name!r} gives an empty id")
        if key in by_slug:
            raise BuildError(f"{by_slug[key]!r} and {name!r} both give the id {key!r}")
        by_slug[key] = name
        entries.append(_us_entry(row, key))
    table_2 = {row["name"] for row in current if not row["country"]}
    if table_2 != US_1286_TABLE_2:
        raise BuildError(f"rows without a country are not Table 2 as known here: {sorted(table_2)}")
    urls = {row["source_url"] for row in current}
    if len(urls) != 1:
        raise BuildError(f"FY{latest[2:]} rows cite several documents: {sorted(urls)}")
    return make_document(_shipped("us-dod-1286"), US_1286_EDITION, urls.pop(), entries)


def _us_entry(row: dict[str, str], key: str) -> dict[str, Any]:
    name = row["name"]
    table = US_1286_TABLE_2_CATEGORY if name in US_1286_TABLE_2 else US_1286_TABLE_1_CATEGORY
    parent = next(
        (p for prefix, p in US_1286_PARENTS if name.startswith(prefix) and name != p), None
    )
    # No "listed since" remark: a renamed institution starts a new name in the transcription
    # (Beihang was "Beijing University of Aeronautics and Astronautics" until FY24), so a
    # history by name would call long-listed institutions new.
    remarks = US_1286_NOTES.get(row["notes"], f"Note: {row['notes']}.") if row["notes"] else ""
    aliases = split_aliases(row["aliases"])
    if name in US_1286_BARE_FORMS:
        own = US_1286_BARE_FORMS[name]
        if own not in aliases:
            raise BuildError(f"{name!r} no longer has the alias {own!r} to be named by")
        aliases = [f"{name} {own}", *aliases]
        name = own
    return make_entry(
        entry_id=key,
        name=name,
        aliases=aliases,
        countries=_country(row["country"], name),
        categories=[table],
        parent=parent,
        remarks=remarks,
        source_url=row["source_url"],
    )


def build_aspi_unitracker(source_dir: Path) -> dict[str, Any]:
    """ASPI's tracker as the MISP galaxy scraped it in 2020; the English name is the primary one."""
    with (source_dir / ASPI_JSON).open(encoding="utf-8") as fh:
        galaxy = json.load(fh)
    entries = [_aspi_entry(value) for value in galaxy["values"]]
    return make_document(_shipped("aspi-unitracker"), ASPI_EDITION, ASPI_URL, entries)


def _aspi_entry(value: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = value["meta"]
    (page,) = meta["refs"]
    url_match = ASPI_PAGE.fullmatch(page)
    title_match = _ENGLISH_AND_CHINESE.fullmatch(value["value"])
    if (
        url_match is None
        or title_match is None
        or not is_latin(title_match.group("english"))
        or is_latin(title_match.group("chinese"))
    ):
        raise BuildError(f"ASPI entry {value['value']!r}: unexpected name or page {page!r}")
    agencies: list[str] = meta["supervising agencies"]
    facts = [
        ("Supervising agencies", agencies),
        ("Research topics", meta.get("topics", [])),
        ("Subsidiaries", meta.get("subsidiaries", [])),
        ("Major defence laboratories", meta.get("major defence laboratories", [])),
        ("Address", [meta["address"]] if meta.get("address") else []),
    ]
    return make_entry(
        entry_id=url_match.group(1),
        name=title_match.group("english"),
        aliases=[title_match.group("chinese"), *meta["aliases"]],
        countries=["CN"],
        categories=meta["categories"],
        # Several agencies share supervision of many entries; a single parent would pick one.
        parent=agencies[0] if len(agencies) == 1 else None,
        remarks=" ".join(
            [f"{label}: {'; '.join(_clean(items))}." for label, items in facts if items]
            + ([ASPI_SSF_NOTE] if ASPI_SSF in agencies else [])
        ),
        source_url=page,
    )


def _shipped(source: str) -> ShippedList:
    return next(item for item in SHIPPED if item.source == source)


BUILDERS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "ca-nro": build_ca_nro,
    "us-dod-1286": build_us_dod_1286,
    "aspi-unitracker": build_aspi_unitracker,
}


def render(document: dict[str, Any]) -> str:
    """Pretty, UTF-8 and one value per line: a new edition reads as a small diff."""
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def write(item: ShippedList, document: dict[str, Any], out_dir: Path) -> int:
    """Write through a temporary file that must parse before it replaces the old one."""
    out_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{item.source}.", suffix=".json", dir=out_dir)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(render(document))
        parsed = TrustdeskJson().parse(
            {"main": tmp}, source=item.source, report=ParseReport(), limits=ParseLimits()
        )
        count = sum(1 for _ in parsed)
        tmp.chmod(0o644)  # mkstemp's 0600 would make an installed copy unreadable to others
        os.replace(tmp, out_dir / item.filename)
    except SourceFormatError as exc:
        raise BuildError(f"{item.source}: the built file does not parse: {exc}") from exc
    finally:
        tmp.unlink(missing_ok=True)
    return count


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--source-dir", type=Path, default=DEFAULT_SOURCE_DIR)
    parser.add_argument("--out-dir", type=Path, default=DEFAULT_OUT_DIR)
    args = parser.parse_args(argv)
    try:
        # Every list is built before any is written, so one bad input changes no file.
        documents = [(item, BUILDERS[item.source](args.source_dir)) for item in SHIPPED]
        for item, document in documents:
            count = write(item, document, args.out_dir)
            sys.stdout.write(f"{item.source}: {count} entries -> {args.out_dir / item.filename}\n")
    except (BuildError, OSError, KeyError, ValueError) as exc:
        sys.stderr.write(f"build_research_lists: {exc}\n")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
