"""The institution's figures for a period: what the leadership dashboard and the board report show.

Every figure is an aggregate: grouped counts from the database, folded into small typed tables
here. Nothing loops over cases with a query each, so the dashboard costs the same number of
queries with ten engagements or ten thousand (tests/web/leadership holds it to that). The few
case references the report names come from bounded slices, never from a case's page.

One `Figure` is one chart's numbers: the page draws it, shows it as a table and offers it as CSV;
the report prints the same object, so the two cannot disagree.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from statistics import median

from django.db.models import Count, Min, OuterRef, QuerySet, Subquery
from django.db.models.functions import TruncMonth
from django.utils import timezone

from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.models import Pack
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.assessments.models import AreaRating, RiskAssessment
from trustdesk.web.cases import selectors as case_selectors
from trustdesk.web.cases.models import Engagement
from trustdesk.web.cases.values import country_name
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.decisions.models import Decision, Outcome
from trustdesk.web.hub import selectors as hub_selectors
from trustdesk.web.hub.models import TrainingCompletion
from trustdesk.web.leadership.permissions import aggregate_scope
from trustdesk.web.lists.coverage import expected_freshness
from trustdesk.web.mitigations.models import MitigationItem
from trustdesk.web.partners.models import ScreeningHit
from trustdesk.web.reference.selectors import active_pack
from trustdesk.web.triage import selectors as triage_selectors

Cell = str | int | float | None
NOT_TRIAGED = "Not triaged"
NO_DEPARTMENT = "No department"
NO_COUNTRY = "No country named"
NOT_RATED = "Not assessed"
TOP = 10  # rows of a "top" figure (countries); the rest are summed into "Other"
CLOSED_MITIGATIONS = (MitigationItem.Status.DONE, MitigationItem.Status.WAIVED)
OPEN_ENGAGEMENT = (
    Engagement.Status.SUBMITTED,
    Engagement.Status.IN_REVIEW,
    Engagement.Status.AWAITING_INFORMATION,
)


@dataclass(frozen=True, slots=True)
class Period:
    """From `start` to `end`, both days included, in the server's time zone."""

    start: dt.date
    end: dt.date

    @property
    def since(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def until(self) -> dt.datetime:
        """The first moment after the period: the bound of a half-open range."""
        return timezone.make_aware(dt.datetime.combine(self.end, dt.time.min)) + dt.timedelta(
            days=1
        )

    @property
    def label(self) -> str:
        return f"{day(self.start)} to {day(self.end)}"

    def months(self) -> list[dt.date]:
        """The first day of every month the period touches, in order."""
        months, month = [], self.start.replace(day=1)
        while month <= self.end:
            months.append(month)
            month = (month + dt.timedelta(days=32)).replace(day=1)
        return months


def day(value: dt.date) -> str:
    return f"{value.day} {value:%B %Y}"


@dataclass(frozen=True, slots=True)
class Figure:
    """One chart's numbers: a title, what a value counts, and labelled rows of counts."""

    key: str  # stable: the CSV's file name and the page's anchor
    title: str
    unit: str
    rows: tuple[tuple[str, int], ...]
    note: str = ""  # what the figure counts, said once under it

    @property
    def total(self) -> int:
        return sum(n for _, n in self.rows)

    def value(self, label: str) -> int:
        return next((n for row_label, n in self.rows if row_label == label), 0)

    def table(self) -> Table:
        return Table(self.key, self.title, (self.title, self.unit), self.rows, self.note)


@dataclass(frozen=True, slots=True)
class Table:
    """Rows under headings: what a CSV file and a printed table hold."""

    key: str
    title: str
    headings: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    note: str = ""

    @property
    def labelled(self) -> tuple[tuple[Cell, tuple[tuple[str, Cell], ...]], ...]:
        """Each row's label, then its other cells with their headings (a phone's stacked table)."""
        return tuple(
            (row[0], tuple(zip(self.headings[1:], row[1:], strict=False))) for row in self.rows
        )


@dataclass(frozen=True, slots=True)
class HeatMap:
    """Counts of engagements by risk area (rows) and the rating that stands (columns)."""

    key: str
    title: str
    areas: tuple[tuple[str, str], ...]  # (area id, label), in the pack's order
    ratings: tuple[tuple[str, str], ...]  # (rating id, label), lowest first
    counts: dict[tuple[str, str], int]
    note: str = ""

    def count(self, area: str, rating: str) -> int:
        return self.counts.get((area, rating), 0)

    @property
    def top(self) -> int:
        return max(self.counts.values(), default=0)

    def area_rows(self, area: str) -> tuple[tuple[str, int], ...]:
        return tuple((label, self.count(area, rating)) for rating, label in self.ratings)

    def table(self) -> Table:
        rows: tuple[tuple[Cell, ...], ...] = tuple(
            (label, *(self.count(area, rating) for rating, _ in self.ratings))
            for area, label in self.areas
        )
        headings = ("Risk area", *(label for _, label in self.ratings))
        return Table(self.key, self.title, headings, rows, self.note)


@dataclass(frozen=True, slots=True)
class Filters:
    period: Period
    department: Department | None = None

    @property
    def label(self) -> str:
        where = self.department.name if self.department else "every department"
        return f"{self.period.label}, {where}"


@dataclass(frozen=True, slots=True)
class PackState:
    id: str
    title: str
    version: str
    published: dt.date | None
    stale_sources: int  # sources whose facts were last checked over a year ago
    sources: int


@dataclass(frozen=True, slots=True)
class Dashboard:
    """Everything the leadership dashboard shows for one set of filters."""

    filters: Filters
    today: dt.date
    engagements: int
    by_status: Figure
    by_tier: Figure
    by_kind: Figure
    by_department: Figure
    by_country: Figure
    heat: HeatMap
    decisions_by_month: Table
    decisions_by_outcome: Figure
    escalations: Table
    overdue: Figure
    hits: Figure
    training: Table
    lists: Table
    pack: PackState | None
    median_days: float | None

    @property
    def figures(self) -> tuple[Figure, ...]:
        """The bar charts, in the page's order."""
        return (
            self.by_status,
            self.by_tier,
            self.by_kind,
            self.by_department,
            self.by_country,
            self.decisions_by_outcome,
            self.overdue,
            self.hits,
        )

    def tables(self) -> dict[str, Table]:
        """Every figure as a table, by key: what the CSV downloads serve."""
        found = [f.table() for f in self.figures]
        found += [self.heat.table(), self.decisions_by_month, self.escalations]
        found += [self.training, self.lists]
        return {t.key: t for t in found}


# --- the engagements counted -------------------------------------------------------------


def engagements_in_scope(*, user: User, filters: Filters) -> QuerySet[Engagement]:
    """Engagements proposed in the period (and department) that the user's figures count."""
    found = Engagement.objects.filter(aggregate_scope(user)).filter(
        created_at__gte=filters.period.since, created_at__lt=filters.period.until
    )
    if filters.department is not None:
        found = found.filter(department=filters.department)
    return found.order_by()


def engagements_any_date(user: User, filters: Filters) -> QuerySet[Engagement]:
    """The user's engagements in the department, whatever their date (for overdue work)."""
    found = Engagement.objects.filter(aggregate_scope(user))
    if filters.department is not None:
        found = found.filter(department=filters.department)
    return found.order_by()


def _grouped(engagements: QuerySet[Engagement], column: str) -> Counter[object]:
    rows = engagements.values(column).annotate(n=Count("pk")).order_by()
    return Counter({row[column]: row["n"] for row in rows})


def status_figure(engagements: QuerySet[Engagement]) -> Figure:
    counts = _grouped(engagements, "status")
    rows = tuple((str(s.label), counts[s.value]) for s in Engagement.Status)
    return Figure("status", "Engagements by status", "Engagements", rows)


def tier_figure(engagements: QuerySet[Engagement]) -> Figure:
    counts = _grouped(engagements, "triage_tier")
    labels = triage_selectors.tier_labels()
    rows = [(label, counts[key]) for key, label in labels.items()]
    rows += [(str(key), n) for key, n in counts.items() if key and key not in labels]
    rows.append((NOT_TRIAGED, counts[""]))
    return Figure("tier", "Engagements by due-diligence tier", "Engagements", tuple(rows))


def kind_figure(engagements: QuerySet[Engagement]) -> Figure:
    counts = _grouped(engagements, "kind")
    rows = tuple((str(k.label), counts[k.value]) for k in Engagement.Kind if counts[k.value])
    return Figure("kind", "Engagements by kind", "Engagements", rows)


def department_figure(engagements: QuerySet[Engagement]) -> Figure:
    counts = _grouped(engagements, "department__name")
    rows = sorted(
        ((str(name) if name else NO_DEPARTMENT, n) for name, n in counts.items()),
        key=lambda row: (-row[1], row[0]),
    )
    return Figure("department", "Engagements by department", "Engagements", tuple(rows))


def country_figure(engagements: QuerySet[Engagement]) -> Figure:
    """Engagements naming each country; one naming two counts under both.

    Grouped by the stored list of codes, so the database returns one row per distinct list
    (few, whatever the number of engagements), which are split and summed here.
    """
    counts: Counter[str] = Counter()
    for row in engagements.values("countries").annotate(n=Count("pk")).order_by():
        codes = row["countries"] or []
        for code in set(codes) or {""}:
            counts[code] += row["n"]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    rows = [(country_name(code) if code else NO_COUNTRY, n) for code, n in ranked[:TOP]]
    rest = sum(n for _, n in ranked[TOP:])
    if rest:
        rows.append(("Other countries", rest))
    note = "An engagement naming several countries counts under each."
    return Figure("country", "Engagements by country", "Engagements", tuple(rows), note)


# --- risk ------------------------------------------------------------------------------------


def latest_assessments(engagements: QuerySet[Engagement]) -> QuerySet[RiskAssessment]:
    latest = (
        RiskAssessment.objects.filter(engagement=OuterRef("engagement"))
        .order_by("-created_at", "-pk")
        .values("pk")[:1]
    )
    return RiskAssessment.objects.filter(
        engagement__in=engagements.values("pk"), pk=Subquery(latest)
    )


def risk_heat_map(engagements: QuerySet[Engagement], pack: Pack | None) -> HeatMap:
    """Each area's standing rating on each engagement's latest assessment, counted."""
    rows = (
        AreaRating.objects.filter(assessment__in=latest_assessments(engagements))
        .values("area", "label", "chosen")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts: dict[tuple[str, str], int] = {}
    seen_areas: dict[str, str] = {}
    for row in rows:
        counts[(row["area"], row["chosen"])] = row["n"]
        seen_areas.setdefault(row["area"], row["label"])
    areas = {a.id: a.label for a in pack.risk_areas} if pack else {}
    ratings = {r.id: r.label for r in pack.risk_scale} if pack else {}
    areas.update({k: v for k, v in seen_areas.items() if k not in areas})
    ratings.update({r: r for _, r in counts if r not in ratings})
    note = "Each engagement's latest risk assessment, with the rating that stands in each area."
    return HeatMap(
        "risk",
        "Risk by area (engagements at each rating)",
        tuple(areas.items()),
        tuple(ratings.items()),
        counts,
        note,
    )


# --- decisions -------------------------------------------------------------------------------


def decisions_in(user: User, filters: Filters) -> QuerySet[Decision]:
    found = Decision.objects.filter(
        decided_at__gte=filters.period.since,
        decided_at__lt=filters.period.until,
        engagement__in=engagements_any_date(user, filters).values("pk"),
    )
    return found.order_by()


def _submitted(engagement_ids: Iterable[int]) -> dict[str, dt.datetime]:
    """Each engagement's first submission, as the audit trail recorded it (one query)."""
    rows = (
        AuditEvent.objects.filter(
            action="trustdesk.engagement.submitted",
            target_type=case_selectors.TARGET_TYPE,
            target_id__in=[str(pk) for pk in engagement_ids],
        )
        .values("target_id")
        .annotate(first=Min("created_at"))
        .values_list("target_id", "first")
    )
    return dict(rows)


@dataclass(frozen=True, slots=True)
class DecisionFigures:
    by_month: Table
    by_outcome: Figure
    escalations: Table
    median_days: float | None


def decision_figures(decisions: QuerySet[Decision], period: Period) -> DecisionFigures:
    """Decisions per month with the median days from submission; outcomes; the committee's.

    Two queries: the decisions' month, outcome, route and engagement, and the first submission
    of those engagements from the audit trail.
    """
    rows = list(
        decisions.annotate(month=TruncMonth("decided_at")).values_list(
            "month", "outcome", "route", "engagement_id", "decided_at"
        )
    )
    submitted = _submitted({row[3] for row in rows})
    days: dict[dt.date, list[float]] = defaultdict(list)
    count: Counter[dt.date] = Counter()
    outcomes: Counter[str] = Counter()
    routes: Counter[tuple[str, str]] = Counter()
    all_days: list[float] = []
    for month, outcome, route, engagement_id, decided_at in rows:
        key = _month_of(month)
        count[key] += 1
        outcomes[outcome] += 1
        routes[(route, outcome)] += 1
        first = submitted.get(str(engagement_id))
        if first is not None:
            taken = (decided_at - first).total_seconds() / 86400
            days[key].append(taken)
            all_days.append(taken)
    # From the first month with a decision: a long period does not open on years of zeros.
    months = [m for m in period.months() if count and m >= min(count)]
    by_month = tuple(
        (f"{m:%B %Y}", count[m], _days(median(days[m])) if days[m] else None) for m in months
    )
    return DecisionFigures(
        by_month=Table(
            "decisions-by-month",
            "Decisions and time to decision by month",
            ("Month", "Decisions", "Median days from submission"),
            by_month,
        ),
        by_outcome=_outcome_figure(outcomes),
        escalations=_route_table(routes),
        median_days=_days(median(all_days)) if all_days else None,
    )


def _days(value: float) -> float:
    """Days to one decimal; adding 0.0 turns a rounded -0.0 into 0.0."""
    return round(value, 1) + 0.0


def _month_of(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return value.date().replace(day=1)
    return value.replace(day=1)


def _outcome_figure(outcomes: Counter[str]) -> Figure:
    rows = tuple((str(o.label), outcomes[o.value]) for o in Outcome)
    return Figure("decision-outcome", "Decisions by outcome", "Decisions", rows)


def _route_table(routes: Counter[tuple[str, str]]) -> Table:
    """Who decided (officer, approver, committee) against what they decided."""
    rows: tuple[tuple[Cell, ...], ...] = tuple(
        (str(route.label), *(routes[(route.value, o.value)] for o in Outcome))
        for route in Decision.Route
    )
    return Table(
        "escalations",
        "Decisions by who decided them, and their outcomes",
        ("Decided by", *(str(o.label) for o in Outcome)),
        rows,
        "Cases the policy pack routes above the officer are escalated to an approver or the "
        "committee.",
    )


# --- overdue work, hits, training, lists, the pack -----------------------------------------


def overdue_figure(user: User, filters: Filters, today: dt.date) -> Figure:
    """Reviews past their date and mitigations past their due date, on the day asked."""
    scoped = engagements_any_date(user, filters)
    reviews = scoped.filter(
        status__in=(Engagement.Status.ACTIVE, Engagement.Status.REVIEW_DUE),
        review_date__lt=today,
    ).count()
    mitigations = overdue_mitigations(scoped, today).count()
    rows = (("Reviews overdue", reviews), ("Mitigations overdue", mitigations))
    note = f"On {day(today)}, over every engagement in scope whatever its date."
    return Figure("overdue", "Overdue reviews and mitigations", "Items", rows, note)


def overdue_mitigations(scoped: QuerySet[Engagement], today: dt.date) -> QuerySet[MitigationItem]:
    return MitigationItem.objects.filter(
        removed_at__isnull=True,
        due_date__lt=today,
        engagement__in=scoped.values("pk"),
    ).exclude(status__in=CLOSED_MITIGATIONS)


def hits_figure(period: Period) -> Figure:
    """Screening hits adjudicated in the period, by verdict (across the institution)."""
    rows = (
        ScreeningHit.objects.filter(
            adjudicated_at__gte=period.since, adjudicated_at__lt=period.until
        )
        .values("verdict")
        .annotate(n=Count("pk"))
        .order_by()
    )
    counts = {row["verdict"]: row["n"] for row in rows}
    labels = dict(ScreeningHit._meta.get_field("verdict").choices or [])
    figure_rows = tuple(
        (str(labels.get(verdict, verdict)), n) for verdict, n in sorted(counts.items())
    )
    note = "Verdicts officers recorded in the period, on every organisation and person screened."
    return Figure("hits", "Screening hits adjudicated", "Hits", figure_rows, note)


def training_table(filters: Filters, now: dt.datetime) -> Table:
    """Per module: active people (in the department), and how many hold a current pass."""
    people = User.objects.filter(is_active=True)
    if filters.department is not None:
        people = people.filter(department=filters.department)
    size = people.count()
    passed = dict(
        TrainingCompletion.objects.filter(user__in=people.values("pk"), expires_at__gt=now)
        .values("module_id")
        .annotate(n=Count("user", distinct=True))
        .values_list("module_id", "n")
    )
    rows = tuple(
        (m.title, size, passed.get(m.pk, 0), _percent(passed.get(m.pk, 0), size))
        for m in hub_selectors.module_list()
    )
    return Table(
        "training",
        "Training completion",
        ("Module", "People", "With a current pass", "Per cent"),
        rows,
        "Active accounts; a pass counts until it expires.",
    )


def _percent(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def lists_table(now: dt.datetime) -> Table:
    """Each expected watch list: its age in days against the most it may be."""
    rows = tuple(
        (
            f.source,
            f.kind,
            None if f.age_seconds is None else round(f.age_seconds / 86400, 1),
            f.max_age_seconds // 86400,
            "missing" if f.missing else "stale" if f.stale else "current",
        )
        for f in expected_freshness(now=now)
    )
    return Table(
        "lists",
        "Watch-list freshness",
        ("List", "Kind", "Age in days", "Most days allowed", "State"),
        rows,
    )


def current_pack() -> Pack | None:
    try:
        return active_pack()
    except PackInvalid:
        return None


def pack_state(pack: Pack | None, today: dt.date) -> PackState | None:
    if pack is None:
        return None
    year_ago = today - dt.timedelta(days=365)
    stale = sum(1 for s in pack.sources if s.checked is not None and s.checked < year_ago)
    return PackState(
        pack.id, pack.title, pack.version, pack.publication_date, stale, len(pack.sources)
    )


# --- the dashboard ---------------------------------------------------------------------------


def dashboard(*, user: User, filters: Filters, today: dt.date | None = None) -> Dashboard:
    """Every figure of the dashboard, in a fixed number of queries."""
    today = today or timezone.localdate()
    now = timezone.now()
    engagements = engagements_in_scope(user=user, filters=filters)
    pack = current_pack()
    decisions = decision_figures(decisions_in(user, filters), filters.period)
    by_status = status_figure(engagements)
    return Dashboard(
        filters=filters,
        today=today,
        engagements=by_status.total,
        by_status=by_status,
        by_tier=tier_figure(engagements),
        by_kind=kind_figure(engagements),
        by_department=department_figure(engagements),
        by_country=country_figure(engagements),
        heat=risk_heat_map(engagements, pack),
        decisions_by_month=decisions.by_month,
        decisions_by_outcome=decisions.by_outcome,
        escalations=decisions.escalations,
        overdue=overdue_figure(user, filters, today),
        hits=hits_figure(filters.period),
        training=training_table(filters, now),
        lists=lists_table(now),
        pack=pack_state(pack, today),
        median_days=decisions.median_days,
    )


def departments() -> QuerySet[Department]:
    return Department.objects.order_by("name")
