"""OpenSanctions exports: FollowTheMoney JSON lines (`entities.ftm.json`) and `targets.simple.csv`.

Licence: OpenSanctions data is published under CC BY-NC 4.0. A university may use it for its
own non-commercial screening with attribution; any commercial use (a spin-out's product, a paid
service to third parties) needs a licence from OpenSanctions. The parser does not enforce this:
it is the operator's decision, recorded here because it must be made knowingly.

Decisions, in short (docs and the tests pin them down):

* Every *matchable* entity becomes an entry (Person; Organization, Company, LegalEntity,
  PublicBody; Vessel; Airplane), target or not, as OpenSanctions' own matching service (yente)
  indexes them. Non-targets are relatives and associates of targets: they carry the category
  `non-target` (targets carry `target`), next to the entity's `topics` (`sanction`, `role.pep` …),
  so that a reviewer and the matcher can tell a sanctioned party from a PEP's brother.
* `name` values and `alias` / `previousName` are strong names; `weakAlias` and `abbreviation`
  are weak. A name with letters of a non-Latin script goes to `original_script_names` (weak
  names stay weak whatever their script).
* Relationship entities are not entries. `Sanction` (programmes, listing date), `Identification`
  / `Passport` (document numbers) and `Address` entities are folded into the entities they name;
  every other schema is counted in one warning.
* The publication date is `updated_at` of the `index.json` beside the file when that index
  lists this very file (same size and SHA-1); otherwise the newest `last_seen` of the file.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.dates import parse_date
from trustdesk.screening.entries import Address, EntityType, Entry, Identifier, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import ListFormat, ParseLimits, ParseReport, head_rows
from trustdesk.screening.safety import check_header, iter_csv, iter_lines
from trustdesk.screening.text import split_scripts

ENTITY_URL = "https://www.opensanctions.org/entities/{id}/"
_INDEX_NAME = "index.json"
_INDEX_MAX_BYTES = 16 << 20  # an index.json is kilobytes; anything far larger is not one

_TYPES: dict[str, EntityType] = {
    "Person": EntityType.PERSON,
    "Organization": EntityType.ORGANIZATION,
    "Company": EntityType.ORGANIZATION,
    "LegalEntity": EntityType.ORGANIZATION,
    "PublicBody": EntityType.ORGANIZATION,
    "Vessel": EntityType.VESSEL,
    "Airplane": EntityType.AIRCRAFT,
}
# FollowTheMoney falls back to the schema label as caption when an entity has no name.
_PLACEHOLDER_CAPTIONS = frozenset({*_TYPES, "Legal entity", "Public body", "Thing"})

_ENTITY_KEYS = frozenset(
    {
        "id",
        "caption",
        "schema",
        "properties",
        "datasets",
        "referents",
        "target",
        "first_seen",
        "last_seen",
        "last_change",
    }
)
_STRONG_NAMES = ("alias", "previousName")
_WEAK_NAMES = ("weakAlias", "abbreviation")
_COUNTRY_PROPS = (
    "country",
    "nationality",
    "citizenship",
    "jurisdiction",
    "mainCountry",
    "birthCountry",
    "flag",
)
# The property name is the identifier kind: it is stable and documented by FollowTheMoney.
_ID_PROPS = (
    "idNumber",
    "passportNumber",
    "taxNumber",
    "registrationNumber",
    "innCode",
    "ogrnCode",
    "okpoCode",
    "kppCode",
    "leiCode",
    "dunsCode",
    "uniqueEntityId",
    "vatCode",
    "swiftBic",
    "bicCode",
    "imoNumber",
    "mmsi",
    "callSign",
    "icaoCode",
    "serialNumber",
    "wikidataId",
)
_EXTRA_PROPS = ("position", "birthPlace", "website", "sourceUrl", "parent")
_REMARK_PROPS = ("notes", "summary", "description")

# Pass 1 parses only lines that may carry facts for other entities. A quoted "schema" key cannot
# occur inside a JSON string (its quotes would be escaped), so this finds every such line.
_FACT_LINE = re.compile(r'"schema"\s*:\s*"(?:Sanction|Identification|Passport|Address)"')
# An FtM entity's keys, each of which must occur in the head of the file (in any order).
_FTM_KEYS = (
    re.compile(rb'"id"\s*:\s*"'),
    re.compile(rb'"schema"\s*:\s*"[A-Z]\w*"'),
    re.compile(rb'"properties"\s*:\s*\{'),
)
_NESTED_HEAD = re.compile(rb'\[\s*\{\s*"id"\s*:')

_SIMPLE_REQUIRED = (
    "id",
    "schema",
    "name",
    "aliases",
    "birth_date",
    "countries",
    "addresses",
    "identifiers",
    "sanctions",
    "dataset",
)


# --- index.json ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Index:
    published: str | None
    target_count: int | None


def _sha1_of(path: Path) -> str:
    digest = hashlib.sha1(usedforsecurity=False)
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _read_index(path: Path, report: ParseReport, sha1: str | None) -> _Index | None:
    """The dataset index beside `path`, when it describes this very file; else None, with why.

    The index is only trusted when one of its resources has this file's size and SHA-1: an
    index left over from another day's download would otherwise date the list wrongly.
    """
    index_path = path.with_name(_INDEX_NAME)
    if index_path == path or not index_path.is_file():
        return None
    try:
        if index_path.stat().st_size > _INDEX_MAX_BYTES:
            raise ValueError("too large for a dataset index")
        data = json.loads(index_path.read_text(encoding="utf-8"))
        if not isinstance(data, dict) or not isinstance(data.get("resources", []), list):
            raise ValueError("not a dataset index")
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        report.warn(f"{index_path} ignored: {exc}")
        return None
    size = path.stat().st_size
    sizes = [r for r in data.get("resources", []) if isinstance(r, dict) and r.get("size") == size]
    if sizes and (sha1 or _sha1_of(path)) in {r.get("checksum") for r in sizes}:
        updated = data.get("updated_at")
        count = data.get("target_count")
        return _Index(
            parse_date(updated) if isinstance(updated, str) else None,
            count if isinstance(count, int) else None,
        )
    report.warn(
        f"{index_path} describes another export (dataset {data.get('name')!r}, updated "
        f"{data.get('updated_at')!r}) than {path.name}: not used for the publication date"
    )
    return None


# --- FollowTheMoney JSON lines -----------------------------------------------------------------


@dataclass(slots=True)
class _Facts:
    """What relationship entities say about one entity; small, so pass 1 can keep them all."""

    programs: list[str] = field(default_factory=list)
    listed: list[str] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    extra: list[tuple[str, str]] = field(default_factory=list)


@dataclass(slots=True)
class _Pass1:
    sha1: str
    facts: dict[str, _Facts]
    addresses: dict[str, Address]
    folded: Counter[str]


@dataclass(slots=True)
class _Oddities:
    """Data-quality findings, reported once per file rather than once per line."""

    skipped: Counter[str] = field(default_factory=Counter)
    scalar_values: int = 0
    dropped_values: int = 0
    qualified_keys: int = 0
    bad_dates: Counter[str] = field(default_factory=Counter)
    bad_countries: Counter[str] = field(default_factory=Counter)
    non_targets: int = 0
    stray_keys: Counter[str] = field(default_factory=Counter)
    used_facts: set[str] = field(default_factory=set)


def _load_line(text: str, path: Path, line: int, source: str) -> dict[str, object]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise SourceFormatError(
            source, f"{path}:{line}", f"not valid JSON ({exc.msg} at column {exc.colno})"
        ) from exc
    if not isinstance(data, dict):
        raise SourceFormatError(
            source, f"{path}:{line}", "not a JSON object: FollowTheMoney files have one per line"
        )
    return data


def _id_and_schema(
    data: Mapping[str, object], path: Path, line: int, source: str
) -> tuple[str, str]:
    ident, schema = data.get("id"), data.get("schema")
    if not isinstance(ident, str) or not ident.strip():
        raise SourceFormatError(source, f"{path}:{line}", "entity without an 'id'")
    if not isinstance(schema, str) or not schema.strip():
        raise SourceFormatError(source, f"{path}:{line}", f"entity {ident!r} without a 'schema'")
    return ident.strip(), schema.strip()


def _props(
    data: Mapping[str, object], path: Path, line: int, source: str, odd: _Oddities
) -> dict[str, list[str]]:
    """Properties as lists of strings, as FollowTheMoney defines them.

    Exports in the wild (the sample's `sa_wiki_peps_v2`) also hold single strings, `Person:alias`
    style keys and objects: the first two are read, objects are dropped and counted. An entity
    nested inside a property means the nested JSON export, which this parser must not flatten.
    """
    raw = data.get("properties", {})
    if not isinstance(raw, dict):
        raise SourceFormatError(source, f"{path}:{line}", "'properties' is not an object")
    out: dict[str, list[str]] = {}
    scalar = False
    for key, value in raw.items():
        name = str(key).rsplit(":", 1)[-1]
        odd.qualified_keys += name != key
        if not isinstance(value, list):
            scalar, value = True, [value]
        for item in value:
            if isinstance(item, str):
                out.setdefault(name, []).append(item)
            elif isinstance(item, dict) and "schema" in item:
                raise SourceFormatError(
                    source,
                    f"{path}:{line}",
                    f"entity nested in property {name!r}: this is OpenSanctions' nested JSON; "
                    "import entities.ftm.json instead",
                )
            else:
                odd.dropped_values += 1
    odd.scalar_values += scalar
    return out


def _collect_facts(path: Path, source: str, limits: ParseLimits) -> _Pass1:
    """Pass 1: hash the file and keep the facts relationship entities give about others.

    Memory holds one small `_Facts` per sanctioned or identified entity and one `Address` per
    address entity, never the entities themselves; the price is reading the file twice.
    """
    result = _Pass1("", {}, {}, Counter())
    for line_no, text in iter_lines(path, source, limits):
        if not _FACT_LINE.search(text):
            continue
        data = _load_line(text, path, line_no, source)
        ident, schema = _id_and_schema(data, path, line_no, source)
        props = _props(data, path, line_no, source, _Oddities())
        _fold(schema, ident, props, result)
    result.sha1 = _sha1_of(path)
    return result


def _fold(schema: str, ident: str, props: dict[str, list[str]], into: _Pass1) -> None:
    if schema == "Address":
        text = " ".join(props.get("full", [])) or ", ".join(
            v for k in ("street", "postalCode", "city", "region") for v in props.get(k, [])
        )
        if text.strip():
            country = next(iter(_countries(props.get("country", []), _Oddities())), None)
            city = next(iter(unique(props.get("city", []))), None)
            into.addresses[ident] = Address(" ".join(text.split()), city, country)
        into.folded[schema] += 1
        return
    owners = props.get("entity" if schema == "Sanction" else "holder", [])
    for owner in unique(owners):
        facts = into.facts.setdefault(owner, _Facts())
        if schema == "Sanction":
            facts.programs.extend(props.get("programId", []) + props.get("program", []))
            facts.listed.extend(props.get("listingDate", []) or props.get("startDate", []))
            facts.extra.extend(("sanctionAuthority", a) for a in props.get("authority", []))
        else:
            kind_default = "passportNumber" if schema == "Passport" else "idNumber"
            kind = next(iter(unique(props.get("type", []))), kind_default)
            country = next(iter(_countries(props.get("country", []), _Oddities())), None)
            facts.identifiers.extend(
                Identifier(kind, number, country) for number in unique(props.get("number", []))
            )
    into.folded[schema] += 1


def _countries(values: Iterable[str], odd: _Oddities) -> tuple[str, ...]:
    found: dict[str, None] = {}
    for value in values:
        code = to_iso2(value)
        if code:
            found.setdefault(code, None)
        elif value.strip():
            odd.bad_countries[value.strip()] += 1
    return tuple(found)


def _dates(values: Iterable[str], odd: _Oddities) -> tuple[list[str], list[str]]:
    good: list[str] = []
    bad: list[str] = []
    for value in unique(values):
        iso = parse_date(value)
        if iso:
            good.append(iso)
        else:
            bad.append(value)
            odd.bad_dates[value] += 1
    return good, bad


def _names(
    caption: object, props: dict[str, list[str]]
) -> tuple[str, tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """Primary name, strong Latin aliases, original-script names and weak aliases.

    The primary name is OpenSanctions' caption (its display name), unless the caption is only
    the schema label that FollowTheMoney shows for a nameless entity.
    """
    names = unique(props.get("name", []))
    primary = " ".join(caption.split()) if isinstance(caption, str) else ""
    if not primary or (primary in _PLACEHOLDER_CAPTIONS and primary not in names):
        primary = names[0] if names else ""
    more = (v for k in _STRONG_NAMES for v in props.get(k, []))
    strong = [n for n in unique([*names, *more]) if n != primary]
    latin, other = split_scripts(strong)
    weak = unique(v for k in _WEAK_NAMES for v in props.get(k, []))
    weak = tuple(n for n in weak if n != primary and n not in strong)
    return primary, tuple(latin), tuple(other), weak


def _ftm_entry(
    data: Mapping[str, object],
    ident: str,
    etype: EntityType,
    props: dict[str, list[str]],
    *,
    source: str,
    known: _Pass1,
    odd: _Oddities,
) -> Entry | None:
    primary, aliases, scripts, weak = _names(data.get("caption"), props)
    if not primary:
        return None
    facts = known.facts.get(ident)
    if facts is None:
        facts = _Facts()
    else:
        odd.used_facts.add(ident)
    odd.stray_keys.update(key for key in data if key not in _ENTITY_KEYS)
    target = data.get("target") is True
    odd.non_targets += not target
    births, bad_births = _dates(props.get("birthDate", []), odd)
    deaths, _ = _dates(props.get("deathDate", []), _Oddities())
    # createdAt is where several OpenSanctions crawlers put the listing date of a bare entity.
    listed, _ = _dates(facts.listed or props.get("createdAt", []), _Oddities())
    addresses = [Address(text) for text in unique(props.get("address", []))]
    refs = unique(props.get("addressEntity", []))
    addresses.extend(known.addresses[ref] for ref in refs if ref in known.addresses)
    extra: list[tuple[str, str]] = [
        *(("dataset", d) for d in _str_list(data.get("datasets"))),
        *(("referent", r) for r in _str_list(data.get("referents"))),
        *((k, v) for k in _EXTRA_PROPS for v in props.get(k, [])),
        *(("deathDate", d) for d in deaths),
        *(("birthDate", raw) for raw in bad_births),
        *facts.extra,
    ]
    first_seen = data.get("first_seen")
    if isinstance(first_seen, str):
        extra.append(("first_seen", first_seen))
    return Entry(
        source=source,
        source_id=ident,
        type=etype,
        name=primary,
        aliases=aliases,
        weak_aliases=weak,
        original_script_names=scripts,
        countries=_countries((v for k in _COUNTRY_PROPS for v in props.get(k, [])), odd),
        identifiers=_identifiers(props, facts),
        addresses=tuple(dict.fromkeys(addresses)),
        dates_of_birth=unique(births),
        programs=unique([*facts.programs, *props.get("programId", []), *props.get("program", [])]),
        categories=unique(["target" if target else "non-target", *props.get("topics", [])]),
        listed_on=min(listed) if listed else None,
        remarks="\n".join(unique(v for k in _REMARK_PROPS for v in props.get(k, []))),
        source_url=ENTITY_URL.format(id=ident),
        extra=_pairs(extra),
    )


def _pairs(pairs: Iterable[tuple[str, str]]) -> tuple[tuple[str, str], ...]:
    cleaned = ((k, " ".join(v.split())) for k, v in pairs)
    return tuple(dict.fromkeys((k, v) for k, v in cleaned if v))


def _str_list(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def _identifiers(props: dict[str, list[str]], facts: _Facts) -> tuple[Identifier, ...]:
    found = [Identifier(kind, value) for kind in _ID_PROPS for value in unique(props.get(kind, []))]
    return tuple(dict.fromkeys([*found, *facts.identifiers]))


def _examples(counter: Counter[str]) -> str:
    shown = ", ".join(repr(value) for value, _ in counter.most_common(5))
    return shown + (", …" if len(counter) > 5 else "")


def _summarise(report: ParseReport, odd: _Oddities, known: _Pass1, entries: int) -> None:
    """One warning per kind of oddity, with counts and examples, never one per line."""
    left_out = Counter({k: n for k, n in odd.skipped.items() if k not in known.folded})
    if left_out:
        parts = ", ".join(f"{n:,} {schema}" for schema, n in left_out.most_common())
        report.warn(
            f"{left_out.total():,} entities left out, not persons, organisations, vessels or "
            f"aircraft: {parts}"
        )
    if known.folded:
        parts = ", ".join(f"{n:,} {schema}" for schema, n in known.folded.most_common())
        report.warn(f"folded into the entities they name, not entries themselves: {parts}")
    orphans = len(known.facts.keys() - odd.used_facts)
    if orphans:
        report.warn(
            f"sanctions or identifications name {orphans:,} entities that are not persons, "
            "organisations, vessels or aircraft of this file: those facts are left out"
        )
    if odd.non_targets:
        report.warn(
            f"{odd.non_targets:,} of {entries:,} entries are not targets of the dataset "
            "(relatives, associates): they carry the category 'non-target'"
        )
    if odd.scalar_values:
        report.warn(
            f"{odd.scalar_values:,} entities give single values where FollowTheMoney has lists: "
            "read as one-value lists"
        )
    if odd.qualified_keys:
        report.warn(
            f"{odd.qualified_keys:,} property names carry a schema prefix ('Person:alias'): read "
            "without it"
        )
    if odd.stray_keys:
        report.warn(
            f"{odd.stray_keys.total():,} keys outside 'properties' that FollowTheMoney does not "
            f"define ({_examples(odd.stray_keys)}): left out"
        )
    if odd.dropped_values:
        report.warn(
            f"{odd.dropped_values:,} property values are not text (objects, numbers): left out"
        )
    if odd.bad_dates:
        report.warn(
            f"{odd.bad_dates.total():,} birth dates are not dates ({_examples(odd.bad_dates)}): "
            "kept in extra as published, not used for matching"
        )
    if odd.bad_countries:
        report.warn(
            f"{odd.bad_countries.total():,} country values are not countries "
            f"({_examples(odd.bad_countries)}): left out"
        )


class FtmJson(ListFormat):
    """OpenSanctions `entities.ftm.json`: one FollowTheMoney entity per line, any dataset."""

    name = "opensanctions-ftm"
    source = "opensanctions"
    version = "1"
    label = "OpenSanctions FollowTheMoney JSON lines"
    official_url = "https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json"

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        body = head.removeprefix(b"\xef\xbb\xbf")
        if _NESTED_HEAD.search(body):
            return None  # OpenSanctions' nested JSON: another shape, not read here
        if body.lstrip().startswith(b"{") and all(key.search(body) for key in _FTM_KEYS):
            return "main"
        # A renamed file is recognised by content; a broken one by name, so that the parser can
        # say which line is wrong instead of "not a list file".
        if path.name.endswith(".ftm.json") and body.lstrip().startswith(b"{"):
            return "main"
        return None

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        """Yield every matchable entity; pass 1 gathers the facts other entities give about it."""
        path = files["main"]
        known = _collect_facts(path, source, limits)
        odd = _Oddities()
        newest = ""
        entries = 0
        for line_no, text in iter_lines(path, source, limits):
            if not text.strip():
                continue
            data = _load_line(text, path, line_no, source)
            ident, schema = _id_and_schema(data, path, line_no, source)
            seen = data.get("last_seen") or data.get("last_change")
            if isinstance(seen, str) and seen > newest:
                newest = seen
            etype = _TYPES.get(schema)
            if etype is None:
                odd.skipped[schema] += 1
                report.skipped += 1
                continue
            props = _props(data, path, line_no, source, odd)
            entry = _ftm_entry(data, ident, etype, props, source=source, known=known, odd=odd)
            if entry is None:
                raise SourceFormatError(
                    source, f"{path}:{line_no}", f"{schema} {ident!r} has no name"
                )
            entries += 1
            yield entry
        if not entries:
            raise SourceFormatError(
                source, str(path), "no person, organisation, vessel or aircraft in the file"
            )
        index = _read_index(path, report, known.sha1)
        report.published = (index.published if index else None) or parse_date(newest)
        _summarise(report, odd, known, entries)


# --- targets.simple.csv ------------------------------------------------------------------------


def _cell(row: list[str], cols: Mapping[str, int], name: str) -> str:
    return row[cols[name]].strip() if name in cols else ""


def _split(value: str) -> list[str]:
    return [part for part in (p.strip() for p in value.split(";")) if part]


def _simple_entry(
    row: list[str], cols: Mapping[str, int], etype: EntityType, *, source: str, odd: _Oddities
) -> Entry | None:
    ident, name = _cell(row, cols, "id"), " ".join(_cell(row, cols, "name").split())
    if not name:
        return None
    latin, other = split_scripts(unique(_split(_cell(row, cols, "aliases"))))
    births, bad_births = _dates(_split(_cell(row, cols, "birth_date")), odd)
    extra = [
        *(("dataset", d) for d in _split(_cell(row, cols, "dataset"))),
        *(("phone", p) for p in _split(_cell(row, cols, "phones"))),
        *(("email", e) for e in _split(_cell(row, cols, "emails"))),
        *(("birthDate", raw) for raw in bad_births),
        ("first_seen", _cell(row, cols, "first_seen")),
    ]
    return Entry(
        source=source,
        source_id=ident,
        type=etype,
        name=name,
        aliases=tuple(n for n in latin if n != name),
        original_script_names=tuple(n for n in other if n != name),
        countries=_countries(_split(_cell(row, cols, "countries")), odd),
        # The CSV does not say which kind of number each is (passport, tax, Wikidata …).
        identifiers=tuple(
            Identifier("identifier", v) for v in unique(_split(_cell(row, cols, "identifiers")))
        ),
        addresses=tuple(Address(a) for a in unique(_split(_cell(row, cols, "addresses")))),
        dates_of_birth=unique(births),
        programs=unique(_split(_cell(row, cols, "sanctions"))),
        categories=("target",),
        source_url=ENTITY_URL.format(id=ident),
        extra=_pairs(extra),
    )


class TargetsSimpleCsv(ListFormat):
    """OpenSanctions `targets.simple.csv`: targets only, one row each, multi-values `;`-joined.

    It cannot tell strong from weak aliases, nor one identifier kind from another: prefer the
    FollowTheMoney export where both are at hand.
    """

    name = "opensanctions-simple-csv"
    source = "opensanctions"
    version = "1"
    label = "OpenSanctions targets simple CSV"
    official_url = "https://data.opensanctions.org/datasets/latest/sanctions/targets.simple.csv"

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        header = next(iter(head_rows(head)), [])
        return "main" if set(_SIMPLE_REQUIRED).issubset(header) else None

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        """Yield one entry per target row; a row that is not a whole record stops the import."""
        path = files["main"]
        rows = iter_csv(path, source, limits)
        first = next(rows, None)
        if first is None:
            raise SourceFormatError(source, str(path), "no header row")
        header = first[1]
        cols = check_header(path, source, header, _SIMPLE_REQUIRED)
        odd = _Oddities()
        newest = ""
        entries = 0
        for line, row in rows:
            if len(row) != len(header):
                raise SourceFormatError(
                    source,
                    f"{path}:{line}",
                    f"{len(row)} fields where the header has {len(header)}",
                )
            ident, schema = _cell(row, cols, "id"), _cell(row, cols, "schema")
            if not ident or not schema:
                raise SourceFormatError(source, f"{path}:{line}", "row without an id or schema")
            newest = max(newest, _cell(row, cols, "last_seen") or _cell(row, cols, "last_change"))
            etype = _TYPES.get(schema)
            if etype is None:
                odd.skipped[schema] += 1
                report.skipped += 1
                continue
            entry = _simple_entry(row, cols, etype, source=source, odd=odd)
            if entry is None:
                raise SourceFormatError(source, f"{path}:{line}", f"{schema} {ident!r} has no name")
            entries += 1
            yield entry
        if not entries:
            raise SourceFormatError(source, str(path), "no target rows under the header")
        index = _read_index(path, report, None)
        report.published = (index.published if index else None) or parse_date(newest)
        if index and index.target_count is not None and not report.skipped:
            report.declared_count = index.target_count
        _summarise(report, odd, _Pass1("", {}, {}, Counter()), entries)


FORMATS = (FtmJson, TargetsSimpleCsv)
