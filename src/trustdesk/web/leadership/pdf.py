"""The governing body's report as a PDF, laid out with the due-diligence report's page parts."""

from __future__ import annotations

from trustdesk.web.documents.pdf import PdfDocument
from trustdesk.web.leadership.report import BoardReportContent, Section
from trustdesk.web.leadership.selectors import Cell, Table

PAGE_WIDTH = 174.0  # A4 less the margins, in mm
LABEL_SHARE = 0.34  # a table's first column (the labels) takes this share of the width
KEEP_WITH_TITLE = 25.0  # mm: a table's title and its first rows stay on one page


def _text(value: Cell) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _widths(columns: int) -> tuple[float, ...]:
    if columns == 1:
        return (PAGE_WIDTH,)
    first = PAGE_WIDTH * LABEL_SHARE
    rest = (PAGE_WIDTH - first) / (columns - 1)
    return (first, *([rest] * (columns - 1)))


def _table(pdf: PdfDocument, table: Table) -> None:
    if pdf.will_page_break(KEEP_WITH_TITLE):  # a title never ends a page without its table
        pdf.add_page()
    pdf.subheading(table.title)
    if not table.rows:
        pdf.para("None in the period.", muted=True)
        return
    rows = [[_text(c) for c in row] for row in table.rows]
    pdf.table_of(table.headings, rows, widths=_widths(len(table.headings)))
    if table.note:
        pdf.para(table.note, muted=True, size=8)


def _section(pdf: PdfDocument, section: Section) -> None:
    pdf.heading(section.title)
    for paragraph in section.paragraphs:
        pdf.para(paragraph)
    for table in section.tables:
        _table(pdf, table)


def board_report_pdf(content: BoardReportContent) -> bytes:
    """The report as a PDF file: a title block, then each section's text and tables."""
    pdf = PdfDocument(title="Report to the governing body", reference=content.period)
    pdf.add_page()
    pdf.title_block(
        content.title,
        f"Period: {content.period}. Generated {content.generated.day} "
        f"{content.generated:%B %Y} under {content.pack}.",
    )
    for section in content.sections:
        _section(pdf, section)
    return bytes(pdf.output())
