"""Screening against the current snapshots: the one loaded index every caller shares.

The index covers the current snapshot of every source. It is built once per set of current
snapshots, saved under TRUSTDESK_HOME/index, and loaded from there by every later process; a
new current snapshot anywhere gives a new key and so a rebuild on next use.
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from django.conf import settings

from trustdesk import __version__
from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import (
    DEFAULT_THRESHOLD,
    Hit,
    MatchIndex,
    NameNotScreenable,
    Query,
    check_name,
)
from trustdesk.screening.matching.index import FORMAT_VERSION
from trustdesk.web.lists.coverage import Coverage, current_coverage
from trustdesk.web.lists.models import ListEntry, ListSource, Snapshot

log = logging.getLogger(__name__)

MATCHER_VERSION = f"{__version__}/index-{FORMAT_VERSION}"
_lock = threading.Lock()
_loaded: dict[str, LoadedIndex] = {}  # by the index file's path; the files are the source of truth


@dataclass(frozen=True, slots=True)
class LoadedIndex:
    """The index with the snapshots it was built from, so that every result can be replayed."""

    key: str
    index: MatchIndex
    snapshots: dict[str, str]  # source key -> snapshot public id


@dataclass(frozen=True, slots=True)
class ScreeningResult:
    query: Query
    hits: list[Hit]
    snapshots: dict[str, str]
    matcher_version: str
    threshold: float
    coverage: Coverage  # the lists consulted, and the expected ones missing or out of date


def _current_snapshots() -> list[Snapshot]:
    return [
        s.current
        for s in ListSource.objects.select_related("current").order_by("key")
        if s.current is not None
    ]


def _key(snapshots: list[Snapshot]) -> str:
    digest = hashlib.sha256(MATCHER_VERSION.encode())
    for snap in snapshots:
        digest.update(f"|{snap.source_id}:{snap.public_id}".encode())
    return digest.hexdigest()[:20]


def _entries(snapshots: list[Snapshot]) -> Iterator[Entry]:
    for snap in snapshots:
        rows = ListEntry.objects.filter(snapshot=snap).order_by("id").values_list("data", flat=True)
        for data in rows.iterator(chunk_size=2000):
            yield Entry.from_dict(data)


def index_dir() -> Path:
    return Path(settings.HOME) / "index"


def index_path(loaded: LoadedIndex) -> Path:
    """Where `loaded` is saved, for worker processes that load it themselves."""
    return index_dir() / f"{loaded.key}.idx"


class IndexNotReady(Exception):
    """No index of the current snapshots is loaded or saved yet, and the caller may not build one.

    A request must not spend minutes building it; a worker does after each import.
    """


def current_index(
    *, progress: Callable[[int], None] | None = None, build: bool = True
) -> LoadedIndex:
    """The index of the current snapshots: from memory, else from disk, else built and saved.

    With `build=False` (a request), `IndexNotReady` instead of building it.
    """
    snapshots = _current_snapshots()
    key = _key(snapshots)
    path = index_dir() / f"{key}.idx"
    with _lock:
        # Kept by the file it was read from, not the key alone: a process (or a test) whose
        # TRUSTDESK_HOME changes must not keep answering from another data directory's index.
        if str(path) in _loaded:
            return _loaded[str(path)]
        # An index of no lists costs nothing to build, so a request may have that one.
        build = build or not snapshots
        if not build and not path.exists():
            raise IndexNotReady
        index = _load_or_build(path, snapshots, progress, build=build)
        loaded = LoadedIndex(key, index, {s.source.key: str(s.public_id) for s in snapshots})
        _loaded.clear()
        _loaded[str(path)] = loaded
        return loaded


def _load_or_build(
    path: Path, snapshots: list[Snapshot], progress: Callable[[int], None] | None, *, build: bool
) -> MatchIndex:
    if path.exists():
        try:
            return MatchIndex.load(path)
        except (ValueError, OSError, EOFError) as exc:  # a file from another version, or cut short
            log.warning("rebuilding the match index: %s", exc)
    if not build:
        raise IndexNotReady
    index = MatchIndex.build(_entries(snapshots), progress=progress)
    path.parent.mkdir(parents=True, exist_ok=True)
    index.save(path)  # atomic: written aside, then renamed
    for old in path.parent.glob("*.idx"):
        if old != path:
            old.unlink(missing_ok=True)
    return index


def index_with(snapshot: Snapshot, *, progress: Callable[[int], None] | None = None) -> LoadedIndex:
    """An index of the current snapshots with `snapshot` in place of its source's, in memory.

    What screening would use were `snapshot` current, for an impact preview: the same entries
    and the same word weights (a word's weight depends on every list loaded), so a hit's score
    is the score the re-screen after the switch gives. Built, never saved: saving prunes the
    other index files, and a worker may be loading the current one.
    """
    snapshots = [s for s in _current_snapshots() if s.source_id != snapshot.source_id]
    snapshots = sorted([*snapshots, snapshot], key=lambda s: s.source.key)
    index = MatchIndex.build(_entries(snapshots), progress=progress)
    return LoadedIndex(_key(snapshots), index, {s.source.key: str(s.public_id) for s in snapshots})


@dataclass(frozen=True, slots=True)
class ListsInUse:
    """The loaded index and the coverage, read once for a batch of screenings (a re-screen)."""

    loaded: LoadedIndex
    coverage: Coverage


def lists_in_use(*, build: bool = True) -> ListsInUse:
    """The current index and coverage, for many screenings that must use the same lists.

    `build=False` for a request: `IndexNotReady` rather than building the index there.
    """
    return ListsInUse(current_index(build=build), current_coverage())


def screen(
    query: Query,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    limit: int = 10,
    progress: Callable[[int], None] | None = None,
    build: bool = True,
    lists: ListsInUse | None = None,
) -> ScreeningResult:
    """Hits for one name against every current list, with what is needed to replay it later.

    `build=False` for a request: `IndexNotReady` rather than building the index there. A name
    with nothing to compare is refused (NameNotScreenable) before the index is loaded. `lists`
    (from `lists_in_use`) spares a batch the index and coverage lookups of every name.
    """
    check_name(query)
    loaded = lists.loaded if lists else current_index(progress=progress, build=build)
    hits = loaded.index.search(query, threshold=threshold, limit=limit)
    coverage = lists.coverage if lists else current_coverage()
    return ScreeningResult(query, hits, loaded.snapshots, MATCHER_VERSION, threshold, coverage)


#: Listed entries kept per screened name, best first: as many as a stored screening keeps.
HITS_PER_NAME: Final = 10


@dataclass(frozen=True, slots=True)
class NamesScreened:
    """A subject's names screened together: the best hit per listed entry over every name."""

    best: dict[str, Hit]  # by entry key ("source:entry_id")
    # The first comparable name's result, which says what the names were compared against
    # (snapshots, coverage, matcher version, threshold); None when no name could be compared.
    first: ScreeningResult | None


def screen_names(
    names: Iterable[str], kind: EntityType, *, lists: ListsInUse | None = None
) -> NamesScreened:
    """Every name of one subject (a partner) against the current lists: its best hit per entry.

    The one rule for a subject's screening, whether it is stored (a screening run, a
    re-screen) or replayed in memory (the case page's triage): the same threshold, the same
    hits per name, the same entity type for every name, the names the matcher refuses passed
    over, and of two names matching one entry the better score kept (the earlier name on a
    tie). All names are compared on one index, so a run never mixes two sets of snapshots;
    `lists` is that index when the caller read it once for many subjects.
    """
    queries = [q for q in (Query(name, type=kind) for name in names) if _comparable(q)]
    if not queries:
        return NamesScreened({}, None)  # nothing to compare: no index is read, let alone built
    lists = lists or lists_in_use()
    best: dict[str, Hit] = {}
    results = [screen(query, limit=HITS_PER_NAME, lists=lists) for query in queries]
    for result in results:
        for hit in result.hits:
            if hit.key not in best or hit.score > best[hit.key].score:
                best[hit.key] = hit
    return NamesScreened(best, results[0])


def _comparable(query: Query) -> bool:
    """Whether the matcher compares the name (records refuse names it would not).

    Only an alias stored before that refusal ("of the") is passed over here.
    """
    try:
        check_name(query)
    except NameNotScreenable:
        return False
    return True
