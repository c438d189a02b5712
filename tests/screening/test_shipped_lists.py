import importlib.resources
import importlib.util
import json
import re
from pathlib import Path
from types import ModuleType

import pytest

from tests.support import ROOT, shared_path
from trustdesk.screening.lists import SHIPPED, ShippedList, shipped
from trustdesk.screening.matching.vocab import LEGAL_FORMS
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.trustdesk_json import TrustdeskJson


def load_generator() -> ModuleType:
    path = ROOT / "scripts" / "build_research_lists.py"
    spec = importlib.util.spec_from_file_location("build_research_lists", path)
    assert spec is not None
    assert spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


generator = load_generator()

# query, expected slug, why
SLUG_CASES = [
    ("Beihang University", "beihang-university", "the example in the brief"),
    ("Xi’an Jiatong University", "xi-an-jiatong-university", "curly apostrophe, PDF typo kept"),
    ("Xi'an Jiatong University", "xi-an-jiatong-university", "straight apostrophe, same id"),
    (
        "Chinese Academy of Sciences (CAS) – Institute of Computing Technology (ICT)",
        "chinese-academy-of-sciences-cas-institute-of-computing-technology-ict",
        "brackets and an en dash collapse into single hyphens",
    ),
    (
        "National Research Centre “Kurchatov Institute”",
        "national-research-centre-kurchatov-institute",
        "curly quotes at the end are trimmed",
    ),
    ("P. I. Baranov Central Institute", "p-i-baranov-central-institute", "initials"),
    ("Project 5-100", "project-5-100", "digits and an existing hyphen"),
    ("  --Université Laval--  ", "universite-laval", "accents stripped, edges trimmed"),
    ("STRASSE Straße", "strasse-strasse", "casefold, not lower"),
    ("中国科学院", "", "no Latin letters: empty, which the generator refuses"),
]


@pytest.mark.parametrize(("name", "expected", "why"), SLUG_CASES)
def test_slug(name: str, expected: str, why: str) -> None:
    assert generator.slug(name) == expected, why


@pytest.mark.parametrize("item", SHIPPED, ids=lambda item: item.source)
def test_shipped_file_is_a_package_resource(item: ShippedList) -> None:
    resource = importlib.resources.files("trustdesk.screening.lists").joinpath(item.filename)

    header = json.loads(resource.read_text(encoding="utf-8"))

    assert resource.is_file()
    assert item.resource.read_bytes() == resource.read_bytes()
    assert item.filename == f"{item.source}.json"
    assert (header["source"], header["title"], header["publisher"]) == (
        item.source,
        item.title,
        item.publisher,
    )


def test_shipped_sources_are_the_ones_the_format_declares() -> None:
    assert tuple(item.source for item in SHIPPED) == TrustdeskJson.sources
    with pytest.raises(KeyError):
        shipped("ofac-sdn")


def read_entries(source: str) -> list[dict[str, object]]:
    doc = json.loads(shipped(source).resource.read_text(encoding="utf-8"))
    entries: list[dict[str, object]] = doc["entries"]
    return entries


SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def test_ca_nro_ids_are_the_transcription_ids() -> None:
    ids = [str(entry["id"]) for entry in read_entries("ca-nro")]

    assert all(SLUG.fullmatch(entry_id) for entry_id in ids)
    assert "iitp-ras" in ids
    assert "caep-southwest-computing-center" in ids


def test_ca_nro_names_the_103_organisations_of_the_official_list() -> None:
    """The transcription names 101; the two it filed only as CAEP aliases get their own entry.

    The two were found by reading a stored copy of the official page name by name; the
    "...Center" spelling of the Beijing centre is only a CAEP alias there, so it is no entry of
    its own beside the named "...Centre".
    """
    named = [e for e in read_entries("ca-nro") if e["parent"] is None]

    assert len(named) == 103
    names = {str(e["name"]) for e in named}
    assert "Peac Institute of Multiscale Science" in names
    assert "Chengdu Fine Optical Engineering Research Center" in names
    assert "Beijing Computational Science Research Centre" in names
    assert "Beijing Computational Science Research Center" not in names


def test_ca_nro_keeps_the_official_name_the_transcription_reworded() -> None:
    by_id = {str(e["id"]): e for e in read_entries("ca-nro")}

    assert (
        "Northwest Institute of Nuclear"
        in by_id["northwest-institute-of-nuclear-technology"]["aliases"]
    )


def test_aspi_entries_under_the_strategic_support_force_say_it_was_abolished() -> None:
    under_ssf = [
        e
        for e in read_entries("aspi-unitracker")
        if "PLA Strategic Support Force" in str(e["remarks"])
    ]

    assert sorted(str(e["name"]) for e in under_ssf) == [
        "Information Engineering University",
        "Space Engineering University",
    ]
    assert all("abolished in April 2024" in str(e["remarks"]) for e in under_ssf)


def test_dod_1286_ids_are_slugs_of_the_names() -> None:
    for entry in read_entries("us-dod-1286"):
        # A row named by its legal form alone keeps the transcription's id under its own name.
        form = next(
            (f for f in generator.US_1286_BARE_FORMS if entry["id"] == generator.slug(f)), ""
        )
        assert entry["id"] == generator.slug(form or str(entry["name"]))
        assert SLUG.fullmatch(str(entry["id"]))


@pytest.mark.parametrize("item", SHIPPED, ids=lambda i: i.source)
def test_no_shipped_entry_is_named_by_a_legal_form_alone(item: ShippedList) -> None:
    """A hit on "Federal State Budgetary Educational Institution ..." tells an officer nothing."""
    forms = {form for form in LEGAL_FORMS if len(form.split()) > 2}
    for entry in read_entries(item.source):
        assert " ".join(str(entry["name"]).casefold().split()) not in forms, entry["id"]


def test_dod_1286_row_named_by_its_form_is_named_by_its_own_name() -> None:
    (mirea,) = [
        e
        for e in read_entries("us-dod-1286")
        if e["id"] == "federal-state-budgetary-educational-institution-of-higher-education"
    ]
    assert mirea["name"] == "MIREA-Russian Technological University"
    assert (
        "Federal State Budgetary Educational Institution of Higher Education "
        "MIREA-Russian Technological University" in mirea["aliases"]
    )


def test_aspi_ids_are_the_tracker_page_names() -> None:
    for entry in read_entries("aspi-unitracker"):
        url = str(entry["source_url"])
        assert url.startswith("https://unitracker.aspi.org.au/universities/")
        assert entry["id"] == url.rstrip("/").rsplit("/", 1)[-1]
        assert SLUG.fullmatch(str(entry["id"]))


def test_entries_are_sorted_by_id_with_sorted_keys() -> None:
    for item in SHIPPED:
        entries = read_entries(item.source)
        ids = [str(entry["id"]) for entry in entries]
        assert ids == sorted(ids)
        assert all(list(entry) == sorted(entry) for entry in entries)


def test_generator_reproduces_the_committed_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The shipped data follows from its sources byte for byte, so it cannot drift unseen."""
    source_dir = shared_path("policy-data")

    status = generator.main(["--source-dir", str(source_dir), "--out-dir", str(tmp_path)])

    assert status == 0, capsys.readouterr().err
    for item in SHIPPED:
        assert (tmp_path / item.filename).read_bytes() == item.resource.read_bytes(), item.source
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(i.filename for i in SHIPPED)


def test_generator_stops_on_colliding_slugs(tmp_path: Path) -> None:
    header = "name,aliases,report-date,end-date,country,notes,source_url\n"
    rows = [
        "Xi’an University,,2025,,China,,https://example.org/fy25.pdf",
        "Xi'an University,,2025,,China,,https://example.org/fy25.pdf",
    ]
    (tmp_path / generator.US_1286_CSV).write_text(header + "\n".join(rows) + "\n")

    with pytest.raises(
        generator.BuildError,
        match=r"'Xi’an University' and \"Xi'an University\" both give the id 'xi-an-university'",
    ):
        generator.build_us_dod_1286(tmp_path)


def test_generator_stops_on_a_new_fiscal_year(tmp_path: Path) -> None:
    header = "name,aliases,report-date,end-date,country,notes,source_url\n"
    row = "Beihang University,,2026,,China,,https://example.org/fy26.pdf\n"
    (tmp_path / generator.US_1286_CSV).write_text(header + row)

    with pytest.raises(generator.BuildError, match=r"now holds FY26: set US_1286_FISCAL_YEAR"):
        generator.build_us_dod_1286(tmp_path)


def test_generator_output_parses(tmp_path: Path) -> None:
    doc = generator.build_ca_nro(shared_path("policy-data"))
    path = tmp_path / "ca-nro.json"
    path.write_text(generator.render(doc), encoding="utf-8")

    entries = list(
        TrustdeskJson().parse(
            {"main": path}, source="ca-nro", report=ParseReport(), limits=ParseLimits()
        )
    )

    assert len(entries) == len(doc["entries"])
