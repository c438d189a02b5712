"""The figures as CSV: one chart's table, or the whole report in one long table.

Every cell goes through the project's one CSV rule (`core.spreadsheet.neutralise_cell`): a
department or list named "=HYPERLINK(…)" stays text in the spreadsheet that opens the file.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from trustdesk.web.core.spreadsheet import neutralise_cell
from trustdesk.web.leadership.report import BoardReportContent
from trustdesk.web.leadership.selectors import Cell, Table


def _cell(value: Cell) -> str:
    return "" if value is None else neutralise_cell(str(value))


def _write(rows: Iterable[Sequence[Cell]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_cell(value) for value in row])
    return out.getvalue()


def table_csv(table: Table) -> str:
    """The table's headings, then its rows, exactly as the page's table shows them."""
    return _write([table.headings, *table.rows])


REPORT_COLUMNS = ("section", "table", "row", "column", "value")


def report_csv(content: BoardReportContent) -> str:
    """Every table of the report, one cell a line: section, table, row label, column, value.

    A long table because the report's tables have different columns; a spreadsheet's pivot
    turns any of them back into its printed shape.
    """
    rows: list[Sequence[Cell]] = [REPORT_COLUMNS]
    for section, table in content.tables():
        for cells in table.rows:
            label = cells[0] if cells else ""
            for heading, value in zip(table.headings[1:], cells[1:], strict=False):
                rows.append((section.title, table.title, label, heading, value))
    return _write(rows)
