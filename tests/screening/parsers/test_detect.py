import re
from pathlib import Path

import pytest

from tests.support import shared_path
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers import detect


def test_unknown_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("hello, world\n")

    with pytest.raises(SourceFormatError, match=r"notes\.txt: not a list file trustdesk can read"):
        detect([path])


def test_empty_file_is_named(tmp_path: Path) -> None:
    path = tmp_path / "sdn.csv"
    path.write_bytes(b"")

    with pytest.raises(SourceFormatError, match=r"sdn\.csv: the file is empty"):
        detect([path])


# Every real list file, named on its own or with its set, as (files, [(format, source, roles)]).
REAL_SETS = [
    (["bis-dpl/dpl.txt"], [("bis-dpl-txt", "bis-dpl", ["main"])]),
    (["eu-fsf/fsf.xml"], [("eu-fsf-xml", "eu-fsf", ["main"])]),
    (["ofac-consolidated/ofac.xml"], [("ofac-xml", "ofac-cons", ["main"])]),
    (
        [f"ofac-consolidated/cons_{n}.csv" for n in ("prim", "add", "alt", "comments")],
        [("ofac-cons-csv", "ofac-cons", ["add", "alt", "comments", "sdn"])],
    ),
    (
        [f"ofac-sdn-csv-set-2021/{n}.csv" for n in ("add", "alt", "sdn_comments", "sdn")],
        [("ofac-sdn-csv", "ofac-sdn", ["add", "alt", "comments", "sdn"])],
    ),
    (
        [f"ofac-sdn-csv/2024-05-0{day}/sdn.csv" for day in (1, 2, 3)],
        [("ofac-sdn-csv", "ofac-sdn", ["sdn"])] * 3,
    ),
    (["ofsi-conlist/ConList.xlsx"], [("ofsi-conlist-xlsx", "ofsi-conlist", ["main"])]),
    (
        ["opensanctions-ftm-sample/entities.ftm.json"],
        [("opensanctions-ftm", "opensanctions", ["main"])],
    ),
    (
        ["opensanctions-ftm-sample/targets.simple.csv"],
        [("opensanctions-simple-csv", "opensanctions", ["main"])],
    ),
    (["uk-sanctions-list/uk-sanctions-list.xml"], [("uk-sanctions-xml", "uk-sanctions", ["main"])]),
    (["un-sc/UN_consolidated.xml"], [("un-sc-xml", "un-sc", ["main"])]),
    (["us-csl-samples/consolidated.csv"], [("us-csl-csv", "us-csl", ["main"])]),
    (["us-csl-samples/csl.csv"], [("us-csl-csv", "us-csl", ["main"])]),
]


@pytest.mark.parametrize(("names", "expected"), REAL_SETS, ids=[s[0][0] for s in REAL_SETS])
def test_real_files_are_detected_as_their_format_and_source(
    names: list[str], expected: list[tuple[str, str, list[str]]]
) -> None:
    paths = [shared_path(f"data/{name}") for name in names]

    sets = detect(paths)

    assert [(s.format.name, s.source, sorted(s.files)) for s in sets] == expected
    assert {p for s in sets for p in s.files.values()} == set(paths)


@pytest.mark.parametrize("name", ["index.json", "targets.nested.json"])
def test_opensanctions_files_trustdesk_does_not_import_are_refused(name: str) -> None:
    """The dataset index only dates an export; the nested JSON repeats entities.ftm.json."""
    path = shared_path(f"data/opensanctions-ftm-sample/{name}")

    with pytest.raises(
        SourceFormatError, match=rf"{re.escape(name)}: not a list file trustdesk can read$"
    ):
        detect([path])


def test_ofac_side_file_without_its_main_file_is_refused() -> None:
    path = shared_path("data/ofac-sdn-csv-set-2021/alt.csv")

    with pytest.raises(
        SourceFormatError,
        match=r"alt\.csv: is the 'alt' file of a OFAC SDN legacy CSV set, named without its 'sdn'",
    ):
        detect([path])
