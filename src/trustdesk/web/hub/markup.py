"""Markdown to safe HTML, the one way guidance and training text reaches a page.

markdown-it-py renders CommonMark with raw HTML switched off (a ``<script>`` in the source comes
out as text), and nh3 (ammonia) then keeps only the tags and attributes below, drops every
``on*`` attribute and every link scheme but http, https and mailto. The sanitiser runs even
though raw HTML is off: it is the guarantee, the renderer's settings only the first line.
The live preview posts to the server and shows this same output, so there is one rule set.
"""

from __future__ import annotations

import html
import re
from functools import cache

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS: frozenset[str] = frozenset(
    {
        "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre",
        "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td", "del",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {"a": {"href", "title"}, "ol": {"start"}}
URL_SCHEMES: frozenset[str] = frozenset({"http", "https", "mailto"})

_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")


@cache
def _parser() -> MarkdownIt:
    # "commonmark" with html off; tables and strikethrough from the GFM set, no linkify.
    return MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])


def _demote_h1(html: str) -> str:
    # The page title is the page's h1; a heading in the body starts at h2.
    return html.replace("<h1>", "<h2>").replace("</h1>", "</h2>")


def render(source: str) -> str:
    """Sanitised HTML for Markdown ``source``; safe to mark safe in a template."""
    html = _demote_h1(_parser().render(source))
    return nh3.clean(
        html,
        tags=set(ALLOWED_TAGS),
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=set(URL_SCHEMES),
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


def plain_text(source: str) -> str:
    """The words of Markdown ``source`` without markup, for the search index and snippets."""
    text = nh3.clean(_parser().render(source), tags=set())
    text = html.unescape(_TAG.sub(" ", text))
    # \x02 and \x03 mark a search snippet's highlights; the text itself must never hold them.
    return _SPACE.sub(" ", text.replace("\x02", " ").replace("\x03", " ")).strip()
