"""Reads for the hub: pages and their history, contacts as the pack names them, training status.

Guidance and contacts are open to every account; training completions are scoped by
`permissions.completion_people_scope`. The pack's contact keys resolve here to the records
officers keep, with the deputy standing in while a contact is away, so the triage result, the
process pages and the case page all name the same person.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Exists, Max, OuterRef, Q, QuerySet
from django.urls import reverse

from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.models import Mitigation, Pack, Process, TrainingRequirement
from trustdesk.policy.training import applicable_training
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.accounts.permissions import AnyUser
from trustdesk.web.hub import permissions
from trustdesk.web.hub.models import (
    Contact,
    GuidancePage,
    PageVersion,
    TrainingCompletion,
    TrainingModule,
)
from trustdesk.web.reference.selectors import active_pack

#: A pass is "expiring" (and its holder reminded) this long before it lapses.
EXPIRY_WARNING = dt.timedelta(days=30)
#: A page's review "comes up" for its owner (on the hub home and the desk) this long ahead.
REVIEW_NOTICE = dt.timedelta(days=30)


# --- guidance pages -------------------------------------------------------------------------


def live_pages() -> QuerySet[GuidancePage]:
    """Pages not withdrawn: the only ones readers, search and reminders ever see."""
    return GuidancePage.objects.filter(withdrawn_at__isnull=True)


def page_for_reader(*, user: AnyUser) -> QuerySet[GuidancePage]:
    """The pages a signed-in user may open: guidance editors also open withdrawn ones."""
    pages = GuidancePage.objects.select_related("owner", "withdrawn_by")
    if permissions.can_manage_guidance(user):
        return pages
    return pages.filter(withdrawn_at__isnull=True)


def withdrawn_pages() -> QuerySet[GuidancePage]:
    return GuidancePage.objects.filter(withdrawn_at__isnull=False).order_by("-withdrawn_at", "pk")


def page_list(*, tag: str = "", public_only: bool = False) -> list[GuidancePage]:
    pages = live_pages().select_related("owner")
    if public_only:
        pages = pages.filter(public=True)
    # JSON containment is not on SQLite, and a hub has hundreds of pages, not millions: the
    # tag filter runs here rather than as a per-database JSON query.
    return [p for p in pages if not tag or tag in p.tags]


def tags_in_use(pages: Iterable[GuidancePage]) -> list[str]:
    return sorted({tag for page in pages for tag in page.tags})


def stale_pages(*, today: dt.date, owner: User | None = None) -> QuerySet[GuidancePage]:
    """Pages past their review date (one owner's, or everyone's), oldest review date first."""
    pages = live_pages().filter(review_by__lt=today).select_related("owner")
    if owner is not None:
        pages = pages.filter(owner=owner)
    return pages.order_by("review_by", "pk")


def pages_for_review(*, owner: User, until: dt.date) -> QuerySet[GuidancePage]:
    """The owner's pages whose review date is ``until`` or earlier, the most overdue first."""
    return live_pages().filter(owner=owner, review_by__lte=until).order_by("review_by", "pk")


# --- what links to a page or names a contact, asked before either is removed ----------------


@dataclass(frozen=True, slots=True)
class Reference:
    """One thing that points at a page or a contact, in words, and whether it blocks removal.

    A blocking reference would leave researchers with a dead link (the pack's guidance links,
    a training module's text), so it must be changed first; the others are warnings.
    """

    what: str
    url: str
    blocking: bool
    name: str  # what the link to ``url`` is called ("the policy pack", a module's title)


def _page_paths(page: GuidancePage) -> list[str]:
    """The addresses a link to ``page`` may use, without their trailing slash."""
    return [
        reverse("hub:page-detail", kwargs={"public_id": page.public_id}).rstrip("/"),
        reverse("hub:public-page", kwargs={"slug": page.slug}).rstrip("/"),
    ]


def _links_to(paths: list[str]) -> re.Pattern[str]:
    # A path followed by a letter, digit or hyphen is another page's ("/public/travel-2").
    return re.compile("(" + "|".join(re.escape(p) for p in paths) + r")(?![\w-])")


def page_references(page: GuidancePage, *, pack: Pack | None) -> list[Reference]:
    """The pack's links, training modules and other pages that link to ``page``.

    Links are matched by path, so an absolute address on the institution's own host counts
    too. Two queries, whatever the number of pages and modules.
    """
    paths = _page_paths(page)
    linked = _links_to(paths)
    found: list[Reference] = []
    if pack is not None:
        for p in pack.processes:
            if linked.search(p.guidance_url):
                what = f"The policy pack's process “{p.title}” gives it as its guidance."
                url = reverse("hub:process-detail", kwargs={"process_id": p.id})
                found.append(Reference(what, url, blocking=True, name="the process"))
        for key, c in sorted(pack.contacts.items()):
            if c.url and linked.search(c.url):
                what = f"The policy pack's contact “{c.name}” ({key}) links to it."
                url = reverse("reference:pack-detail")
                found.append(Reference(what, url, blocking=True, name="the policy pack"))
    mentions = Q()
    for path in paths:
        mentions |= Q(body__contains=path)
    for m in TrainingModule.objects.filter(mentions).order_by("title", "pk"):
        if linked.search(m.body):
            what = f"The training module “{m.title}” links to it."
            found.append(Reference(what, m.get_absolute_url(), blocking=True, name=m.title))
    for other in live_pages().filter(mentions).exclude(pk=page.pk).order_by("title", "pk"):
        if linked.search(other.body):
            what = f"The guidance page “{other.title}” links to it."
            url = other.get_absolute_url()
            found.append(Reference(what, url, blocking=False, name=other.title))
    return found


def contact_references(contact: Contact, *, pack: Pack | None) -> list[Reference]:
    """What names ``contact``: the pack contact it answers for (and its processes), deputies.

    None blocks: without the record the pack's own text for the contact is shown again, and a
    contact it deputised for has no deputy; the person deleting is told both first.
    """
    found: list[Reference] = []
    if pack is not None and contact.key and contact.key in pack.contacts:
        named = pack.contacts[contact.key]
        said = named.name + (f", {named.email}" if named.email else "")
        processes = [f"“{p.title}”" for p in pack.processes if p.contact == contact.key]
        pages = "process page" if len(processes) == 1 else "process pages"
        where = f" and the {pages} {', '.join(processes)}" if processes else ""
        what = (
            f"The policy pack's contact “{contact.key}” resolves to this person: triage "
            f"results, case pages{where} will show the pack's own entry ({said}) instead."
        )
        url = reverse("reference:pack-detail")
        found.append(Reference(what, url, blocking=False, name="the policy pack"))
    for other in Contact.objects.filter(deputy=contact).order_by("name", "pk"):
        what = f"{other.name} has this person as their deputy and will have none."
        found.append(Reference(what, other.get_absolute_url(), blocking=False, name=other.name))
    return found


def page_versions(page: GuidancePage) -> QuerySet[PageVersion]:
    return page.versions.select_related("edited_by")


@dataclass(frozen=True, slots=True)
class DiffLine:
    op: str  # "add", "remove", "same" or "gap"
    text: str


def version_diff(page: GuidancePage, number: int) -> tuple[PageVersion, list[DiffLine]]:
    """Version ``number`` and what it changed from the one before (all added for version 1)."""
    versions = {v.number: v for v in page.versions.filter(number__in=[number - 1, number])}
    current = versions.get(number)
    if current is None:
        raise PageVersion.DoesNotExist(f"page {page.public_id} has no version {number}")
    before = versions.get(number - 1)
    old = _as_lines(before) if before is not None else []
    lines = []
    for raw in difflib.unified_diff(old, _as_lines(current), lineterm="", n=3):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            lines.append(DiffLine("gap", "…"))
        elif raw.startswith("+"):
            lines.append(DiffLine("add", raw[1:]))
        elif raw.startswith("-"):
            lines.append(DiffLine("remove", raw[1:]))
        else:
            lines.append(DiffLine("same", raw[1:]))
    return current, lines


def _as_lines(version: PageVersion) -> list[str]:
    head = [f"Title: {version.title}", f"Summary: {version.summary}"]
    head.append(f"Tags: {', '.join(version.tags)}")
    return [*head, "", *version.body.splitlines()]


# --- contacts and champions -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ResolvedContact:
    """A contact as a reader should use it today: ``answering`` is the deputy while away."""

    contact: Contact
    away: bool
    answering: Contact


def contact_list() -> QuerySet[Contact]:
    return Contact.objects.select_related("department", "deputy")


def resolve(contact: Contact, today: dt.date) -> ResolvedContact:
    away = contact.is_away(today)
    deputy = contact.deputy if away and contact.deputy is not None else None
    return ResolvedContact(contact, away, deputy or contact)


def contacts_by_key(keys: Iterable[str], *, today: dt.date) -> dict[str, ResolvedContact]:
    """The records the pack's contact ``keys`` resolve to; keys without a record are absent."""
    wanted = {k for k in keys if k}
    found = Contact.objects.filter(key__in=wanted).select_related("deputy")
    return {c.key: resolve(c, today) for c in found}


def answers_for(contact: Contact, processes: Iterable[Process]) -> list[str]:
    """What a contact answers for, in words, for readers who do not know the pack's keys.

    The pack's processes that name them (by the pack key they answer for, or listed on the
    record), then their topics.
    """
    titles = [
        p.title
        for p in processes
        if (contact.key and p.contact == contact.key) or p.id in contact.processes
    ]
    return titles + ([contact.topics] if contact.topics else [])


def contacts_for_process(process_id: str) -> list[Contact]:
    """Contacts who listed the process among theirs (beside the one the pack names)."""
    return [c for c in contact_list() if process_id in c.processes]


@dataclass(frozen=True, slots=True)
class DepartmentChampions:
    department: Department | None
    champions: list[User]


def champions_by_department() -> list[DepartmentChampions]:
    """Active champion accounts grouped by department; those without one listed last."""
    champions = User.objects.filter(role=User.Role.CHAMPION, is_active=True).select_related(
        "department"
    )
    groups: dict[int | None, list[User]] = defaultdict(list)
    departments: dict[int | None, Department | None] = {None: None}
    for user in champions.order_by("last_name", "first_name", "pk"):
        groups[user.department_id].append(user)
        departments[user.department_id] = user.department
    named = sorted((k for k in groups if k is not None), key=lambda k: str(departments[k]))
    order: list[int | None] = [*named, *([None] if None in groups else [])]
    return [DepartmentChampions(departments[k], groups[k]) for k in order]


def champions_for(department_id: int | None) -> list[User]:
    if department_id is None:
        return []
    return list(
        User.objects.filter(
            role=User.Role.CHAMPION, is_active=True, department_id=department_id
        ).order_by("last_name", "pk")
    )


# --- the pack's processes and checklist -----------------------------------------------------


def process_get(pack: Pack, process_id: str) -> Process | None:
    return next((p for p in pack.processes if p.id == process_id), None)


def checklist(pack: Pack) -> list[tuple[str, list[Mitigation]]]:
    """The pack's mitigations under their risk areas' labels, in the pack's order."""
    labels = {a.id: a.label for a in pack.risk_areas}
    grouped: dict[str, list[Mitigation]] = defaultdict(list)
    for m in pack.mitigations:
        grouped[m.area].append(m)
    return [(labels.get(area, area), items) for area, items in grouped.items()]


# --- training -------------------------------------------------------------------------------


def module_list() -> QuerySet[TrainingModule]:
    return TrainingModule.objects.all()


def current_completions(
    *, user: User, now: dt.datetime, modules: Iterable[TrainingModule] | None = None
) -> dict[int, TrainingCompletion]:
    """The user's latest unexpired pass of each module, by module pk."""
    passes = TrainingCompletion.objects.filter(user=user, expires_at__gt=now)
    if modules is not None:
        passes = passes.filter(module__in=list(modules))
    latest: dict[int, TrainingCompletion] = {}
    for c in passes.order_by("expires_at", "pk"):
        latest[c.module_id] = c  # the last one seen expires latest
    return latest


@dataclass(frozen=True, slots=True)
class ModuleStatus:
    module: TrainingModule
    completion: TrainingCompletion | None
    state: str  # "current", "expiring" or "due"

    @property
    def label(self) -> str:
        return {"current": "Passed", "expiring": "Expires soon", "due": "Not passed"}[self.state]


def _state(completion: TrainingCompletion | None, now: dt.datetime) -> str:
    if completion is None:
        return "due"
    return "expiring" if completion.expires_at - now <= EXPIRY_WARNING else "current"


def my_training(*, user: User, now: dt.datetime) -> list[ModuleStatus]:
    modules = list(module_list())
    passes = current_completions(user=user, now=now, modules=modules)
    return [ModuleStatus(m, passes.get(m.pk), _state(passes.get(m.pk), now)) for m in modules]


@dataclass(frozen=True, slots=True)
class RequiredTraining:
    """A requirement that applies, the module it names (None until loaded), and if it is met."""

    requirement: TrainingRequirement
    module: TrainingModule | None
    done: bool


def training_required(
    *, pack: Pack, user: User, kind: str | None, tier: str | None, now: dt.datetime
) -> list[RequiredTraining]:
    """The pack's requirements for this kind and tier, each with whether ``user`` meets it."""
    reqs = applicable_training(pack, kind=kind, tier=tier)
    if not reqs:
        return []
    modules = {m.key: m for m in TrainingModule.objects.filter(key__in={r.module for r in reqs})}
    passes = current_completions(user=user, now=now, modules=modules.values())
    out = []
    for req in reqs:
        module = modules.get(req.module)
        out.append(RequiredTraining(req, module, module is not None and module.pk in passes))
    return out


def training_missing(
    *, user: User, kind: str | None, tier: str | None, now: dt.datetime
) -> list[RequiredTraining]:
    """What the active pack requires of ``user`` for this engagement that they have not passed.

    A pack that cannot be loaded requires nothing here: submission then goes ahead (the office
    sees the broken pack everywhere else) rather than every researcher being stopped by it. So
    does a requirement whose module is not in the hub yet, which nobody could meet; triage shows
    it as not yet available.
    """
    try:
        pack = active_pack()
    except PackInvalid:
        return []
    required = training_required(pack=pack, user=user, kind=kind, tier=tier, now=now)
    return [r for r in required if r.module is not None and not r.done]


@dataclass(frozen=True, slots=True)
class DepartmentCompletion:
    department: str
    people: int
    # (module, people with a current pass), in module order
    passed: list[tuple[TrainingModule, int]]


def completion_by_department(*, viewer: AnyUser, now: dt.datetime) -> list[DepartmentCompletion]:
    """Per department in the viewer's scope: its active people and how many hold each pass."""
    people = User.objects.filter(
        permissions.completion_people_scope(viewer), is_active=True
    ).select_related("department")
    modules = list(module_list())
    counts = (
        TrainingCompletion.objects.filter(user__in=people, expires_at__gt=now, user__is_active=True)
        .values("user__department__name", "module_id")
        .annotate(n=Count("user", distinct=True))
    )
    passed: dict[tuple[str, int], int] = {
        (row["user__department__name"] or "", row["module_id"]): row["n"] for row in counts
    }
    sizes = people.values("department__name").annotate(n=Count("pk"))
    rows = []
    for size in sorted(sizes, key=lambda s: (s["department__name"] is None, s["department__name"])):
        name = size["department__name"] or ""
        rows.append(
            DepartmentCompletion(
                name or "No department",
                size["n"],
                [(m, passed.get((name, m.pk), 0)) for m in modules],
            )
        )
    return rows


def completions_due_reminder(*, now: dt.datetime) -> QuerySet[TrainingCompletion]:
    """Passes of active people that lapse within `EXPIRY_WARNING` and were not yet reminded.

    A pass already replaced by a later one (the person took the module again) needs no reminder.
    """
    soon = TrainingCompletion.objects.filter(
        expires_at__gt=now,
        expires_at__lte=now + EXPIRY_WARNING,
        reminded_at__isnull=True,
        user__is_active=True,
    ).select_related("user", "module")
    renewed = TrainingCompletion.objects.filter(
        user=OuterRef("user"),
        module=OuterRef("module"),
        expires_at__gt=now + EXPIRY_WARNING,
    )
    return soon.exclude(Exists(renewed))


def passes_lapsing(*, user: User, until: dt.datetime) -> list[TrainingCompletion]:
    """The user's latest pass of each module where it lapses by ``until`` (or has lapsed).

    A module taken again counts by its newest pass, so a renewed one is not listed; a pass that
    lapsed stays listed until it is renewed. Two queries.
    """
    latest = (
        TrainingCompletion.objects.filter(user=user)
        .values("module_id")
        .annotate(last=Max("expires_at"))
        .filter(last__lte=until)
    )
    wanted = Q()
    for row in latest:
        wanted |= Q(module_id=row["module_id"], expires_at=row["last"])
    if not wanted:
        return []
    rows = TrainingCompletion.objects.filter(wanted, user=user).select_related("module")
    return sorted(rows, key=lambda c: (c.expires_at, c.pk))


def training_missing_for(
    *,
    user: User,
    engagements: Iterable[tuple[str | None, str | None]],
    now: dt.datetime,
) -> dict[str, tuple[TrainingModule, list[int]]]:
    """Modules the active pack requires for any of ``engagements`` (kind, tier) not passed.

    By module key: the module and the positions of the engagements that need it, in order.
    A requirement whose module is not in the hub is left out, and a pack that cannot be loaded
    requires nothing, as in the submission gate (`training_missing`). Two queries, whatever
    the number of engagements.
    """
    try:
        pack = active_pack()
    except PackInvalid:
        return {}
    needs: dict[str, list[int]] = {}
    for i, (kind, tier) in enumerate(engagements):
        for req in applicable_training(pack, kind=kind, tier=tier):
            positions = needs.setdefault(req.module, [])
            if i not in positions:
                positions.append(i)
    if not needs:
        return {}
    modules = {m.key: m for m in TrainingModule.objects.filter(key__in=needs)}
    passes = current_completions(user=user, now=now, modules=modules.values())
    return {key: (module, needs[key]) for key, module in modules.items() if module.pk not in passes}
