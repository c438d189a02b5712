"""The list sources trustdesk knows: who publishes each, and which files make one snapshot.

Plain data, used by the import service and `trustdesk lists update`; no Django, no settings, no
environment. An operator points a source at a mirror, or adds the EU token, through overrides that
the caller reads from `TRUSTDESK_LIST_URL_*` and passes to `urls_with_overrides`.

The URLs are the publishers' documented download addresses as of early 2026. Publishers move them
(OFAC in 2024, BIS in 2025): where a `notes` line says an address is uncertain, check it before
relying on a scheduled update. A moved file usually comes back as an HTML page, which the
downloader refuses with a clear message.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Literal
from urllib.parse import urlsplit

Kind = Literal["sanctions", "export-control", "research-security", "aggregator", "custom"]

CUSTOM_PREFIX = "custom:"
_CUSTOM_NAME = re.compile(r"[^\s:/\\]{1,64}")  # the name becomes part of entry ids and file names


@dataclass(frozen=True, slots=True)
class Download:
    """One file of a source: its role in the parser's file set, where it lives, what to call it."""

    role: str
    url: str
    filename: str


@dataclass(frozen=True, slots=True)
class SourceInfo:
    """A publisher's list: what it is, under which licence, and the files that make a snapshot.

    `downloads` is empty for lists that ship with trustdesk (they update with the package) and for
    custom lists (imported from files). `superseded_by` names the source that replaced a list
    which its publisher no longer updates.
    """

    key: str
    title: str
    publisher: str
    kind: Kind
    downloads: tuple[Download, ...]
    licence: str
    homepage: str
    notes: str = ""
    superseded_by: str | None = None


class UnknownSource(LookupError):
    """A source key that is neither in the catalogue nor `custom:<name>`."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(reason)


class InvalidOverride(ValueError):
    """A URL override that cannot apply: unknown role, bad scheme, or ambiguous for many files."""

    def __init__(self, key: str, reason: str) -> None:
        self.key = key
        self.reason = reason
        super().__init__(f"list URL override {key!r}: {reason}")


_OFAC = "U.S. Department of the Treasury, Office of Foreign Assets Control (OFAC)"
_OFAC_DL = "https://www.treasury.gov/ofac/downloads"
_US_PUBLIC_DOMAIN = "U.S. Government work: public domain"
_OGL = "Open Government Licence v3.0"
_BUNDLED = "Ships with trustdesk and is updated with each release; there is nothing to download."


def _ofac_set(base: str, names: tuple[str, str, str, str]) -> tuple[Download, ...]:
    roles = ("sdn", "add", "alt", "comments")
    return tuple(
        Download(role, f"{base}/{name}", name) for role, name in zip(roles, names, strict=True)
    )


_CATALOGUE: tuple[SourceInfo, ...] = (
    SourceInfo(
        key="ofac-sdn",
        title="OFAC Specially Designated Nationals and Blocked Persons List (SDN)",
        publisher=_OFAC,
        kind="sanctions",
        downloads=_ofac_set(_OFAC_DL, ("sdn.csv", "add.csv", "alt.csv", "sdn_comments.csv")),
        licence=_US_PUBLIC_DOMAIN,
        homepage="https://ofac.treasury.gov/specially-designated-nationals-and-blocked-persons-list-sdn-human-readable-lists",
        notes=(
            "Legacy CSV set. treasury.gov redirects these addresses to OFAC's Sanctions List "
            "Service (sanctionslistservice.ofac.treas.gov), which is followed."
        ),
    ),
    SourceInfo(
        key="ofac-cons",
        title="OFAC Consolidated Sanctions List (non-SDN lists)",
        publisher=_OFAC,
        kind="sanctions",
        downloads=_ofac_set(
            f"{_OFAC_DL}/consolidated",
            ("cons_prim.csv", "cons_add.csv", "cons_alt.csv", "cons_comments.csv"),
        ),
        licence=_US_PUBLIC_DOMAIN,
        homepage="https://ofac.treasury.gov/consolidated-sanctions-list-non-sdn-lists",
        notes="Legacy CSV set, redirected to the Sanctions List Service like the SDN files.",
    ),
    SourceInfo(
        key="un-sc",
        title="United Nations Security Council Consolidated List",
        publisher="United Nations Security Council",
        kind="sanctions",
        downloads=(
            Download(
                "main",
                "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
                "consolidated.xml",
            ),
        ),
        licence="UN terms of use (public information; no formal open licence)",
        homepage="https://www.un.org/securitycouncil/content/un-sc-consolidated-list",
    ),
    SourceInfo(
        key="uk-sanctions",
        title="UK Sanctions List",
        publisher="UK Foreign, Commonwealth & Development Office (FCDO)",
        kind="sanctions",
        downloads=(
            Download(
                "main",
                "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
                "UK-Sanctions-List.xml",
            ),
        ),
        licence=_OGL,
        homepage="https://www.gov.uk/government/publications/the-uk-sanctions-list",
        notes=(
            "The single official UK list since 28 January 2026, replacing OFSI's Consolidated "
            "List. Address unsure: earlier published on docs.fcdo.gov.uk under the same path."
        ),
    ),
    SourceInfo(
        key="ofsi-conlist",
        title="OFSI Consolidated List of Asset Freeze Targets",
        publisher="HM Treasury, Office of Financial Sanctions Implementation (OFSI)",
        kind="sanctions",
        downloads=(
            Download(
                "main",
                "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.xlsx",
                "ConList.xlsx",
            ),
        ),
        licence=_OGL,
        homepage="https://www.gov.uk/government/publications/financial-sanctions-consolidated-list-of-targets",
        notes=(
            "No longer updated since 28 January 2026: use uk-sanctions. Kept importable for older "
            "snapshots and comparisons; the download address may stop working."
        ),
        superseded_by="uk-sanctions",
    ),
    SourceInfo(
        key="eu-fsf",
        title="EU Consolidated Financial Sanctions List (FSF)",
        publisher="European Commission",
        kind="sanctions",
        downloads=(
            Download(
                "main",
                "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
                "xmlFullSanctionsList_1_1.xml",
            ),
        ),
        licence="Reusable under Commission Decision 2011/833/EU",
        homepage="https://data.europa.eu/data/datasets/consolidated-list-of-persons-groups-and-entities-subject-to-eu-financial-sanctions",
        notes=(
            "The address needs a token. The default is the public token the FSF site shows to "
            "visitors who are not logged in (widely used, not a documented contract); set an "
            "override with your own FSF token if it is refused."
        ),
    ),
    SourceInfo(
        key="us-csl",
        title="US Consolidated Screening List (CSL)",
        publisher="U.S. Department of Commerce, International Trade Administration",
        kind="aggregator",
        downloads=(
            Download(
                "main",
                "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
                "consolidated.csv",
            ),
        ),
        licence=_US_PUBLIC_DOMAIN,
        homepage="https://www.trade.gov/consolidated-screening-list",
        notes=(
            "Combines the Commerce (Entity List, Denied Persons, Unverified, Military End User), "
            "State and Treasury lists; each row names its source list."
        ),
    ),
    SourceInfo(
        key="bis-dpl",
        title="BIS Denied Persons List",
        publisher="U.S. Department of Commerce, Bureau of Industry and Security (BIS)",
        kind="export-control",
        downloads=(Download("main", "https://www.bis.doc.gov/dpl/dpl.txt", "dpl.txt"),),
        licence=_US_PUBLIC_DOMAIN,
        homepage="https://www.bis.gov/",
        notes=(
            "Address unsure: BIS moved from bis.doc.gov to bis.gov in 2025 and the old path may "
            "serve a web page; the Denied Persons List is also in us-csl."
        ),
    ),
    SourceInfo(
        key="opensanctions",
        title="OpenSanctions consolidated sanctions (collection 'sanctions')",
        publisher="OpenSanctions",
        kind="aggregator",
        downloads=(
            Download(
                "main",
                "https://data.opensanctions.org/datasets/latest/sanctions/entities.ftm.json",
                "entities.ftm.json",
            ),
        ),
        licence=(
            "CC BY-NC 4.0: non-commercial use only; commercial use needs an OpenSanctions licence"
        ),
        homepage="https://www.opensanctions.org/datasets/sanctions/",
        notes=(
            "FollowTheMoney entities, one JSON object per line. The file is large: raise the "
            "download limit and ParseLimits.max_file_bytes for it."
        ),
    ),
    SourceInfo(
        key="ca-nro",
        title="Named Research Organizations (Canada)",
        publisher=(
            "Government of Canada (Public Safety Canada; Innovation, Science and Economic "
            "Development Canada)"
        ),
        kind="research-security",
        downloads=(),
        licence=(
            "Government of Canada terms of use (unsure whether the Open Government Licence applies)"
        ),
        homepage="https://science.gc.ca/site/science/en/safeguarding-your-research/guidelines-and-tools-implement-research-security/sensitive-technology-research-and-affiliations-concern/named-research-organizations",
        notes=_BUNDLED,
    ),
    SourceInfo(
        key="us-dod-1286",
        title="DoD Section 1286 list of foreign institutions engaged in problematic activities",
        publisher=(
            "U.S. Department of Defense, Under Secretary of Defense for Research and Engineering"
        ),
        kind="research-security",
        downloads=(),
        licence=_US_PUBLIC_DOMAIN,
        homepage="https://basicresearch.defense.gov/",
        notes=f"{_BUNDLED} The homepage is the publishing office's site, not the list's own page.",
    ),
    SourceInfo(
        key="aspi-unitracker",
        title="ASPI China Defence Universities Tracker",
        publisher="Australian Strategic Policy Institute (ASPI)",
        kind="research-security",
        downloads=(),
        licence="ASPI terms of use (check before redistributing outside trustdesk)",
        homepage="https://unitracker.aspi.org.au/",
        notes=_BUNDLED,
    ),
)

SOURCES: dict[str, SourceInfo] = {info.key: info for info in _CATALOGUE}


def source_info(key: str) -> SourceInfo:
    """The catalogue entry for `key`, or a custom source for `custom:<name>`; UnknownSource else."""
    info = SOURCES.get(key)
    if info is not None:
        return info
    if key.startswith(CUSTOM_PREFIX):
        name = key.removeprefix(CUSTOM_PREFIX)
        if not _CUSTOM_NAME.fullmatch(name):
            raise UnknownSource(
                key,
                f"invalid custom list source {key!r}: the name after 'custom:' must be 1 to 64 "
                "characters without spaces, ':', '/' or '\\'",
            )
        return SourceInfo(
            key=key,
            title=f"Custom list {name}",
            publisher="this institution",
            kind="custom",
            downloads=(),
            licence="as agreed by this institution",
            homepage="",
            notes="Imported from files; trustdesk does not download custom lists.",
        )
    known = ", ".join(sorted(SOURCES))
    raise UnknownSource(
        key, f"unknown list source {key!r}: known sources are {known}, or custom:<name>"
    )


def urls_with_overrides(info: SourceInfo, overrides: Mapping[str, str]) -> tuple[Download, ...]:
    """The source's downloads with operator overrides applied; other sources' keys are ignored.

    `"<source>:<role>"` replaces one file's URL. `"<source>"` replaces the URL of a one-file
    source; for a multi-file source it must end in `/` and names a mirror directory that holds
    every file under its usual filename. A role override wins over a source override.
    """
    role_prefix = f"{info.key}:"
    roles = {d.role for d in info.downloads}
    for key in overrides:
        if key.startswith(role_prefix) and key.removeprefix(role_prefix) not in roles:
            known = ", ".join(sorted(roles)) or "none: this source has nothing to download"
            raise InvalidOverride(key, f"no such file role; roles of {info.key} are {known}")
    base = overrides.get(info.key)
    if base is not None:
        _check_url(info.key, base)
        if not info.downloads:
            raise InvalidOverride(info.key, "this source has nothing to download")
        if len(info.downloads) > 1 and not base.endswith("/"):
            raise InvalidOverride(
                info.key,
                f"{info.key} has {len(info.downloads)} files: give a mirror directory ending "
                f"in '/', or override each file as {info.key}:<role>",
            )
    result = []
    for download in info.downloads:
        url = overrides.get(f"{role_prefix}{download.role}")
        if url is not None:
            _check_url(f"{role_prefix}{download.role}", url)
        elif base is not None:
            url = base + download.filename if base.endswith("/") else base
        if url is not None:
            download = replace(download, url=url)
        result.append(download)
    return tuple(result)


def _check_url(key: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidOverride(key, "must be an http:// or https:// address")
