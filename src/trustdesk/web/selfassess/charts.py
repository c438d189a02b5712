"""The per-section maturity chart, in the shape the desk's bar-chart partial draws.

Bars are scaled to the top of the maturity scale, not to the largest value, so a section at
"developing" looks half-way whatever the other sections score. The numbers are averages with one
decimal; the partial shows them in a table beside the drawing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

WIDTH = 440  # viewBox units, as the desk's charts
BAR_HEIGHT = 18
GAP = 6
LABEL_WIDTH = 200
LABEL_CHARACTERS = 26


@dataclass(frozen=True, slots=True)
class MaturityBar:
    label: str
    value: float | str  # the average, or "—" for a section with no answer
    y: int
    width: int

    @property
    def short_label(self) -> str:
        if len(self.label) <= LABEL_CHARACTERS:
            return self.label
        return self.label[: LABEL_CHARACTERS - 1].rstrip() + "…"

    @property
    def text_y(self) -> int:
        return self.y + BAR_HEIGHT - 5

    @property
    def value_x(self) -> int:
        return LABEL_WIDTH + self.width + 4


@dataclass(frozen=True, slots=True)
class MaturityChart:
    key: str
    title: str
    unit: str
    bars: tuple[MaturityBar, ...]
    width: int = WIDTH
    label_x: int = LABEL_WIDTH - 6
    bar_x: int = LABEL_WIDTH
    bar_height: int = BAR_HEIGHT

    @property
    def height(self) -> int:
        return max(len(self.bars), 1) * (BAR_HEIGHT + GAP)

    @property
    def description(self) -> str:
        parts = [f"{b.label}: {b.value}" for b in self.bars]
        return f"{self.unit}: " + "; ".join(parts) + "."


def maturity_chart(
    key: str, title: str, data: Sequence[tuple[str, float | None]], *, top: int
) -> MaturityChart:
    """One bar per section: its average level on a scale of 0 to `top`."""
    room = WIDTH - LABEL_WIDTH - 50
    bars = tuple(
        MaturityBar(
            label=label,
            value="—" if value is None else value,
            y=i * (BAR_HEIGHT + GAP),
            width=max(1, round(room * value / top)) if value and top else 0,
        )
        for i, (label, value) in enumerate(data)
    )
    return MaturityChart(key, title, f"Average level (0 to {top})", bars)
