"""trustdesk's own list file: the research-security lists shipped in the package, one JSON each.

The format exists because the publishers of these lists (Canada's Named Research Organizations,
the US Section 1286 list, ASPI's China Defence Universities Tracker) offer web pages and PDFs, not
machine-readable files. `scripts/build_research_lists.py` writes them; `docs/research-lists.md`
describes the fields.

The header keys come first, in a fixed order, with `"format"` as the very first key, so that a
file can be recognised from its first bytes; inside each entry the keys are sorted. An entry's
`id` carries no source prefix: `Entry.key` adds it (`ca-nro:beihang-university`).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, ClassVar, NoReturn

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.dates import parse_date
from trustdesk.screening.entries import EntityType, Entry, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ListFormat, ParseLimits, ParseReport
from trustdesk.screening.safety import check_size

FORMAT_MARKER = "trustdesk-list"
FORMAT_VERSION = 1

# The order the writer uses; "format" first is what `role_for` relies on.
HEADER_KEYS = (
    "format",
    "format_version",
    "source",
    "title",
    "publisher",
    "edition",
    "checked",
    "source_url",
    "licence",
    "attribution",
    "entries",
)
ENTRY_KEYS = (
    "aliases",
    "categories",
    "countries",
    "id",
    "listed_on",
    "name",
    "original_script_names",
    "parent",
    "remarks",
    "source_url",
    "type",
)
_REQUIRED_ENTRY_KEYS = ("id", "name", "type")

_HEAD = re.compile(rb'\A(?:\xef\xbb\xbf)?\s*\{\s*"format"\s*:\s*"trustdesk-list"\s*[,}]')
# The header's "source" precedes "entries", so the first match is the header's own.
_HEAD_SOURCE = re.compile(rb'"source"\s*:\s*"([a-z0-9-]{1,64})"')
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,199}")
_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class _DuplicateKeyError(ValueError):
    pass


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json keeps the last of two equal keys silently; in a list file that hides an edit.
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKeyError(key)
        out[key] = value
    return out


def _reject_constant(name: str) -> NoReturn:
    raise ValueError(f"{name} is not valid JSON")


class TrustdeskJson(ListFormat):
    """A trustdesk list file (`"format": "trustdesk-list"`), whichever list it carries."""

    name: ClassVar[str] = "trustdesk-json"
    source: ClassVar[str] = "trustdesk"
    sources: ClassVar[tuple[str, ...]] = ("ca-nro", "us-dod-1286", "aspi-unitracker")
    version: ClassVar[str] = "1"
    label: ClassVar[str] = "trustdesk list file"

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        """Claim only JSON that opens with the trustdesk-list marker; any other JSON is not ours."""
        return "main" if _HEAD.match(head) else None

    @classmethod
    def source_for(cls, path: Path, head: bytes) -> str:
        """The list the file says it carries, so that one format serves all shipped lists."""
        match = _HEAD_SOURCE.search(head)
        return match.group(1).decode("ascii") if match else cls.source

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        """Yield the entries only once the whole file has been checked, so no half list escapes."""
        path = files["main"]
        reader = _Reader(path, source)
        doc = reader.load(limits)
        list_source = reader.header(doc, self.sources, self.source)
        entries = reader.entries(doc["entries"], list_source)
        report.published = doc["edition"]
        report.declared_count = len(entries)
        yield from entries


class _Reader:
    """Checks one file, raising SourceFormatError that names the file and the entry at fault."""

    def __init__(self, path: Path, source: str) -> None:
        self.path = path
        self.source = source

    def fail(self, reason: str, line: int | None = None) -> NoReturn:
        location = f"{self.path}:{line}" if line else str(self.path)
        raise SourceFormatError(self.source, location, reason)

    def load(self, limits: ParseLimits) -> dict[str, Any]:
        check_size(self.path, self.source, limits)  # before a byte is read into memory
        raw = self.path.read_bytes()
        raw = raw.removeprefix(b"\xef\xbb\xbf")
        try:
            text = raw.decode("utf-8", errors="strict")
        except UnicodeDecodeError as exc:
            line = raw.count(b"\n", 0, exc.start) + 1
            self.fail(f"not valid UTF-8 (byte 0x{raw[exc.start]:02x}); save it as UTF-8", line)
        try:
            doc = json.loads(
                text,
                object_pairs_hook=_reject_duplicate_keys,
                parse_constant=_reject_constant,
            )
        except json.JSONDecodeError as exc:
            self.fail(f"malformed JSON: {exc.msg} (column {exc.colno})", exc.lineno)
        except _DuplicateKeyError as exc:
            self.fail(f"the key {exc.args[0]!r} appears twice in one object")
        except ValueError as exc:
            self.fail(f"malformed JSON: {exc}")
        except RecursionError:
            self.fail("malformed JSON: nested too deeply")
        if not isinstance(doc, dict):
            self.fail("not a trustdesk list file: the JSON is not an object")
        return doc

    def header(self, doc: dict[str, Any], known: tuple[str, ...], default: str) -> str:
        """Check the header and return the list source the entries belong to."""
        if doc.get("format") != FORMAT_MARKER:
            self.fail(f'not a trustdesk list file: "format" is not "{FORMAT_MARKER}"')
        version = doc.get("format_version")
        if type(version) is not int or version < 1:
            self.fail('"format_version" must be a positive integer')
        if version > FORMAT_VERSION:
            self.fail(
                f"format_version {version} is newer than this trustdesk reads "
                f"({FORMAT_VERSION}); upgrade trustdesk"
            )
        missing = [key for key in HEADER_KEYS if key not in doc]
        unknown = sorted(set(doc) - set(HEADER_KEYS))
        if missing:
            self.fail(f"header field(s) missing: {', '.join(missing)}")
        if unknown:
            self.fail(f"unknown header field(s): {', '.join(unknown)}")
        for key in ("source", "title", "publisher", "licence", "attribution"):
            self._text(doc[key], f'"{key}"', required=True)
        self._url(doc["source_url"], '"source_url"')
        list_source: str = doc["source"]
        if list_source not in known:
            self.fail(f"unknown list source {list_source!r} (known: {', '.join(known)})")
        if self.source not in (default, list_source):
            self.fail(f"the file is the {list_source!r} list, not {self.source!r}")
        self.source = list_source
        edition = self._day(doc["edition"], '"edition"')
        checked = self._day(doc["checked"], '"checked"')
        if checked < edition:
            self.fail(f'"checked" ({checked}) is before "edition" ({edition})')
        if not isinstance(doc["entries"], list) or not doc["entries"]:
            self.fail('"entries" must be a non-empty array')
        return list_source

    def entries(self, items: list[Any], list_source: str) -> list[Entry]:
        out: list[Entry] = []
        first_index: dict[str, int] = {}
        for index, item in enumerate(items):
            entry = self.entry(index, item, list_source)
            if entry.source_id in first_index:
                self.fail(
                    f"entries[{index}] (id {entry.source_id!r}): duplicate id, first used by "
                    f"entries[{first_index[entry.source_id]}]"
                )
            first_index[entry.source_id] = index
            out.append(entry)
        return out

    def entry(self, index: int, item: Any, list_source: str) -> Entry:
        where = f"entries[{index}]"
        if not isinstance(item, dict):
            self.fail(f"{where}: not an object")
        raw_id = item.get("id")
        where = f"{where} (id {raw_id!r})" if isinstance(raw_id, str) and raw_id else where
        for key in _REQUIRED_ENTRY_KEYS:
            if key not in item:
                self.fail(f"{where}: {key!r} is missing")
        unknown = sorted(set(item) - set(ENTRY_KEYS))
        if unknown:
            self.fail(f"{where}: unknown field(s): {', '.join(unknown)}")
        if not isinstance(raw_id, str) or not _ID.fullmatch(raw_id):
            self.fail(
                f"{where}: 'id' must be 1-200 letters, digits, '.', '_' or '-', "
                f"starting with a letter or digit"
            )
        name = self._text(item["name"], f"{where}: 'name'", required=True)
        kind = item["type"]
        if not isinstance(kind, str) or kind not in {t.value for t in EntityType}:
            allowed = ", ".join(t.value for t in EntityType)
            self.fail(f"{where}: unknown type {kind!r} (one of {allowed})")
        parent = self._text(item.get("parent"), f"{where}: 'parent'", required=False, null=True)
        listed_on = item.get("listed_on")
        if listed_on is not None and (
            not isinstance(listed_on, str) or parse_date(listed_on) != listed_on
        ):
            self.fail(f"{where}: 'listed_on' {listed_on!r} is not an ISO 8601 date")
        return Entry(
            source=list_source,
            source_id=raw_id,
            type=EntityType(kind),
            name=name,
            aliases=self._names(item, "aliases", where, exclude=name),
            original_script_names=self._names(item, "original_script_names", where, exclude=name),
            countries=self._countries(item, where),
            categories=self._names(item, "categories", where),
            parent=parent or None,
            listed_on=listed_on,
            remarks=self._text(item.get("remarks", ""), f"{where}: 'remarks'", required=False),
            source_url=self._url(item.get("source_url", ""), f"{where}: 'source_url'"),
        )

    def _text(self, value: Any, what: str, *, required: bool, null: bool = False) -> str:
        if value is None and null:
            return ""
        if not isinstance(value, str):
            self.fail(f"{what} must be a string")
        text = " ".join(value.split())
        if required and not text:
            self.fail(f"{what} is empty")
        return text

    def _strings(self, item: dict[str, Any], key: str, where: str) -> list[str]:
        values = item.get(key, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            self.fail(f"{where}: {key!r} must be an array of strings")
        return list(values)

    def _names(
        self, item: dict[str, Any], key: str, where: str, exclude: str | None = None
    ) -> tuple[str, ...]:
        return tuple(n for n in unique(self._strings(item, key, where)) if n != exclude)

    def _countries(self, item: dict[str, Any], where: str) -> tuple[str, ...]:
        codes = self._strings(item, "countries", where)
        for code in codes:
            # Only codes, never names: a name here means the writer skipped its normalisation.
            if not (len(code) == 2 and code.isupper() and to_iso2(code) == code):
                self.fail(f"{where}: country {code!r} is not an ISO 3166-1 alpha-2 code")
        if len(set(codes)) != len(codes):
            self.fail(f"{where}: a country is given twice")
        return tuple(codes)

    def _url(self, value: Any, what: str) -> str:
        url = self._text(value, what, required=False)
        if url and not url.startswith(("https://", "http://")):
            self.fail(f"{what} {url!r} is not an http(s) address")
        return url

    def _day(self, value: Any, what: str) -> str:
        if not isinstance(value, str) or not _ISO_DAY.fullmatch(value):
            self.fail(f"{what} must be a date written YYYY-MM-DD")
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            self.fail(f"{what} {value!r} is not a real date")
        return value


FORMATS = (TrustdeskJson,)
