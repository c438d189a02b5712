import csv
import zipfile
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from tests.support import shared_path
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits, ParseReport
from trustdesk.screening.parsers.ofsi import COLUMNS, OfsiCsv, OfsiXlsx, xlsx_rows

CONLIST = "data/ofsi-conlist/ConList.xlsx"
LIST_PAGE = (
    "https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets"
)


def parse(fmt: OfsiXlsx | OfsiCsv, path: Path, report: ParseReport | None = None) -> list[Entry]:
    return list(
        fmt.parse(
            {"main": path},
            source="ofsi-conlist",
            report=report if report is not None else ParseReport(),
            limits=ParseLimits(),
        )
    )


@pytest.fixture(scope="module")
def real() -> tuple[list[Entry], ParseReport]:
    report = ParseReport()
    return parse(OfsiXlsx(), shared_path(CONLIST), report), report


@pytest.fixture(scope="module")
def by_id(real: tuple[list[Entry], ParseReport]) -> dict[str, Entry]:
    return {e.source_id: e for e in real[0]}


def row(**cells: str) -> list[str]:
    """One name row of the 2022 format, empty but for the given cells."""
    values = {"Group Type": "Entity", "Alias Type": "Primary name", "Regime": "Russia"}
    values.update({k.replace("_", " "): v for k, v in cells.items()})
    return [values.get(column, "") for column in COLUMNS]


def write_csv(tmp_path: Path, rows: list[list[str]], name: str = "ConList.csv") -> Path:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["Last Updated", "14/04/2025"])
        writer.writerow(COLUMNS)
        writer.writerows(rows)
    return path


def write_xlsx(tmp_path: Path, rows: list[list[str]], name: str = "ConList.xlsx") -> Path:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Data"
    for values in rows:
        sheet.append(values)
    path = tmp_path / name
    book.save(path)
    return path


def test_real_workbook_counts(real: tuple[list[Entry], ParseReport]) -> None:
    entries, report = real

    assert len(entries) == 4688
    assert len({e.source_id for e in entries}) == 4688
    assert Counter(e.type for e in entries) == {
        EntityType.PERSON: 3663,
        EntityType.ORGANIZATION: 1010,
        EntityType.VESSEL: 15,
    }
    assert report.published == "2025-04-14"
    assert report.declared_count is None
    assert report.skipped == 0


def test_real_workbook_rows() -> None:
    rows = [cells for _, cells in xlsx_rows(shared_path(CONLIST), "ofsi-conlist", ParseLimits())]
    non_latin = rows[1].index("Name Non-Latin Script")

    assert rows[0][:2] == ["Last Updated", "14/04/2025"]
    assert len(rows) - 2 == 18798
    assert sum(1 for r in rows[2:] if r[non_latin]) == 3990


def test_real_workbook_warnings(real: tuple[list[Entry], ParseReport]) -> None:
    path = shared_path(CONLIST)

    assert real[1].warnings == [
        f"{path}: row 34: group 16601 has no 'Primary name' row; named after its first "
        "'Primary name variation' row",
        f"{path}: row 14365: group 16789 has no 'Primary name' row; named after its first "
        "'Primary name variation' row",
        f"{path}: country '115088' not recognised (3 rows); left out",
        f"{path}: country 'Moscow' not recognised (4 rows); left out",
        f"{path}: country 'Repubic of Moldova' not recognised (1 rows); left out",
        f"{path}: country 'Belrus' not recognised (1 rows); left out",
    ]


def test_individual_with_non_adjacent_rows(by_id: dict[str, Entry]) -> None:
    entry = by_id["15672"]

    assert entry.source == "ofsi-conlist"
    assert entry.type is EntityType.PERSON
    assert entry.name == "Mian Abdul HAQ"
    assert entry.aliases == ("Mian MITHOO", "Mian MITHU", "Mian MITTO", "Mian MITTU")
    assert entry.weak_aliases == ()
    assert entry.countries == ("PK",)
    assert entry.addresses == (
        Address("Hafizabad Taluka Daharki, District Ghotki, Pakistan", None, "PK"),
    )
    assert entry.programs == ("Global Human Rights",)
    assert entry.listed_on == "2022-12-09"
    assert entry.remarks.startswith("(UK Sanctions List Ref):GHR0086. (UK Statement of Reasons)")
    assert entry.source_url == LIST_PAGE
    assert entry.extra == (
        ("title", "Mr"),
        ("position", "Cleric (“Pir”) of Bharchundi Sharif Shrine"),
        ("country_of_birth", "Pakistan"),
        ("uk_designated_on", "2022-12-09"),
        ("last_updated", "2022-12-09"),
        ("uk_sanctions_list_ref", "GHR0086"),
        ("gender", "Male"),
    )


def test_good_and_low_quality_aliases_and_partial_birth_year(by_id: dict[str, Entry]) -> None:
    entry = by_id["6923"]

    assert entry.name == "Nashwan Abd Al-Razzaq ABD AL-BAQI"
    assert entry.aliases == (
        "Abdul Hadi Arif ALI",
        "Abd Al-Hadi AL-IRAQI",
        "Abdal Al-Hadi AL-IRAQI",
        "Omar Uthman MOHAMMED",
    )
    assert entry.weak_aliases == (
        "Abu ABDALLAH",
        "Abd al-Hadi AL-ANSARI",
        "Abd AL-MUHAYMAN",
        "Abdul Hadi AL-TAWEEL",
        "Abu AYUB",
    )
    assert entry.original_script_names == ("نشوان عبد الرزاق عبد الباقي",)
    assert entry.dates_of_birth == ("1961",)  # published as 00/00/1961
    assert entry.identifiers == (Identifier("national_id", "0094195"),)
    assert entry.countries == ("IQ",)
    assert entry.listed_on == "2001-10-10"
    assert ("un_ref", "QDi.012") in entry.extra
    assert ("national_id_details", "Ration card.") in entry.extra


def test_month_precision_birth_dates_and_numbered_nationalities(by_id: dict[str, Entry]) -> None:
    entry = by_id["12629"]

    assert entry.dates_of_birth == ("1977-08", "1977-09", "1976")
    assert entry.countries == ("PK", "SA")
    assert entry.original_script_names == ("أبو شيماء", "حسن غول", "مصطفى حجي محمد خان")
    assert ("country_of_birth", "(1) Saudi Arabia. (2) Pakistan") in entry.extra


def test_several_primary_names_and_two_regimes(by_id: dict[str, Entry]) -> None:
    entry = by_id["13918"]

    assert entry.name == "Alexander Ryhorovich LUKASHENKO"
    assert "Alexander Grigorievich LUKASHENKO" in entry.aliases  # also a "Primary name" row
    assert len(entry.aliases) == 15
    assert entry.original_script_names == (
        "ЛУКАШЭНКА, Аляксандр Рыгоравіч",
        "ЛУКАШЕНКО, Александр Григорьевич",
    )
    assert entry.programs == ("Belarus", "Global Human Rights")
    assert entry.listed_on == "2020-09-29"  # the earlier of the two listings
    assert entry.dates_of_birth == ("1954-08-30",)
    assert [v for k, v in entry.extra if k == "uk_sanctions_list_ref"] == ["BEL0045", "GHR0050"]


def test_entity_with_parent_and_original_script(by_id: dict[str, Entry]) -> None:
    entry = by_id["11241"]

    assert entry.type is EntityType.ORGANIZATION
    assert entry.name == "ISLAMIC REVOLUTIONARY GUARD CORPS (IRGC) QODS FORCE"
    assert "ISLAMIC REVOLUTIONARY GUARDS CORPS - QODS FORCE" in entry.aliases
    assert entry.original_script_names == ("سپاه قدس",)
    assert entry.parent == "Iranian Revolutionary Guard Corps"
    assert entry.programs == ("Iran (Nuclear)", "Syria")


def test_group_without_primary_name_uses_the_first_variation(by_id: dict[str, Entry]) -> None:
    entry = by_id["16789"]

    assert entry.name == "PREMERA (H.K.) INTERNATIONAL CO, LIMITED"
    assert entry.original_script_names == ("普萊米樂(香港)國際貿易有限公司",)
    assert ("non_latin_script", "Chinese / Chinese") in entry.extra


def test_ship_with_imo_number(by_id: dict[str, Entry]) -> None:
    entry = by_id["13651"]

    assert entry.type is EntityType.VESSEL
    assert entry.name == "SAM JONG 2"
    assert entry.identifiers == (Identifier("IMO", "7408873"),)
    assert "YU_JONG_3" in entry.aliases


def test_university_entry(by_id: dict[str, Entry]) -> None:
    entry = by_id["12816"]

    assert entry.name == "SHARIF UNIVERSITY OF TECHNOLOGY"
    assert entry.aliases == (
        "ARYA MEHR UNIVERSITY OF TECHNOLOGY",
        "SHARIF TECHNICAL UNIVERSITY",
        "SHFT",
        "SUT",
    )
    assert len(entry.addresses) == 6


def test_csv_of_the_same_table_gives_identical_entries(
    tmp_path: Path, real: tuple[list[Entry], ParseReport]
) -> None:
    book = load_workbook(shared_path(CONLIST), read_only=True, data_only=True)
    path = tmp_path / "ConList.csv"
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        for values in book["Data"].iter_rows(values_only=True):
            writer.writerow(["" if v is None else v for v in values])
    book.close()
    report = ParseReport()

    entries = parse(OfsiCsv(), path, report)

    assert entries == real[0]
    assert report.published == "2025-04-14"
    assert OfsiCsv.role_for(path, path.read_bytes()[:65536]) == "main"
    assert OfsiXlsx.role_for(path, path.read_bytes()[:65536]) is None


def test_role_for_reads_the_workbook_not_the_name(tmp_path: Path) -> None:
    real_path = shared_path(CONLIST)
    renamed = tmp_path / "download (3).xlsx"
    renamed.symlink_to(real_path)
    other = write_xlsx(tmp_path, [["Name", "Country"], ["X", "Y"]], name="other.xlsx")

    assert OfsiXlsx.role_for(real_path, real_path.read_bytes()[:65536]) == "main"
    assert OfsiXlsx.role_for(renamed, renamed.read_bytes()[:65536]) == "main"
    assert OfsiXlsx.role_for(other, other.read_bytes()[:65536]) is None
    assert OfsiCsv.role_for(real_path, real_path.read_bytes()[:65536]) is None


def test_small_csv(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [
            row(Name_6="ACME", Group_ID="1", Nationality="", Country="Russia (as at 2010)"),
            row(Name_6="ACME LLC", Group_ID="1", Alias_Type="AKA", Alias_Quality="Low quality"),
            row(
                Name_6="Ivan",
                Name_1="Ivan",
                Group_ID="2",
                Group_Type="Individual",
                DOB="00/05/1970",
            ),
        ],
    )

    entries = parse(OfsiCsv(), path)

    assert [(e.source_id, e.name, e.type) for e in entries] == [
        ("1", "ACME", EntityType.ORGANIZATION),
        ("2", "Ivan Ivan", EntityType.PERSON),
    ]
    assert entries[0].weak_aliases == ("ACME LLC",)
    assert entries[0].countries == ("RU",)
    assert entries[1].dates_of_birth == ("1970-05",)


def test_text_file_named_xlsx_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.xlsx"
    path.write_text("Last Updated,14/04/2025\n", encoding="utf-8")

    with pytest.raises(
        SourceFormatError, match=r"ConList\.xlsx: not a valid workbook \(\.xlsx\) file"
    ):
        parse(OfsiXlsx(), path)


def test_zip_that_is_not_a_workbook_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")

    with pytest.raises(SourceFormatError, match=r"ConList\.xlsx: not a readable \.xlsx workbook"):
        parse(OfsiXlsx(), path)


def test_zip_bomb_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.xlsx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 << 20))

    with pytest.raises(
        SourceFormatError,
        match=r"ConList\.xlsx: the workbook \(\.xlsx\) would expand to 20\.0 MiB from .* "
        "refused as a possible zip bomb",
    ):
        parse(OfsiXlsx(), path)


def test_workbook_over_the_unzipped_ceiling_is_refused() -> None:
    limits = ParseLimits(max_unzipped_bytes=1 << 20)

    with pytest.raises(SourceFormatError, match=r"refused as a possible zip bomb"):
        list(
            OfsiXlsx().parse(
                {"main": shared_path(CONLIST)},
                source="ofsi-conlist",
                report=ParseReport(),
                limits=limits,
            )
        )


def test_workbook_missing_columns_is_refused(tmp_path: Path) -> None:
    header = [c for c in COLUMNS if c not in ("Alias Quality", "Group ID")]
    path = write_xlsx(tmp_path, [["Last Updated", "14/04/2025"], header, ["X"] * len(header)])

    with pytest.raises(
        SourceFormatError,
        match=r"ConList\.xlsx: row 2: missing column\(s\): Alias Quality, Group ID",
    ):
        parse(OfsiXlsx(), path)


def test_workbook_without_last_updated_row_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(tmp_path, [["Name", "Country"], ["X", "Y"]])

    with pytest.raises(
        SourceFormatError,
        match=r"ConList\.xlsx: row 1: not an OFSI ConList: expected 'Last Updated' and the date",
    ):
        parse(OfsiXlsx(), path)


def test_row_without_group_id_is_refused(tmp_path: Path) -> None:
    path = write_xlsx(
        tmp_path,
        [
            ["Last Updated", "14/04/2025"],
            list(COLUMNS),
            row(Name_6="ACME", Group_ID="1"),
            row(Name_6="ACME 2"),
        ],
    )

    with pytest.raises(
        SourceFormatError, match=r"ConList\.xlsx: row 4: a name row without a Group ID"
    ):
        parse(OfsiXlsx(), path)


def test_row_without_name_is_refused(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, [row(Name_6="ACME", Group_ID="1"), row(Group_ID="1", Alias_Type="AKA")]
    )

    with pytest.raises(SourceFormatError, match=r"ConList\.csv:4: a row of group 1 without a name"):
        parse(OfsiCsv(), path)


def test_group_mixing_types_is_refused(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path,
        [row(Name_6="ACME", Group_ID="7"), row(Name_6="ACME", Group_ID="7", Group_Type="Ship")],
    )

    with pytest.raises(
        SourceFormatError,
        match=r"ConList\.csv:4: group 7 is 'Ship' here but 'Entity' at .*ConList\.csv:3",
    ):
        parse(OfsiCsv(), path)


def test_unknown_group_type_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(Name_6="ACME", Group_ID="7", Group_Type="Aircraft")])

    with pytest.raises(SourceFormatError, match=r"ConList\.csv:3: unknown Group Type 'Aircraft'"):
        parse(OfsiCsv(), path)


def test_csv_in_latin1_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(Name_6="ACME", Group_ID="1")])
    path.write_bytes(path.read_bytes().replace(b"ACME", "SOCIÉTÉ".encode("latin-1")))

    with pytest.raises(SourceFormatError, match=r"ConList\.csv:3: not valid UTF-8 \(byte 0xc9\)"):
        parse(OfsiCsv(), path)


def test_csv_cut_inside_a_quoted_field_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [row(Name_6="ACME", Group_ID="1", Other_Information="a\nb")])
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("a\nb") + 2], encoding="utf-8")

    with pytest.raises(
        SourceFormatError, match=r"ConList\.csv:3: the file ends inside a quoted field"
    ):
        parse(OfsiCsv(), path)


def test_empty_csv_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"
    path.write_bytes(b"")

    with pytest.raises(SourceFormatError, match=r"ConList\.csv: the file is empty"):
        parse(OfsiCsv(), path)


def test_csv_with_headers_only_is_refused(tmp_path: Path) -> None:
    path = write_csv(tmp_path, [])

    with pytest.raises(SourceFormatError, match=r"ConList\.csv: the list has no entries"):
        parse(OfsiCsv(), path)


def test_address_country_uses_the_shared_country_table(tmp_path: Path) -> None:
    path = write_csv(
        tmp_path, [row(Name_6="ACME", Group_ID="1", Address_1="Gaza", Country="Guinea Bissau")]
    )

    (entry,) = parse(OfsiCsv(), path)

    assert entry.addresses == (Address("Gaza, Guinea Bissau", None, "GW"),)


def test_no_real_name_holds_two_names(real: tuple[list[Entry], ParseReport]) -> None:
    """'MOSTOTREST; OPEN JOINT STOCK COMPANY 'MOSTOTREST'' is two names, each matched alone."""
    entries, _ = real
    assert not [n for e in entries for n in e.all_names() if ";" in n]
    [mostotrest] = [e for e in entries if e.name == "PJSC MOSTOTREST"]
    assert {"MOSTOTREST", "OPEN JOINT STOCK COMPANY 'MOSTOTREST'"} <= set(mostotrest.aliases)
