"""US Consolidated Screening List (trade.gov): eleven export and sanctions lists in one file.

Two CSV layouts are in use. The current one (`consolidated.csv`) starts with `_id`, which is
OFAC's entity number for Treasury rows and a trade.gov hash for the others; the older one
(`csl.csv`, 2019) has no `_id`, and its non-Treasury rows (Entity List, DPL, ITAR debarred,
Unverified List, Nonproliferation) have no number at all. The two also write `ids` in opposite
orders: current `type, number[, country]`, older `[country, ]number, type`.

`source_id` is `_id`, else `entity_number`, else `h-<12 hex>`: SHA-1 of the sub-list (the
`source` column as published) and the name joined by `|`, the key other screening tools give
these rows, so that results compare. It survives address edits and new Federal Register notices.
Rows alike in both take `-2`, `-3` … in file order: the older sample's Entity List names
`Gunther Migeotte` five times, each time at other addresses.

The JSON form (`consolidated.json`, or a saved API response) is `{"results": [...], "total": N,
"sources_used": [...]}` with lists where the CSV joins with `; `. No real JSON sample exists in
public repositories; the tests build one of the published shape from real `consolidated.csv`
rows. `total` is the declared count, and a file holding fewer results than it declares (one
page of the paged API) is refused.

Type: `Individual`, `Entity`, `Vessel`, `Aircraft` as given. The non-Treasury lists leave it
empty: DPL and ITAR-debarred rows, people and firms alike, are typed from the name by
`bis_dpl.entry_type` (as the DPL parser does); the others (Entity List, MEU, UVL, ISN) are
overwhelmingly organisations, and a name test would misread many of them (`China Academy of
Engineering Physics`), so they are organisations. `extra` records which ("entity_type").

Windows-1252 punctuation that reached the file as C1 control characters (`Gui` U+0092 `an`) is
read back as Windows-1252, with a warning.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from trustdesk.screening.countries import countries_of, to_iso2
from trustdesk.screening.dates import parse_date
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers._keys import embedded_aliases, entry_type
from trustdesk.screening.parsers.base import ListFormat, ParseLimits, ParseReport, head_rows
from trustdesk.screening.safety import check_header, check_size, iter_csv
from trustdesk.screening.text import clean

_LICENCE_AND_VESSEL = (
    "end_date",
    "standard_order",
    "license_requirement",
    "license_policy",
    "call_sign",
    "vessel_type",
    "gross_tonnage",
    "gross_registered_tonnage",
    "vessel_flag",
    "vessel_owner",
)
COLUMNS = (
    "source",
    "entity_number",
    "type",
    "programs",
    "name",
    "title",
    "addresses",
    "federal_register_notice",
    "start_date",
    *_LICENCE_AND_VESSEL,
    "remarks",
    "source_list_url",
    "alt_names",
    "citizenships",
    "dates_of_birth",
    "nationalities",
    "places_of_birth",
    "source_information_url",
    "ids",
)
# Published facts with no Entry field, kept under their own names in `extra`.
DETAIL_COLUMNS = (
    "title",
    "federal_register_notice",
    *_LICENCE_AND_VESSEL,
)
_TYPES = {
    "individual": EntityType.PERSON,
    "entity": EntityType.ORGANIZATION,
    "vessel": EntityType.VESSEL,
    "aircraft": EntityType.AIRCRAFT,
}
_SUBLIST_CODE = re.compile(r"\(([A-Z]{2,6})\)")
_C1 = re.compile("[\x80-\x9f]")
_LEADING_AND = re.compile(r"^and\s+", re.IGNORECASE)
_SUCCESSOR_CLAUSE = re.compile(r";\s*and any successor.*$", re.IGNORECASE)
# `ids` items that describe the entry (OFAC "features") rather than identify it.
_FEATURE_WORDS = (
    "gender",
    "website",
    "email",
    "phone",
    "flag",
    "year of build",
    "directive",
    "sanction",
    "executive order",
    "date",
    "transactions prohibited",
    "nationality",
    "organization type",
    "target type",
)
_ADDRESS_PARTS = ("address", "city", "state", "postal_code", "country")
# Lists of denied or debarred parties, people and firms alike, named the way the DPL names them.
_TYPED_BY_NAME = frozenset({"DPL", "DTC"})
_HEAD_MARKERS = ("source", "entity_number", "alt_names", "source_list_url")


@dataclass(slots=True)
class _Record:
    """One listing read from either layout, before it becomes an Entry."""

    where: str
    id: str
    sublist: str
    type: str
    name: str
    programs: list[str] = field(default_factory=list)
    alt_names: list[str] = field(default_factory=list)
    addresses: list[Address] = field(default_factory=list)
    ids: list[tuple[str, str, str]] = field(default_factory=list)  # kind, number, country
    citizenships: list[str] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)
    dates_of_birth: list[str] = field(default_factory=list)
    places_of_birth: list[str] = field(default_factory=list)
    start_date: str = ""
    remarks: str = ""
    source_list_url: str = ""
    source_information_url: str = ""
    details: list[tuple[str, str]] = field(default_factory=list)


class _UsCsl(ListFormat):
    source: ClassVar[str] = "us-csl"
    version: ClassVar[str] = "2"  # 2: h-<sha1> keys for rows without ids

    def _entries(
        self, records: list[_Record] | Iterator[_Record], keys: Mapping[str, str], source: str
    ) -> Iterator[Entry]:
        for record in records:
            yield _entry(record, keys.get(record.where, ""), source, self.official_url or "")


class UsCslCsv(_UsCsl):
    name: ClassVar[str] = "us-csl-csv"
    label: ClassVar[str] = "US Consolidated Screening List (CSV)"
    official_url: ClassVar[str | None] = (
        "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv"
    )

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        header = next(iter(head_rows(head)), [])
        return "main" if set(_HEAD_MARKERS).issubset(header) else None

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        path = files["main"]
        # Two passes: rows without an id need the whole file to get a key unique in it.
        keyless = {
            line: record
            for line, record in self._records(path, source, limits, ParseReport())
            if not record.id
        }
        keys = _keys(keyless)
        records = (record for _, record in self._records(path, source, limits, report))
        yield from self._entries(records, keys, source)

    def _records(
        self, path: Path, source: str, limits: ParseLimits, report: ParseReport
    ) -> Iterator[tuple[int, _Record]]:
        rows = iter_csv(path, source, limits)
        first = next(rows, None)
        if first is None:
            raise SourceFormatError(source, str(path), "the file has no header line")
        positions = check_header(path, source, first[1], COLUMNS)
        current = "_id" in positions
        width = len(first[1])
        for line, fields in rows:
            if len(fields) != width:
                raise SourceFormatError(
                    source, f"{path}:{line}", f"expected {width} fields, found {len(fields)}"
                )
            yield line, self._record(path, source, (line, fields), positions, current, report)

    def _record(
        self,
        path: Path,
        source: str,
        numbered: tuple[int, list[str]],
        positions: Mapping[str, int],
        current: bool,
        report: ParseReport,
    ) -> _Record:
        line, fields = numbered
        where = f"{path}:{line}"
        row = {
            name: _repair(fields[i], report, f"{where}: {name}") for name, i in positions.items()
        }
        name = clean(row["name"])
        if not name:
            raise SourceFormatError(source, where, "an entry without a name")
        if not clean(row["source"]):
            raise SourceFormatError(source, where, "an entry without its source list")
        return _Record(
            where=where,
            id=(row.get("_id") or row["entity_number"]).strip(),
            sublist=clean(row["source"]),
            type=row["type"].strip(),
            name=name,
            programs=_split(row["programs"]),
            alt_names=_split(row["alt_names"]),
            addresses=[_address_from_text(a) for a in _split_addresses(row["addresses"])],
            ids=[_id_from_text(i, current) for i in _split(row["ids"])],
            citizenships=_split(row["citizenships"]),
            nationalities=_split(row["nationalities"]),
            dates_of_birth=_split(row["dates_of_birth"]),
            places_of_birth=_split(row["places_of_birth"]),
            start_date=row["start_date"].strip(),
            remarks=row["remarks"].strip(),
            source_list_url=row["source_list_url"].strip(),
            source_information_url=row["source_information_url"].strip(),
            details=[(c, clean(row[c])) for c in DETAIL_COLUMNS],
        )


class UsCslJson(_UsCsl):
    name: ClassVar[str] = "us-csl-json"
    label: ClassVar[str] = "US Consolidated Screening List (JSON)"
    official_url: ClassVar[str | None] = (
        "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json"
    )

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        text = head.removeprefix(b"\xef\xbb\xbf").lstrip()
        if not text.startswith(b"{") or b'"results"' not in text:
            return None
        markers = (b'"sources_used"', b'"source_list_url"', b'"entity_number"')
        return "main" if any(m in text for m in markers) else None

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        path = files["main"]
        data = _load_json(path, source, limits)
        results = _results(data, path, source, report)
        records = [
            _record_from_json(item, f"{path}: results[{i}]", source, report)
            for i, item in enumerate(results)
        ]
        yield from self._entries(records, _keys(dict(enumerate(records))), source)


def _load_json(path: Path, source: str, limits: ParseLimits) -> object:
    # json has no streaming reader in the standard library; the size ceiling bounds the memory.
    check_size(path, source, limits)
    raw = path.read_bytes()
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        bad = raw[exc.start : exc.start + 1].hex()
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceFormatError(
            source, f"{path}:{line}", f"not valid UTF-8 (byte 0x{bad}); JSON must be UTF-8"
        ) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            source, f"{path}:{exc.lineno}", f"malformed JSON: {exc.msg}"
        ) from exc


def _results(data: object, path: Path, source: str, report: ParseReport) -> list[object]:
    if not isinstance(data, dict) or not isinstance(data.get("results"), list):
        raise SourceFormatError(
            source,
            str(path),
            'not a Consolidated Screening List: expected an object with a "results" list',
        )
    results: list[object] = data["results"]
    total = data.get("total")
    if total is not None:
        if not isinstance(total, int) or isinstance(total, bool):
            raise SourceFormatError(source, f"{path}: total", f"not a count: {total!r}")
        report.declared_count = total
        if total > len(results):
            raise SourceFormatError(
                source,
                str(path),
                f"holds {len(results)} of the {total} results it declares (one page of the "
                "API?): download the whole list",
            )
        if total < len(results):
            report.warn(f"{path}: holds {len(results)} results but declares {total}")
    report.published = _latest_import(data.get("sources_used"))
    return results


def _latest_import(sources_used: object) -> str | None:
    """The day the newest sub-list was imported: when trade.gov compiled this file."""
    if not isinstance(sources_used, list):
        return None
    days = [
        parse_date(str(item.get("last_imported") or item.get("source_last_updated") or ""))
        for item in sources_used
        if isinstance(item, dict)
    ]
    return max((d for d in days if d), default=None)


def _record_from_json(item: object, where: str, source: str, report: ParseReport) -> _Record:
    if not isinstance(item, dict):
        raise SourceFormatError(source, where, "a result that is not an object")
    reader = _JsonReader(_repair_json(item, report, where), where, source)
    name = reader.text("name")
    if not name:
        raise SourceFormatError(source, where, "an entry without a name")
    sublist = reader.text("source")
    if not sublist:
        raise SourceFormatError(source, where, "an entry without its source list")
    return _Record(
        where=where,
        id=reader.text("id") or reader.text("_id") or reader.text("entity_number"),
        sublist=sublist,
        type=reader.text("type"),
        name=name,
        programs=reader.texts("programs"),
        alt_names=reader.texts("alt_names"),
        addresses=[
            _address_from_parts(parts)
            for d in reader.objects("addresses")
            if any(parts := reader.part(d, *_ADDRESS_PARTS))
        ],
        ids=[
            (reader.field(d, "type"), reader.field(d, "number"), reader.field(d, "country"))
            for d in reader.objects("ids")
        ],
        citizenships=reader.texts("citizenships"),
        nationalities=reader.texts("nationalities"),
        dates_of_birth=reader.texts("dates_of_birth"),
        places_of_birth=reader.texts("places_of_birth"),
        start_date=reader.text("start_date"),
        remarks=reader.text("remarks"),
        source_list_url=reader.text("source_list_url"),
        source_information_url=reader.text("source_information_url"),
        details=[(c, reader.text(c)) for c in DETAIL_COLUMNS],
    )


class _JsonReader:
    """Typed access to one result; a value of the wrong JSON type is an error naming its field."""

    def __init__(self, item: dict[str, object], where: str, source: str) -> None:
        self._item = item
        self._where = where
        self._source = source

    def _fail(self, key: str, expected: str) -> SourceFormatError:
        return SourceFormatError(self._source, f"{self._where}.{key}", f"expected {expected}")

    def text(self, key: str) -> str:
        return self.field(self._item, key)

    def field(self, obj: Mapping[str, object], key: str) -> str:
        value = obj.get(key)
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, str | int | float):
            raise self._fail(key, "text or a number")
        return clean(str(value))

    def texts(self, key: str) -> list[str]:
        value = self._item.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            raise self._fail(key, "a list")
        if not all(isinstance(v, str) for v in value):
            raise self._fail(key, "a list of text")
        return [t for v in value if (t := clean(str(v)))]

    def objects(self, key: str) -> list[dict[str, object]]:
        value = self._item.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._fail(key, "a list of objects")
        return value

    def part(self, obj: Mapping[str, object], *keys: str) -> list[str]:
        return [self.field(obj, k) for k in keys]


def _entry(record: _Record, key: str, source: str, list_url: str) -> Entry:
    code = _code(record.sublist)
    kind, how = _entry_type(record, code)
    aliases = [_LEADING_AND.sub("", a) for a in record.alt_names]
    if _SUCCESSOR_CLAUSE.search(record.name):
        aliases.insert(0, _SUCCESSOR_CLAUSE.sub("", record.name))
    if code == "DPL":
        aliases.extend(embedded_aliases(record.name))
    identifiers, features = _identifiers(record.ids)
    dobs = [parse_date(d, us_order=True) or "" for d in record.dates_of_birth]
    undated = [d for d, iso in zip(record.dates_of_birth, dobs, strict=True) if not iso]
    url = record.source_list_url or record.source_information_url or list_url
    extra = [
        ("entity_type", how),
        *record.details,
        *(("place_of_birth", p) for p in record.places_of_birth),
        *(("date_of_birth", d) for d in undated),
        *features,
    ]
    if record.source_information_url not in ("", url):
        extra.append(("source_information_url", record.source_information_url))
    return Entry(
        source=source,
        source_id=record.id or key,
        type=kind,
        name=record.name,
        aliases=tuple(a for a in unique(aliases) if a != record.name),
        countries=countries_of(
            [*record.citizenships, *record.nationalities, *(a.country for a in record.addresses)]
        ),
        identifiers=tuple(dict.fromkeys(identifiers)),
        addresses=tuple(dict.fromkeys(record.addresses)),
        dates_of_birth=unique(dobs),
        programs=unique([record.sublist, *record.programs]),
        categories=(code,) if code else (),
        listed_on=parse_date(record.start_date, us_order=True),
        remarks=record.remarks,
        source_url=url,
        extra=tuple((k, v) for k, v in extra if v),
    )


def _entry_type(record: _Record, code: str) -> tuple[EntityType, str]:
    if record.type:
        kind = _TYPES.get(record.type.casefold())
        if kind is not None:
            return kind, ""
        return EntityType.ORGANIZATION, f"unknown type {record.type!r}"
    if code in _TYPED_BY_NAME:
        return entry_type(record.name), "inferred from name"
    return EntityType.ORGANIZATION, "not stated"


def _identifiers(
    items: list[tuple[str, str, str]],
) -> tuple[list[Identifier], list[tuple[str, str]]]:
    identifiers: list[Identifier] = []
    features: list[tuple[str, str]] = []
    for kind, number, country in items:
        label = kind.strip().rstrip(":- ").strip()
        if not number:
            continue
        if _is_feature(kind):
            slug = re.sub(r"[^a-z0-9]+", "_", label.casefold()).strip("_")
            features.append((slug or "detail", number))
        else:
            identifiers.append(Identifier(label or "id", number, to_iso2(country) or None))
    return identifiers, features


def _is_feature(kind: str) -> bool:
    text = kind.strip()
    if text.endswith((":", "-")):
        return True
    folded = text.casefold()
    return any(word in folded for word in _FEATURE_WORDS)


def _id_from_text(item: str, current: bool) -> tuple[str, str, str]:
    """Split one `ids` item; the current layout leads with the type, the older one ends with it."""
    parts = [p.strip() for p in item.split(",")]
    if len(parts) == 1:
        return "", parts[0], ""
    if current:
        if len(parts) >= 3 and _is_code(parts[-1]):
            return parts[0], ", ".join(parts[1:-1]), parts[-1]
        return parts[0], ", ".join(parts[1:]), ""
    if len(parts) >= 3 and _is_code(parts[0]):
        return parts[-1], ", ".join(parts[1:-1]), parts[0]
    return parts[-1], ", ".join(parts[:-1]), ""


def _is_code(text: str) -> bool:
    return len(text) == 2 and text.isalpha() and text.isupper() and to_iso2(text) is not None


def _split_addresses(value: str) -> list[str]:
    """Addresses joined with `; `, keeping the Entity List's own `A; and B` inside one address."""
    merged: list[str] = []
    for part in value.split(";"):
        if merged and _LEADING_AND.match(part.strip()):
            merged[-1] = f"{merged[-1]};{part}"
        else:
            merged.append(part)
    return [t for part in merged if (t := clean(part))]


def _address_from_text(text: str) -> Address:
    last = text.rsplit(",", 1)[-1].strip()
    return Address(text, None, to_iso2(last))


def _address_from_parts(parts: list[str]) -> Address:
    return Address(", ".join(p for p in parts if p), parts[1] or None, to_iso2(parts[-1]))


def _keys(records: Mapping[int, _Record]) -> dict[str, str]:
    """Stable keys for the records without an id, by their location in the file.

    `h-` and the first 12 hex digits of SHA-1 over `<source column>|<name>`: the convention other
    screening tools use for these rows, so results compare across tools. Rows alike in both get
    `-2`, `-3` … in file order.
    """
    keys: dict[str, str] = {}
    seen: Counter[str] = Counter()
    for record in records.values():
        if record.id:
            continue
        digest = hashlib.sha1(f"{record.sublist}|{record.name}".encode(), usedforsecurity=False)
        key = f"h-{digest.hexdigest()[:12]}"
        seen[key] += 1
        keys[record.where] = key if seen[key] == 1 else f"{key}-{seen[key]}"
    return keys


def _code(sublist: str) -> str:
    match = _SUBLIST_CODE.search(sublist)
    return match[1] if match else ""


def _split(value: str) -> list[str]:
    return [t for part in value.split(";") if (t := clean(part))]


def _repair(text: str, report: ParseReport, where: str) -> str:
    """Read C1 control characters as the Windows-1252 punctuation they were meant to be."""
    if not _C1.search(text):
        return text
    fixed = _C1.sub(_cp1252, text)
    report.warn(f"{where}: control characters read as Windows-1252: {fixed!r}")
    return fixed


def _repair_json(value: object, report: ParseReport, where: str) -> dict[str, object]:
    repaired = _repair_value(value, report, where)
    assert isinstance(repaired, dict)  # noqa: S101 -- the caller checked, repair keeps the shape
    return repaired


def _repair_value(value: object, report: ParseReport, where: str) -> object:
    if isinstance(value, str):
        return _repair(value, report, where)
    if isinstance(value, dict):
        return {k: _repair_value(v, report, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [_repair_value(v, report, where) for v in value]
    return value


def _cp1252(match: re.Match[str]) -> str:
    try:
        return bytes([ord(match[0])]).decode("cp1252")
    except UnicodeDecodeError:
        return match[0]


FORMATS = (UsCslCsv, UsCslJson)
