"""The screening matcher: normalise names, find candidates fast, score them with explained features.

Framework-free: configuration comes in as a `ScoringConfig`, lists as `Entry` objects, and the
index is a file the caller chooses where to keep.
"""

from trustdesk.screening.matching.features import DEFAULT_THRESHOLD, WEIGHTS, ScoringConfig
from trustdesk.screening.matching.index import MatchIndex, check_name
from trustdesk.screening.matching.model import (
    Hit,
    HitStatus,
    NameNotScreenable,
    Query,
    ScreeningHit,
)

__all__ = [
    "DEFAULT_THRESHOLD",
    "WEIGHTS",
    "Hit",
    "HitStatus",
    "MatchIndex",
    "NameNotScreenable",
    "Query",
    "ScoringConfig",
    "ScreeningHit",
    "check_name",
]
