from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.ofac_csv import FORMATS, OfacConsCsv, OfacSdnCsv
from trustdesk.screening.parsers.ofac_remarks import ofac_dates_of_birth, parse_remarks

SET_2021 = "data/ofac-sdn-csv-set-2021"
CONS = "data/ofac-consolidated"


def parse(
    fmt: type[OfacSdnCsv] | type[OfacConsCsv], files: dict[str, Path]
) -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    entries = list(fmt().parse(files, source=fmt.source, report=report, limits=ParseLimits()))
    return entries, report


@cache
def daily(day: str) -> tuple[list[Entry], ParseReport]:
    return parse(OfacSdnCsv, {"sdn": shared_path(f"data/ofac-sdn-csv/{day}/sdn.csv")})


@cache
def set_2021() -> tuple[list[Entry], ParseReport]:
    files = {
        "sdn": shared_path(f"{SET_2021}/sdn.csv"),
        "add": shared_path(f"{SET_2021}/add.csv"),
        "alt": shared_path(f"{SET_2021}/alt.csv"),
        "comments": shared_path(f"{SET_2021}/sdn_comments.csv"),
    }
    return parse(OfacSdnCsv, files)


@cache
def consolidated() -> tuple[list[Entry], ParseReport]:
    files = {
        "sdn": shared_path(f"{CONS}/cons_prim.csv"),
        "add": shared_path(f"{CONS}/cons_add.csv"),
        "alt": shared_path(f"{CONS}/cons_alt.csv"),
        "comments": shared_path(f"{CONS}/cons_comments.csv"),
    }
    return parse(OfacConsCsv, files)


def by_id(entries: list[Entry]) -> dict[str, Entry]:
    return {entry.source_id: entry for entry in entries}


# --- the real files -----------------------------------------------------------------------------


def test_sdn_2024_05_01_counts_by_type() -> None:
    entries, report = daily("2024-05-01")

    assert len(entries) == 14_966
    assert Counter(e.type for e in entries) == {
        EntityType.ORGANIZATION: 6_883,
        EntityType.PERSON: 6_849,
        EntityType.VESSEL: 851,
        EntityType.AIRCRAFT: 383,
    }
    assert report.published is None  # the legacy CSV states no date
    assert report.declared_count is None
    assert report.skipped == 0


@pytest.mark.parametrize(("day", "count"), [("2024-05-02", 14_973), ("2024-05-03", 14_965)])
def test_sdn_daily_counts(day: str, count: int) -> None:
    entries, _ = daily(day)

    assert len(entries) == count
    assert all(e.source == "ofac-sdn" for e in entries)


def test_sdn_2024_05_03_lost_seven_aircraft_and_one_entity() -> None:
    before, _ = daily("2024-05-02")
    after, _ = daily("2024-05-03")

    gone = by_id(before).keys() - by_id(after).keys()

    assert Counter(by_id(before)[k].type for k in gone) == {
        EntityType.AIRCRAFT: 7,
        EntityType.ORGANIZATION: 1,
    }


def test_sdn_entry_with_weak_aliases_in_remarks() -> None:
    entries, _ = daily("2024-05-01")

    bank = by_id(entries)["306"]

    assert bank.name == "BANCO NACIONAL DE CUBA"
    assert bank.type is EntityType.ORGANIZATION  # SDN_Type -0-
    assert bank.aliases == ()  # no alt.csv given
    assert bank.weak_aliases == ("BNC",)
    assert bank.programs == ("CUBA",)
    assert bank.remarks == "a.k.a. 'BNC'."
    assert bank.source_url == "https://sanctionssearch.ofac.treas.gov/Details.aspx?id=306"


def test_sdn_person_with_year_ranges_nationality_and_title() -> None:
    entries, _ = daily("2024-05-01")

    naqdi = by_id(entries)["12057"]

    assert naqdi.name == "NAQDI, Mohammad Reza"
    assert naqdi.type is EntityType.PERSON
    # "DOB 1951 to 1953; alt. DOB 1960 to 1962; alt. DOB Apr 1961; alt. DOB 1953"
    assert naqdi.dates_of_birth == ("1951", "1952", "1953", "1960", "1961", "1962", "1961-04")
    assert naqdi.programs == ("SDGT", "NPWMD", "IRGC", "IFSR", "IRAN-HR", "IRAN-EO13876")
    assert naqdi.countries == ("IQ", "IR")  # POB Najaf, Iraq; POB Tehran, Iran; nationality Iran
    assert ("nationality", "Iran") in naqdi.extra
    assert ("gender", "Male") in naqdi.extra
    assert ("place_of_birth", "Najaf, Iraq") in naqdi.extra
    assert naqdi.extra[0][0] == "title"
    assert naqdi.extra[0][1].startswith("Brigadier General and Commander of the IRGC Basij")


def test_sdn_circa_date_of_birth() -> None:
    entries, _ = daily("2024-05-01")

    tikriti = by_id(entries)["7846"]

    assert tikriti.dates_of_birth == ("1957",)  # "DOB circa 1957"
    assert tikriti.countries == ("IQ",)


def test_sdn_vessel_columns_and_identifiers() -> None:
    entries, _ = daily("2024-05-01")

    vessel = by_id(entries)["15036"]

    assert vessel.name == "ARTAVIL"
    assert vessel.type is EntityType.VESSEL
    assert vessel.identifiers == (
        Identifier("Call Sign", "T2EU4"),
        Identifier("IMO", "9187629"),
        Identifier("MMSI", "572469210"),
    )
    assert vessel.countries == ("IR",)  # flag Iran; former flags are not countries
    assert vessel.weak_aliases == ("ALPHA",)  # f.k.a. 'ALPHA' in the remarks
    assert vessel.extra == (
        ("vessel_type", "Crude/Oil Products Tanker"),
        ("tonnage", "99,144"),
        ("gross_registered_tonnage", "56,068"),
        ("vessel_flag", "Iran"),
        ("linked_to", "NATIONAL IRANIAN TANKER COMPANY"),
    )


def test_sdn_remarks_cut_at_1000_characters_are_warned_and_last_clause_unread() -> None:
    entries, report = daily("2024-05-01")

    lazarus = by_id(entries)["27307"]

    # The field stops inside "a.k.a. 'WHOIS HACKING TEAM'": the fragment is not a name.
    assert lazarus.weak_aliases[-1] == "THE NEW ROMANTIC CYBER ARMY TEAM"
    assert len(report.warnings) == 1
    assert "the remarks of 18 entries stop at OFAC's 1000-character limit" in report.warnings[0]
    assert "27307" in report.warnings[0]


def test_set_2021_counts_and_joins() -> None:
    entries, report = set_2021()

    assert len(entries) == 8_976
    assert Counter(e.type for e in entries) == {
        EntityType.PERSON: 4_620,
        EntityType.ORGANIZATION: 3_673,
        EntityType.VESSEL: 406,
        EntityType.AIRCRAFT: 277,
    }
    # alt.csv: 11,910 rows over 4,139 entries, all strong. 4 rows repeat their entry's own
    # name and 2 repeat another row, so 11,904 aliases remain, on 4,138 entries.
    assert sum(len(e.aliases) for e in entries) == 11_904
    assert sum(1 for e in entries if e.aliases) == 4_138
    # add.csv: 13,837 rows, 2,397 of them all -0- (no address known).
    assert sum(len(e.addresses) for e in entries) == 11_440
    assert report.skipped == 0
    assert report.warnings == []


def test_set_2021_alias_equal_to_primary_name_is_not_repeated() -> None:
    entries, _ = set_2021()

    behzad = by_id(entries)["10594"]

    assert behzad.name == "BEHZAD, Ahmad Abdulla Mohammad Abdulla"
    assert len(behzad.aliases) == 6  # 7 alt.csv rows, one of them the primary name
    assert behzad.name not in behzad.aliases


def test_set_2021_strong_aliases_addresses_and_fka() -> None:
    entries, _ = set_2021()

    bank = by_id(entries)["306"]

    assert bank.aliases == ("NATIONAL BANK OF CUBA",)
    assert bank.weak_aliases == ("BNC",)
    assert bank.addresses[0] == Address(
        "Zweierstrasse 35, Zurich CH-8022, Switzerland", "Zurich CH-8022", "CH"
    )
    assert bank.countries == ("CH", "ES", "JP", "PA")


def test_set_2021_comments_continue_cut_remarks() -> None:
    entries, _ = set_2021()

    tian = by_id(entries)["28263"]

    # sdn.csv stops at "a.k.a. 'snowsjo"; sdn_comments.csv goes on with "hn'; Linked To: …".
    assert tian.weak_aliases == ("tianyinyin0404", "snowsjohn")
    assert tian.remarks.endswith("a.k.a. 'snowsjohn'; Linked To: LAZARUS GROUP.")
    assert ("linked_to", "LAZARUS GROUP") in tian.extra
    assert tian.dates_of_birth == ("1986-07-12",)
    assert Identifier("Identification Number", "321284198607120616", "CN") in tian.identifiers
    assert Identifier("Email Address", "417136259@qq.com") in tian.identifiers


def test_set_2021_person_with_documents() -> None:
    entries, _ = set_2021()

    cifuentes = by_id(entries)["12300"]

    assert cifuentes.name == "CIFUENTES VILLA, Jorge Milton"
    assert cifuentes.dates_of_birth == ("1965-05-13", "1968-04-13", "1964-07-07")
    assert cifuentes.identifiers[:4] == (
        Identifier("Cedula No.", "7548733", "CO"),
        Identifier("Cedula No.", "70163752", "CO"),
        Identifier("Cedula No.", "172489729-1", "EC"),
        Identifier("Passport", "AL720622", "CO"),
    )
    assert cifuentes.aliases == ("LOPEZ SALAZAR, Elkin de Jesus", "OSUNA VILLARREAL, Sergio")
    # Linked To names ending in an abbreviation keep their own period.
    assert cifuentes.extra[-1] == ("linked_to", "R D I S.A.")


def test_consolidated_set() -> None:
    entries, report = consolidated()

    assert len(entries) == 442
    assert Counter(e.type for e in entries) == {
        EntityType.ORGANIZATION: 363,
        EntityType.PERSON: 79,
    }
    assert all(e.source == "ofac-cons" for e in entries)
    assert sum(len(e.weak_aliases) for e in entries) == 72
    assert report.skipped == 0
    assert report.warnings == []


def test_consolidated_person() -> None:
    entries, _ = consolidated()

    haniya = by_id(entries)["9639"]

    assert haniya.name == "HANIYA, Ismail Abdul Salah"
    assert haniya.aliases == ("HANIYA, Ismail", "HANIYYA, Ismaeel")
    assert haniya.dates_of_birth == ("1962",)
    assert haniya.programs == ("NS-PLC",)
    assert haniya.extra == (("place_of_birth", "Shati"),)
    assert haniya.addresses == ()  # the add.csv row is all -0-


def test_consolidated_entity_with_comments_and_fka() -> None:
    entries, _ = consolidated()

    bank = by_id(entries)["17014"]

    assert bank.name == "JOINT STOCK COMPANY RUSSIAN AGRICULTURAL BANK"
    assert bank.programs == ("UKRAINE-EO13662", "RUSSIA-EO14024")
    assert bank.weak_aliases == ("RUSAG",)  # from cons_comments.csv
    assert bank.identifiers == (
        Identifier("SWIFT/BIC", "RUAGRUMM"),
        Identifier("Website", "http://www.rshb.ru"),
        Identifier("Government Gazette Number", "52750822", "RU"),
        # "Registration Numbe" + "r 1027700342890 (Russia)" across the two files
        Identifier("Registration Number", "1027700342890", "RU"),
    )
    assert bank.addresses[0] == Address(
        "3, Gagarinsky Pereulok, Moscow 119034, Russia", "Moscow 119034", "RU"
    )


def test_module_registers_both_formats() -> None:
    registered = FORMATS

    assert registered == (OfacSdnCsv, OfacConsCsv)
    assert [f.name for f in registered] == ["ofac-sdn-csv", "ofac-cons-csv"]
    assert [f.source for f in registered] == ["ofac-sdn", "ofac-cons"]


# --- recognising files ----------------------------------------------------------------------


def head(path: Path) -> bytes:
    return path.read_bytes()[:65536]


@pytest.mark.parametrize(
    ("relative", "role"),
    [
        ("data/ofac-sdn-csv/2024-05-01/sdn.csv", "sdn"),
        (f"{SET_2021}/add.csv", "add"),
        (f"{SET_2021}/alt.csv", "alt"),
        (f"{SET_2021}/sdn_comments.csv", "comments"),
    ],
)
def test_sdn_files_are_recognised(relative: str, role: str) -> None:
    path = shared_path(relative)

    assert OfacSdnCsv.role_for(path, head(path)) == role
    assert OfacConsCsv.role_for(path, head(path)) is None


@pytest.mark.parametrize(
    ("name", "role"),
    [
        ("cons_prim.csv", "sdn"),
        ("cons_add.csv", "add"),
        ("cons_alt.csv", "alt"),
        ("cons_comments.csv", "comments"),
    ],
)
def test_consolidated_files_are_recognised(name: str, role: str) -> None:
    path = shared_path(f"{CONS}/{name}")

    assert OfacConsCsv.role_for(path, head(path)) == role
    assert OfacSdnCsv.role_for(path, head(path)) is None


def test_renamed_main_file_is_claimed_as_sdn_but_a_renamed_side_file_is_not(
    tmp_path: Path,
) -> None:
    main = tmp_path / "download.csv"
    main.write_bytes(shared_path(f"{SET_2021}/sdn.csv").read_bytes()[:4000])
    side = tmp_path / "download2.csv"
    side.write_bytes(shared_path(f"{SET_2021}/add.csv").read_bytes()[:4000])

    assert OfacSdnCsv.role_for(main, head(main)) == "sdn"
    assert OfacSdnCsv.role_for(side, head(side)) is None


@pytest.mark.parametrize(
    "relative",
    [
        "data/us-csl-samples/csl.csv",
        "data/opensanctions-ftm-sample/targets.simple.csv",
        "data/bis-dpl/dpl.txt",
        f"{CONS}/ofac.xml",
    ],
)
def test_other_formats_are_not_claimed(relative: str) -> None:
    path = shared_path(relative)

    assert OfacSdnCsv.role_for(path, head(path)) is None
    assert OfacConsCsv.role_for(path, head(path)) is None


# --- remark grammar ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "dates"),
    [
        ("10 Jan 1960", ("1960-01-10",)),
        ("Jan 1960", ("1960-01",)),
        ("1960", ("1960",)),
        ("circa 1955", ("1955",)),
        ("1955 to 1957", ("1955", "1956", "1957")),
        ("01 Jan 1961 to 31 Dec 1961", ("1961",)),
        ("12 Mar 1961 to 12 Mar 1961", ("1961-03-12",)),
        ("circa 1959-1961", ("1959", "1960", "1961")),
        ("1900 to 1990", ("1900", "1990")),
        ("unknown", ()),
    ],
)
def test_dates_of_birth_wording(text: str, dates: tuple[str, ...]) -> None:
    assert ofac_dates_of_birth(text) == dates


def test_remarks_grammar() -> None:
    facts = parse_remarks(
        "DOB 10 Jan 1960; POB Kinshasa, Congo, Democratic Republic of the; citizen Belgium; "
        "Passport A123 (Belgium) issued 01 Feb 2001 expires 01 Feb 2011; alt. Passport B9; "
        "Gender Female; a.k.a. 'ABU 'ALI'; Member of a board; Linked To: ACME CO."
    )

    assert facts.dates_of_birth == ["1960-01-10"]
    assert facts.countries == ["CD", "BE"]
    assert facts.identifiers == [Identifier("Passport", "A123", "BE"), Identifier("Passport", "B9")]
    assert facts.weak_aliases == ["ABU 'ALI"]
    assert facts.extra == [
        ("place_of_birth", "Kinshasa, Congo, Democratic Republic of the"),
        ("citizenship", "Belgium"),
        ("gender", "Female"),
        ("linked_to", "ACME CO."),
    ]


# --- bad and odd input ------------------------------------------------------------------------

SDN_ROW = '{ent},"{name}",{type},"SDGT] [IRGC",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,{remarks}\r\n'


def sdn_row(ent: int, name: str, kind: str = "-0- ", remarks: str = "-0- ") -> str:
    return SDN_ROW.format(ent=ent, name=name, type=kind, remarks=remarks)


def write(path: Path, text: str, eof: bool = True) -> Path:
    path.write_bytes(text.encode() + (b"\x1a" if eof else b""))
    return path


def test_dos_eof_byte_and_null_fields(tmp_path: Path) -> None:
    sdn = write(
        tmp_path / "sdn.csv",
        sdn_row(10, "ACME  TRADING", remarks="\"Website www.acme.test; a.k.a. 'ACME'.\"")
        + sdn_row(11, "DOE, John", '"individual"', '"DOB 05 May 1970; Passport X1 (France)."'),
    )

    entries, report = parse(OfacSdnCsv, {"sdn": sdn})

    acme, doe = entries
    assert acme.name == "ACME TRADING"
    assert acme.type is EntityType.ORGANIZATION
    assert acme.programs == ("SDGT", "IRGC")
    assert acme.weak_aliases == ("ACME",)
    assert acme.identifiers == (Identifier("Website", "www.acme.test"),)
    assert acme.extra == ()  # every -0- column left out
    assert doe.type is EntityType.PERSON
    assert doe.dates_of_birth == ("1970-05-05",)
    assert doe.identifiers == (Identifier("Passport", "X1", "FR"),)
    assert report.warnings == []


def test_eof_byte_glued_to_the_last_row(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME").rstrip("\r\n"))

    entries, _ = parse(OfacSdnCsv, {"sdn": sdn})

    assert [e.name for e in entries] == ["ACME"]
    assert entries[0].remarks == ""


def test_side_rows_naming_no_entry_are_warned_and_skipped(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME"))
    add = write(
        tmp_path / "add.csv",
        '10,1,"1 Main St","Springfield","United States",-0- \r\n'
        '99,2,"2 Side St","Paris","France",-0- \r\n',
    )
    alt = write(
        tmp_path / "alt.csv",
        '10,5,"fka","ACME OLD",-0- \r\n98,6,"aka","GHOST",-0- \r\n98,7,"aka","GHOST 2",-0- \r\n',
    )

    entries, report = parse(OfacSdnCsv, {"sdn": sdn, "add": add, "alt": alt})

    (acme,) = entries
    assert acme.aliases == ("ACME OLD",)
    assert acme.extra == (("fka", "ACME OLD"),)
    assert acme.addresses == (
        Address("1 Main St, Springfield, United States", "Springfield", "US"),
    )
    assert acme.countries == ("US",)
    assert report.skipped == 3
    assert report.warnings == [
        f"{add}:2: add row for ent_num 99, which is not in the list: skipped",
        f"{alt}:2: alt row for ent_num 98, which is not in the list: skipped",
        f"{alt}:3: alt row for ent_num 98, which is not in the list: skipped",
    ]


def test_side_file_of_another_publication_is_refused(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME"))
    alt = write(tmp_path / "alt.csv", '98,6,"aka","GHOST",-0- \r\n')

    with pytest.raises(SourceFormatError, match=r"alt\.csv: none of its 1 alt rows names an entry"):
        parse(OfacSdnCsv, {"sdn": sdn, "alt": alt})


def test_row_with_too_few_fields_names_the_line(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME") + '11,"SHORT",-0- ,"CUBA"\r\n')

    with pytest.raises(SourceFormatError, match=r"sdn\.csv:2: 4 field\(s\) where OFAC's sdn file"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_side_row_with_too_few_fields_names_its_file_and_line(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME"))
    add = write(tmp_path / "add.csv", '10,1,"1 Main St"\r\n')

    with pytest.raises(SourceFormatError, match=r"add\.csv:1: 3 field\(s\) where .* has 6"):
        parse(OfacSdnCsv, {"sdn": sdn, "add": add})


def test_unterminated_quote_is_an_error_not_one_giant_entry(tmp_path: Path) -> None:
    sdn = write(
        tmp_path / "sdn.csv", sdn_row(10, "ACME") + '11,"BROKEN,-0- \r\n' + sdn_row(12, "X")
    )

    with pytest.raises(SourceFormatError, match=r"sdn\.csv:2: a quoted field runs past the end"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_file_cut_inside_a_quoted_field(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME") + '11,"BROKEN NAM', eof=False)

    with pytest.raises(SourceFormatError, match=r"sdn\.csv:2: the file ends inside a quoted field"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_entry_without_name(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME") + sdn_row(11, "-0- "))

    with pytest.raises(SourceFormatError, match=r"sdn\.csv:2: entry 11 has no name"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_non_numeric_ent_num(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME").replace("10,", "X10,", 1))

    with pytest.raises(SourceFormatError, match=r"sdn\.csv:1: ent_num 'X10' is not a number"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_unknown_sdn_type(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME", '"submarine"'))

    with pytest.raises(SourceFormatError, match=r"sdn\.csv:1: entry 10 has unknown SDN_Type"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_latin1_bytes_are_refused_with_the_line(tmp_path: Path) -> None:
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes((sdn_row(10, "ACME") + sdn_row(11, "CAFÉ")).encode("latin-1"))

    with pytest.raises(
        SourceFormatError, match=r"sdn\.csv:2: not valid UTF-8 \(byte 0xc9\); OFAC publishes ASCII"
    ):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_latin1_bytes_in_a_side_file_are_refused(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME"))
    comments = tmp_path / "sdn_comments.csv"
    comments.write_bytes('10,"Soci\xe9t\xe9."\r\n'.encode("latin-1"))

    with pytest.raises(SourceFormatError, match=r"sdn_comments\.csv:1: not valid UTF-8"):
        parse(OfacSdnCsv, {"sdn": sdn, "comments": comments})


def test_utf16_is_refused(tmp_path: Path) -> None:
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(sdn_row(10, "ACME").encode("utf-16"))

    assert OfacSdnCsv.role_for(sdn, head(sdn)) == "sdn"  # recognised, so the error is clear
    with pytest.raises(
        SourceFormatError, match=r"sdn\.csv: the file is UTF-16; OFAC publishes ASCII"
    ):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_utf16_without_bom_is_refused(tmp_path: Path) -> None:
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(sdn_row(10, "ACME").encode("utf-16-le"))

    with pytest.raises(SourceFormatError, match=r"sdn\.csv: binary data, not text"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_non_ascii_utf8_is_read_but_warned(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "CAFÉ"))

    entries, report = parse(OfacSdnCsv, {"sdn": sdn})

    assert entries[0].name == "CAFÉ"
    assert report.warnings == [
        f"{sdn}: 1 row(s) contain non-ASCII characters, which OFAC's specification does not "
        "allow; check that names display correctly"
    ]


def test_empty_file(tmp_path: Path) -> None:
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(b"")

    with pytest.raises(SourceFormatError, match=r"sdn\.csv: the file is empty"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_garbage_is_not_claimed_and_not_parsed(tmp_path: Path) -> None:
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes(b"<html><body>Service unavailable</body></html>\n")

    assert OfacSdnCsv.role_for(sdn, head(sdn)) is None
    with pytest.raises(SourceFormatError, match=r"sdn\.csv:1: 1 field\(s\) where OFAC's sdn"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_a_set_without_its_main_file(tmp_path: Path) -> None:
    alt = write(tmp_path / "alt.csv", '98,6,"aka","GHOST",-0- \r\n')

    with pytest.raises(SourceFormatError, match=r"OFAC SDN legacy CSV set needs its main file"):
        parse(OfacSdnCsv, {"alt": alt})


def test_latin1_byte_deep_in_a_file_is_named_by_its_own_line(tmp_path: Path) -> None:
    rows = [sdn_row(n, f"NAME {n}") for n in range(1, 1001)]
    rows[500] = sdn_row(501, "JOS\xc9")
    sdn = tmp_path / "sdn.csv"
    sdn.write_bytes("".join(rows).encode("latin-1"))

    with pytest.raises(SourceFormatError, match=r"sdn\.csv:501: not valid UTF-8 \(byte 0xc9\)"):
        parse(OfacSdnCsv, {"sdn": sdn})


def test_empty_side_file_is_warned_not_fatal(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME"))
    comments = tmp_path / "sdn_comments.csv"
    comments.write_bytes(b"")

    entries, report = parse(OfacSdnCsv, {"sdn": sdn, "comments": comments})

    assert [e.name for e in entries] == ["ACME"]
    assert report.warnings == [f"{comments}: the comments file is empty"]


def test_alias_row_without_name_is_warned_and_skipped(tmp_path: Path) -> None:
    sdn = write(tmp_path / "sdn.csv", sdn_row(10, "ACME"))
    alt = write(tmp_path / "alt.csv", '10,5,"aka",-0- ,-0- \r\n10,6,"aka","ACME CO",-0- \r\n')

    entries, report = parse(OfacSdnCsv, {"sdn": sdn, "alt": alt})

    assert entries[0].aliases == ("ACME CO",)
    assert report.skipped == 1
    assert report.warnings == [f"{alt}:1: alias 5 has no name: skipped"]


def test_place_of_birth_in_a_spelling_another_list_uses_gives_its_country() -> None:
    facts = parse_remarks("POB Bethlehem, West Bank, Palestinian Territories; nationality Jordan.")

    assert facts.countries == ["PS", "JO"]
