"""`{{ error|breakable_urls }}`: text whose web addresses may wrap anywhere, and only they.

An error or note that quotes an address has one long run without spaces; left as it is, it widens
a table past the screen. Marking the whole cell to wrap anywhere would break ordinary words in
the middle, so only the addresses are wrapped in `<span class="url">` (site.css).
"""

from __future__ import annotations

import re

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

_ADDRESS = re.compile(r"https?://[^\s()<>]+")


@register.filter
def breakable_urls(text: object) -> SafeString:
    """The text, escaped, with each http(s) address in a `.url` span."""
    value = str(text)
    shown = SafeString()
    last = 0
    for match in _ADDRESS.finditer(value):
        shown += escape(value[last : match.start()])
        shown += format_html('<span class="url">{}</span>', match.group())
        last = match.end()
    return shown + escape(value[last:])
