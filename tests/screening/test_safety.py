import codecs
from pathlib import Path

import pytest

from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ParseLimits
from trustdesk.screening.safety import check_header, iter_csv, iter_lines, iter_xml

LIMITS = ParseLimits()


def _csv(path: Path) -> list[tuple[int, list[str]]]:
    return list(iter_csv(path, "test", LIMITS))


def _latin1_on_line_1500(tmp_path: Path) -> Path:
    path = tmp_path / "list.csv"
    rows = "".join(f"{n},Entry number {n}\n" for n in range(1, 1500))
    path.write_bytes(rows.encode() + "1500,José\n1501,X\n".encode("latin-1"))
    return path


def test_bad_byte_far_into_the_file_names_its_own_line_in_lines(tmp_path: Path) -> None:
    path = _latin1_on_line_1500(tmp_path)

    with pytest.raises(SourceFormatError, match=r"list\.csv:1500: not valid UTF-8 \(byte 0xe9\)"):
        list(iter_lines(path, "test", LIMITS))


def test_bad_byte_far_into_the_file_names_its_own_line_in_csv(tmp_path: Path) -> None:
    path = _latin1_on_line_1500(tmp_path)

    with pytest.raises(SourceFormatError, match=r"list\.csv:1500: not valid UTF-8 \(byte 0xe9\)"):
        _csv(path)


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"id,name\n1,X\n")

    assert _csv(path) == [(1, ["id", "name"]), (2, ["1", "X"])]


def test_utf16_is_refused_unless_allowed(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(codecs.BOM_UTF16_LE + "id,name\r\n1,Šimon\r\n".encode("utf-16-le"))

    with pytest.raises(SourceFormatError, match=r"list\.csv: the file is UTF-16; save it as UTF-8"):
        _csv(path)
    assert list(iter_csv(path, "test", LIMITS, allow_utf16=True)) == [
        (1, ["id", "name"]),
        (2, ["1", "Šimon"]),
    ]


def test_multi_line_quoted_field_keeps_the_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('id,notes\n1,"two\nlines"\n2,x\n', encoding="utf-8")

    assert _csv(path) == [(1, ["id", "notes"]), (2, ["1", "two\nlines"]), (4, ["2", "x"])]


def test_lone_carriage_returns_end_lines(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_bytes(b"id,name\r1,X\r2,Y\r")

    assert _csv(path) == [(1, ["id", "name"]), (2, ["1", "X"]), (3, ["2", "Y"])]


def test_file_ending_inside_a_quoted_field_names_where_the_field_opens(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('id,name,notes\n1,X,ok\n2,"Y\nstill Y",\n"cut\nshort', encoding="utf-8")

    with pytest.raises(
        SourceFormatError, match=r"list\.csv:5: the file ends inside a quoted field that starts"
    ):
        _csv(path)


def test_quote_opened_on_a_later_line_of_the_record_is_the_one_named(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('id,name,notes\n1,"X\n""quoted"" X",""\n2,"cut', encoding="utf-8")

    with pytest.raises(SourceFormatError, match=r"list\.csv:4: the file ends inside a quoted"):
        _csv(path)


def test_stray_quote_that_swallows_rows_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "list.csv"
    path.write_text('id,name\n1,"BROKEN\n2,"X"\n3,Z\n', encoding="utf-8")

    with pytest.raises(
        SourceFormatError,
        match=r"list\.csv:2: a quoted field runs past the end of its line and closes mid-field "
        r"on line 3",
    ):
        _csv(path)


def test_header_error_names_the_header_line(tmp_path: Path) -> None:
    path = tmp_path / "ConList.csv"

    with pytest.raises(SourceFormatError, match=r"ConList\.csv:2: missing column\(s\): Group ID"):
        check_header(path, "test", ["Name 6"], ["Name 6", "Group ID"], line=2)


def _xml(path: Path) -> list[str]:
    return [element.tag for element in iter_xml(path, "test", LIMITS, ("a",))]


def test_doctype_beyond_the_head_is_refused_when_the_root_starts(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    comment = "<!-- " + "x" * 70_000 + " -->"
    lol = '<!ENTITY lol "lol">'
    path.write_text(f'<?xml version="1.0"?>\n{comment}\n<!DOCTYPE r [{lol}]>\n<r><a>&lol;</a></r>')

    with pytest.raises(SourceFormatError, match=r"list\.xml: the XML declares a DOCTYPE"):
        _xml(path)


def test_undefined_entity_names_its_line(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_text('<?xml version="1.0"?>\n<r>\n<a>x</a>\n<a>&nbsp;</a>\n</r>\n')

    with pytest.raises(
        SourceFormatError, match=r"list\.xml:4: malformed XML: Entity 'nbsp' not defined \(list"
    ):
        _xml(path)


@pytest.mark.parametrize(("codec", "name"), [("utf-16", "UTF-16"), ("utf-32", "UTF-32")])
def test_wide_xml_declared_as_utf8_is_refused(tmp_path: Path, codec: str, name: str) -> None:
    path = tmp_path / "list.xml"
    path.write_bytes('<?xml version="1.0" encoding="UTF-8"?>\n<r><a>x</a></r>'.encode(codec))

    with pytest.raises(SourceFormatError, match=rf"list\.xml: the file is {name}, but list files"):
        _xml(path)


def test_well_formed_xml_streams(tmp_path: Path) -> None:
    path = tmp_path / "list.xml"
    path.write_text('<?xml version="1.0" encoding="UTF-8"?>\n<r><a>x</a><b/><a>&amp;</a></r>')

    assert _xml(path) == ["a", "a"]
