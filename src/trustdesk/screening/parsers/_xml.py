"""XML pieces the UN, UK, EU and OFAC XML parsers share: recognising a root, sorting names."""

from __future__ import annotations

import codecs
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from trustdesk.screening.entries import unique
from trustdesk.screening.errors import SourceFormatError
from trustdesk.screening.parsers.base import HEAD_BYTES, ListFormat, ParseLimits, ParseReport
from trustdesk.screening.safety import check_size
from trustdesk.screening.text import clean, no_latin, non_latin_runs


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
        self.primary = clean(primary)
        self._strong: dict[str, str] = {}
        self._weak: dict[str, str] = {}
        self._scripts: list[str] = []

    def add(self, name: str, *, weak: bool) -> None:
        text = clean(name)
        if not text:
            return
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


class RootedXmlFormat(ListFormat):
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
