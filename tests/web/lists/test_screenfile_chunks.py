"""Screening a file in chunks: the order of the input, and only a few chunks read ahead."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.web.lists import screenfile

ENTRIES = [
    Entry(
        "test", "1", EntityType.ORGANIZATION, "Harbin Institute of Technology", countries=("CN",)
    ),
    Entry("test", "2", EntityType.PERSON, "Ivan Petrov"),
]
SETTINGS = screenfile.ChunkSettings("jsonl", 0.7, 5)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> tuple[MatchIndex, Path]:
    built = MatchIndex.build(ENTRIES)
    path = tmp_path_factory.mktemp("index") / "test.idx"
    built.save(path)
    return built, path


class Counted:
    """Rows of a long file, counting how many have been read so far."""

    def __init__(self, total: int) -> None:
        self.total, self.read = total, 0

    def __iter__(self) -> Iterator[screenfile.Row]:
        names = ["Harbin Institute of Technology", "Ivan Petrov", "Acme Trading"]
        for i in range(self.total):
            self.read += 1
            yield screenfile.Row(i + 2, f"r{i}", Query(names[i % 3]))


@pytest.mark.parametrize("workers", [1, 2])
def test_chunks_come_back_in_input_order_having_read_only_a_few_ahead(
    index: tuple[MatchIndex, Path], workers: int
) -> None:
    rows = Counted(10_000)
    chunks = screenfile.screen_chunks(
        rows,
        index=index[0],
        index_path=index[1],
        settings=SETTINGS,
        workers=workers,
        chunk_rows=100,
    )

    first = next(chunks)
    read_when_first_came = rows.read
    rest = list(chunks)

    # One process reads one chunk at a time; N processes at most N x WINDOW_PER_WORKER ahead.
    ahead = 1 if workers == 1 else workers * screenfile.WINDOW_PER_WORKER
    assert read_when_first_came <= ahead * 100
    ids = [
        line.split('"id": "', 1)[1].split('"', 1)[0]
        for c in [first, *rest]
        for line in c.text.splitlines()
    ]
    assert ids == [f"r{i}" for i in range(10_000)]
    assert sum(c.rows for c in [first, *rest]) == 10_000
    assert '"entry_id": "1"' in first.text
