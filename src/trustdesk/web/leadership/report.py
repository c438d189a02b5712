"""The governing body's report for a period, as typed sections that the PDF and the CSV both print.

The report follows the four UUK areas (reputation and values, people, campuses, partnerships)
and around them says what was reviewed and decided, what was escalated and how it ended, the
themes, what is overdue, and what changed in law, in the policy pack and in the watch lists.

It is a list of section builders (`SECTIONS`): each takes the report's inputs and returns its
sections. A new section is one function and its name in the list; the PDF, the CSV and the
progress count follow. Cases appear by reference only ("TD-1A2B3C4D"), with their kind, tier,
countries and outcome: the report names no researcher, officer or partner.

The institution's self-assessment closes the report: the latest one completed by the period's
end, against the one before it (`selfassess.selectors.self_assessment_summary`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from trustdesk.policy.models import Pack
from trustdesk.web.accounts.models import User
from trustdesk.web.leadership import report_selectors, selectors
from trustdesk.web.leadership.report_selectors import Lines
from trustdesk.web.leadership.selectors import Cell, Dashboard, Filters, Table
from trustdesk.web.selfassess.selectors import CHANGE_WORDS, self_assessment_summary

Progress = Callable[[int, int, str], None]


@dataclass(frozen=True, slots=True)
class Section:
    key: str
    title: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True, slots=True)
class ReportInput:
    """What every builder reads: the reader (whose scope counts), the period, the dashboard."""

    user: User
    filters: Filters
    today: dt.date
    dashboard: Dashboard
    pack: Pack | None


@dataclass(frozen=True, slots=True)
class BoardReportContent:
    title: str
    period: str
    generated: dt.date
    pack: str
    sections: tuple[Section, ...]
    headline: dict[str, object]  # the figures a reader checks first, stored on the report row

    def tables(self) -> list[tuple[Section, Table]]:
        return [(section, table) for section in self.sections for table in section.tables]


SectionBuilder = Callable[[ReportInput], Sequence[Section]]


def _lines_table(key: str, title: str, lines: Lines, last: str) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (line.reference, line.kind, line.tier, line.countries, line.outcome or line.detail)
        for line in lines.lines
    ]
    note = f"{lines.more} more not listed." if lines.more else ""
    return Table(key, title, ("Case", "Kind", "Tier", "Countries", last), tuple(rows), note=note)


# --- the builders, in the report's order ---------------------------------------------------


def summary_sections(data: ReportInput) -> Sequence[Section]:
    board = data.dashboard
    decided = board.decisions_by_outcome.total
    median = (
        f" The median time from submission to decision was {board.median_days} days."
        if board.median_days is not None
        else ""
    )
    overdue = board.overdue
    paragraphs = (
        f"{board.engagements} engagement(s) were proposed in the period and {decided} "
        f"decision(s) were made.{median}",
        f"On {data.today.day} {data.today:%B %Y}, {overdue.value('Reviews overdue')} review(s) "
        f"and {overdue.value('Mitigations overdue')} mitigation(s) were overdue.",
        "Cases are named by their reference only; the case file holds the rest, for those "
        "whose role lets them read it.",
    )
    return (
        Section(
            "summary",
            "Summary",
            paragraphs,
            (board.by_tier.table(), board.by_kind.table(), board.by_department.table()),
        ),
    )


def reviewed_sections(data: ReportInput) -> Sequence[Section]:
    board = data.dashboard
    return (
        Section(
            "decided",
            "What was reviewed and decided",
            (
                "Engagements proposed in the period by where they stand now, and the decisions "
                "made in the period by outcome and month.",
            ),
            (
                board.by_status.table(),
                board.decisions_by_outcome.table(),
                board.decisions_by_month,
                board.hits.table(),
            ),
        ),
    )


def area_sections(data: ReportInput) -> Sequence[Section]:
    """One section per UUK area: its ratings, the cases rated at the top of the scale, overdue."""
    heat = data.dashboard.heat
    serious = dict(heat.ratings[-2:])  # the top two ratings of the pack's scale
    serious_words = " or ".join(serious.values())
    overdue = report_selectors.overdue_mitigations_by_area(
        user=data.user, filters=data.filters, today=data.today
    )
    sections = []
    for area, label in heat.areas:
        ratings = heat.area_rows(area)
        assessed = sum(n for _, n in ratings)
        cases = report_selectors.high_risk_cases(
            user=data.user, filters=data.filters, area=area, ratings=serious
        )
        paragraphs = (
            f"{assessed} engagement(s) proposed in the period were assessed in this area; "
            f"{cases.total} rated {serious_words.lower()}.",
            f"{overdue[area]} mitigation(s) in this area are overdue.",
        )
        table = Table(
            f"area-{area}", f"{label}: ratings", ("Rating", "Engagements"), ratings, heat.note
        )
        listed = _lines_table(
            f"area-{area}-cases", f"{label}: cases rated {serious_words.lower()}", cases, "Rating"
        )
        sections.append(Section(f"area-{area}", label, paragraphs, (table, listed)))
    return sections


def escalation_sections(data: ReportInput) -> Sequence[Section]:
    cases = report_selectors.committee_cases(user=data.user, filters=data.filters)
    return (
        Section(
            "escalations",
            "Escalations and their outcomes",
            (f"The committee decided {cases.total} case(s) in the period.",),
            (
                data.dashboard.escalations,
                _lines_table("committee-cases", "Cases the committee decided", cases, "Outcome"),
            ),
        ),
    )


def theme_sections(data: ReportInput) -> Sequence[Section]:
    board = data.dashboard
    heat = board.heat
    top = heat.ratings[-1][0] if heat.ratings else ""
    areas = Table(
        "themes-areas",
        "Areas rated at the top of the scale",
        ("Risk area", "Engagements"),
        tuple((label, heat.count(area, top)) for area, label in heat.areas),
    )
    return (
        Section(
            "themes",
            "Themes",
            ("Where the period's engagements were, what they were, and where risk was highest.",),
            (board.by_country.table(), board.by_kind.table(), areas),
        ),
    )


def overdue_sections(data: ReportInput) -> Sequence[Section]:
    cases = report_selectors.overdue_cases(user=data.user, filters=data.filters, today=data.today)
    return (
        Section(
            "overdue",
            "Overdue actions",
            (f"{cases.total} case(s) have a review or a mitigation overdue.",),
            (
                data.dashboard.overdue.table(),
                _lines_table("overdue-cases", "Cases with overdue actions", cases, "Overdue"),
            ),
        ),
    )


def changes_sections(data: ReportInput) -> Sequence[Section]:
    period = data.filters.period
    law = report_selectors.law_changes(data.pack, period)
    used = report_selectors.pack_versions_used(period)
    lists = report_selectors.list_changes(period)
    pack = data.dashboard.pack
    paragraphs = []
    if pack is not None:
        published = f", published {pack.published:%d %B %Y}" if pack.published else ""
        paragraphs.append(
            f"The policy pack in force: {pack.title}, version {pack.version}{published}."
        )
    tables = (
        Table(
            "law",
            "Sources of law and guidance published or checked in the period",
            ("Source", "Publisher", "Published", "Checked"),
            tuple((c.title, c.publisher, _iso(c.published), _iso(c.checked)) for c in law),
        ),
        Table(
            "pack-versions",
            "Policy pack versions triages were completed under",
            ("Pack and version", "First used", "Last used", "Triages"),
            tuple((u.pack, _iso(u.first.date()), _iso(u.last.date()), u.triages) for u in used),
        ),
        Table(
            "list-changes",
            "Watch lists updated in the period",
            ("List", "New snapshots", "Latest"),
            tuple((c.source, c.snapshots, _iso(c.latest.date())) for c in lists),
        ),
        data.dashboard.lists,
    )
    return (
        Section("changes", "Changes in law, policy and the watch lists", tuple(paragraphs), tables),
    )


def self_assessment_sections(data: ReportInput) -> Sequence[Section]:
    """Where the institution stands against the guidance, by its own latest assessment."""
    summary = self_assessment_summary(as_of=data.filters.period.end)
    if summary is None:
        paragraphs: tuple[str, ...] = (
            "No self-assessment had been completed by the end of the period.",
        )
        return (Section("self-assessment", "The institution's self-assessment", paragraphs),)
    scale = f"out of {summary.max_level}"
    overall = f"{_level(summary.average)} {scale}"
    if summary.previous_as_of is not None:
        overall += (
            f", against {_level(summary.previous_average)} in the assessment of "
            f"{summary.previous_as_of:%d %B %Y}"
        )
    paragraphs = (
        f"{summary.title}, as at {summary.as_of:%d %B %Y}: average maturity {overall}.",
        f"{summary.open_actions} action(s) from its gaps were open at the end of the period, "
        f"{summary.overdue_actions} of them overdue.",
    )
    table = Table(
        "self-assessment",
        f"Maturity by theme ({scale})",
        ("Theme", "Maturity", "Previous", "Change"),
        tuple(
            (
                s.title,
                _level(s.average),
                _level(s.previous_average),
                CHANGE_WORDS[s.change] if s.change else "",
            )
            for s in summary.sections
        ),
    )
    return (Section("self-assessment", "The institution's self-assessment", paragraphs, (table,)),)


def _level(value: float | None) -> str:
    return f"{value:.1f}" if value is not None else "not assessed"


def _iso(value: dt.date | None) -> str:
    return value.isoformat() if value else ""


SECTIONS: tuple[SectionBuilder, ...] = (
    summary_sections,
    reviewed_sections,
    area_sections,
    escalation_sections,
    theme_sections,
    overdue_sections,
    changes_sections,
    self_assessment_sections,
)


def steps_of_report() -> int:
    """Progress steps: each builder's sections, then the PDF and CSV (the service's last)."""
    return len(SECTIONS) + 1


def build_report(
    *, user: User, filters: Filters, today: dt.date, progress: Progress | None = None
) -> BoardReportContent:
    """Every section for the period, reporting after each builder as a step of the whole."""
    steps = steps_of_report()
    if progress:
        progress(0, steps, "counting the period's figures")
    board = selectors.dashboard(user=user, filters=filters, today=today)
    pack = selectors.current_pack()
    data = ReportInput(user, filters, today, board, pack)
    sections: list[Section] = []
    for number, builder in enumerate(SECTIONS, start=1):
        built = builder(data)
        sections.extend(built)
        if progress:
            progress(number, steps, f"written: {', '.join(s.title for s in built)}")
    state = board.pack
    return BoardReportContent(
        title="Report to the governing body: international engagements and security",
        period=filters.period.label,
        generated=today,
        pack=f"{state.title} {state.version}" if state else "no policy pack loaded",
        sections=tuple(sections),
        headline=headline(board),
    )


def headline(board: Dashboard) -> dict[str, object]:
    """The figures a reader checks first; the browser test compares them with the dashboard."""
    return {
        "engagements": board.engagements,
        "decisions": board.decisions_by_outcome.total,
        "by_tier": dict(board.by_tier.rows),
        "median_days": board.median_days,
    }
