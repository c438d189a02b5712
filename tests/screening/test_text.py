import pytest

from trustdesk.screening.text import clean, is_latin, no_latin, non_latin_runs, split_scripts


@pytest.mark.parametrize(
    ("name", "latin"),
    [
        ("Osama bin Laden", True),
        ("Usāmah bin Muḥammad bin ‘Awaḍ bin Lādin", True),
        ("Osāma bin Muhammad bin ʿAwaḍ bin Lāden", True),
        ("Koning Fahd van Saudi-Arabië", True),
        ("Empresa Nº 5", True),
        ("1ª Compañía", True),
        ("أسامة بن لادن", False),
        ("Усама бен Ладен", False),
        ("Fahd bin Abdul Al-Aziz - فهد بن عبد العزيز", False),
        ("Φαχντ ιμπ Αμπντ Αλ-Αζίζ", False),
        ("오사마", False),
    ],
)
def test_is_latin(name: str, latin: bool) -> None:
    assert is_latin(name) is latin


@pytest.mark.parametrize(
    ("text", "expected"),
    [("金铁三", True), ("Jin Tiesan (金铁三)", False), ("ʿʾ", False), ("123", False)],
)
def test_no_latin(text: str, expected: bool) -> None:
    assert no_latin(text) is expected


def test_non_latin_runs_drop_their_brackets() -> None:
    assert non_latin_runs("Jin Tiesan (金铁三)") == ["金铁三"]


def test_split_scripts_keeps_order() -> None:
    assert split_scripts(["B", "Б", "A"]) == (["B", "A"], ["Б"])


def test_clean_collapses_white_space() -> None:
    assert clean("  a\n b\t c ") == "a b c"
    assert clean(None) == ""
