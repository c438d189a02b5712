"""Research-security lists shipped inside the package, for publishers that offer no data file.

Each is a trustdesk list file (`trustdesk.screening.parsers.trustdesk_json`) written by
`scripts/build_research_lists.py` from transcriptions of the publisher's page or PDF; see
`docs/research-lists.md` for editions, licences and how to refresh them. The files are read
through `importlib.resources`, so they work from a wheel as well as from a checkout.
"""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.resources.abc import Traversable
from pathlib import Path


@dataclass(frozen=True, slots=True)
class ShippedList:
    """One shipped list; `title` and `publisher` repeat the file's header for menus and docs."""

    source: str
    title: str
    publisher: str
    filename: str

    @property
    def resource(self) -> Traversable:
        return importlib.resources.files(__name__).joinpath(self.filename)

    @contextmanager
    def as_path(self) -> Iterator[Path]:
        """A real path for the parsers, which take paths; a temporary copy only from a zip."""
        with importlib.resources.as_file(self.resource) as path:
            yield path


SHIPPED: tuple[ShippedList, ...] = (
    ShippedList(
        source="ca-nro",
        title="Named Research Organizations",
        publisher="Government of Canada",
        filename="ca-nro.json",
    ),
    ShippedList(
        source="us-dod-1286",
        title=(
            "Section 1286 list: foreign institutions and foreign talent programs "
            "(FY2019 NDAA section 1286)"
        ),
        publisher="US Department of Defense",
        filename="us-dod-1286.json",
    ),
    ShippedList(
        source="aspi-unitracker",
        title="China Defence Universities Tracker",
        publisher="Australian Strategic Policy Institute",
        filename="aspi-unitracker.json",
    ),
)


def shipped(source: str) -> ShippedList:
    """The shipped list with this source key; KeyError for a list trustdesk does not ship."""
    for item in SHIPPED:
        if item.source == source:
            return item
    raise KeyError(source)
