"""The letter and the report as PDF files, laid out with fpdf2 from the typed documents.

fpdf2 is pure Python and installs from wheels, with no system libraries. No pip package ships a
font that draws every script (Han alone is a 10 MB font), so the PDF uses the standard
Helvetica with the Windows-1252 character set, which every PDF reader has, and anything outside
it is never passed to the font: a name in another script is shown by the Latin transliteration
screening already made of it, marked "transliterated from …", and the HTML page beside the PDF
shows the original. Free text (reasons, answers) is transliterated the same way, run by run, so
no input can make the PDF fail or print empty boxes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from datetime import UTC, date, datetime
from functools import cache

from anyascii import anyascii
from fpdf import FPDF, FontFace, XPos, YPos
from fpdf.enums import WrapMode

from trustdesk.screening.matching.translit import scripts_of
from trustdesk.web.documents.content import (
    AreaRating,
    CaseHeader,
    Contact,
    DueDiligenceReport,
    HitLine,
    Letter,
    MitigationLine,
    Name,
    PartnerSection,
)

ENCODING = "windows-1252"
FONT = "Helvetica"
INK = (33, 37, 41)
MUTED = (90, 98, 106)
RULE = (206, 212, 218)
HEADING_FILL = (233, 236, 239)

# Typography that Windows-1252 lacks, in its nearest form; the rest is transliterated.
_NEAREST = str.maketrans({"\u2212": "-", "\u2011": "-", "\u2010": "-", "\u2007": " "})
# Script words from Unicode character names, as a reader names the script.
_ASCII_CONTROLS = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")
# The space after a Han run before punctuation that closes or separates: "Da Xue;" not "Da Xue ;".
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([)\]},.;:!?])")
_SCRIPT_NAMES = {"cjk": "Chinese characters", "hangul": "Korean", "hiragana": "Japanese"}


@cache
def _encodable_char(ch: str) -> bool:
    return _encodable(ch)


def _encodable(text: str) -> bool:
    try:
        text.encode(ENCODING)
    except UnicodeEncodeError:
        return False
    return True


def safe(text: str) -> str:
    """Text the PDF font can draw: format and control characters dropped, other scripts in Latin.

    Bidirectional overrides and zero-width characters (Cf) would reorder or hide text in a
    reader that honours them; the font cannot draw them anyway. Han has no spaces between
    words, so its syllables are spaced apart and from the words around them.
    """
    if text.isascii():  # most text: only control characters to replace
        return _ASCII_CONTROLS.sub(" ", text)
    kept: list[str] = []
    han: list[str] = []

    def flush() -> None:
        if han:
            if kept and kept[-1][-1:].isalnum():
                kept.append(" ")
            kept.append(" ".join(anyascii(c) for c in han) + " ")
            han.clear()

    for ch in text.translate(_NEAREST):
        category = unicodedata.category(ch)
        if category in ("Cf", "Cs", "Co", "Cn"):
            continue
        if not _encodable_char(ch) and "CJK" in unicodedata.name(ch, ""):
            han.append(ch)
            continue
        flush()
        if ch == "\n":
            kept.append(ch)
        elif category == "Cc":
            kept.append(" ")
        else:
            kept.append(ch if _encodable_char(ch) else anyascii(ch))
    flush()
    return _SPACE_BEFORE_PUNCTUATION.sub(r"\1", "".join(kept)).replace("  ", " ").rstrip(" ")


def name_text(name: Name) -> str:
    """The name as drawn: itself when the font has its letters, else its transliteration."""
    visible = "".join(ch for ch in name.text if unicodedata.category(ch) != "Cf")
    if _encodable(visible.translate(_NEAREST)):
        return safe(name.text)
    latin = name.latin or anyascii(name.text)
    scripts = sorted(
        _SCRIPT_NAMES.get(s, s.capitalize()) for s in scripts_of(name.text) if s != "latin"
    )
    origin = " and ".join(scripts) or "another script"
    return f"{safe(latin)} (transliterated from {origin})"


# A table row cannot break across pages, so a cell holds at most about 40 lines of its column;
# longer free text (a pasted essay as a mitigation's title) is cut, saying so.
CHARS_PER_MM = 22
CUT = " [...] (cut here; the page shows it in full)"


def _fit(text: str, width: float) -> str:
    limit = int(width * CHARS_PER_MM)
    return text if len(text) <= limit else text[: limit - len(CUT)] + CUT


def _day(value: date | datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        value = value.astimezone(UTC)
        return f"{value.day} {value:%B %Y, %H:%M} UTC"
    return f"{value.day} {value:%B %Y}"


class _Document(FPDF):
    """An A4 page with the case reference in the header and page numbers in the footer."""

    def __init__(self, *, title: str, reference: str) -> None:
        super().__init__(format="A4", unit="mm")
        self.core_fonts_encoding = ENCODING
        self.doc_title = safe(title)
        self.reference = safe(reference)
        self.set_margins(18, 20, 18)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(self.doc_title)
        self.set_author("trustdesk")
        self.set_creator("trustdesk")
        self.alias_nb_pages()

    def header(self) -> None:
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"{self.doc_title}  |  {self.reference}", align="L")
        self.ln(8)
        self.set_text_color(*INK)

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(FONT, size=8)
        self.set_text_color(*MUTED)
        self.cell(0, 5, f"Page {self.page_no()} of {{nb}}", align="R")
        self.set_text_color(*INK)

    # --- building blocks -------------------------------------------------------------------

    def title_block(self, title: str, subtitle: str) -> None:
        self.set_font(FONT, "B", 18)
        self.multi_cell(0, 8, safe(title), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font(FONT, size=10)
        self.set_text_color(*MUTED)
        self.multi_cell(0, 5, safe(subtitle), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_text_color(*INK)
        self.ln(3)

    def heading(self, text: str) -> None:
        if self.will_page_break(20):
            self.add_page()
        self.ln(3)
        self.set_font(FONT, "B", 13)
        self.multi_cell(0, 7, safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_draw_color(*RULE)
        self.line(self.l_margin, self.get_y(), self.w - self.r_margin, self.get_y())
        self.ln(2)

    def lines_of(self, text: str, width: float, first: float = 0.0) -> list[str]:
        """The text broken into lines at spaces (a word wider than a line at any character).

        fpdf2's own `multi_cell` measures the line afresh for every character it adds, which
        takes seconds for a report with long reasons for listing; this measures each word once.
        `first` is room already taken on the first line (by a label).
        """
        lines: list[str] = []
        space = self.get_string_width(" ")
        room = width - first
        for paragraph in text.split("\n"):
            line, used = "", 0.0
            for word in paragraph.split(" "):
                size = self.get_string_width(word)
                gap = space if line else 0.0
                if used + gap + size <= room:
                    line, used = (f"{line} {word}" if line else word), used + gap + size
                    continue
                if line:
                    lines.append(line)
                    room = width
                while size > room:  # wider than a whole line: as much of it as fits, a line each
                    cut = self._fitting(word, room)
                    lines.append(word[:cut])
                    room, word = width, word[cut:]
                    size = self.get_string_width(word)
                line, used = word, size
            lines.append(line)
            room = width
        return lines

    def _fitting(self, word: str, room: float) -> int:
        """How many of the word's first characters fit in `room` (at least one)."""
        low, high = 1, len(word)
        while low < high:
            middle = (low + high + 1) // 2
            if self.get_string_width(word[:middle]) <= room:
                low = middle
            else:
                high = middle - 1
        return low

    def write_lines(
        self, text: str, *, height: float, indent: float = 0.0, label: str = ""
    ) -> None:
        """A wrapped paragraph in the current font, an optional bold label leading it."""
        width = self.w - self.r_margin - self.l_margin - indent
        style, size = self.font_style, self.font_size_pt
        label_width = 0.0
        if label:
            self.set_font(FONT, "B", size)
            label_width = self.get_string_width(label + " ")
            self.set_font(FONT, style, size)
        for index, line in enumerate(self.lines_of(text, width, label_width)):
            self.set_x(self.l_margin + indent)
            if index == 0 and label:
                self.set_font(FONT, "B", size)
                self.cell(label_width, height, label + " ")
                self.set_font(FONT, style, size)
            self.cell(0, height, line, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def subheading(self, text: str) -> None:
        self.set_font(FONT, "B", 11)
        self.multi_cell(
            0, 6, safe(text), align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT, wrapmode=WrapMode.WORD
        )

    def para(self, text: str, *, bold: bool = False, muted: bool = False, size: int = 10) -> None:
        self.set_font(FONT, "B" if bold else "", size)
        if muted:
            self.set_text_color(*MUTED)
        self.write_lines(safe(text), height=5)
        self.set_text_color(*INK)
        self.ln(1)

    def bullets(self, items: Sequence[str]) -> None:
        self.set_font(FONT, size=10)
        for item in items:
            self.write_lines(safe(item), height=5, indent=2, label="-")
        self.ln(1)

    def facts(self, rows: Sequence[tuple[str, str]]) -> None:
        """Label and value pairs, one a line, the labels in a narrow column."""
        self.table_of(("", ""), [r for r in rows if r[1]], widths=(45, 129), with_headings=False)

    def table_of(
        self,
        headings: Sequence[str],
        rows: Sequence[Sequence[str]],
        *,
        widths: Sequence[float],
        with_headings: bool = True,
        size: int = 9,
    ) -> None:
        if not rows:
            return
        self.set_font(FONT, size=size)
        self.set_draw_color(*RULE)
        style = FontFace(emphasis="BOLD", fill_color=HEADING_FILL)
        with self.table(
            col_widths=tuple(widths),
            width=sum(widths),
            align="LEFT",
            text_align="LEFT",
            first_row_as_headings=with_headings,
            headings_style=style,
            line_height=4.6,
            padding=1.2,
            wrapmode=WrapMode.WORD,
            borders_layout="HORIZONTAL_LINES",
        ) as table:
            if with_headings:
                table.row([safe(h) for h in headings])
            for cells in rows:
                table.row([_fit(safe(c), w) for c, w in zip(cells, widths, strict=True)])
        self.ln(2)


# --- shared sections ---------------------------------------------------------------------


def _case_facts(pdf: _Document, header: CaseHeader) -> None:
    owner = header.owner
    pdf.facts(
        [
            ("Reference", header.reference),
            ("Engagement", header.title),
            ("Kind", header.kind),
            ("Status", header.status),
            ("Researcher", f"{owner.name} <{owner.email}>" if owner.email else owner.name),
            ("Department", header.department),
            ("Team", ", ".join(header.team)),
            ("Countries", ", ".join(header.countries)),
            ("Due diligence", header.tier),
            ("Dates", " to ".join(_day(d) for d in (header.start_date, header.end_date) if d)),
        ]
    )


def _screening_words(section: PartnerSection) -> str:
    counts = section.counts
    if not counts.screened:
        return "Not yet screened."
    if counts.matches == 0:
        return "Screened: no possible matches on the watch lists."
    plural = "es" if counts.matches != 1 else ""
    return (
        f"Screened: {counts.matches} possible match{plural} on the watch lists; "
        f"{counts.confirmed} confirmed, {counts.dismissed} dismissed, {counts.open} still open."
    )


def _partners(
    pdf: _Document, partners: Sequence[PartnerSection], *, entries: bool, remarks: bool
) -> None:
    if not partners:
        pdf.para("No partners are named on this engagement.", muted=True)
    for section in partners:
        pdf.subheading(f"{name_text(section.name)}")
        where = f", {section.country}" if section.country else ""
        pdf.para(f"{section.role}: {section.kind}{where}. {_screening_words(section)}")
        if entries:
            for hit in section.hits:
                _hit(pdf, hit, remarks=remarks)


def _hit(pdf: _Document, hit: HitLine, *, remarks: bool) -> None:
    """One listed institution as a block: its texts can be long, and a block breaks across pages."""
    pdf.set_x(pdf.l_margin + 4)
    pdf.set_font(FONT, "B", 9)
    pdf.multi_cell(
        0, 4.6, f"{name_text(hit.entry)} - score {hit.score:.2f}",
        align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT,
    )  # fmt: skip
    verdict = hit.verdict + (f": {hit.verdict_reason}" if hit.verdict_reason else "")
    if hit.adjudicated_by:
        verdict += f" ({hit.adjudicated_by}, {_day(hit.adjudicated_at)})"
    lines = [
        ("Lists", "; ".join(hit.lists) + " (" + ", ".join(hit.entry_ids) + ")"),
        ("Matched", "; ".join(hit.matched)),
    ]
    details = hit.details
    if details is not None:
        said = [*details.programmes, *details.categories]
        lines += [
            ("Listed for", "; ".join(said)),
            ("The list says", details.reason if remarks else ""),
            ("Countries", ", ".join(details.countries)),
        ]
    lines.append(("Verdict", verdict))
    for label, text in lines:
        if not text:
            continue
        pdf.set_font(FONT, "", 8.5)
        pdf.write_lines(safe(text), height=4.2, indent=4, label=f"{label}:")
    pdf.ln(2)


def _actions(pdf: _Document, actions: Sequence[MitigationLine], today: date) -> None:
    rows = [
        (
            m.title
            + (" [condition of approval]" if m.condition else "")
            + (f"\n{m.detail}" if m.detail else ""),
            m.owner,
            _day(m.due) + (" (overdue)" if m.overdue(today) else "")
            if m.due
            else "As agreed with the office",
            m.status,
        )
        for m in actions
    ]
    pdf.table_of(("What", "Who", "By when", "Status"), rows, widths=(84, 38, 30, 22))


def _letter_ratings(pdf: _Document, ratings: Sequence[AreaRating]) -> None:
    rows = []
    for r in ratings:
        risk = r.chosen_label
        if r.overridden:
            why = f": {r.justification}" if r.justification else ""
            risk += f" (set by the office; the assessment gave {r.computed_label}{why})"
        reasons = "\n".join(r.reasons) or "Nothing found that raises it."
        rows.append((r.area, risk, reasons))
    pdf.table_of(("Area", "Risk", "Why"), rows, widths=(38, 46, 90), size=8)


def _contacts(pdf: _Document, contacts: Sequence[Contact]) -> None:
    rows = [(c.name, c.role, c.email) for c in contacts]
    pdf.table_of(("Name", "Role", "E-mail"), rows, widths=(60, 54, 60))


# --- the letter --------------------------------------------------------------------------


def letter_pdf(letter: Letter) -> bytes:
    """The decision letter as a PDF file."""
    header = letter.header
    pdf = _Document(title="Decision letter", reference=header.reference)
    pdf.add_page()
    pdf.title_block(
        "Decision on your engagement",
        f"{header.reference} - issued {_day(letter.issued_on)}",
    )
    pdf.para(f"To {header.owner.name}" + (f" <{header.owner.email}>" if header.owner.email else ""))
    if header.team:
        pdf.para("Copied to the engagement's team: " + ", ".join(header.team), muted=True)
    pdf.para(f"Engagement: {header.title}", bold=True)
    pdf.ln(2)
    pdf.para(letter.headline, bold=True, size=12)
    decision = letter.decision
    if decision is not None:
        by = f" by {decision.decided_by}" if decision.decided_by else ""
        pdf.para(f"Decided{by} on {_day(decision.decided_at)}.", muted=True)
    if letter.reasons:
        pdf.heading("Why")
        pdf.bullets(letter.reasons)
    if letter.ratings:
        pdf.heading("How the risk was assessed")
        _letter_ratings(pdf, letter.ratings)
    if letter.actions:
        pdf.heading("What you must do, and by when")
        _actions(pdf, letter.actions, letter.issued_on)
    if decision is not None and decision.review_date:
        pdf.heading("Review")
        pdf.para(
            f"The engagement will be reviewed by {_day(decision.review_date)}, or sooner if a "
            "partner's screening, the engagement's partners, countries or research areas change."
        )
    if letter.processes:
        pdf.heading("Processes that apply")
        rows = [(p.title, p.what, p.contact.name if p.contact else "") for p in letter.processes]
        pdf.table_of(("Process", "What it involves", "Contact"), rows, widths=(44, 92, 38))
    pdf.heading("Partners")
    if not letter.entries_shown:
        pdf.para(
            "Watch-list matches are given as numbers only; the research security office holds "
            "the details and will tell you what, if anything, you need to do.",
            muted=True,
        )
    _partners(pdf, letter.partners, entries=letter.entries_shown, remarks=False)
    pdf.heading("Whom to contact")
    if letter.contacts:
        _contacts(pdf, letter.contacts)
    else:
        pdf.para("The research security office.")
    return bytes(pdf.output())


# --- the report --------------------------------------------------------------------------


def report_pdf(report: DueDiligenceReport) -> bytes:
    """The due-diligence report as a PDF file."""
    header = report.header
    pdf = _Document(title="Due-diligence report", reference=header.reference)
    pdf.add_page()
    pdf.title_block(
        f"Due-diligence report: {header.title}",
        f"{header.reference} - generated {_day(report.generated_at)} for {report.generated_for}",
    )
    pdf.heading("The case")
    _case_facts(pdf, header)
    pdf.facts([("Research areas", ", ".join(report.research_areas)), ("Funding", report.funding)])
    if report.summary:
        pdf.para(report.summary)
    if report.tier_reasons:
        pdf.subheading("Why this level of due diligence")
        pdf.bullets(report.tier_reasons)
    if report.processes:
        pdf.subheading("Processes that apply")
        pdf.bullets([f"{p.title}: {p.what}" for p in report.processes])
    pdf.heading("Partners, screening hits and verdicts")
    _partners(pdf, report.partners, entries=True, remarks=True)
    if report.questions:
        pdf.heading("Questions to the researcher")
        rows = [
            (
                q.question,
                f"{q.asked_by}, {_day(q.asked_at)}",
                q.answer or "Not yet answered",
            )
            for q in report.questions
        ]
        pdf.table_of(("Question", "Asked", "Answer"), rows, widths=(66, 40, 68))
    _assessment(pdf, report)
    _plan(pdf, report)
    _decision(pdf, report)
    _provenance(pdf, report)
    _audit(pdf, report)
    return bytes(pdf.output())


def _assessment(pdf: _Document, report: DueDiligenceReport) -> None:
    pdf.heading("Risk assessment")
    ratings = report.casework.ratings
    if not ratings:
        pdf.para("No risk assessment has been recorded for this case.", muted=True)
        return
    rows = []
    for r in ratings:
        chosen = r.chosen_label
        if r.overridden:
            why = f": {r.justification}" if r.justification else ""
            chosen += f" (changed from {r.computed_label}{why})"
        rows.append((r.area, r.computed_label, chosen, "\n".join(r.reasons)))
    pdf.table_of(("Area", "Computed", "Rating", "Reasons"), rows, widths=(34, 24, 48, 68), size=8)


def _plan(pdf: _Document, report: DueDiligenceReport) -> None:
    pdf.heading("Mitigations")
    items = report.casework.mitigations
    if not items:
        pdf.para("No mitigations are recorded for this case.", muted=True)
        return
    today = report.generated_at.date()
    rows = [
        (
            m.title + (" [condition of approval]" if m.condition else ""),
            m.owner,
            _day(m.due) + (" (overdue)" if m.overdue(today) else ""),
            m.status,
            ", ".join(m.evidence),
        )
        for m in items
    ]
    pdf.table_of(
        ("Item", "Owner", "Due", "Status", "Evidence"), rows, widths=(60, 30, 28, 20, 36), size=8
    )


def _decision(pdf: _Document, report: DueDiligenceReport) -> None:
    pdf.heading("Recommendation and decision")
    work = report.casework
    if work.recommendation is not None:
        rec = work.recommendation
        pdf.para(f"Recommended: {rec.outcome_label}, by {rec.by} on {_day(rec.at)}.", bold=True)
        pdf.para(rec.reason)
    decision = work.decision
    if decision is None:
        pdf.para("No decision has been made yet.", muted=True)
        return
    pdf.para(
        f"Decided: {decision.outcome_label}, by {decision.decided_by} on "
        f"{_day(decision.decided_at)}.",
        bold=True,
    )
    pdf.para(decision.reason)
    if decision.conditions:
        pdf.subheading("Conditions")
        pdf.bullets(decision.conditions)
    if decision.review_date:
        pdf.para(f"Review by {_day(decision.review_date)}.")
    if decision.votes:
        quorum = f" (quorum {decision.quorum})" if decision.quorum else ""
        pdf.subheading(f"Committee votes{quorum}")
        rows = [(v.voter, v.vote_label, v.reason, _day(v.at)) for v in decision.votes]
        pdf.table_of(("Member", "Vote", "Reason", "When"), rows, widths=(36, 30, 72, 36))


def _provenance(pdf: _Document, report: DueDiligenceReport) -> None:
    pdf.heading("What the results were worked out with")
    prov = report.provenance
    pdf.facts(
        [
            ("Policy pack", prov.pack),
            ("Pack digest", prov.pack_digest),
            ("Matcher", ", ".join(prov.matcher_versions)),
        ]
    )
    rows = [
        (s.list_title, s.snapshot_id, s.published if s.stored else "no longer stored")
        for s in prov.snapshots
    ]
    pdf.table_of(("List", "Snapshot", "Published"), rows, widths=(70, 70, 34), size=8)


def _audit(pdf: _Document, report: DueDiligenceReport) -> None:
    pdf.heading("Audit excerpt")
    shown = len(report.audit)
    pdf.para(
        f"The newest {shown} of the case's {report.audit_total} audited events, with their "
        "place in the hash chain; `trustdesk audit verify` checks the whole chain.",
        muted=True,
    )
    rows = [
        (
            str(a.sequence),
            _day(a.at),
            a.actor,
            a.action + (f": {a.reason}" if a.reason else ""),
            a.hash[:16],
        )
        for a in report.audit
    ]
    pdf.table_of(("#", "When", "Who", "What", "Hash"), rows, widths=(12, 34, 40, 56, 32), size=7)


# The page layout (A4, a header line, page numbers, headings, wrapped tables) for documents built
# elsewhere from the same parts: the governing body's report (trustdesk.web.leadership.pdf).
PdfDocument = _Document
