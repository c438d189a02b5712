"""Watch-list parsers and the name-matching engine (framework-free: no Django, no network)."""

from trustdesk.screening.entries import Address, EntityType, Entry, Identifier
from trustdesk.screening.errors import SourceFormatError

__all__ = ["Address", "EntityType", "Entry", "Identifier", "SourceFormatError"]
