from collections import Counter
from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers._keys import entry_type, stable_keys
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.bis_dpl import BisDpl

DPL = "data/bis-dpl/dpl.txt"
HEADER = (
    '"Name"\t"Street_Address"\t"City"\t"State"\t"Country"\t"Postal_Code"\t"Effective_Date"\t'
    '"Expiration_Date"\t"Standard_Order"\t"Last_Update"\t"Action"\t"FR_Citation"\n'
)
ROW = (
    '"ACME TRADING LLC"\t"1 MAIN STREET"\t"SPRINGFIELD"\t"IL"\t"US"\t"62701"\t"01/02/2020"\t'
    '"01/02/2030"\t"Y"\t"2020-01-05"\t"F.R. NOTICE ADDED"\t"85 F.R. 100 1/5/2020"\n'
)


def parse(path: Path, report: ParseReport | None = None) -> list[Entry]:
    return list(
        BisDpl().parse(
            {"main": path},
            source="bis-dpl",
            report=report if report is not None else ParseReport(),
            limits=ParseLimits(),
        )
    )


def write(tmp_path: Path, text: str, name: str = "dpl.txt") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_real_file_gives_581_entries_with_unique_ids() -> None:
    report = ParseReport()

    entries = parse(shared_path(DPL), report)

    assert len(entries) == 581
    assert len({e.source_id for e in entries}) == 581
    assert Counter(e.type for e in entries) == {
        EntityType.PERSON: 430,
        EntityType.ORGANIZATION: 151,
    }
    assert report.declared_count is None
    assert report.skipped == 0


def test_publication_date_skips_future_typos_and_warns() -> None:
    path = shared_path(DPL)
    report = ParseReport()

    parse(path, report)

    assert report.published == "2022-09-02"
    assert report.warnings == [
        f"{path}:144: repeats an earlier row in name, address, effective date and FR citation; "
        "kept as its own entry",
        f"{path}:403: repeats an earlier row in name, address, effective date and FR citation; "
        "kept as its own entry",
        f"{path}:35: Last_Update '0222-05-18' is not a plausible date; ignored",
        f"{path}:306: Last_Update 2922-09-01 is in the future (a typo?); ignored",
        f"{path}:343: Last_Update 3017-08-22 is in the future (a typo?); ignored",
    ]


def test_first_real_entry_field_by_field() -> None:
    entry = parse(shared_path(DPL))[0]

    assert entry.source == "bis-dpl"
    assert entry.source_id == "bee7488651955401"
    assert entry.type is EntityType.PERSON
    assert entry.name == "I. ASH"  # published with a leading space
    assert entry.aliases == ()
    assert entry.countries == ("US",)
    assert entry.addresses == (
        Address(
            "UPON THE DATE OF THE ORDER INCARCERATED AT USM NO: 26265-177, FCI SEAGOVILLE, "
            "2113 NORTH HIGHWAY 175, SEAGOVILLE, TX, 75159, US",
            "SEAGOVILLE",
            "US",
        ),
    )
    assert entry.listed_on == "2003-06-19"
    assert entry.programs == ()
    assert entry.remarks == ""
    assert entry.source_url == (
        "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/"
        "denied-persons-list"
    )
    assert entry.extra == (
        ("entity_type", "inferred from name"),
        ("expiration_date", "2056-06-29"),
        ("standard_order", "Y"),
        ("last_update", "2007-01-31"),
        ("action", "FEDERAL REGISTER NOTICE UPDATED"),
        (
            "federal_register_notice",
            "68 F.R. 38290 6/27/03 71 F.R. 38843 7/10/06 72 F.R. 4236 1/30/07",
        ),
    )


def test_repeated_real_rows_stay_two_entries_with_suffixed_ids() -> None:
    entries = [e for e in parse(shared_path(DPL)) if e.name == "DAQING ZHOU"]

    assert [e.source_id for e in entries] == ["b074b63d735afef6", "b074b63d735afef6-2"]
    assert entries[0].addresses == entries[1].addresses


def test_same_name_at_several_addresses_gets_one_id_per_address() -> None:
    entries = [e for e in parse(shared_path(DPL)) if e.name == "MANSOUR ZADEH"]

    assert len(entries) == 4
    assert len({e.source_id for e in entries}) == 4
    # BIS put the country code in State here; the address keeps it, no country is guessed.
    assert entries[3].addresses == (
        Address(
            "STROVOLOU 77, STROVOLOS CENTER SUITE 202, STROVOLOS P.C. 2018, NICOSIA, CY",
            "NICOSIA",
            None,
        ),
    )
    assert entries[3].countries == ()
    assert ("last_update", "3017-08-22") in entries[3].extra


def test_organisations_and_embedded_aliases_in_real_names() -> None:
    by_name = {e.name: e for e in parse(shared_path(DPL))}

    assert by_name["SIBERIAN AIRLINES D/B/A S7 AIRLINES"].type is EntityType.ORGANIZATION
    assert by_name["SIBERIAN AIRLINES D/B/A S7 AIRLINES"].aliases == (
        "SIBERIAN AIRLINES",
        "S7 AIRLINES",
    )
    assert by_name["FUYI SUN A/K/A FRANK SUN"].type is EntityType.PERSON
    assert by_name["FUYI SUN A/K/A FRANK SUN"].aliases == ("FUYI SUN", "FRANK SUN")
    assert by_name["PEARL (A.K.A. NEI-CHIEN CHU) LI"].aliases == ("NEI-CHIEN CHU", "PEARL LI")
    assert by_name["TECHONWEB"].type is EntityType.ORGANIZATION
    assert by_name["AVIASTAR - TU"].type is EntityType.ORGANIZATION
    # published as "AL-NASER  AIRLINES", with a double space, at four addresses
    assert [e.countries for e in parse(shared_path(DPL)) if e.name == "AL-NASER AIRLINES"] == [
        ("IQ",),
        ("IQ",),
        ("AE",),
        ("JO",),
    ]


def test_entry_type_heuristic() -> None:
    assert entry_type("ROBERT J. SHUBERT, SR.") is EntityType.PERSON
    assert entry_type("KIM SONG II") is EntityType.PERSON
    assert entry_type("GHARE SABZ CO.") is EntityType.ORGANIZATION
    assert entry_type("SYNAPTIX.NET") is EntityType.ORGANIZATION
    assert entry_type("YARRA ANSTALT A.G.") is EntityType.ORGANIZATION


def test_key_of_a_uniquely_named_row_survives_other_rows_changing(tmp_path: Path) -> None:
    real = shared_path(DPL).read_text(encoding="utf-8").splitlines(keepends=True)
    full = parse(shared_path(DPL))
    counts = Counter(e.name for e in full)
    unique_names = {e.name: e.source_id for e in full if counts[e.name] == 1}
    # given an edition with a third of the rows, in reverse order
    path = write(tmp_path, real[0] + "".join(reversed(real[1::3])))

    smaller = parse(path)

    kept = [e for e in smaller if e.name in unique_names]
    assert len(kept) == 128
    assert all(e.source_id == unique_names[e.name] for e in kept)


def test_stable_keys_tiers() -> None:
    keys = stable_keys(
        [
            (2, (("A",), ("x",), ("1",))),
            (3, (("B",), ("x",), ("1",))),
            (4, (("B",), ("y",), ("1",))),
            (5, (("C",), ("z",), ("1",))),
            (6, (("C",), ("z",), ("1",))),
        ]
    )

    assert keys == {
        2: stable_keys([(9, (("A",),))])[9],
        3: stable_keys([(9, (("B", "x"),))])[9],
        4: stable_keys([(9, (("B", "y"),))])[9],
        5: stable_keys([(9, (("C", "z", "1"),))])[9],
        6: stable_keys([(9, (("C", "z", "1"),))])[9] + "-2",
    }


def test_role_for_recognises_the_header_only() -> None:
    path = shared_path(DPL)

    assert BisDpl.role_for(path, path.read_bytes()[:65536]) == "main"
    assert BisDpl.role_for(Path("dpl.txt"), b"Name,Street_Address\n") is None
    assert BisDpl.role_for(Path("dpl.txt"), b"\x89PNG\r\n\x1a\n") is None


def test_synthetic_row(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ROW)

    [entry] = parse(path)

    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "ACME TRADING LLC"
    assert entry.addresses == (
        Address("1 MAIN STREET, SPRINGFIELD, IL, 62701, US", "SPRINGFIELD", "US"),
    )
    assert entry.listed_on == "2020-01-02"


def test_missing_column_is_named(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER.replace('\t"FR_Citation"', "") + ROW)

    with pytest.raises(SourceFormatError, match=r"dpl\.txt:1: missing column\(s\): FR_Citation"):
        parse(path)


def test_latin1_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes((HEADER + ROW.replace("ACME", "ACMÉ")).encode("latin-1"))

    with pytest.raises(SourceFormatError, match=r"dpl\.txt:2: not valid UTF-8 \(byte 0xc9\)"):
        parse(path)


def test_utf16_without_bom_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "dpl.txt"
    path.write_bytes((HEADER + ROW).encode("utf-16-le"))

    with pytest.raises(SourceFormatError, match=r"dpl\.txt: binary data, not text"):
        parse(path)


def test_row_cut_short_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ROW + ROW.split("\t")[0] + "\t" + ROW.split("\t")[1] + "\n")

    with pytest.raises(
        SourceFormatError, match=r"dpl\.txt:3: expected 12 tab-separated fields, found 2"
    ):
        parse(path)


def test_file_cut_inside_the_last_field_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ROW + ROW[:-8])

    with pytest.raises(SourceFormatError, match=r"dpl\.txt:3: the file ends inside a quoted field"):
        parse(path)


def test_entry_without_name_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, HEADER + ROW.replace('"ACME TRADING LLC"', '" "'))

    with pytest.raises(SourceFormatError, match=r"dpl\.txt:2: an entry without a name"):
        parse(path)


def test_empty_file_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "")

    with pytest.raises(SourceFormatError, match=r"dpl\.txt: the file is empty"):
        parse(path)


def test_garbage_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "<html><body>Service unavailable</body></html>\n")

    with pytest.raises(SourceFormatError, match=r"dpl\.txt:1: missing column\(s\): Name, "):
        parse(path)
