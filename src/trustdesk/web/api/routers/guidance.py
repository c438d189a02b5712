"""The guidance hub: pages, search, contacts and training completion, for any signed-in caller.

Page bodies come both as the Markdown source and as the sanitised HTML the pages show, so an
intranet can embed them without its own sanitiser. Completions are personal: a caller sees their
own, a champion their department's, officers and auditors everyone's. A quiz attempt goes
through the same service as the page, and a pass is what the submission gate counts.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import uuid

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from trustdesk.policy.loader import PackInvalid
from trustdesk.web.accounts.models import User
from trustdesk.web.api.errors import InvalidInput
from trustdesk.web.api.routers.common import READ_ERRORS, WRITE_ERRORS, actor, page
from trustdesk.web.api.schemas import PageIn, PageOut
from trustdesk.web.hub import markup, permissions, search, selectors, services
from trustdesk.web.hub.models import GuidancePage, TrainingCompletion, TrainingModule
from trustdesk.web.reference.selectors import active_pack

router = Router(tags=["guidance"])


class GuidancePageOut(Schema):
    id: uuid.UUID
    slug: str
    title: str
    summary: str
    tags: list[str]
    owner: str
    review_by: dt.date
    stale: bool = Field(description="Past its review-by date.")
    public: bool = Field(description="Readable without signing in at public_url.")
    public_url: str | None
    version: int
    updated_at: dt.datetime
    withdrawn_at: dt.datetime | None = Field(
        description="When an editor withdrew it; only guidance editors see withdrawn pages."
    )


class GuidancePageWithdrawIn(Schema):
    reason: str = Field(description="Why the page is withdrawn; kept on the audit trail.")


class GuidancePageDetailOut(GuidancePageOut):
    body: str = Field(description="The Markdown source.")
    html: str = Field(description="The body rendered and sanitised, as the pages show it.")


class GuidancePagePageOut(PageOut[GuidancePageOut]):
    pass


class SearchResultOut(Schema):
    kind: str = Field(examples=["page", "process", "mitigation", "contact", "module"])
    key: str
    title: str = Field(description="HTML: escaped text, the matched words in <mark>.")
    snippet: str = Field(description="HTML: escaped text, the matched words in <mark>.")
    url: str
    rank: float


class HubContactOut(Schema):
    id: uuid.UUID
    key: str = Field(description="The policy pack contact this person answers for, or ''.")
    name: str
    title: str
    email: str
    phone: str
    topics: str
    processes: list[str]
    department: str | None
    away: bool
    away_until: dt.date | None
    answering: uuid.UUID = Field(description="Who to contact today: the deputy while away.")


class CompletionOut(Schema):
    id: uuid.UUID
    module: str = Field(description="The module's key.")
    module_title: str
    user: str
    department: str | None
    score: int
    completed_at: dt.datetime
    expires_at: dt.datetime
    current: bool


class CompletionPageOut(PageOut[CompletionOut]):
    pass


class AttemptIn(Schema):
    answers: list[int] = Field(description="The index of the chosen option, one per question.")


class AttemptOut(Schema):
    score: int
    passed: bool
    wrong: list[int] = Field(description="1-based numbers of the questions answered wrongly.")
    completion: CompletionOut | None


def _page_out(p: GuidancePage, today: dt.date) -> dict[str, object]:
    return {
        "id": p.public_id,
        "slug": p.slug,
        "title": p.title,
        "summary": p.summary,
        "tags": list(p.tags),
        "owner": str(p.owner),
        "review_by": p.review_by,
        "stale": p.is_stale(today),
        "public": p.public,
        "public_url": f"/guidance/public/{p.slug}/" if p.public and not p.withdrawn else None,
        "version": p.version,
        "updated_at": p.updated_at,
        "withdrawn_at": p.withdrawn_at,
    }


@router.get("/guidance/pages", response={200: GuidancePagePageOut, **READ_ERRORS})
def guidance_page_list(
    request: HttpRequest, paging: Query[PageIn], tag: str = ""
) -> GuidancePagePageOut:
    """Guidance pages by title, optionally with one tag."""
    actor(request)
    rows = selectors.page_list(tag=tag[:100])
    today = timezone.localdate()
    chosen = rows[paging.offset : paging.offset + paging.limit]
    return GuidancePagePageOut(
        count=len(rows),
        limit=paging.limit,
        offset=paging.offset,
        items=[GuidancePageOut(**_page_out(p, today)) for p in chosen],  # type: ignore[arg-type]
    )


@router.get(
    "/guidance/pages/{uuid:public_id}", response={200: GuidancePageDetailOut, **READ_ERRORS}
)
def guidance_page_detail(request: HttpRequest, public_id: uuid.UUID) -> GuidancePageDetailOut:
    p = get_object_or_404(selectors.page_for_reader(user=actor(request)), public_id=public_id)
    return GuidancePageDetailOut(
        **_page_out(p, timezone.localdate()),  # type: ignore[arg-type]
        body=p.body,
        html=markup.render(p.body),
    )


@router.post(
    "/guidance/pages/{uuid:public_id}/withdraw",
    response={200: GuidancePageDetailOut, **WRITE_ERRORS},
)
def guidance_page_withdraw(
    request: HttpRequest, public_id: uuid.UUID, payload: GuidancePageWithdrawIn
) -> GuidancePageDetailOut:
    """Withdraw a page: gone for readers, kept with its versions; 409 while something links to it.

    The policy pack's guidance links and training modules that link to the page block it
    (code ``still_referenced``, each reference in ``errors``). Needs ``guidance.manage``.
    """
    user = actor(request)
    p = get_object_or_404(selectors.page_for_reader(user=user), public_id=public_id)
    p = services.page_withdraw(actor=user, page=p, reason=payload.reason)
    return GuidancePageDetailOut(
        **_page_out(p, timezone.localdate()),  # type: ignore[arg-type]
        body=p.body,
        html=markup.render(p.body),
    )


@router.get("/guidance/search", response={200: list[SearchResultOut], **READ_ERRORS})
def guidance_search(request: HttpRequest, q: str = "", limit: int = 20) -> list[SearchResultOut]:
    """Pages, the pack's processes and mitigations, contacts and modules, best match first.

    Every word must match; at most 50 results (``limit``).
    """
    actor(request)
    # A broken pack leaves its rows as last indexed; pages and contacts are still searched.
    with contextlib.suppress(PackInvalid):
        services.search_pack_sync(pack=active_pack())
    return [
        SearchResultOut(
            kind=h.kind,
            key=h.key,
            title=str(h.title),
            snippet=str(h.snippet),
            url=h.url,
            rank=h.rank,
        )
        for h in search.search(q[:200], limit=min(max(limit, 1), 50))
    ]


@router.get("/guidance/contacts", response={200: list[HubContactOut], **READ_ERRORS})
def guidance_contact_list(request: HttpRequest) -> list[HubContactOut]:
    """Every named contact, with who answers today while one is away."""
    actor(request)
    today = timezone.localdate()
    out = []
    for c in selectors.contact_list():
        resolved = selectors.resolve(c, today)
        out.append(
            HubContactOut(
                id=c.public_id,
                key=c.key,
                name=c.name,
                title=c.title,
                email=c.email,
                phone=c.phone,
                topics=c.topics,
                processes=list(c.processes),
                department=c.department.name if c.department else None,
                away=resolved.away,
                away_until=c.away_until,
                answering=resolved.answering.public_id,
            )
        )
    return out


@router.delete("/guidance/contacts/{uuid:public_id}", response={204: None, **WRITE_ERRORS})
def guidance_contact_delete(
    request: HttpRequest, public_id: uuid.UUID, pack_confirmed: bool = False
) -> Status[None]:
    """Delete a contact. One the policy pack's contact resolves to needs ``pack_confirmed``.

    Without it the answer is 409 ``still_referenced``: triage and case pages would show the
    pack's own text for that contact instead. Needs ``guidance.manage``.
    """
    contact = get_object_or_404(selectors.contact_list(), public_id=public_id)
    services.contact_delete(actor=actor(request), contact=contact, pack_confirmed=pack_confirmed)
    return Status(204, None)


def _completion_out(c: TrainingCompletion, now: dt.datetime) -> CompletionOut:
    return CompletionOut(
        id=c.public_id,
        module=c.module.key,
        module_title=c.module.title,
        user=c.user.username,
        department=c.user.department.name if c.user.department else None,
        score=c.score,
        completed_at=c.completed_at,
        expires_at=c.expires_at,
        current=c.expires_at > now,
    )


@router.get("/training/completions", response={200: CompletionPageOut, **READ_ERRORS})
def training_completion_list(
    request: HttpRequest, paging: Query[PageIn], current: bool = False
) -> CompletionPageOut:
    """Passes in your scope (yours; your department's as a champion; all as an officer)."""
    user: User = actor(request)
    now = timezone.now()
    people = User.objects.filter(permissions.completion_people_scope(user))
    rows = (
        TrainingCompletion.objects.filter(user__in=people)
        .select_related("module", "user__department")
        .order_by("-completed_at", "-pk")
    )
    if current:
        rows = rows.filter(expires_at__gt=now)
    count, chosen = page(rows, paging)
    return CompletionPageOut(
        count=count,
        limit=paging.limit,
        offset=paging.offset,
        items=[_completion_out(c, now) for c in chosen],
    )


@router.post(
    "/training/modules/{uuid:public_id}/attempts", response={201: AttemptOut, **WRITE_ERRORS}
)
def training_attempt(
    request: HttpRequest, public_id: uuid.UUID, payload: AttemptIn
) -> Status[AttemptOut]:
    """Answer a module's quiz; a pass is recorded with its expiry."""
    module = get_object_or_404(TrainingModule, public_id=public_id)
    try:
        result = services.module_attempt(
            actor=actor(request), module=module, answers=list(payload.answers)
        )
    except services.GuidanceInvalid as exc:
        raise InvalidInput("answers", str(exc)) from exc
    now = timezone.now()
    return Status(
        201,
        AttemptOut(
            score=result.score,
            passed=result.passed,
            wrong=result.wrong,
            completion=_completion_out(result.completion, now) if result.completion else None,
        ),
    )
