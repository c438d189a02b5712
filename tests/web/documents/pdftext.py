"""Read a PDF back as a reader's software would: every page rendered to PNG, and its text."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdfium2 as pdfium


@dataclass(frozen=True)
class ReadPdf:
    pages: list[bytes]  # each page as a PNG
    text: str  # every page's text, in order

    @property
    def flat(self) -> str:
        """The text with line breaks as spaces, for phrases the layout may have wrapped."""
        return " ".join(self.text.split())


def read_pdf(content: bytes) -> ReadPdf:
    """Render each page at 72 dpi and extract its text; fails on a file PDFium cannot open."""
    assert content.startswith(b"%PDF-")
    document = pdfium.PdfDocument(content)
    try:
        pages, texts = [], []
        for index in range(len(document)):
            page = document[index]
            image = page.render(scale=1).to_pil()
            # A page that rendered is A4 and not blank: some pixels are ink.
            width, height = image.size
            assert (abs(width - 595), abs(height - 842)) <= (1, 1)
            assert image.convert("L").getextrema()[0] < 100
            buffer = io.BytesIO()
            image.save(buffer, format="PNG")
            pages.append(buffer.getvalue())
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return ReadPdf(pages, "\n".join(texts))
    finally:
        document.close()
