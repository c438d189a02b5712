"""Full-text search over the hub's documents in the database's own engine.

SQLite (the embedded default) answers from the FTS5 table migration 0002 keeps in step with
`SearchDocument`, ranked by bm25 with the title weighted four times the body; PostgreSQL from
its text search (``websearch_to_tsquery``, ``ts_rank`` over title A / body B weights,
``ts_headline``), through the trigger-kept vector and GIN index of the same migration. Both
mark the matched words with the control characters STX and ETX (0x02, 0x03), which
`markup.plain_text` strips from every indexed text; the snippet is HTML-escaped first and only
then are the markers turned into ``<mark>``, so nothing a page says can become markup in a
result.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from django.contrib.postgres.search import (
    SearchHeadline,
    SearchQuery,
    SearchRank,
)
from django.db import connection
from django.db.models import F
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from trustdesk.web.hub.models import SearchDocument

START, STOP = "\x02", "\x03"
#: At most this many words of a query are used; a longer one is almost surely pasted text.
MAX_TERMS = 12
DEFAULT_LIMIT = 20

_WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One ranked result: which kind of thing, where it is, and why it matched."""

    kind: str
    kind_label: str
    key: str
    title: SafeString  # escaped, matched words in <mark>
    url: str
    snippet: SafeString  # escaped, matched words in <mark>
    rank: float


def highlight(marked: str) -> SafeString:
    """Escapes ``marked`` and turns the STX…ETX markers the engine set into ``<mark>``."""
    html = str(escape(marked)).replace(START, "<mark>").replace(STOP, "</mark>")
    # An engine may cut a snippet between markers: close what it opened.
    opened = html.count("<mark>") - html.count("</mark>")
    return mark_safe(html + "</mark>" * max(opened, 0))  # noqa: S308  # escaped just above


def terms(query: str) -> list[str]:
    """The words searched for, lower-cased, at most `MAX_TERMS`."""
    return [t.lower() for t in _WORD.findall(query)][:MAX_TERMS]


def search(
    query: str,
    *,
    public_only: bool = False,
    kinds: Collection[str] = (),
    limit: int = DEFAULT_LIMIT,
) -> list[SearchHit]:
    """The best matches for ``query``, best first; every word must match (as a prefix on SQLite)."""
    words = terms(query)
    if not words:
        return []
    if connection.vendor == "postgresql":
        return _postgres(" ".join(words), public_only=public_only, kinds=kinds, limit=limit)
    return _sqlite(words, public_only=public_only, kinds=kinds, limit=limit)


_LABELS = dict(SearchDocument.Kind.choices)


# Only fixed fragments are joined into the WHERE clause; every value is a parameter.
_SQLITE_SELECT = (
    "SELECT d.kind, d.key, d.url, "
    "highlight(hub_search_fts, 0, char(2), char(3)), "
    "snippet(hub_search_fts, 1, char(2), char(3), '…', 24), "
    "bm25(hub_search_fts, 4.0, 1.0) AS score "
    "FROM hub_search_fts JOIN hub_searchdocument d ON d.id = hub_search_fts.rowid WHERE "
)


def _sqlite(
    words: list[str], *, public_only: bool, kinds: Collection[str], limit: int
) -> list[SearchHit]:
    # Each word quoted (so FTS5 syntax in a query is only text) and matched as a prefix.
    match = " ".join('"' + w.replace('"', "") + '"*' for w in words)
    where = ["hub_search_fts MATCH %s"]
    params: list[str | int] = [match]
    if public_only:
        where.append("d.public = 1")
    if kinds:
        where.append(f"d.kind IN ({', '.join(['%s'] * len(kinds))})")
        params.extend(kinds)
    sql = _SQLITE_SELECT + " AND ".join(where) + " ORDER BY score LIMIT %s"
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [
        SearchHit(
            kind=kind,
            kind_label=_LABELS.get(kind, kind),
            key=key,
            title=highlight(title),
            url=url,
            snippet=highlight(snippet),
            rank=-float(score),  # bm25 is lower for better matches
        )
        for kind, key, url, title, snippet, score in rows
    ]


def _postgres(
    text: str, *, public_only: bool, kinds: Collection[str], limit: int
) -> list[SearchHit]:
    query = SearchQuery(text, search_type="websearch", config="english")
    rows = SearchDocument.objects.filter(vector=query)
    if public_only:
        rows = rows.filter(public=True)
    if kinds:
        rows = rows.filter(kind__in=list(kinds))
    # First the best `limit` by rank from the stored vectors (GIN index), then the headlines
    # for those alone: ts_headline re-parses a document, too slow to run on every match.
    best = list(
        rows.annotate(rank=SearchRank(F("vector"), query))
        .order_by("-rank", "pk")
        .values_list("pk", "rank")[:limit]
    )
    ranks = dict(best)
    shown = SearchDocument.objects.filter(pk__in=ranks).annotate(
        title_marked=SearchHeadline(
            "title", query, config="english", highlight_all=True, start_sel=START, stop_sel=STOP
        ),
        snippet=SearchHeadline(
            "body",
            query,
            config="english",
            max_words=30,
            min_words=12,
            start_sel=START,
            stop_sel=STOP,
        ),
    )
    by_pk = {d.pk: d for d in shown}
    return [
        SearchHit(
            kind=d.kind,
            kind_label=_LABELS.get(d.kind, d.kind),
            key=d.key,
            title=highlight(d.title_marked),
            url=d.url,
            snippet=highlight(d.snippet),
            rank=float(ranks[pk]),
        )
        for pk, _ in best
        if (d := by_pk.get(pk)) is not None
    ]


def document_put(
    *, kind: str, key: str, title: str, body: str, url: str, public: bool = False
) -> None:
    """Adds or replaces the index row of one thing (the FTS5 triggers follow on SQLite)."""
    SearchDocument.objects.update_or_create(
        kind=kind,
        key=key,
        defaults={"title": title, "body": body, "url": url, "public": public},
    )


def document_delete(*, kind: str, key: str) -> None:
    SearchDocument.objects.filter(kind=kind, key=key).delete()
