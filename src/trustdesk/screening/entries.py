"""The typed record every parser returns: one listed organisation, person, vessel or aircraft."""

from __future__ import annotations

import enum
import hashlib
import json
from dataclasses import dataclass, field, fields
from typing import Any


class EntityType(enum.StrEnum):
    ORGANIZATION = "organization"
    PERSON = "person"
    VESSEL = "vessel"
    AIRCRAFT = "aircraft"


@dataclass(frozen=True, slots=True)
class Identifier:
    """A document or registration number as the list gives it (passport, IMO, tax id …)."""

    kind: str
    value: str
    country: str | None = None  # ISO 3166-1 alpha-2 of the issuer, where known


@dataclass(frozen=True, slots=True)
class Address:
    """A listed address; `text` keeps the published wording, `country` is ISO alpha-2 when known."""

    text: str
    city: str | None = None
    country: str | None = None


@dataclass(frozen=True, slots=True)
class Entry:
    """One entry of one list snapshot, in the same shape whatever the publisher's format.

    `source_id` is the publisher's own id without the source prefix; `key` joins the two as
    results are quoted across tools (`ofac-sdn:12345`). Strong aliases are names the publisher
    vouches for; weak aliases (OFAC "weak aka", UN "low quality") are too vague to alert on alone,
    so they are kept apart for the matcher to weigh.
    """

    source: str
    source_id: str
    type: EntityType
    name: str
    aliases: tuple[str, ...] = ()
    weak_aliases: tuple[str, ...] = ()
    original_script_names: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()  # ISO 3166-1 alpha-2, upper case, no duplicates
    identifiers: tuple[Identifier, ...] = ()
    addresses: tuple[Address, ...] = ()
    dates_of_birth: tuple[
        str, ...
    ] = ()  # ISO 8601 as precise as published: YYYY, YYYY-MM, YYYY-MM-DD
    programs: tuple[str, ...] = ()  # sanctions programmes, regimes or sub-lists
    categories: tuple[str, ...] = ()  # publisher's classification (risk level, NRO category …)
    parent: str | None = None  # parent organisation's published name, where given
    listed_on: str | None = None  # ISO date of listing, where given
    remarks: str = ""
    source_url: str = ""
    extra: tuple[tuple[str, str], ...] = field(default=())  # published facts with no field above

    @property
    def key(self) -> str:
        return f"{self.source}:{self.source_id}"

    def all_names(self) -> tuple[str, ...]:
        """Every name to match on, primary first, without duplicates."""
        seen: dict[str, None] = {}
        for name in (self.name, *self.aliases, *self.original_script_names, *self.weak_aliases):
            if name:
                seen.setdefault(name, None)
        return tuple(seen)

    def known_countries(self) -> tuple[str, ...]:
        """The entry's countries, or an organisation's registration countries if none is given.

        Some lists give a company no address country but say which country issued its tax or
        registration number ("Tax ID No. 9701012339 (Russia)"): a company is registered where
        it is, so those countries tell two organisations of one name apart ("LLC CITADEL" in
        Russia is not The Citadel in the United States). A person's documents are not used:
        a passport says a nationality, not where someone lives or works.
        """
        if self.countries or self.type != EntityType.ORGANIZATION:
            return self.countries
        return unique(i.country for i in self.identifiers)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict; `Entry.from_dict` reads it back exactly."""
        out: dict[str, Any] = {}
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name == "identifiers":
                value = [[i.kind, i.value, i.country] for i in value]
            elif f.name == "addresses":
                value = [[a.text, a.city, a.country] for a in value]
            elif f.name == "extra":
                value = [list(pair) for pair in value]
            elif isinstance(value, tuple):
                value = list(value)
            elif isinstance(value, EntityType):
                value = value.value
            out[f.name] = value
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Entry:
        return cls(
            source=data["source"],
            source_id=data["source_id"],
            type=EntityType(data["type"]),
            name=data["name"],
            aliases=tuple(data.get("aliases", ())),
            weak_aliases=tuple(data.get("weak_aliases", ())),
            original_script_names=tuple(data.get("original_script_names", ())),
            countries=tuple(data.get("countries", ())),
            identifiers=tuple(Identifier(*i) for i in data.get("identifiers", ())),
            addresses=tuple(Address(*a) for a in data.get("addresses", ())),
            dates_of_birth=tuple(data.get("dates_of_birth", ())),
            programs=tuple(data.get("programs", ())),
            categories=tuple(data.get("categories", ())),
            parent=data.get("parent"),
            listed_on=data.get("listed_on"),
            remarks=data.get("remarks", ""),
            source_url=data.get("source_url", ""),
            extra=tuple((k, v) for k, v in data.get("extra", ())),
        )

    def fingerprint(self) -> str:
        """A content hash: two entries with the same fingerprint say exactly the same thing."""
        return fingerprint_of(self.to_dict())


def fingerprint_of(data: dict[str, Any]) -> str:
    """The fingerprint of an entry already turned into its dict (saves a second conversion)."""
    payload = json.dumps(data, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def unique(values: Any) -> tuple[str, ...]:
    """Cleaned, order-keeping, duplicate-free strings: parsers use it for every tuple field."""
    seen: dict[str, None] = {}
    for value in values:
        if value is None:
            continue
        text = " ".join(str(value).split())
        if text:
            seen.setdefault(text, None)
    return tuple(seen)
