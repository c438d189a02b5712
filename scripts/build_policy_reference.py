"""Regenerates the reference-data blocks of the UK base policy pack from the published data files.

The country profiles in ``gb-base.yaml`` are facts taken from public data files (FCDO travel
advice, V-Dem, Freedom House); the sanctions country lists follow from the pack's own hand-written
``sanctions_regimes`` table (the UK government's regimes and their measures). They
are written by this script, never by hand, between ``# BEGIN GENERATED <name>`` and
``# END GENERATED <name>`` markers, so that re-running it on the same data reproduces the pack
byte for byte and a reviewer can see exactly which lines came from which file. Everything outside
the markers is hand-written and left untouched.

Usage::

    python scripts/build_policy_reference.py            # rewrite the blocks in place
    python scripts/build_policy_reference.py --check    # exit 1 if the pack is out of date

The data folder defaults to ``../shared/policy-data`` beside the checkout (``--data`` or
``TRUSTDESK_POLICY_DATA`` override it). When it is missing the script says so and exits 2 without
touching the pack.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import sys
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pycountry
import yaml

from trustdesk.policy.travel_advice import AdviceStatus

ROOT = Path(__file__).resolve().parents[1]
PACK = ROOT / "src" / "trustdesk" / "policy" / "packs" / "gb-base.yaml"
DEFAULT_DATA = ROOT.parent / "shared" / "policy-data"

FCDO_FILE = "fcdo_travel_advice_status_2026-08-22.csv"
VDEM_FILE = "vdem_v16_afi_2025_latest.csv"
FH_FILE = "freedom_house_fiw_2013_2024.csv"
FH_EDITION = "2024"

#: Kosovo has no official ISO 3166-1 code; XK is the user-assigned code the FCDO, the EU and
#: most data publishers use, so a triage answer of XK finds its profile.
KOSOVO = "XK"

#: FCDO page names that are not ISO short names, and pages that cover several territories
#: (each territory gets the page's advice level, since the page is the advice for all of them).
FCDO_CODES: Mapping[str, tuple[str, ...]] = {
    "Antarctica/British Antarctic Territory": ("AQ",),
    "Bonaire/St Eustatius/Saba": ("BQ",),
    "Brunei": ("BN",),
    "Cape Verde": ("CV",),
    "Cook Islands, Tokelau and Niue": ("CK", "NU", "TK"),
    "Democratic Republic of the Congo": ("CD",),
    "Falkland Islands": ("FK",),
    "Kosovo": (KOSOVO,),
    "Myanmar (Burma)": ("MM",),
    "Palestine": ("PS",),
    "Pitcairn Island": ("PN",),
    "Russia": ("RU",),
    "St Helena, Ascension and Tristan da Cunha": ("SH",),
    "St Kitts and Nevis": ("KN",),
    "St Lucia": ("LC",),
    "St Maarten": ("SX",),
    "St Martin and St Barthélemy": ("MF", "BL"),
    "St Pierre & Miquelon": ("PM",),
    "St Vincent and the Grenadines": ("VC",),
    "São Tomé and Principe": ("ST",),
    "The Gambia": ("GM",),
    "Turkey": ("TR",),
}

#: Freedom House country names that are not ISO short names. Territories without an ISO code
#: (Abkhazia, Crimea, Somaliland, Tibet and so on) are deliberately absent: a triage answer is an
#: ISO code, so a profile for them could never be read, and attaching their scores to the
#: surrounding country would misstate both.
FH_CODES: Mapping[str, str] = {
    "Brunei": "BN",
    "Congo (Brazzaville)": "CG",
    "Congo (Kinshasa)": "CD",
    "Cote d'Ivoire": "CI",
    "Kosovo": KOSOVO,
    "Micronesia": "FM",
    "Russia": "RU",
    "St. Kitts and Nevis": "KN",
    "St. Lucia": "LC",
    "St. Vincent and the Grenadines": "VC",
    "The Gambia": "GM",
    "Turkey": "TR",
    # Freedom House scores the two Palestinian territories separately; see PALESTINE_NOTE.
    "Gaza Strip": "PS",
    "West Bank": "PS",
}

#: V-Dem country_text_id values that are not ISO alpha-3 codes. PSG (Gaza) and PSE (West Bank)
#: both belong to PS; Somaliland (SML) and Zanzibar (ZZB) have no ISO code and are left out.
VDEM_CODES: Mapping[str, str] = {"XKX": KOSOVO, "PSG": "PS", "PSE": "PS"}

#: Names used in reasons ("Partner country Russia ..."): the FCDO's short English name where it
#: has a page, otherwise these, otherwise the ISO common or short name.
NAMES: Mapping[str, str] = {
    "AQ": "Antarctica",
    "BL": "Saint Barthélemy",
    "BQ": "Bonaire, Sint Eustatius and Saba",
    "CK": "Cook Islands",
    "GB": "United Kingdom",
    "MF": "Saint Martin",
    "NU": "Niue",
    "SH": "St Helena, Ascension and Tristan da Cunha",
    "TK": "Tokelau",
    KOSOVO: "Kosovo",
}

PALESTINE_NOTE = (
    "V-Dem and Freedom House each score Gaza and the West Bank separately; the profile for PS "
    "carries the lower (more cautious) of the two values of each indicator."
)


class DataMissing(Exception):
    """The policy-data folder or one of its files is not there."""


@dataclass
class Profile:
    """One country's indicator values while they are being gathered from the files."""

    code: str
    name: str | None = None
    values: dict[str, str | int | float] = field(default_factory=dict)


def _rows(data: Path, name: str) -> list[dict[str, str]]:
    path = data / name
    if not path.is_file():
        raise DataMissing(f"policy data file not present: {path}")
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _iso2(name: str) -> str | None:
    try:
        return str(pycountry.countries.lookup(name).alpha_2)
    except LookupError:
        return None


def _iso_name(code: str) -> str:
    if code in NAMES:
        return NAMES[code]
    country = pycountry.countries.get(alpha_2=code)
    if country is None:
        raise ValueError(f"no ISO 3166-1 country with code {code!r}")
    return str(getattr(country, "common_name", None) or country.name)


def _need(code: str | None, what: str) -> str:
    if code is None:
        raise ValueError(f"cannot map {what} to an ISO 3166-1 code; add it to the tables above")
    return code


def _merge_lower(
    profiles: dict[str, Profile], code: str, key: str, value: str | int | float
) -> None:
    """Sets a value, keeping the lower one when a country is given twice (PS, see above)."""
    prof = profiles.setdefault(code, Profile(code))
    old = prof.values.get(key)
    if old is None:
        prof.values[key] = value
    elif isinstance(old, str) or isinstance(value, str):
        order = {"NF": 0, "PF": 1, "F": 2}
        prof.values[key] = min(str(old), str(value), key=lambda s: order[s])
    else:
        prof.values[key] = min(old, value)


def gather_profiles(data: Path) -> list[Profile]:
    """Every country in the FCDO, V-Dem and Freedom House files, with the values each gives."""
    profiles: dict[str, Profile] = {}
    for row in _rows(data, FCDO_FILE):
        codes = FCDO_CODES.get(row["country"]) or (_need(_iso2(row["country"]), row["country"]),)
        for code in codes:
            prof = profiles.setdefault(code, Profile(code))
            if "fcdo_advice_level" in prof.values:
                raise ValueError(f"two FCDO pages map to {code}; fix the tables above")
            prof.values["fcdo_advice_level"] = int(row["max_level_0to4"])
            status = AdviceStatus.of([c for c in row["alert_status"].split(";") if c])
            prof.values["fcdo_whole_country"] = status.whole_country
            prof.values["fcdo_parts"] = status.parts
            if len(codes) == 1:
                prof.name = row["country"]
    for row in _rows(data, VDEM_FILE):
        tid = row["country_text_id"]
        if tid in ("SML", "ZZB"):
            continue
        vdem_code = VDEM_CODES.get(tid)
        if vdem_code is None:
            found = pycountry.countries.get(alpha_3=tid)
            vdem_code = _need(found.alpha_2 if found is not None else None, f"V-Dem {tid}")
        _merge_lower(profiles, vdem_code, "vdem_afi", float(row["afi"]))
    for row in _rows(data, FH_FILE):
        if row["Edition"] != FH_EDITION:
            continue
        name = row["Country/Territory"]
        fh_code = FH_CODES.get(name) or _iso2(name)
        if fh_code is None:
            if row["C/T"] == "t":
                continue  # a territory with no ISO code (see FH_CODES)
            raise ValueError(f"cannot map Freedom House country {name!r} to an ISO code")
        _merge_lower(profiles, fh_code, "fh_status", row["Status"])
        _merge_lower(profiles, fh_code, "fh_total", int(row["Total"]))
        _merge_lower(profiles, fh_code, "fh_academic_freedom", int(row["D3"]))
    for prof in profiles.values():
        prof.name = prof.name or _iso_name(prof.code)
    return [profiles[c] for c in sorted(profiles)]


@dataclass(frozen=True)
class Regime:
    id: str
    name: str
    country: str
    measures: tuple[str, ...]
    instrument: str


def gather_regimes(pack_text: str) -> list[Regime]:
    """One row per country a regime of the pack's ``sanctions_regimes`` targets.

    Thematic regimes (no countries) are left out: they target people anywhere, not a country.
    """
    table = yaml.safe_load(pack_text).get("sanctions_regimes") or []
    out = [
        Regime(r["id"], r["name"], country, tuple(r["measures"]), r["instrument"])
        for r in table
        for country in r.get("countries") or []
    ]
    return sorted(out, key=lambda r: (r.country, r.id))


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _value(v: str | int | float) -> str:
    return _q(v) if isinstance(v, str) else repr(v)


INDICATOR_ORDER = (
    "fcdo_advice_level",
    "fcdo_whole_country",
    "fcdo_parts",
    "vdem_afi",
    "fh_status",
    "fh_total",
    "fh_academic_freedom",
)


def render_profiles(profiles: Iterable[Profile]) -> list[str]:
    lines = [
        "country_profiles:",
        f"  # {PALESTINE_NOTE}",
    ]
    for p in profiles:
        values = ", ".join(f"{k}: {_value(p.values[k])}" for k in INDICATOR_ORDER if k in p.values)
        lines.append(
            f"  - {{country: {_q(p.code)}, name: {_q(p.name or p.code)}, indicators: {{{values}}}}}"
        )
    return lines


def _regime_list(
    list_id: str,
    title: str,
    phrase: str,
    note: str,
    regimes: list[Regime],
) -> list[str]:
    countries = sorted({r.country for r in regimes})
    by_country: dict[str, list[Regime]] = {}
    for r in regimes:
        by_country.setdefault(r.country, []).append(r)
    detail = "; ".join(
        f"{c}: " + ", ".join(f"{r.name} ({r.instrument})" for r in rs)
        for c, rs in sorted(by_country.items())
    )
    return [
        f"  - id: {list_id}",
        f"    title: {_q(title)}",
        f"    member_phrase: {_q(phrase)}",
        "    source:",
        '      title: "UK sanctions regimes (this pack\'s sanctions_regimes table)"',
        "      url: https://www.gov.uk/guidance/uk-sanctions",
        "      publisher: UK government",
        "      checked: 2026-12-06",
        "      confidence: partly-verified",
        f"      note: {_q(note + ' Regimes: ' + detail + '.')}",
        f"    countries: [{', '.join(_q(c) for c in countries)}]",
    ]


def render_sanctions(regimes: list[Regime]) -> list[str]:
    """The two country lists, as items of the pack's ``country_lists`` (the marker's indent)."""
    armed = [r for r in regimes if "arms-embargo" in r.measures]
    items = [
        *_regime_list(
            "uk-sanctions-regimes",
            "Countries with a UK sanctions regime",
            "has a UK sanctions regime",
            "Countries targeted by a regime in the pack's sanctions_regimes table, which names "
            "each regime in force as the UK government does, with its instrument and measures; "
            "thematic regimes (global human rights, anti-corruption, cyber, chemical weapons, "
            "counter-terrorism, ISIL/Al-Qaida, irregular migration) target people anywhere and "
            "are not attached to a country. A regime targets designated persons and listed "
            "activities; it is not a ban on every dealing with the country.",
            regimes,
        ),
        *_regime_list(
            "uk-sanctions-arms-embargo",
            "Countries whose UK sanctions regime includes an arms embargo",
            "has a UK sanctions regime that includes an arms embargo",
            "trustdesk's transcription, not the legal text: countries whose regime carries the "
            "measure arms-embargo in the sanctions_regimes table (regimes with only targeted arms "
            "restrictions on designated persons are not included). The legal list of embargoed "
            "destinations for the military end-use control (Export Control Order 2008 Schedule "
            "4, with OSCE and binding UN embargoes) was not available to check; the OSCE embargo "
            "on Armenia and Azerbaijan was lifted in full on 13 October 2025.",
            armed,
        ),
        *_regime_list(
            "uk-sanctions-trade-measures",
            "Countries whose UK sanctions regime restricts trade, finance, investment or services",
            "has a UK sanctions regime that restricts trade, finance, investment or services",
            "Countries whose regime carries trade (export or import), financial, investment or "
            "services restrictions in the sanctions_regimes table, beyond an asset freeze and "
            "travel ban on designated persons: a payment, goods or a technology transfer there "
            "may itself be prohibited.",
            [r for r in regimes if set(r.measures) & SECTORAL_MEASURES],
        ),
    ]
    return [line.removeprefix("  ") for line in items]


#: Measures that restrict dealings with the country beyond designated persons.
SECTORAL_MEASURES = frozenset(
    {"trade-restrictions", "financial-restrictions", "investment-ban", "services-ban"}
)


BLOCK = re.compile(
    r"(?P<indent>[ ]*)# BEGIN GENERATED (?P<name>[a-z-]+)[^\n]*\n"
    r".*?^(?P=indent)# END GENERATED (?P=name)\n",
    re.DOTALL | re.MULTILINE,
)


def rebuild(text: str, blocks: Mapping[str, list[str]]) -> str:
    """``text`` with each generated block's body replaced; every block must be present once."""
    seen: list[str] = []

    def replace(m: re.Match[str]) -> str:
        name, indent = m["name"], m["indent"]
        if name not in blocks:
            raise ValueError(f"unknown generated block {name!r} in the pack")
        seen.append(name)
        head = (
            f"{indent}# BEGIN GENERATED {name} (scripts/build_policy_reference.py; "
            "do not edit by hand)\n"
        )
        body = "".join(f"{indent}{line}\n" if line else "\n" for line in blocks[name])
        return f"{head}{body}{indent}# END GENERATED {name}\n"

    out = BLOCK.sub(replace, text)
    missing = sorted(set(blocks) - set(seen))
    if missing or len(seen) != len(set(seen)):
        raise ValueError(f"the pack must hold each generated block once; missing: {missing}")
    return out


def build(data: Path, pack_text: str) -> str:
    """The pack text with its generated blocks rebuilt from ``data``."""
    if not data.is_dir():
        raise DataMissing(f"policy data folder not present: {data}")
    blocks = {
        "country-profiles": render_profiles(gather_profiles(data)),
        "sanctions-lists": render_sanctions(gather_regimes(pack_text)),
    }
    return rebuild(pack_text, blocks)


def main(argv: list[str] | None = None, *, out: Callable[[str], None] | None = None) -> int:
    """Command-line entry: 0 when written or up to date, 1 when ``--check`` finds a difference."""
    say = out or (lambda s: sys.stdout.write(s + "\n"))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=None, help="the policy-data folder")
    parser.add_argument("--pack", type=Path, default=PACK, help="the pack file to rebuild")
    parser.add_argument(
        "--check", action="store_true", help="do not write; exit 1 if the pack is out of date"
    )
    args = parser.parse_args(argv)
    data = args.data or Path(os.environ.get("TRUSTDESK_POLICY_DATA", DEFAULT_DATA))
    current = args.pack.read_text(encoding="utf-8")
    try:
        fresh = build(data, current)
    except DataMissing as exc:
        say(f"skipped: {exc}")
        return 2
    if args.check:
        if fresh != current:
            say(f"{args.pack} is out of date; run scripts/build_policy_reference.py")
            return 1
        say(f"{args.pack} is up to date")
        return 0
    if fresh != current:
        args.pack.write_text(fresh, encoding="utf-8")
        say(f"rewrote the generated blocks of {args.pack}")
    else:
        say(f"{args.pack} already up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
