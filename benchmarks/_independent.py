"""The independent evaluation: real public names nobody here tuned on, split before anyone looked.

Five sets: three from public sources fetched outside the repository (nothing third-party is
committed; `build` writes small CSVs into a directory the caller names), two from the loaded
lists themselves. Only the variants are screened against the lists minus their own aliases;
the others against the lists as loaded.

- `orgs`: benign organisations from the Research Organization Registry (ROR, CC0), each ROR
  record's display name with its country, screened as an organisation. A record counts as really
  listed when one of its ROR names is, word for word (case, punctuation and a bracketed country
  ROR adds aside), a listed name of an organisation entry whose countries, when the list gives
  any (`Entry.known_countries`: its addresses' or, without those, the countries that issued its
  registration numbers), include the record's (that entry and those sharing a listed name with
  it are the right answers); a hit on any other entry is a false alarm. That rule is strict: a
  listed university written differently on the list counts as a false alarm, so the rate is an
  upper bound.
- `people`: person names by origin (Arabic, Chinese, Persian, Russian, Korean, other), from the
  popular-names-by-country dataset (sigpwned, CC0; Wikipedia's lists of the commonest given and
  family names per country). A name is a given name and a family name of one country, screened as
  a person with that country. The dataset has no Arabic or Iranian family names, so Arabic names
  are a given name and a father's given name (how most Arabic names are formed) and Persian
  family names are the `-i` forms of Iranian given names (Mohammadi, Hosseini, Karimi: the most
  common Iranian family names are formed so). None of these people is listed; every hit is a
  false alarm.
- `variants`: listed names written as people write them, from the loaded lists themselves: an
  entry's strong alias (a real second spelling the publisher records: transliterations, an older
  name, the name without its legal form) is the query, written given name first as people write
  it, and that alias (and any name equal to it word for word) is taken out of the entry in the
  index the query is screened against (`without_aliases`), so the engine must find the entry
  through its other names.
- `partial` (added in the fifth round, from the lists as well): a listed person's first given
  name and family name without the middle names or patronymic ("Andrey Gimbatov" for
  "GIMBATOV, Andrey Petrovich"), as people write Russian names; reported apart, since the same
  two names of a common name are also a namesake's.
- `ror_names` (seventh round, from ROR): a listed ROR record (as in `orgs`) by each of its
  other ROR names that no list gives word for word: acronyms, other and former names, the name
  in its own script (`ror_name_queries`); split with the record.

The split: every query is assigned to `tune` or `held-out` by a keyed hash of its identity (ROR
id, the name, the entry key) before anything is screened; figures are reported on `held-out`
only. The salt is fixed so that the split is the same on every run and machine.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path

from trustdesk.screening.countries import to_iso2
from trustdesk.screening.entries import EntityType, Entry

SALT = "trustdesk-issue15-split"
SEED = 15
PEOPLE_PER_ORIGIN = 2000
GIT = shutil.which("git") or "git"
ROR_TYPES = ("education", "company", "government", "facility", "healthcare", "nonprofit", "funder")
EVAL_ROR_TYPES = frozenset({"education", "company", "government"})  # the kinds screened

# Countries whose common names stand for each name origin.
ORIGINS: dict[str, tuple[str, ...]] = {
    "arabic": ("SA", "EG", "AE", "JO", "LB", "LY", "MA", "DZ", "KW", "IQ", "TN"),
    "chinese": ("CN", "TW"),
    "persian": ("IR",),
    "russian": ("RU", "UA", "BY"),
    "korean": ("KR",),
    "other": ("US", "GB", "DE", "FR", "ES", "IT", "JP", "IN", "BR", "TR", "PL", "MX", "NL"),
}


def split_of(identity: str) -> str:
    """`tune` or `held-out`, half each, from a salted hash: decided before any screening."""
    digest = hashlib.sha256(f"{SALT}:{identity}".encode()).digest()
    return "tune" if digest[0] % 2 == 0 else "held-out"


@dataclass(frozen=True, slots=True)
class EvalQuery:
    qid: str
    name: str
    type: str
    country: str
    expected: frozenset[str]
    group: str  # orgs: ROR type; people: origin; variants: person/organization
    split: str


def _plain(text: str) -> str:
    return "".join(
        c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c)
    ).strip()


# --- building the source files -------------------------------------------------------------------


def _git_blobs(repo: Path, paths: list[str]) -> Iterator[tuple[str, bytes]]:
    """The contents of `paths` at HEAD of a bare mirror, through one `git cat-file --batch`."""
    proc = subprocess.Popen(
        [GIT, "-C", str(repo), "cat-file", "--batch"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert proc.stdin is not None
    assert proc.stdout is not None
    for path in paths:
        proc.stdin.write(f"HEAD:{path}\n".encode())
        proc.stdin.flush()
        header = proc.stdout.readline().split()
        if len(header) < 3:
            continue
        size = int(header[2])
        data = proc.stdout.read(size)
        proc.stdout.read(1)
        yield path, data
    proc.stdin.close()
    proc.wait()


def build_ror(ror_repo: Path, out: Path) -> int:
    """ror.csv from a mirror of ror-community/ror-records: the newest version of each record."""
    listing = subprocess.run(
        [GIT, "-C", str(ror_repo), "ls-tree", "-r", "--name-only", "HEAD"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    newest: dict[str, tuple[tuple[int, ...], str]] = {}
    for path in listing:
        m = re.match(r"v(\d+)\.(\d+)(?:\.(\d+))?/(?:[^/]+/)*([0-9a-z]{9})\.json$", path)
        if not m:
            continue
        version = tuple(int(g or 0) for g in m.groups()[:3])
        rid = m.group(4)
        if rid not in newest or newest[rid][0] < version:
            newest[rid] = (version, path)
    rows = []
    for _, data in _git_blobs(ror_repo, sorted(p for _, p in newest.values())):
        try:
            record = json.loads(data)
        except ValueError:
            continue
        if record.get("status") != "active":
            continue
        if "names" in record:  # schema v2
            names = [n["value"] for n in record["names"] if "acronym" not in n.get("types", [])]
            acronyms = [n["value"] for n in record["names"] if "acronym" in n.get("types", [])]
            display = next(
                (n["value"] for n in record["names"] if "ror_display" in n.get("types", [])),
                names[0] if names else "",
            )
            locations = record.get("locations") or [{}]
            country = (locations[0].get("geonames_details") or {}).get("country_code", "")
        else:  # schema v1
            display = record.get("name", "")
            names = [display, *record.get("aliases", [])]
            names += [label["label"] for label in record.get("labels", [])]
            acronyms = list(record.get("acronyms", []))
            country = (record.get("country") or {}).get("country_code", "")
        types = [t.lower() for t in record.get("types", [])]
        kind = next((t for t in ROR_TYPES if t in types), types[0] if types else "other")
        if not display:
            continue
        rid = record["id"].rsplit("/", 1)[-1]
        rows.append((rid, display, "|".join(names), country, kind, "|".join(acronyms)))
    out.mkdir(parents=True, exist_ok=True)
    with (out / "ror.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["ror_id", "name", "names", "country", "kind", "acronyms"])
        writer.writerows(sorted(rows))
    return len(rows)


def _csv_from_git(repo: Path, path: str) -> list[dict[str, str]]:
    text = subprocess.run(
        [GIT, "-C", str(repo), "show", f"HEAD:{path}"], capture_output=True, check=True
    ).stdout.decode("utf-8-sig")
    return list(csv.DictReader(text.splitlines()))


def build_people(names_repo: Path, out: Path) -> int:
    """people.csv from a mirror of sigpwned/popular-names-by-country-dataset (seeded draws)."""
    given: dict[str, list[str]] = {}
    family: dict[str, list[str]] = {}
    for row in _csv_from_git(names_repo, "common-forenames-by-country.csv"):
        name = _plain(row.get("Romanized Name") or "")
        if name and name.replace(" ", "").replace("-", "").isalpha():
            given.setdefault(row["Country"], []).append(name)
    for row in _csv_from_git(names_repo, "common-surnames-by-country.csv"):
        name = _plain(row.get("Romanized Name") or "")
        if name and name.replace(" ", "").replace("-", "").isalpha():
            family.setdefault(row["Country"], []).append(name)
    rng = random.Random(SEED)  # noqa: S311 - seeded draws for a reproducible set
    rows: set[tuple[str, str, str]] = set()
    for origin, countries in ORIGINS.items():
        pairs: list[tuple[str, str, str]] = []
        for cc in countries:
            firsts = sorted(set(given.get(cc, [])))
            if origin == "arabic":
                lasts = firsts  # given name + father's given name
            elif origin == "persian":
                lasts = sorted({f + ("i" if not f.endswith(("i", "y")) else "") for f in firsts})
            else:
                lasts = sorted(set(family.get(cc, [])))
            pairs += [(f, s, cc) for f in firsts for s in lasts if f != s]
        if not pairs:
            continue
        picked: set[tuple[str, str, str]] = set()
        while len(picked) < min(PEOPLE_PER_ORIGIN, len(pairs)):
            first, last, cc = rng.choice(pairs)
            family_first = origin in ("chinese", "korean") and rng.random() < 0.5
            written = f"{last} {first}" if family_first else f"{first} {last}"
            picked.add((written, cc, origin))
        rows |= picked
    out.mkdir(parents=True, exist_ok=True)
    with (out / "people.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh)
        writer.writerow(["name", "country", "origin"])
        writer.writerows(sorted(rows))
    return len(rows)


# --- reading the sets ----------------------------------------------------------------------------


def name_key(name: str) -> str:
    return " ".join(sorted(re.findall(r"\w+", _plain(name).casefold())))


def _listed_org_names(entries: dict[str, Entry]) -> dict[str, set[str]]:
    listed: dict[str, set[str]] = {}
    for key, entry in entries.items():
        if entry.type == EntityType.ORGANIZATION:
            for n in entry.all_names():
                listed.setdefault(name_key(n), set()).add(key)
    return listed


def _ror_rows(directory: Path) -> Iterator[dict[str, str]]:
    with (directory / "ror.csv").open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            if row["kind"] in EVAL_ROR_TYPES:
                yield row


def _listed_as(
    row: dict[str, str], listed: dict[str, set[str]], entries: dict[str, Entry]
) -> set[str]:
    """The entries a ROR record is listed as: one of its names word for word, countries agreeing.

    Also every entry that shares a listed name word for word with one of those.
    """
    expected: set[str] = set()
    for n in row["names"].split("|"):
        expected |= listed.get(name_key(n), set())
        # ROR tells namesakes apart with a bracketed country: "Forum (United States)".
        expected |= listed.get(name_key(_without_country(n)), set())

    # The same name in another country is a namesake ("Ministry of Defence" of the UK against
    # Syria's), not the listed body.
    def here(keys: set[str]) -> set[str]:
        country = row["country"]
        return {k for k in keys if not country or _not_elsewhere(country, entries[k])}

    expected = here(expected)
    # The same body on another list, sharing a listed name word for word, is a right answer too
    # (as for the variants): lists copy each other's designations under other primary names.
    shared = {
        other for k in expected for n in entries[k].all_names() for other in listed[name_key(n)]
    }
    return expected | here(shared)


def _not_elsewhere(country: str, entry: Entry) -> bool:
    """Whether an entry gives no country, or gives `country` among its own."""
    known = entry.known_countries()
    return not known or country in known


def org_queries(directory: Path, entries: dict[str, Entry]) -> list[EvalQuery]:
    listed = _listed_org_names(entries)
    return [
        EvalQuery(
            f"ror:{row['ror_id']}",
            row["name"],
            "organization",
            row["country"],
            frozenset(_listed_as(row, listed, entries)),
            row["kind"],
            split_of(f"ror:{row['ror_id']}"),
        )
        for row in _ror_rows(directory)
    ]


def ror_name_queries(directory: Path, entries: dict[str, Entry]) -> list[EvalQuery]:
    """A listed ROR organisation by its other ROR names, none of them a listed name.

    ROR records what the world calls a body besides its display name: acronyms ("NUDT"), other
    names and older ones, the name in its own language and script. Where the record is listed
    (`org_queries`), each such name the lists do not give word for word is a query that should
    find the listed entry: written by ROR's curators, not by anyone here, and of the kinds the
    lists leave out. Split with the record, so a record's names are all on one side.
    """
    listed = _listed_org_names(entries)
    out = []
    for row in _ror_rows(directory):
        expected = _listed_as(row, listed, entries)
        if not expected:
            continue
        seen = {name_key(row["name"])}
        others = [(n, "other name") for n in row["names"].split("|")]
        others += [(n, "acronym") for n in row.get("acronyms", "").split("|")]
        for name, group in others:
            key = name_key(name)
            if (
                not key
                or key in seen
                or key in listed
                or name_key(_without_country(name)) in listed
            ):
                continue
            seen.add(key)
            if group == "other name" and not name.isascii():
                group = "own script"
            out.append(
                EvalQuery(
                    f"rorname:{row['ror_id']}:{name}",
                    name,
                    "organization",
                    row["country"],
                    frozenset(expected),
                    group,
                    split_of(f"ror:{row['ror_id']}"),
                )
            )
    return out


def people_queries(directory: Path) -> list[EvalQuery]:
    with (directory / "people.csv").open(newline="", encoding="utf-8") as fh:
        return [
            EvalQuery(
                f"person:{row['name']}",
                row["name"],
                "person",
                row["country"],
                frozenset(),
                row["origin"],
                split_of(f"person:{row['name']}"),
            )
            for row in csv.DictReader(fh)
        ]


_BRACKETS = re.compile(r"\(([^)]*)\)")


def _without_country(name: str) -> str:
    """A ROR name without the bracketed country ROR adds to tell namesakes apart.

    Only a country: "China University of Geosciences (Beijing)" names a campus of its own, which
    the bracket tells apart from the listed "(Wuhan)" one.
    """
    return _BRACKETS.sub(lambda m: " " if to_iso2(m.group(1)) else m.group(0), name)


_COMMA = re.compile(r"^\s*([^,]+),\s*([^,]+)$")


def _as_written(name: str, person: bool) -> str:
    """A listed person name as a person writes it: 'ZHANG, Shi' -> 'Shi Zhang'."""
    if person:
        m = _COMMA.match(name)
        if m:
            name = f"{m.group(2)} {m.group(1)}"
        if name.isupper():
            name = name.title()
    return name


def variant_queries(entries: dict[str, Entry]) -> tuple[list[EvalQuery], dict[str, str]]:
    """One alias-query per entry that has a strong Latin alias differing from its other names."""
    out: list[EvalQuery] = []
    removed: dict[str, str] = {}  # entry key -> the alias taken out of it
    by_name: dict[tuple[str, str], set[str]] = {}
    for key, entry in entries.items():
        for n in entry.all_names():
            by_name.setdefault((entry.type.value, name_key(n)), set()).add(key)
    for key in sorted(entries):
        entry = entries[key]
        if entry.type not in (EntityType.PERSON, EntityType.ORGANIZATION):
            continue
        primary = name_key(entry.name)
        aliases = [
            a
            for a in entry.aliases
            if a.isascii() and name_key(a) != primary and len(name_key(a)) >= 4
        ]
        if not aliases:
            continue
        alias = aliases[int(hashlib.sha256(key.encode()).hexdigest(), 16) % len(aliases)]
        person = entry.type == EntityType.PERSON
        written = _as_written(alias, person)
        country = entry.countries[0] if entry.countries else ""
        removed[key] = alias
        # The same person or body on another list (a word-for-word shared name, countries not
        # disagreeing) is a right answer too: lists copy each other's designations.
        same = {key}
        for n in entry.all_names():
            for other in by_name.get((entry.type.value, name_key(n)), ()):
                o = entries[other]
                agree = not o.countries or not entry.countries
                if o.source != entry.source and (agree or set(o.countries) & set(entry.countries)):
                    same.add(other)
        out.append(
            EvalQuery(
                f"variant:{key}",
                written,
                entry.type.value,
                country,
                frozenset(same),
                entry.type.value,
                split_of(f"variant:{key}"),
            )
        )
    return out, removed


def partial_queries(entries: dict[str, Entry]) -> list[EvalQuery]:
    """A listed person's first given name and family name, without the middle names.

    How people write a Russian name without its patronymic ("Andrey Gimbatov" for "GIMBATOV,
    Andrey Petrovich"): one query per person entry whose primary name is written "FAMILY, Given
    Middle", with a one-word family name, when no name of the entry is already those two words.
    The same name on another list (word for word) is a right answer too.
    """
    out: list[EvalQuery] = []
    by_name: dict[str, set[str]] = {}
    for key, entry in entries.items():
        if entry.type == EntityType.PERSON:
            for n in entry.all_names():
                by_name.setdefault(name_key(n), set()).add(key)
    seen: set[str] = set()
    for key in sorted(entries):
        entry = entries[key]
        m = _COMMA.match(entry.name)
        if entry.type != EntityType.PERSON or not m or not entry.name.isascii():
            continue
        family, given = m.group(1).split(), m.group(2).split()
        if len(family) != 1 or len(given) < 2 or len(given[0]) < 3:
            continue
        written = f"{given[0]} {family[0]}".title()
        if written in seen or any(name_key(n) == name_key(written) for n in entry.all_names()):
            continue
        seen.add(written)
        same = {key} | by_name.get(name_key(entry.name), set())
        out.append(
            EvalQuery(
                f"partial:{key}",
                written,
                "person",
                entry.countries[0] if entry.countries else "",
                frozenset(same),
                "person",
                split_of(f"partial:{key}"),
            )
        )
    return out


def without_aliases(entries: dict[str, Entry], removed: dict[str, str]) -> Iterable[Entry]:
    """Every entry, with each variant query's alias (and its word-for-word copies) taken out."""
    for key, entry in entries.items():
        alias = removed.get(key)
        if alias is None:
            yield entry
            continue
        gone = name_key(alias)
        yield replace(
            entry,
            aliases=tuple(a for a in entry.aliases if name_key(a) != gone),
            weak_aliases=tuple(a for a in entry.weak_aliases if name_key(a) != gone),
            original_script_names=tuple(
                a for a in entry.original_script_names if name_key(a) != gone
            ),
        )
