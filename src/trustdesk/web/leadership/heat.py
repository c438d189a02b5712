"""The risk heat map drawn on the server as SVG geometry, like the desk's bar charts.

Each cell's shade is one of five CSS classes (no inline style under the strict CSP), and each
cell prints its count, so the shade is never the only carrier of the number; the table beside
the drawing has the same counts for a screen reader.
"""

from __future__ import annotations

from dataclasses import dataclass

from trustdesk.web.leadership.selectors import HeatMap

LABEL_WIDTH = 150
HEADER_HEIGHT = 34
CELL_WIDTH = 70
CELL_HEIGHT = 30
LEVELS = 4  # shades above zero


@dataclass(frozen=True, slots=True)
class Cell:
    x: int
    y: int
    count: int
    level: int  # 0 (none) to LEVELS (the most in any cell)

    @property
    def text_x(self) -> int:
        return self.x + CELL_WIDTH // 2

    @property
    def text_y(self) -> int:
        return self.y + CELL_HEIGHT // 2 + 5


@dataclass(frozen=True, slots=True)
class Label:
    text: str
    x: int
    y: int


@dataclass(frozen=True, slots=True)
class HeatDrawing:
    key: str
    title: str
    width: int
    height: int
    cell_width: int
    cell_height: int
    columns: tuple[Label, ...]
    rows: tuple[Label, ...]
    cells: tuple[Cell, ...]
    description: str


def _level(count: int, top: int) -> int:
    if count == 0 or top == 0:
        return 0
    return max(1, round(LEVELS * count / top))


def heat_drawing(heat: HeatMap) -> HeatDrawing:
    top = heat.top
    columns = tuple(
        Label(label, LABEL_WIDTH + i * CELL_WIDTH + CELL_WIDTH // 2, HEADER_HEIGHT - 10)
        for i, (_, label) in enumerate(heat.ratings)
    )
    rows, cells, said = [], [], []
    for r, (area, label) in enumerate(heat.areas):
        y = HEADER_HEIGHT + r * CELL_HEIGHT
        rows.append(Label(label, LABEL_WIDTH - 8, y + CELL_HEIGHT // 2 + 5))
        counts = []
        for c, (rating, rating_label) in enumerate(heat.ratings):
            n = heat.count(area, rating)
            cells.append(Cell(LABEL_WIDTH + c * CELL_WIDTH, y, n, _level(n, top)))
            counts.append(f"{rating_label} {n}")
        said.append(f"{label}: " + ", ".join(counts))
    return HeatDrawing(
        key=heat.key,
        title=heat.title,
        width=LABEL_WIDTH + max(len(heat.ratings), 1) * CELL_WIDTH + 4,
        height=HEADER_HEIGHT + max(len(heat.areas), 1) * CELL_HEIGHT + 4,
        cell_width=CELL_WIDTH,
        cell_height=CELL_HEIGHT,
        columns=columns,
        rows=tuple(rows),
        cells=tuple(cells),
        description=("; ".join(said) + ".") if said else "No engagement assessed.",
    )
