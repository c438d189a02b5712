"""The world of the permission matrix (`tests/web/test_permission_matrix.py`) and its vocabulary.

The cast is one user per role plus Otto, an outsider whose records lie outside every scoped
role's view:

- Rita, researcher, Physics: owns the "mine" records (an engagement with a partner link, an
  organisation, a person with a screening hit), and one task run.
- Cara, champion, Physics: sees Rita's records through her department.
- Olga officer, Alan approver, Aude auditor, Ada admin: no department; they see everything.
- Sol, senior responsible owner: no department; figures across every department, no case.
- Otto, researcher, Chemistry: owns the "theirs" records, the same kinds as Rita's.

Everything is made through the services, as a person would make it (engagements, partners,
screening, list imports), so the records are in the states the pages expect. `build_world` runs
once per module inside a transaction that the module fixture rolls back at the end, and every
test runs in its own savepoint inside it, so a POST that changes a record changes it for that
test only.

A `Target` says how to fill a route's URL arguments with an object INSIDE a role's scope, with one
OUTSIDE it (for the roles that have such an object), and with ids that name nothing (to compare
the out-of-scope 404 with the missing one).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Protocol

from tests import factories
from trustdesk.policy.impact import Impact
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement, EngagementPartner, InformationRequest
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.hub import services as hub_services
from trustdesk.web.hub.models import Contact, GuidancePage, TrainingModule
from trustdesk.web.jobs.actors import actor_for
from trustdesk.web.jobs.models import TaskRun
from trustdesk.web.leadership import services as leadership_services
from trustdesk.web.leadership.models import BoardReport
from trustdesk.web.leadership.selectors import Period
from trustdesk.web.lists.services import list_snapshot_import
from trustdesk.web.mitigations import services as mitigation_services
from trustdesk.web.mitigations.models import EvidenceFile, MitigationItem
from trustdesk.web.notify import services as notify_services
from trustdesk.web.notify.models import Notification
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun
from trustdesk.web.reference import services as reference_services
from trustdesk.web.reference.models import PackChange, PackVersion
from trustdesk.web.reference.selectors import active_pack
from trustdesk.web.selfassess import selectors as selfassess_selectors
from trustdesk.web.selfassess import services as selfassess_services
from trustdesk.web.selfassess.models import Action, Assessment
from trustdesk.web.triage import services as triage_services
from trustdesk.web.triage.models import TriageSession

Role = User.Role
Kwargs = dict[str, str]

# Who asks: a role's value ("researcher" …) or a visitor who has not signed in.
ROLES: tuple[str, ...] = tuple(role.value for role in Role)
ANONYMOUS = "anonymous"

# Where the object named in the URL lies relative to the asking role's scope.
INSIDE = "inside"
OUTSIDE = "outside"
NO_OBJECT = "page"  # the route names no object
BLIND = "blind"  # the role sees no object of the kind: answered as for a missing one

LIST_SOURCE = "custom:matrix"
_LIST_HEADER = "id,name,aliases,type,countries,notes\n"
_LIST_ROWS = [
    "MX-001,Example Institute of Applied Physics,EIAP,organization,CN,Declined 2024-05-14\n",
    "MX-002,Example Aerospace Design Bureau,Example Aero Bureau,,RU,Funder guidance\n",
    "MX-003,Jane Example,J. Example,person,GB,Former visitor\n",
]
MATRIX_PDF = b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n"  # evidence for the mitigation
LISTED_PERSON = "Jane Example"  # on the list, so screening a person of this name gives a hit


@dataclass(frozen=True, slots=True)
class Records:
    """One owner's records of each protected kind."""

    engagement: Engagement  # a draft
    link: EngagementPartner  # the organisation below, named on the engagement
    organisation: Organisation
    person: Person
    hit: ScreeningHit  # on the person, so it lies in the person's scope
    triage: TriageSession  # a stand-alone draft
    triage_done: TriageSession  # completed, for the engagement above
    question: InformationRequest  # open, on another engagement of the owner's, awaiting it
    mitigation: MitigationItem  # on the engagement above, owned by its researcher
    evidence: EvidenceFile  # a PDF the researcher uploaded for it


@dataclass(frozen=True, slots=True)
class World:
    users: Mapping[str, User]  # by role value, and "outsider" for Otto
    mine: Records  # Rita's (researcher, Physics): inside every role's scope
    theirs: Records  # Otto's (researcher, Chemistry): outside the researcher's and champion's
    runs: Mapping[str, TaskRun]  # one queued by each user, by the same keys as `users`
    event: AuditEvent
    source: str  # a list source key with two snapshots
    notifications: Mapping[str, Notification]  # one to each user, by the same keys as `users`

    @property
    def outsider(self) -> User:
        return self.users["outsider"]


def _user(username: str, role: Role, department: Department | None) -> User:
    return factories.make_user(username, role, department=department, last_name="Matrix")


def _import_lists(folder: Path) -> None:
    """Two snapshots of one custom list (so its diff page has a pair), the second current."""
    for version, rows in enumerate([_LIST_ROWS[:2], _LIST_ROWS], start=1):
        path = folder / f"v{version}" / "matrix.csv"
        path.parent.mkdir(parents=True)
        path.write_text(_LIST_HEADER + "".join(rows), encoding="utf-8")
        list_snapshot_import(paths=[path], source=LIST_SOURCE, actor="test:matrix")


def _question(owner: User, officer: User, title: str) -> InformationRequest:
    """An open question an officer asked on another engagement of the owner's, in review."""
    engagement = factories.make_engagement(owner, title=f"{title} enquiry")
    engagement = case_services.engagement_submit(actor=owner, engagement=engagement)
    engagement = case_services.engagement_review_start(actor=officer, engagement=engagement)
    [question] = case_services.information_request(
        actor=officer, engagement=engagement, questions=["Who funds the partner's laboratory?"]
    )
    return question


def _records(owner: User, title: str, officer: User) -> Records:
    org = factories.make_organisation(owner, f"{title} University")
    person = factories.make_person(owner, LISTED_PERSON, affiliations=[org])
    # The task the creation queued runs after commit, which this transaction never reaches:
    # run the person's screening here as the worker would.
    run = ScreeningRun.objects.get(person=person)
    partner_services.screening_run(run_id=str(run.public_id), actor="test:matrix")
    hit = ScreeningHit.objects.filter(run__person=person).order_by("pk").first()
    assert hit is not None, f"{LISTED_PERSON!r} was expected to match the matrix list"
    engagement = factories.make_engagement(
        owner,
        title=f"{title} collaboration",
        countries=["DE"],
        research_areas=["quantum sensing"],
        funding_amount=Decimal("1000.00"),
        end_date=date(2027, 4, 30),
    )
    link = case_services.engagement_partner_add(
        actor=owner,
        engagement=engagement,
        partner=org,
        role=EngagementPartner.Role.PARTNER_INSTITUTION,
    )
    draft = triage_services.triage_start(actor=owner)
    done = triage_services.triage_start(actor=owner, engagement=engagement)
    done = triage_services.triage_answers_save(
        actor=owner,
        session=done,
        answers={"engagement_kind": ["staff-travel"], "travel_country": "DE"},
        questions=["engagement_kind", "travel_country"],
    )
    done = triage_services.triage_answers_save(
        actor=owner,
        session=done,
        answers={"research_areas": ["history"], "travel_carrying": ["nothing"]},
        questions=["research_areas", "travel_carrying"],
    )
    done = triage_services.triage_complete(actor=owner, session=done)
    question = _question(owner, officer, title)
    mitigation = mitigation_services.mitigation_add(
        actor=officer,
        engagement=engagement,
        fields=mitigation_services.ItemFields(f"{title} end-use undertaking signed"),
    )
    evidence = mitigation_services.evidence_add(
        actor=owner, item=mitigation, name="undertaking.pdf", content=[MATRIX_PDF]
    )
    return Records(engagement, link, org, person, hit, draft, done, question, mitigation, evidence)


HUB_PAGE = "matrix-guidance"
HUB_MODULE = "matrix-module"


def _hub_records(officer: User) -> None:
    """A published guidance page with two versions, a contact and a training module."""
    fields = hub_services.PageFields(
        title="Matrix guidance", body="First text.", review_by=date(2030, 1, 1), public=True
    )
    page = hub_services.page_create(actor=officer, fields=fields, slug=HUB_PAGE)
    hub_services.page_update(
        actor=officer,
        page=page,
        fields=hub_services.PageFields(
            title="Matrix guidance", body="Second text.", review_by=date(2030, 1, 1), public=True
        ),
    )
    hub_services.contact_create(
        actor=officer, fields=hub_services.ContactFields(name="Matrix Contact", key="matrix")
    )
    hub_services.module_save(
        actor=officer,
        fields=hub_services.ModuleFields(
            key=HUB_MODULE, title="Matrix module", body="Text.", questions=[("Q", ["a", "b"], 0)]
        ),
    )


_GAPS = ("it-cyber", "pa-tne")  # answered 0 in the completed assessment: two actions


def _self_assessment(officer: User, owners: Sequence[User]) -> None:
    """A completed self-assessment whose two actions Rita and Cara own, and a draft.

    Rita (researcher) and Cara (champion) reach their actions through ownership alone. The
    draft has a proposed action, Olga's, for the pages that change a draft.
    """
    done = selfassess_services.assessment_start(
        actor=officer, pack=active_pack(), as_of=date(2025, 11, 30)
    )
    questionnaire = selfassess_selectors.questionnaire_of(done)
    for section in questionnaire.sections:
        selfassess_services.answers_save(
            actor=officer,
            assessment=done,
            section_id=section.id,
            answers=[
                selfassess_services.AnswerInput(q.id, 0 if q.id in _GAPS else 3)
                for q in section.questions
            ],
        )
    made = selfassess_services.actions_propose(
        actor=officer, assessment=done, today=date(2025, 12, 1)
    )
    for action, owner in zip(sorted(made, key=lambda a: a.question_id), owners, strict=True):
        selfassess_services.action_update(
            actor=officer,
            action=action,
            fields=selfassess_services.ActionFields(action.title, owner, action.due_date),
        )
    selfassess_services.assessment_complete(actor=officer, assessment=done)
    draft = selfassess_services.assessment_start(
        actor=officer, pack=active_pack(), as_of=date(2026, 11, 30)
    )
    selfassess_services.answers_save(
        actor=officer,
        assessment=draft,
        section_id="governance",
        answers=[selfassess_services.AnswerInput("gov-policy", 1)],
    )
    selfassess_services.actions_propose(actor=officer, assessment=draft, today=date(2026, 12, 1))


def _board_report(officer: User) -> None:
    """A governing-body report asked for and queued (its task runs after a commit never made)."""
    leadership_services.board_report_request(
        actor=officer, period=Period(date(2026, 1, 1), date(2026, 6, 30))
    )


def build_world(folder: Path) -> World:
    physics = factories.make_department("Physics (matrix)", faculty="Science")
    chemistry = factories.make_department("Chemistry (matrix)", faculty="Science")
    users = {
        Role.RESEARCHER.value: _user("rita", Role.RESEARCHER, physics),
        Role.CHAMPION.value: _user("cara", Role.CHAMPION, physics),
        Role.OFFICER.value: _user("olga", Role.OFFICER, None),
        Role.APPROVER.value: _user("alan", Role.APPROVER, None),
        Role.AUDITOR.value: _user("aude", Role.AUDITOR, None),
        Role.ADMIN.value: _user("ada", Role.ADMIN, None),
        Role.SENIOR_OWNER.value: _user("sol", Role.SENIOR_OWNER, None),
        "outsider": _user("otto", Role.RESEARCHER, chemistry),
    }
    _import_lists(folder)
    officer = users[Role.OFFICER.value]
    _hub_records(officer)
    _self_assessment(officer, [users[Role.RESEARCHER.value], users[Role.CHAMPION.value]])
    _board_report(officer)
    _pack_records(users[Role.ADMIN.value])
    mine = _records(users[Role.RESEARCHER.value], "Rita's", officer)
    theirs = _records(users["outsider"], "Otto's", officer)
    runs = {
        key: TaskRun.objects.create(task="lists.update", actor=actor_for(user))
        for key, user in users.items()
    }
    event = AuditEvent.objects.order_by("sequence").first()
    assert event is not None
    notifications = {
        key: notify_services.notify(
            recipients=[user],
            kind=Notification.Kind.SUBMITTED,
            engagement=mine.engagement,
            actor="matrix",
            data={},
        )[0]
        for key, user in users.items()
    }
    return World(
        MappingProxyType(users),
        mine,
        theirs,
        MappingProxyType(runs),
        event,
        LIST_SOURCE,
        MappingProxyType(notifications),
    )


def _pack_records(admin: User) -> None:
    """An installed pack version (the shipped Canadian pack, never made current here) and a
    record of a change to it, written directly: making it current would move every later row's
    triage to another pack."""
    content = resources.files("trustdesk.policy").joinpath("packs/ca-base.yaml").read_text()
    version = reference_services.pack_version_upload(
        actor=admin, file_name=MATRIX_PACK_FILE, content=content.encode()
    )
    PackChange.objects.create(
        version=version,
        replaced="gb-base@2026.1",
        activated_by="matrix",
        activated_at=datetime.now(tz=UTC),
        impact=Impact("gb-base@2026.1", version.label, 0, ()).to_dict(),
    )


# --- targets: the URL arguments for an object inside / outside the asking role's scope ------


@dataclass(frozen=True, slots=True)
class Target:
    """How to fill a route's URL arguments.

    `inside(world, role)` names an object the role sees (for anonymous, Rita's). `outside(world,
    role)` names one outside the role's scope; it is asked only for the roles in `scoped`, the
    roles that have such an object at all (everything lies inside an "all" scope). `missing()`
    names nothing, with fresh ids each call.
    """

    label: str
    inside: Callable[[World, str], Kwargs]
    outside: Callable[[World, str], Kwargs] | None = None
    scoped: frozenset[str] = field(default_factory=frozenset)
    missing: Callable[[], Kwargs] | None = None
    # Roles that see no record of this kind at all (the senior owner sees figures, no case):
    # their row names the inside record, and must be answered as a missing one is.
    blind: frozenset[str] = field(default_factory=frozenset)

    def renamed(self, **names: str) -> Target:
        """The same objects under other argument names, for a route that calls them otherwise.

        `ENGAGEMENT.renamed(public_id="engagement_id")` fills `<uuid:engagement_id>`.
        """

        def rename(kwargs: Kwargs) -> Kwargs:
            return {names.get(key, key): value for key, value in kwargs.items()}

        inside, outside, missing = self.inside, self.outside, self.missing
        return Target(
            self.label,
            inside=lambda world, role: rename(inside(world, role)),
            outside=None if outside is None else lambda world, role: rename(outside(world, role)),
            scoped=self.scoped,
            missing=None if missing is None else lambda: rename(missing()),
            blind=self.blind,
        )


def _uuid() -> str:
    return str(uuid.uuid4())


class _Identified(Protocol):
    @property
    def public_id(self) -> uuid.UUID: ...


def _owned(label: str, **args: Callable[[Records], _Identified]) -> Target:
    """Rita's record (inside every scope) or Otto's (outside the own and department scopes).

    Each keyword is a URL argument and picks the record whose public id fills it.
    """
    return Target(
        label,
        inside=lambda world, role: {k: str(pick(world.mine).public_id) for k, pick in args.items()},
        outside=lambda world, role: {
            k: str(pick(world.theirs).public_id) for k, pick in args.items()
        },
        # The researcher sees their own (and their team's) records; the champion their
        # department's; every other role sees them all.
        scoped=frozenset({Role.RESEARCHER.value, Role.CHAMPION.value}),
        missing=lambda: {k: _uuid() for k in args},
        blind=frozenset({Role.SENIOR_OWNER.value}),
    )


ENGAGEMENT = _owned("engagement", public_id=lambda r: r.engagement)
ENGAGEMENT_LINK = _owned(
    "engagement partner link", public_id=lambda r: r.engagement, link_id=lambda r: r.link
)
# An open question on an engagement awaiting information, for the answer routes.
QUESTION = _owned(
    "question on an engagement",
    public_id=lambda r: r.question.engagement,
    request_id=lambda r: r.question,
)
# A mitigation item on the engagement, and the evidence file uploaded for it.
MITIGATION = _owned(
    "mitigation item", public_id=lambda r: r.engagement, item_id=lambda r: r.mitigation
)
EVIDENCE = _owned(
    "evidence file",
    public_id=lambda r: r.engagement,
    item_id=lambda r: r.mitigation,
    evidence_id=lambda r: r.evidence,
)
# Organisations are a shared register: every role sees Otto's, but only he (and the central
# roles) may correct it. Routes say what "outside" gives for them.
ORGANISATION = _owned("organisation", public_id=lambda r: r.organisation)
PERSON = _owned("person", public_id=lambda r: r.person)
PERSON_HIT = _owned("screening hit on a person", public_id=lambda r: r.hit)
# A screening of a record, for routes under it: the person's completed one (its hit is a group of
# one, keyed by the hit's entry), the organisation's still pending (no hits, so no group).
PERSON_RUN = _owned(
    "screening of a person", public_id=lambda r: r.person, run_id=lambda r: r.hit.run
)
ORGANISATION_RUN = _owned(
    "screening of an organisation",
    public_id=lambda r: r.organisation,
    run_id=lambda r: ScreeningRun.objects.get(organisation=r.organisation),
)
GROUP_KEY = f"{LIST_SOURCE}:MX-003"  # the listed person's entry: the group of the person's hit
# Triage sessions are scoped like engagements: the owner's, their department's, or all.
TRIAGE = _owned("triage draft", public_id=lambda r: r.triage)
TRIAGE_DONE = _owned("completed triage", public_id=lambda r: r.triage_done)

# `task.view` holders (officer, auditor, admin) watch every task run, the one the outsider queued
# too; every other role is refused any run, even one they queued, so no run lies outside a scope.
TASK_RUN = Target(
    "task run",
    inside=lambda world, role: {"public_id": str(world.runs["outsider"].public_id)},
    missing=lambda: {"public_id": _uuid()},
)


def _rescreen() -> str:
    """A completed re-screen of the matrix list (imports here run no on-commit work)."""
    from trustdesk.web.watch.models import Rescreen

    found = Rescreen.objects.filter(source=LIST_SOURCE).first() or Rescreen.objects.create(
        kind=Rescreen.Kind.DELTA,
        status=Rescreen.Status.COMPLETED,
        source=LIST_SOURCE,
        matcher_version="test",
        threshold=0.7,
        chunks_total=0,
        actor="test:matrix",
    )
    return str(found.public_id)


# `watch.view` holders (officer, auditor, admin) read every re-screen: no scope on the page itself.
RESCREEN = Target(
    "re-screen",
    inside=lambda world, role: {"public_id": _rescreen()},
    missing=lambda: {"public_id": _uuid()},
)


def _staging() -> str:
    """A snapshot of the matrix list awaiting review (no entries: only the pages are checked)."""
    from trustdesk.web.lists.models import ListSource, Snapshot, Staging

    found = Staging.objects.filter(snapshot__source__key=LIST_SOURCE).first()
    if found is None:
        source = ListSource.objects.get(key=LIST_SOURCE)
        snapshot = Snapshot.objects.create(
            source=source,
            content_hash="matrix-staged",
            format="csv",
            parser_version="1",
            total=0,
            imported_by="test:matrix",
        )
        found = Staging.objects.create(snapshot=snapshot, base=source.current, staged_by="test")
    return str(found.public_id)


# `watch.view` holders read every staged snapshot's impact preview; `lists.review` decides.
STAGING = Target(
    "staged snapshot",
    inside=lambda world, role: {"public_id": _staging()},
    missing=lambda: {"public_id": _uuid()},
)

# `user.view` holders (auditor, admin) see every account; everyone else only their own.
_SEES_OWN_ACCOUNT = frozenset(ROLES) - {Role.AUDITOR.value, Role.ADMIN.value}
USER = Target(
    "user account",
    inside=lambda world, role: {
        "public_id": str(
            (world.users[role] if role in _SEES_OWN_ACCOUNT else world.outsider).public_id
        )
    },
    outside=lambda world, role: {"public_id": str(world.outsider.public_id)},
    scoped=_SEES_OWN_ACCOUNT,
    missing=lambda: {"public_id": _uuid()},
)

# Each user reads only their own notifications; Otto's lies outside every role's scope.
NOTIFICATION = Target(
    "notification",
    inside=lambda world, role: {"public_id": str(world.notifications[role].public_id)},
    outside=lambda world, role: {"public_id": str(world.notifications["outsider"].public_id)},
    scoped=frozenset(ROLES),
    missing=lambda: {"public_id": _uuid()},
)

AUDIT_EVENT = Target(
    "audit event", inside=lambda world, role: {"sequence": str(world.event.sequence)}
)
SOURCE = Target("list source", inside=lambda world, role: {"source": world.source})

# Policy pack versions and their change records are the institution's: no scope narrows them.
MATRIX_PACK_FILE = "matrix-ca-base.yaml"
PACK_VERSION = Target(
    "policy pack version",
    inside=lambda world, role: {
        "public_id": str(PackVersion.objects.get(file_name=MATRIX_PACK_FILE).public_id)
    },
    missing=lambda: {"public_id": _uuid()},
)
PACK_CHANGE = Target(
    "policy pack change",
    inside=lambda world, role: {"public_id": str(PackChange.objects.get().public_id)},
    missing=lambda: {"public_id": _uuid()},
)

# An e-mailed link to set a password, for a user who does not exist with a token that does not
# verify: every visitor gets the page that says the link no longer works.
PASSWORD_LINK = Target(
    "password link",
    inside=lambda world, role: {"uidb64": "MTIzNDU2Nzg5", "token": "cz1bad-0123456789abcdef"},
)

# The hub's records are shared: every signed-in role reads the same page, contact and module.
GUIDANCE_PAGE = Target(
    "guidance page",
    inside=lambda world, role: {
        "public_id": str(GuidancePage.objects.get(slug=HUB_PAGE).public_id)
    },
)
PAGE_VERSION = Target(
    "guidance page version",
    inside=lambda world, role: {
        "public_id": str(GuidancePage.objects.get(slug=HUB_PAGE).public_id),
        "number": "1",
    },
)
PUBLIC_PAGE = Target("published guidance page", inside=lambda world, role: {"slug": HUB_PAGE})
PROCESS = Target("pack process", inside=lambda world, role: {"process_id": "export-control"})
CONTACT = Target(
    "contact",
    inside=lambda world, role: {"public_id": str(Contact.objects.get(key="matrix").public_id)},
)
MODULE = Target(
    "training module",
    inside=lambda world, role: {
        "public_id": str(TrainingModule.objects.get(key=HUB_MODULE).public_id)
    },
)

# The institution's self-assessments are not scoped: readers of them see every one. The draft
# is the one the pages that change a draft take.
ASSESSMENT = Target(
    "self-assessment (draft)",
    inside=lambda world, role: {
        "public_id": str(Assessment.objects.get(status=Assessment.Status.DRAFT).public_id)
    },
    missing=lambda: {"public_id": _uuid()},
)
ASSESSMENT_SECTION = Target(
    "self-assessment section",
    inside=lambda world, role: {
        "public_id": str(Assessment.objects.get(status=Assessment.Status.DRAFT).public_id),
        "section": "governance",
    },
    missing=lambda: {"public_id": _uuid(), "section": "governance"},
)


# Each role's action: Rita's and Cara's own open ones (from the completed assessment; they reach
# them by owning them), and the draft's proposed one, Olga's, for every role that reads the
# self-assessment. The proposed one lies outside the researcher's and the champion's scope.
def _proposed() -> Kwargs:
    return {"public_id": str(Action.objects.get(status=Action.Status.PROPOSED).public_id)}


def _own_action(world: World, role: str) -> Kwargs:
    if role not in (Role.RESEARCHER.value, Role.CHAMPION.value):
        return _proposed()
    owned = Action.objects.get(owner=world.users[role], status=Action.Status.OPEN)
    return {"public_id": str(owned.public_id)}


ACTION = Target(
    "self-assessment action",
    inside=_own_action,
    outside=lambda world, role: _proposed(),
    scoped=frozenset({Role.RESEARCHER.value, Role.CHAMPION.value}),
    missing=lambda: {"public_id": _uuid()},
)
# The leadership's figures and reports are the institution's: every reader sees the same ones.
FIGURE = Target("dashboard figure", inside=lambda world, role: {"key": "tier"})
BOARD_REPORT = Target(
    "governing-body report",
    inside=lambda world, role: {"public_id": str(BoardReport.objects.get().public_id)},
)
BOARD_REPORT_FILE = Target(
    "governing-body report file",
    inside=lambda world, role: {
        "public_id": str(BoardReport.objects.get().public_id),
        "kind": "pdf",
    },
)
