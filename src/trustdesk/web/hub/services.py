"""Every write in the hub: pages and their versions, contacts, training passes, the search index.

Each service checks the actor's permission, writes, keeps the search index in step and records
its audit event last, in one transaction. A page edit never overwrites history: it adds a
`PageVersion`, and a restore is one more edit whose text is an older version's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from trustdesk.policy.loader import PackInvalid
from trustdesk.policy.models import Pack
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.accounts.permissions import not_allowed, require
from trustdesk.web.core import audit
from trustdesk.web.hub import markup, permissions, search, selectors
from trustdesk.web.hub.models import (
    Contact,
    GuidancePage,
    IndexedPack,
    PageVersion,
    SearchDocument,
    TrainingCompletion,
    TrainingModule,
)
from trustdesk.web.notify import services as notify_services
from trustdesk.web.notify.models import Notification
from trustdesk.web.reference.selectors import active_pack

Kind = SearchDocument.Kind

for _action, _label in (
    ("trustdesk.guidance_page.created", "Guidance page written"),
    ("trustdesk.guidance_page.updated", "Guidance page changed"),
    ("trustdesk.guidance_page.restored", "Guidance page restored to an earlier version"),
    ("trustdesk.guidance_page.review_reminded", "Guidance page owner told the review is due"),
    ("trustdesk.guidance_page.withdrawn", "Guidance page withdrawn"),
    ("trustdesk.guidance_page.reinstated", "Guidance page reinstated"),
    ("trustdesk.contact.created", "Contact added"),
    ("trustdesk.contact.updated", "Contact changed"),
    ("trustdesk.contact.deleted", "Contact deleted"),
    ("trustdesk.training_module.saved", "Training module saved"),
    ("trustdesk.training.attempted", "Training quiz attempted"),
    ("trustdesk.training.reminded", "Training expiry reminder sent"),
):
    audit.register_action(_action, label=_label)

SYSTEM_ACTOR = "task:hub"
# Training gates proposing engagements, so those who propose them take it; an auditor, who
# changes nothing, reads modules without leaving passes behind.
TAKE_TRAINING = "engagement.propose"

NEEDS_TITLE = "Give the page a title."
NEEDS_BODY = "Write the page's text."
NEEDS_REVIEW_BY = "Set a review-by date: the owner is told when it passes."
NEEDS_NAME = "Give the contact's name."
AWAY_ORDER = "The last day away cannot be before the first."
SELF_DEPUTY = "A contact cannot be their own deputy."
UNKNOWN_VERSION = "This page has no version {number}."
ANSWER_EVERY_QUESTION = "Answer every question."
NEEDS_WITHDRAW_REASON = "Say why the page is withdrawn: the audit trail keeps it."
ALREADY_WITHDRAWN = "This page is already withdrawn."
NOT_WITHDRAWN = "This page is not withdrawn."
STILL_LINKED = "The page cannot be withdrawn while it is linked from: {where} Change those first."
CONTACT_IN_PACK = (
    "The policy pack's contact {key!r} resolves to this person; confirm that triage and case "
    "pages may show the pack's own text instead, or edit the contact to hand the role on."
)
EDIT_CONFLICT = (
    "Someone else saved this page since you opened it (now version {version}); "
    "your changes were not saved. Open it again and redo them."
)


class GuidanceError(Exception):
    """A hub write that cannot be made; the message is for the person who tried."""


class GuidanceInvalid(GuidanceError):
    def __init__(self, errors: dict[str, list[str]]) -> None:
        self.errors = errors
        super().__init__("; ".join(m for ms in errors.values() for m in ms))


class EditConflict(GuidanceError):
    pass


class StillReferenced(GuidanceError):
    """A removal that would leave a link or a named contact pointing at nothing."""

    def __init__(self, message: str, references: Sequence[selectors.Reference]) -> None:
        self.references = list(references)
        super().__init__(message)


def _require_manage(actor: User) -> None:
    if not permissions.can_manage_guidance(actor):
        raise PermissionDenied(not_allowed(permissions.MANAGE))


def normalise_tags(raw: Sequence[str]) -> list[str]:
    """Lower-case, slug-like, without duplicates, sorted: one spelling per tag."""
    return sorted({slugify(t) for t in raw if slugify(t)})


# --- pages ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class PageFields:
    title: str
    body: str
    review_by: dt.date | None
    summary: str = ""
    tags: Sequence[str] = ()
    public: bool = False
    owner: User | None = None  # None: the actor, on creation; unchanged on edit


def _check_page(fields: PageFields) -> None:
    errors: dict[str, list[str]] = {}
    if not fields.title.strip():
        errors["title"] = [NEEDS_TITLE]
    if not fields.body.strip():
        errors["body"] = [NEEDS_BODY]
    if fields.review_by is None:
        errors["review_by"] = [NEEDS_REVIEW_BY]
    if errors:
        raise GuidanceInvalid(errors)


def _unique_slug(title: str) -> str:
    base = slugify(title)[:100] or "page"
    slug, n = base, 2
    while GuidancePage.objects.filter(slug=slug).exists():
        slug, n = f"{base}-{n}", n + 1
    return slug


def _index_page(page: GuidancePage) -> None:
    if page.withdrawn:
        search.document_delete(kind=Kind.PAGE, key=str(page.public_id))
        return
    search.document_put(
        kind=Kind.PAGE,
        key=str(page.public_id),
        title=page.title,
        body=" ".join([page.summary, " ".join(page.tags), markup.plain_text(page.body)]),
        url=page.get_absolute_url(),
        public=page.public,
    )


def _keep_version(page: GuidancePage, actor: User, note: str = "") -> PageVersion:
    return PageVersion.objects.create(
        page=page,
        number=page.version,
        title=page.title,
        summary=page.summary,
        body=page.body,
        tags=page.tags,
        edited_by=actor,
        note=note,
    )


@transaction.atomic
def page_create(*, actor: User, fields: PageFields, slug: str = "") -> GuidancePage:
    """An officer writes a new page; it is version 1 and searchable at once."""
    _require_manage(actor)
    _check_page(fields)
    assert fields.review_by is not None  # noqa: S101  # checked just above
    page = GuidancePage.objects.create(
        slug=slug or _unique_slug(fields.title),
        title=fields.title.strip(),
        summary=fields.summary.strip(),
        body=fields.body,
        tags=normalise_tags(fields.tags),
        owner=fields.owner or actor,
        review_by=fields.review_by,
        public=fields.public,
        updated_by=actor,
    )
    _keep_version(page, actor)
    _index_page(page)
    audit.record(
        actor=actor,
        action="trustdesk.guidance_page.created",
        target=page,
        data={"title": page.title, "public": page.public, "review_by": str(page.review_by)},
    )
    return page


def _locked(page: GuidancePage) -> GuidancePage:
    return GuidancePage.objects.select_for_update().get(pk=page.pk)


def _apply(page: GuidancePage, fields: PageFields) -> dict[str, object]:
    assert fields.review_by is not None  # noqa: S101  # checked by _check_page
    new: dict[str, object] = {
        "title": fields.title.strip(),
        "summary": fields.summary.strip(),
        "body": fields.body,
        "tags": normalise_tags(fields.tags),
        "review_by": fields.review_by,
        "public": fields.public,
    }
    if fields.owner is not None:
        new["owner"] = fields.owner
    changed = {k: v for k, v in new.items() if getattr(page, k) != v}
    for key, value in changed.items():
        setattr(page, key, value)
    return changed


def _shown(value: object) -> object:
    if isinstance(value, dt.date | User):
        return str(value)
    return value


@transaction.atomic
def page_update(
    *, actor: User, page: GuidancePage, fields: PageFields, read_version: int | None = None
) -> GuidancePage:
    """An officer edits a page; the edit becomes the next version, the old text stays."""
    _require_manage(actor)
    _check_page(fields)
    page = _locked(page)
    if read_version is not None and read_version != page.version:
        raise EditConflict(EDIT_CONFLICT.format(version=page.version))
    old = {k: _shown(getattr(page, k)) for k in ("title", "review_by", "public", "owner")}
    changed = _apply(page, fields)
    if not changed:
        return page
    content = {"title", "summary", "body", "tags"} & changed.keys()
    if content:
        page.version += 1
    page.updated_by = actor
    update = [*(k for k in changed), "version", "updated_by", "updated_at"]
    page.save(update_fields=update)
    if content:
        _keep_version(page, actor)
    _index_page(page)
    audit.record(
        actor=actor,
        action="trustdesk.guidance_page.updated",
        target=page,
        data={
            "changed": sorted(changed),
            "old": {k: v for k, v in old.items() if k in changed},
            "new": {k: _shown(v) for k, v in changed.items() if k in old},
            "version": page.version,
        },
    )
    return page


@transaction.atomic
def page_restore(*, actor: User, page: GuidancePage, number: int) -> GuidancePage:
    """Makes an older version's text the page's text again, as a new version."""
    _require_manage(actor)
    page = _locked(page)
    source = page.versions.filter(number=number).first()
    if source is None:
        raise GuidanceError(UNKNOWN_VERSION.format(number=number))
    page.title, page.summary, page.body, page.tags = (
        source.title,
        source.summary,
        source.body,
        source.tags,
    )
    page.version += 1
    page.updated_by = actor
    page.save(
        update_fields=["title", "summary", "body", "tags", "version", "updated_by", "updated_at"]
    )
    _keep_version(page, actor, note=f"Restored from version {number}")
    _index_page(page)
    audit.record(
        actor=actor,
        action="trustdesk.guidance_page.restored",
        target=page,
        data={"from_version": number, "version": page.version},
    )
    return page


@transaction.atomic
def stale_pages_remind(*, today: dt.date | None = None) -> list[GuidancePage]:
    """Tells each owner once per review date about their pages past it; the pages told of."""
    today = today or timezone.localdate()
    told = []
    for page in selectors.stale_pages(today=today).select_for_update(of=("self",)):
        if page.stale_notified_for == page.review_by:
            continue
        page.stale_notified_for = page.review_by
        page.save(update_fields=["stale_notified_for"])
        notify_services.notify(
            recipients=[page.owner],
            kind=Notification.Kind.GUIDANCE_STALE,
            engagement=None,
            actor=SYSTEM_ACTOR,
            data={"page": page.title, "review_by": str(page.review_by)},
        )
        audit.record(
            actor=SYSTEM_ACTOR,
            action="trustdesk.guidance_page.review_reminded",
            target=page,
            data={"owner": page.owner.username, "review_by": str(page.review_by)},
        )
        told.append(page)
    return told


def _active_pack() -> Pack | None:
    try:
        return active_pack()
    except PackInvalid:
        return None


@transaction.atomic
def page_withdraw(*, actor: User, page: GuidancePage, reason: str) -> GuidancePage:
    """Takes a page away from readers, keeping it and its versions; refused while linked.

    The pack's guidance links and training modules that link to the page would send readers
    to a missing page, so they are named and must be changed first. Links from other guidance
    pages are the editor's to see on the confirmation page; they do not block.
    """
    _require_manage(actor)
    reason = reason.strip()
    if not reason:
        raise GuidanceInvalid({"reason": [NEEDS_WITHDRAW_REASON]})
    page = _locked(page)
    if page.withdrawn:
        raise GuidanceError(ALREADY_WITHDRAWN)
    blocking = [r for r in selectors.page_references(page, pack=_active_pack()) if r.blocking]
    if blocking:
        where = " ".join(r.what for r in blocking)
        raise StillReferenced(STILL_LINKED.format(where=where), blocking)
    page.withdrawn_at, page.withdrawn_by, page.withdrawn_reason = timezone.now(), actor, reason
    page.updated_by = actor
    page.save(
        update_fields=[
            "withdrawn_at",
            "withdrawn_by",
            "withdrawn_reason",
            "updated_by",
            "updated_at",
        ]
    )
    _index_page(page)
    audit.record(
        actor=actor,
        action="trustdesk.guidance_page.withdrawn",
        target=page,
        data={"title": page.title, "version": page.version, "public": page.public},
        reason=reason,
    )
    return page


@transaction.atomic
def page_reinstate(*, actor: User, page: GuidancePage) -> GuidancePage:
    """Gives a withdrawn page back to readers, as it was, with its review date unchanged."""
    _require_manage(actor)
    page = _locked(page)
    if not page.withdrawn:
        raise GuidanceError(NOT_WITHDRAWN)
    old_reason = page.withdrawn_reason
    page.withdrawn_at, page.withdrawn_by, page.withdrawn_reason = None, None, ""
    page.updated_by = actor
    page.save(
        update_fields=[
            "withdrawn_at",
            "withdrawn_by",
            "withdrawn_reason",
            "updated_by",
            "updated_at",
        ]
    )
    _index_page(page)
    audit.record(
        actor=actor,
        action="trustdesk.guidance_page.reinstated",
        target=page,
        data={"title": page.title, "withdrawn_because": old_reason},
    )
    return page


# --- contacts -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ContactFields:
    name: str
    key: str = ""
    title: str = ""
    email: str = ""
    phone: str = ""
    topics: str = ""
    processes: Sequence[str] = ()
    department: Department | None = None
    away_from: dt.date | None = None
    away_until: dt.date | None = None
    deputy: Contact | None = None


def _check_contact(fields: ContactFields, contact: Contact | None) -> None:
    errors: dict[str, list[str]] = {}
    if not fields.name.strip():
        errors["name"] = [NEEDS_NAME]
    if fields.away_from and fields.away_until and fields.away_until < fields.away_from:
        errors["away_until"] = [AWAY_ORDER]
    if contact is not None and fields.deputy is not None and fields.deputy.pk == contact.pk:
        errors["deputy"] = [SELF_DEPUTY]
    if fields.key:
        clash = Contact.objects.filter(key=fields.key)
        if contact is not None:
            clash = clash.exclude(pk=contact.pk)
        if clash.exists():
            errors["key"] = [f"Another contact already answers for {fields.key!r}."]
    if errors:
        raise GuidanceInvalid(errors)


def _contact_values(fields: ContactFields) -> dict[str, object]:
    return {
        "name": fields.name.strip(),
        "key": slugify(fields.key),
        "title": fields.title.strip(),
        "email": fields.email.strip(),
        "phone": fields.phone.strip(),
        "topics": fields.topics.strip(),
        "processes": sorted({p.strip() for p in fields.processes if p.strip()}),
        "department": fields.department,
        "away_from": fields.away_from,
        "away_until": fields.away_until,
        "deputy": fields.deputy,
    }


def _index_contact(contact: Contact) -> None:
    words = [contact.title, contact.topics, " ".join(contact.processes), contact.key]
    if contact.department is not None:
        words.append(contact.department.name)
    search.document_put(
        kind=Kind.CONTACT,
        key=str(contact.public_id),
        title=contact.name,
        body=markup.plain_text(" · ".join(w for w in words if w)),
        url=contact.get_absolute_url(),
    )


@transaction.atomic
def contact_create(*, actor: User, fields: ContactFields) -> Contact:
    """An officer adds a named contact (for a pack key, a topic or a department)."""
    _require_manage(actor)
    _check_contact(fields, None)
    contact = Contact.objects.create(**_contact_values(fields))
    _index_contact(contact)
    audit.record(
        actor=actor,
        action="trustdesk.contact.created",
        target=contact,
        data={"key": contact.key, "name": contact.name},
    )
    return contact


@transaction.atomic
def contact_update(*, actor: User, contact: Contact, fields: ContactFields) -> Contact:
    """An officer changes a contact: one edit, and every page naming its key follows."""
    _require_manage(actor)
    _check_contact(fields, contact)
    contact = Contact.objects.select_for_update().get(pk=contact.pk)
    values = _contact_values(fields)
    changed = {k: v for k, v in values.items() if getattr(contact, k) != v}
    old = {k: _plain(getattr(contact, k)) for k in changed}
    for key, value in changed.items():
        setattr(contact, key, value)
    if changed:
        contact.save(update_fields=[*changed, "updated_at"])
    _index_contact(contact)
    audit.record(
        actor=actor,
        action="trustdesk.contact.updated",
        target=contact,
        data={"old": old, "new": {k: _plain(v) for k, v in changed.items()}},
    )
    return contact


@transaction.atomic
def contact_delete(*, actor: User, contact: Contact, pack_confirmed: bool = False) -> None:
    """Removes a contact record, after the actor has confirmed what still names it.

    The pack's contact the record answers for falls back to the pack's own text, and contacts it
    deputised for lose their deputy; the first needs ``pack_confirmed``, since triage results
    change for every researcher. The audit event keeps the whole record.
    """
    _require_manage(actor)
    contact = (
        Contact.objects.select_for_update(of=("self",))
        .select_related("department")
        .get(pk=contact.pk)
    )
    pack = _active_pack()
    if pack is not None and contact.key in pack.contacts and not pack_confirmed:
        refs = selectors.contact_references(contact, pack=pack)
        raise StillReferenced(CONTACT_IN_PACK.format(key=contact.key), refs)
    deputising = sorted(Contact.objects.filter(deputy=contact).values_list("name", flat=True))
    record = {k: _plain(v) for k, v in _contact_values(_fields_of(contact)).items()}
    audit.record(
        actor=actor,
        action="trustdesk.contact.deleted",
        target=contact,
        data={"record": record, "deputy_for": deputising, "pack_confirmed": pack_confirmed},
    )
    search.document_delete(kind=Kind.CONTACT, key=str(contact.public_id))
    contact.delete()  # deputy links to it become empty (SET_NULL)


def _fields_of(contact: Contact) -> ContactFields:
    return ContactFields(
        name=contact.name,
        key=contact.key,
        title=contact.title,
        email=contact.email,
        phone=contact.phone,
        topics=contact.topics,
        processes=list(contact.processes),
        department=contact.department,
        away_from=contact.away_from,
        away_until=contact.away_until,
        deputy=contact.deputy,
    )


def _plain(value: object) -> object:
    if value is None or isinstance(value, str | int | bool | list):
        return value
    return str(value)


# --- training -------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ModuleFields:
    key: str
    title: str
    body: str
    questions: Sequence[tuple[str, Sequence[str], int]]  # text, options, index of the answer
    summary: str = ""
    pass_mark: int = 80
    valid_days: int = 730


def _check_module(fields: ModuleFields) -> None:
    errors: dict[str, list[str]] = {}
    if not fields.title.strip():
        errors["title"] = [NEEDS_TITLE]
    if not fields.questions:
        errors["questions"] = ["A module needs at least one quiz question."]
    for i, (_, options, answer) in enumerate(fields.questions, start=1):
        if len(options) < 2 or not 0 <= answer < len(options):
            errors.setdefault("questions", []).append(
                f"Question {i} needs two or more options and an answer among them."
            )
    if not 1 <= fields.pass_mark <= 100:
        errors["pass_mark"] = ["The pass mark is a percentage from 1 to 100."]
    if errors:
        raise GuidanceInvalid(errors)


@transaction.atomic
def module_save(*, actor: User | str, fields: ModuleFields) -> TrainingModule:
    """Creates or replaces the module with this key (its passes stay valid)."""
    if isinstance(actor, User):
        _require_manage(actor)
    _check_module(fields)
    module, created = TrainingModule.objects.update_or_create(
        key=fields.key,
        defaults={
            "title": fields.title.strip(),
            "summary": fields.summary.strip(),
            "body": fields.body,
            "questions": [
                {"text": text, "options": list(options), "answer": answer}
                for text, options, answer in fields.questions
            ],
            "pass_mark": fields.pass_mark,
            "valid_days": fields.valid_days,
        },
    )
    search.document_put(
        kind=Kind.MODULE,
        key=module.key,
        title=module.title,
        body=" ".join([module.summary, markup.plain_text(module.body)]),
        url=module.get_absolute_url(),
    )
    audit.record(
        actor=actor,
        action="trustdesk.training_module.saved",
        target=module,
        data={"key": module.key, "created": created, "pass_mark": module.pass_mark},
    )
    return module


@dataclass(frozen=True, slots=True)
class AttemptResult:
    score: int  # per cent
    passed: bool
    wrong: list[int]  # 1-based numbers of the questions answered wrongly
    completion: TrainingCompletion | None


@transaction.atomic
def module_attempt(
    *,
    actor: User,
    module: TrainingModule,
    answers: Sequence[int | None],
    now: dt.datetime | None = None,
) -> AttemptResult:
    """Marks a quiz; a pass is recorded with its expiry, a fail only on the audit trail."""
    require(actor, TAKE_TRAINING)
    quiz = module.quiz()
    if len(answers) != len(quiz) or any(a is None for a in answers):
        raise GuidanceInvalid({"answers": [ANSWER_EVERY_QUESTION]})
    now = now or timezone.now()
    wrong = [
        i for i, (q, a) in enumerate(zip(quiz, answers, strict=True), start=1) if q.answer != a
    ]
    score = round(100 * (len(quiz) - len(wrong)) / len(quiz))
    passed = score >= module.pass_mark
    completion = None
    if passed:
        completion = TrainingCompletion.objects.create(
            module=module,
            user=actor,
            score=score,
            completed_at=now,
            expires_at=now + dt.timedelta(days=module.valid_days),
        )
    audit.record(
        actor=actor,
        action="trustdesk.training.attempted",
        target=module,
        data={"score": score, "passed": passed, "pass_mark": module.pass_mark},
    )
    return AttemptResult(score, passed, wrong, completion)


@transaction.atomic
def training_reminders_send(*, now: dt.datetime | None = None) -> list[TrainingCompletion]:
    """Tells each person, once per pass, that it lapses within a month; the passes told of."""
    now = now or timezone.now()
    due = list(selectors.completions_due_reminder(now=now).select_for_update(of=("self",)))
    for completion in due:
        completion.reminded_at = now
        completion.save(update_fields=["reminded_at"])
        notify_services.notify(
            recipients=[completion.user],
            kind=Notification.Kind.TRAINING_EXPIRING,
            engagement=None,
            actor=SYSTEM_ACTOR,
            data={
                "module": completion.module.title,
                "expires": completion.expires_at.date().isoformat(),
            },
        )
        audit.record(
            actor=SYSTEM_ACTOR,
            action="trustdesk.training.reminded",
            target=completion.module,
            data={"user": completion.user.username, "expires": completion.expires_at.isoformat()},
        )
    return due


# --- the pack's processes and mitigations in the search index -------------------------------


def _pack_digest(pack: Pack) -> str:
    parts = [f"{p.id}|{p.title}|{p.what}|{p.why}|{p.contact}" for p in pack.processes]
    parts += [f"{m.id}|{m.area}|{m.text}" for m in pack.mitigations]
    return hashlib.sha256("\n".join([pack.id, pack.version, *parts]).encode()).hexdigest()


@transaction.atomic
def search_pack_sync(*, pack: Pack) -> bool:
    """Re-indexes the pack's processes and mitigations when the pack changed; True if it did.

    Not audited: it copies the pack, whose own changes are configuration, into an index.
    """
    digest = _pack_digest(pack)
    marker = IndexedPack.objects.select_for_update().first()
    if marker is not None and marker.digest == digest:
        return False
    SearchDocument.objects.filter(kind__in=[Kind.PROCESS, Kind.MITIGATION]).delete()
    areas = {a.id: a.label for a in pack.risk_areas}
    for p in pack.processes:
        search.document_put(
            kind=Kind.PROCESS,
            key=p.id,
            title=p.title,
            body=" ".join([p.what, p.why, p.lead_time, p.legal_basis or ""]),
            url=reverse("hub:process-detail", kwargs={"process_id": p.id}),
        )
    checklist = reverse("hub:checklist")
    for m in pack.mitigations:
        search.document_put(
            kind=Kind.MITIGATION,
            key=m.id,
            title=m.text[:300],
            body=f"{areas.get(m.area, m.area)}: {m.text}",
            url=f"{checklist}#m-{m.id}",
        )
    if marker is None:
        IndexedPack.objects.create(digest=digest)
    else:
        marker.digest = digest
        marker.save(update_fields=["digest", "indexed_at"])
    return True
