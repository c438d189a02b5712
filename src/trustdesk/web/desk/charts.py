"""Small bar charts drawn on the server as SVG geometry: no script, no inline style (strict CSP).

A chart is its numbers first: the template shows them in a table beside the drawing, and the
drawing carries role="img" with a title and a description that state the same numbers, so a
screen reader or a printout loses nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 320  # viewBox units; the SVG scales to its container (a phone's width is about this)
BAR_HEIGHT = 20  # a bar is a light band with its label written over it, from the left edge
GAP = 4
VALUE_ROOM = 36  # on the right, where each bar's number is written
LABEL_CHARACTERS = 44  # a longer label is shortened in the drawing; the table has it whole
ROW = BAR_HEIGHT + GAP


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    value: int
    y: int
    width: int  # viewBox units, at least 1 for a non-zero value so it stays visible

    @property
    def short_label(self) -> str:
        if len(self.label) <= LABEL_CHARACTERS:
            return self.label
        return self.label[: LABEL_CHARACTERS - 1].rstrip() + "…"

    @property
    def text_y(self) -> int:
        """The baseline of the label and the number, inside the bar's band."""
        return self.y + BAR_HEIGHT - 6

    @property
    def bar_y(self) -> int:
        return self.y

    @property
    def value_x(self) -> int:
        """The number's right edge: every number in one column at the right, never overlapped."""
        return WIDTH


@dataclass(frozen=True, slots=True)
class BarChart:
    key: str  # unique on the page: the ids of the title and description derive from it
    title: str
    unit: str  # what a value counts, for the table's heading and the description
    bars: tuple[Bar, ...]

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * ROW - GAP

    @property
    def track_width(self) -> int:
        """The band behind every bar: the full length a bar may take."""
        return WIDTH - VALUE_ROOM

    @property
    def width(self) -> int:
        return WIDTH

    @property
    def label_x(self) -> int:
        """Labels start inside the band, over the bar: the whole width is theirs, none is cut."""
        return 4

    @property
    def bar_x(self) -> int:
        return 0

    @property
    def bar_height(self) -> int:
        return BAR_HEIGHT

    @property
    def total(self) -> int:
        return sum(b.value for b in self.bars)

    @property
    def description(self) -> str:
        parts = [f"{b.label}: {b.value}" for b in self.bars]
        return f"{self.unit}: " + "; ".join(parts) + "." if parts else f"No {self.unit.lower()}."


def bar_chart(key: str, title: str, unit: str, data: Sequence[tuple[str, int]]) -> BarChart:
    """Bars scaled to the largest value (with room left on the right for the number)."""
    top = max((v for _, v in data), default=0)
    room = WIDTH - VALUE_ROOM
    bars = tuple(
        Bar(
            label=label,
            value=value,
            y=i * ROW,
            width=max(1, round(room * value / top)) if value and top else 0,
        )
        for i, (label, value) in enumerate(data)
    )
    return BarChart(key=key, title=title, unit=unit, bars=bars)
