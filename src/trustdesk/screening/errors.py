"""Errors raised by the list parsers."""

from __future__ import annotations


class SourceFormatError(Exception):
    """A list file cannot be read as its format; nothing from it may be stored.

    The message names the file and, where the parser knows it, the line or element, so that an
    operator can open the file at the right place.
    """

    def __init__(self, source: str, location: str, reason: str) -> None:
        self.source = source
        self.location = location
        self.reason = reason
        super().__init__(f"{location}: {reason}" if location else reason)
