"""XML pieces the UN, UK, EU and OFAC XML parsers share: the streaming loop, the root, names."""

from __future__ import annotations

import codecs
import re
from abc import abstractmethod
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from lxml import etree

from trustdesk.screening.entries import Entry, unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import HEAD_BYTES, ListFormat, ParseLimits, ParseReport
from trustdesk.screening.safety import check_size, iter_xml, localname
from trustdesk.screening.text import clean, no_latin, non_latin_runs, split_names


def warn_unknown_countries(report: ParseReport, path: Path, unknown: Counter[str]) -> None:
    for value, times in sorted(unknown.items()):
        report.warn(f"{path}: '{value}' is not a known country ({times}×); left out of countries")


class NameSorter:
    """Sorts one entry's names into strong, weak and original-script ones, dropping repeats.

    A strong name without Latin letters is an original-script name; a weak one stays weak, so the
    matcher keeps discounting it. A strong mixed-script alias stays an alias, and its non-Latin
    words are added as an original-script name. A repeat (equal, ignoring case, to the primary name
    or to a stronger name already kept) is dropped: it adds nothing but reading.
    """

    def __init__(self, primary: str) -> None:
        self._strong: dict[str, str] = {}
        self._weak: dict[str, str] = {}
        self._scripts: list[str] = []
        # A primary name field may hold two names too: "… GRANDS LACS (CAGL) ; GREAT LAKES …".
        first, *others = split_names(clean(primary)) or [clean(primary)]
        self.primary = first
        for other in others:
            self._add(other, weak=False)

    def add(self, name: str, *, weak: bool) -> None:
        for text in split_names(clean(name)):
            self._add(text, weak=weak)

    def _add(self, text: str, *, weak: bool) -> None:
        if weak:
            self._weak.setdefault(text.casefold(), text)
        elif no_latin(text):
            self._scripts.append(text)
        else:
            self._strong.setdefault(text.casefold(), text)
            self._scripts.extend(non_latin_runs(text))

    def strong(self) -> tuple[str, ...]:
        return tuple(v for k, v in self._strong.items() if k != self.primary.casefold())

    def weak(self) -> tuple[str, ...]:
        skip = {self.primary.casefold(), *self._strong}
        return tuple(v for k, v in self._weak.items() if k not in skip)

    def scripts(self) -> tuple[str, ...]:
        return tuple(n for n in unique(self._scripts) if n != self.primary)


# Optional BOM, then the prolog (declaration, comments, a DOCTYPE), then the root's start tag. The
# prolog loop is possessive (*+): backtracking into it is exponential on a hostile head.
_ROOT_TAG = re.compile(
    rb"\A(?:\xef\xbb\xbf)?(?:\s|<\?.*?\?>|<!--.*?-->|<!DOCTYPE[^\[>]*(?:\[.*?\])?\s*>)*+"
    rb"<([A-Za-z_][\w.:-]*)([^>]*)>",
    re.DOTALL,
)
# Codecs to read a wide head with, so that its root is recognised and iter_xml refuses it by name.
_WIDE_CODECS = {
    codecs.BOM_UTF32_LE: "utf-32",
    codecs.BOM_UTF32_BE: "utf-32",
    codecs.BOM_UTF16_LE: "utf-16",
    codecs.BOM_UTF16_BE: "utf-16",
    b"<\x00": "utf-16-le",
    b"\x00<": "utf-16-be",
}


@dataclass(frozen=True, slots=True)
class XmlRoot:
    name: str  # local name, without prefix
    namespace: str


def _wide_codec(head: bytes) -> str | None:
    return next((codec for mark, codec in _WIDE_CODECS.items() if head.startswith(mark)), None)


def sniff_root(head: bytes) -> XmlRoot | None:
    """The root element named in the first bytes of an XML file, or None when they are not XML."""
    if (codec := _wide_codec(head)) is not None:
        # Recognised so that parse can refuse it by name, instead of "not a list file".
        head = head.decode(codec, errors="ignore").encode()
    match = _ROOT_TAG.match(head)
    if match is None:
        return None
    qname, attributes = match[1].decode("ascii"), match[2]
    prefix, _, local = qname.rpartition(":")
    attribute = b"xmlns:" + prefix.encode() if prefix else b"xmlns"
    found = re.search(rb"\s" + re.escape(attribute) + rb"\s*=\s*[\"']([^\"']*)", attributes)
    return XmlRoot(local, found[1].decode("utf-8", "replace") if found else "")


def check_xml_file(
    path: Path,
    source: str,
    limits: ParseLimits,
    label: str,
    *,
    expected_root: str,
    namespace: str | None = None,
) -> None:
    """Refuse, before streaming, a file with another list's root element (or none).

    The encoding and any DOCTYPE are `safety.iter_xml`'s to refuse.
    """
    check_size(path, source, limits)
    with path.open("rb") as fh:
        head = fh.read(HEAD_BYTES)
    root = sniff_root(head)
    if root is None:
        raise SourceFormatError(
            source, str(path), f"not XML (no root element in the first 64 KiB): not a {label} file"
        )
    if root.name != expected_root or (namespace is not None and root.namespace != namespace):
        shown = f"<{root.name}>" + (f" in namespace '{root.namespace}'" if root.namespace else "")
        raise SourceFormatError(
            source, str(path), f"the root element is {shown}: this is not a {label} file"
        )


@dataclass(frozen=True, slots=True)
class XmlFile:
    """The file being streamed, as the hooks of `XmlListFormat` receive it."""

    path: Path
    source: str
    report: ParseReport


class XmlListFormat(ListFormat):
    """The one streaming loop of the XML lists; each list plugs in what differs.

    The loop checks the file before streaming (`check_root`), streams the header and entry
    elements through `safety.iter_xml` (no DOCTYPE, no entities, no network, each element freed
    once read), hands the first streamed element to `on_first`, each header to `read_header` and
    each entry to `entry`, refuses a file with no entry (`no_entries`, never an empty list) and
    warns once about every country name no entry could map. Each SourceFormatError names the file
    and line it rests on, since every hook receives the element with its `sourceline`.
    """

    entry_tags: ClassVar[tuple[str, ...]]  # local names of the listed entries
    header_tags: ClassVar[tuple[str, ...]] = ()  # local names read for the list's own facts
    no_entries: ClassVar[str]  # why a file without entries is refused

    def parse(
        self,
        files: Mapping[str, Path],
        *,
        source: str,
        report: ParseReport,
        limits: ParseLimits,
    ) -> Iterator[Entry]:
        path = files[self.roles[0]]
        self.check_root(path, source, limits)
        at = XmlFile(path, source, report)
        unknown_countries: Counter[str] = Counter()
        count = 0
        first = True
        tags = (*self.header_tags, *self.entry_tags)
        for element in iter_xml(path, source, limits, tags, label=self.label):
            if first:
                self.on_first(element, at)
                first = False
            if self.header_tags and localname(element.tag) in self.header_tags:
                self.read_header(element, at)
                continue
            count += 1
            yield self.entry(element, path, source, report, unknown_countries)
        if count == 0:
            raise SourceFormatError(source, str(path), self.no_entries)
        warn_unknown_countries(report, path, unknown_countries)

    def check_root(self, path: Path, source: str, limits: ParseLimits) -> None:
        """Refuse the file before streaming it; a list without a sniffable root checks none."""

    def on_first(self, element: etree._Element, at: XmlFile) -> None:
        """Read what the root element says (its publication date), once, from the first element."""

    def read_header(self, element: etree._Element, at: XmlFile) -> None:
        """Read a header element (publication date, declared count) into the report."""

    @staticmethod
    @abstractmethod
    def entry(
        element: etree._Element,
        path: Path,
        source: str,
        report: ParseReport,
        unknown_countries: Counter[str],
        /,
    ) -> Entry:
        """One listed entry from its element; country names it cannot map go in the counter."""


class RootedXmlFormat(XmlListFormat):
    """A one-file XML list recognised by its root element (and namespace, where it has one)."""

    root: ClassVar[str]
    namespace: ClassVar[str | None] = None

    @classmethod
    def role_for(cls, path: Path, head: bytes) -> str | None:
        found = sniff_root(head)
        if found is None or found.name != cls.root:
            return None
        if cls.namespace is not None and found.namespace != cls.namespace:
            return None
        return "main"

    def check_root(self, path: Path, source: str, limits: ParseLimits) -> None:
        """Refuse a file whose root is another list's, before streaming it."""
        check_xml_file(
            path, source, limits, self.label, expected_root=self.root, namespace=self.namespace
        )
