"""Markdown becomes sanitised HTML: nothing a page's author writes can run in a reader's browser."""

from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from trustdesk.web.hub import markup


class _Elements(HTMLParser):
    """Every element and attribute the browser would build from the HTML."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(name, value or "") for name, value in attrs]


def elements(html: str) -> _Elements:
    parsed = _Elements()
    parsed.feed(html)
    return parsed


HOSTILE = [
    "<script>alert(1)</script>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java&#x09;script:alert(1))",
    '<a href="https://x.example" onclick="steal()">x</a>',
    '<img src="x" onerror="steal()">',
    "[data](data:text/html;base64,PHNjcmlwdD4=)",
    '<iframe src="https://evil.example"></iframe>',
    "[v](vbscript:msgbox)",
    '<svg onload="steal()"></svg>',
    "<style>body{display:none}</style>",
    "![x](javascript:alert(1))",
    '[t](https://ok.example "x\\" onmouseover=\\"steal()")',
]
# No scheme at all is a relative link to this site, which is fine.
SAFE_SCHEMES = {"", "http", "https", "mailto"}


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markup_comes_out_inert(source: str) -> None:
    built = elements(markup.render(source))

    assert not {"script", "style", "iframe", "img", "svg"} & set(built.tags)
    assert [name for name, _ in built.attributes if name.startswith("on")] == []
    hrefs = [value for name, value in built.attributes if name in {"href", "src"}]
    assert {urlsplit(h).scheme.lower() for h in hrefs} <= SAFE_SCHEMES, hrefs


def test_markdown_keeps_its_formatting_and_safe_links() -> None:
    html = markup.render(
        "# Title\n\n**bold** and [NPSA](https://www.npsa.gov.uk) and [mail](mailto:a@b.example)"
    )

    assert html == (
        "<h2>Title</h2>\n<p><strong>bold</strong> and "
        '<a href="https://www.npsa.gov.uk" rel="noopener noreferrer">NPSA</a> and '
        '<a href="mailto:a@b.example" rel="noopener noreferrer">mail</a></p>\n'
    )


def test_plain_text_has_the_words_without_markup_or_highlight_markers() -> None:
    text = markup.plain_text("## Head\n\n**Export** & <b>licence</b>\x02x\x03")

    assert text == "Head Export & <b>licence</b> x"
