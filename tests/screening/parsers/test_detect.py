from pathlib import Path

import pytest

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
