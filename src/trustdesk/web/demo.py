"""`trustdesk demo`: a fictional university loaded through the real services, for a first look.

Every record is made by the service a person would use, acting as the user who would act, in
the order they would act: the administrator creates the accounts, researchers propose partners
and engagements and triage them, officers review, adjudicate and recommend, the officer or the
approver decides as the case's triage tier routes it, and the scheduled sweep marks a review
as due. So the audit trail, the timelines and the screening hits are genuine, and the demo
breaks (in its test) when a service's rules change.

The demo users' passwords are derived from a published seed and printed on every start, so the
demo refuses a production database (PostgreSQL) unless forced: it is for a laptop, never for an
install that will hold real data.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from trustdesk.screening.matching.model import HitStatus
from trustdesk.web import demo_data as data
from trustdesk.web.accounts import services as account_services
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.assessments import selectors as assessment_selectors
from trustdesk.web.assessments import services as assessment_services
from trustdesk.web.cases import services as case_services
from trustdesk.web.cases.models import Engagement
from trustdesk.web.core import audit
from trustdesk.web.core.context import audit_context
from trustdesk.web.core.models import AuditEvent
from trustdesk.web.decisions import selectors as decision_selectors
from trustdesk.web.decisions import services as decision_services
from trustdesk.web.decisions.models import Outcome
from trustdesk.web.lists import screening
from trustdesk.web.lists.services import shipped_lists_ensure
from trustdesk.web.mitigations import services as mitigation_services
from trustdesk.web.mitigations.models import MitigationItem
from trustdesk.web.partners import selectors as partner_selectors
from trustdesk.web.partners import services as partner_services
from trustdesk.web.partners.models import Organisation, Person
from trustdesk.web.selfassess import selectors as selfassess_selectors
from trustdesk.web.selfassess import services as selfassess_services
from trustdesk.web.selfassess.models import Action
from trustdesk.web.triage import selectors as triage_selectors
from trustdesk.web.triage import services as triage_services

DEMO_LOADED = "trustdesk.demo.loaded"
audit.register_action(DEMO_LOADED, label="Demo data loaded")


class DemoError(Exception):
    """The demo cannot be loaded here; the message says why and what to do instead."""


class DemoRefused(DemoError):
    MESSAGE = (
        "Refusing to load the demo into a production (PostgreSQL) database: its users have "
        "published passwords. Use the embedded default (unset TRUSTDESK_DATABASE_URL), or "
        "force it on a database that will never hold real data."
    )

    def __init__(self) -> None:
        super().__init__(self.MESSAGE)


class DemoDataError(DemoError):
    """The demo data no longer leads where it says (a service's rules changed): nothing stored."""


@dataclass(frozen=True, slots=True)
class SignIn:
    username: str
    password: str
    role: str  # User.Role value
    name: str
    department: str

    @property
    def role_label(self) -> str:
        return str(User.Role(self.role).label)


@dataclass(frozen=True, slots=True)
class DemoSummary:
    """What the demo holds and how to sign in; `created` is False when it was already loaded."""

    created: bool
    university: str
    sign_ins: tuple[SignIn, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def message(self) -> str:
        if not self.created:
            return "The demo is already loaded; nothing was changed."
        held = ", ".join(f"{n} {what}" for what, n in self.counts.items())
        return f"Loaded the demo, the fictional {self.university}: {held}."

    def text(self) -> str:
        """The message and a table of sign-ins, for a terminal."""
        header = ("username", "password", "role", "name")
        rows = [header, *((s.username, s.password, s.role_label, s.name) for s in self.sign_ins)]
        widths = [max(len(row[i]) for row in rows) for i in range(len(header) - 1)]
        lines = [
            self.message,
            "Demo sign-ins (published passwords: never keep real data in this install):",
        ]
        for row in rows:
            cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
            lines.append("  " + "  ".join([*cells, row[-1]]))
        return "\n".join(lines)

    def as_dict(self) -> dict[str, object]:
        return {
            "created": self.created,
            "message": self.message,
            "university": self.university,
            "counts": dict(self.counts),
            "sign_ins": [
                {
                    "username": s.username,
                    "password": s.password,
                    "role": s.role,
                    "name": s.name,
                    "department": s.department,
                }
                for s in self.sign_ins
            ],
        }


def demo_password(username: str) -> str:
    """The demo user's password: words picked by a hash of a fixed seed, the same on every load.

    Not `demo-<role>`: the length validator (12) refuses `demo-admin`. Derived rather than random
    so a second load, and every `trustdesk serve`, prints the passwords that actually work.
    """
    digest = hashlib.sha256(f"{data.PASSWORD_SEED}:{username}".encode()).digest()
    words = [data.PASSWORD_WORDS[b % len(data.PASSWORD_WORDS)] for b in digest[:3]]
    return "-".join([*words, str(10 + digest[3] % 90)])


def demo_sign_ins() -> tuple[SignIn, ...]:
    """Every demo user's sign-in, central roles first, as the data lists them."""
    return tuple(
        SignIn(
            username=u.username,
            password=demo_password(u.username),
            role=u.role,
            name=f"{u.first_name} {u.last_name}",
            department=u.department or "",
        )
        for u in data.USERS
    )


def demo_is_loaded() -> bool:
    """Whether a load committed: its closing audit event exists only if everything else does."""
    return AuditEvent.objects.filter(action=DEMO_LOADED).exists()


def demo_load(*, actor: str, force: bool = False) -> DemoSummary:
    """Load the fictional university once; a second call changes nothing and says so.

    The shipped lists load first, as on every start; the rest is one transaction, so a failure
    leaves no half-loaded demo. Screening runs here,
    not only on the task queue after commit, so that the officers' adjudications can be part of
    the story; the queued runs then find their screening done and store nothing again.
    """
    if not settings.EMBEDDED and not force:
        raise DemoRefused
    summary = DemoSummary(
        created=False,
        university=data.UNIVERSITY,
        sign_ins=demo_sign_ins(),
        counts={
            "departments": len(data.DEPARTMENTS),
            "users": len(data.USERS),
            "organisations": len(data.ORGANISATIONS),
            "people": len(data.PEOPLE),
            "engagements": len(data.ENGAGEMENTS),
        },
    )
    if demo_is_loaded():
        return summary
    with audit_context(actor=actor):
        shipped_lists_ensure(actor=actor)  # the hits need the lists; a no-op when loaded
        # Built here, as a worker would after an import: the questionnaire never builds it.
        screening.current_index()
        with transaction.atomic():
            _Loader(actor=actor, now=timezone.now()).load()
            audit.record(
                actor=actor,
                action=DEMO_LOADED,
                target=audit.AuditTarget("demo", "wessex", data.UNIVERSITY),
                data={"counts": summary.counts},
            )
    return DemoSummary(
        created=True,
        university=summary.university,
        sign_ins=summary.sign_ins,
        counts=summary.counts,
    )


# Steps that rest on a triage outcome (its tier routes the decision; the pack assesses and
# proposes from it): without the demo's pack the case stops before the first of them.
_ROUTED = (
    data.Recommend,
    data.Decide,
    data.Vote,
    data.Assess,
    data.ProposeMitigations,
    data.CompleteMitigation,
)


class _Loader:
    """One load: the records made so far, by name, for the steps that refer to them."""

    def __init__(self, *, actor: str, now: datetime) -> None:
        self.actor = actor
        self.now = now
        self.today = timezone.localdate(now)
        self.departments: dict[str, Department] = {}
        self.users: dict[str, User] = {}
        self.organisations: dict[str, Organisation] = {}
        self.people: dict[str, Person] = {}

    def load(self) -> None:
        self._departments()
        self._users()
        self._committee()
        self._partners()
        engagements = [self._engagement(item) for item in data.ENGAGEMENTS]
        # The daily sweep as it will run a few days from now: the case reviewed soonest is due.
        sweep_at = self.now + timedelta(days=data.REVIEW_DUE_SWEEP_DAY)
        case_services.engagement_mark_review_due(now=sweep_at)
        # And today's job that brings a review forward when a decided case changed.
        assessment_services.engagement_review_due_on_triggers(today=self.today)
        for assessment in data.SELF_ASSESSMENTS:
            self._self_assessment(assessment)
        for item, engagement in zip(data.ENGAGEMENTS, engagements, strict=True):
            engagement.refresh_from_db(fields=["status"])
            if self._triages() and engagement.status != item.expected_status:
                raise DemoDataError(
                    f"{item.title!r} ended {engagement.status}, not {item.expected_status}"
                )

    def _departments(self) -> None:
        # No department service exists yet (they are set up once, by an admin, in the database).
        for item in data.DEPARTMENTS:
            department = Department.objects.create(name=item.name, faculty=item.faculty)
            self.departments[item.name] = department

    def _users(self) -> None:
        first, *others = data.USERS
        if first.role != User.Role.ADMIN:
            raise DemoDataError("the first demo user must be the administrator")
        admin, _ = account_services.create_admin(
            username=first.username,
            email=self._email(first),
            password=demo_password(first.username),
            actor=self.actor,
        )
        admin.first_name, admin.last_name = first.first_name, first.last_name
        admin.save(update_fields=["first_name", "last_name"])
        self.users[admin.username] = admin
        for item in others:
            self.users[item.username] = self._user(admin, item)

    def _user(self, admin: User, item: data.UserData) -> User:
        department = self.departments[item.department] if item.department else None
        user = account_services.user_create(
            actor=admin,
            username=item.username,
            email=self._email(item),
            first_name=item.first_name,
            last_name=item.last_name,
            department=department,
        )
        if item.role != User.Role.RESEARCHER:
            where = f", {item.department}" if item.department else ""
            user = account_services.user_role_change(
                actor=admin, user=user, role=User.Role(item.role), reason=f"{item.title}{where}"
            )
        # There is no password service: real users set theirs through a reset link. The demo's
        # must pass the same validators as any password, or a sign-in test would hide a weak one.
        password = demo_password(item.username)
        validate_password(password, user)
        user.set_password(password)
        user.save(update_fields=["password"])
        return user

    def _committee(self) -> None:
        """The administrator names the committee of the pack's escalated route, seat by seat."""
        if not self._triages():
            return  # the seats are gb-base's; another pack's committee is the install's own
        pack = triage_selectors.pack()
        admin = self.users[data.COMMITTEE_SEATS_BY]
        for route in pack.routing:
            if route.committee is None:
                continue
            seats = {s.id for s in route.committee.seats}
            for seat, holder in data.COMMITTEE_SEATS:
                if seat in seats:
                    decision_services.committee_seat_assign(
                        actor=admin,
                        route=route,
                        seat=seat,
                        holder=self.users[holder],
                        pack_id=pack.id,
                    )

    def _self_assessment(self, item: data.SelfAssessmentData) -> None:
        """An officer answers every section, settles each gap's action, and completes it."""
        if not self._triages():
            return  # the questionnaire is gb-base's; another pack may have none
        officer = self.users[item.completed_by]
        assessment = selfassess_services.assessment_start(
            actor=officer,
            pack=triage_selectors.pack(),
            as_of=self.today + timedelta(days=item.as_of_days),
        )
        levels, evidence = dict(item.levels), dict(item.evidence)
        for section in selfassess_selectors.questionnaire_of(assessment).sections:
            selfassess_services.answers_save(
                actor=officer,
                assessment=assessment,
                section_id=section.id,
                answers=[
                    selfassess_services.AnswerInput(
                        q.id, levels.get(q.id, item.level), evidence.get(q.id, "")
                    )
                    for q in section.questions
                ],
            )
        proposed = {
            a.question_id: a
            for a in selfassess_services.actions_propose(
                actor=officer, assessment=assessment, today=self.today
            )
        }
        if set(proposed) != {g.question for g in item.actions}:
            raise DemoDataError(f"the self-assessment's gaps are {sorted(proposed)}")
        for gap in item.actions:
            selfassess_services.action_update(
                actor=officer,
                action=proposed[gap.question],
                fields=selfassess_services.ActionFields(
                    gap.title, self.users[gap.owner], self.today + timedelta(days=gap.due_in_days)
                ),
            )
        selfassess_services.assessment_complete(actor=officer, assessment=assessment)
        for gap in item.actions:
            if gap.done:
                action = Action.objects.get(assessment=assessment, question_id=gap.question)
                selfassess_services.action_complete(
                    actor=self.users[gap.owner], action=action, note=gap.done
                )

    def _email(self, item: data.UserData) -> str:
        return f"{item.username}@{data.EMAIL_DOMAIN}"

    def _partners(self) -> None:
        for org in data.ORGANISATIONS:
            record = partner_services.organisation_create(
                actor=self.users[org.added_by],
                data=partner_services.OrganisationInput(
                    name=org.name,
                    kind=org.kind,
                    aliases=org.aliases,
                    country=org.country,
                    ror_id=org.ror_id,
                    website=org.website,
                ),
            )
            self._screen(record)
            self.organisations[org.name] = record
        for person in data.PEOPLE:
            created = partner_services.person_create(
                actor=self.users[person.added_by],
                data=partner_services.PersonInput(
                    name=person.name,
                    orcid=person.orcid,
                    affiliations=[self.organisations[name] for name in person.affiliations],
                ),
            )
            self._screen(created)
            self.people[person.name] = created

    def _screen(self, subject: Organisation | Person) -> None:
        """Run the screening the create queued, now, as the queued task would run it."""
        run = partner_selectors.screening_latest(subject)
        if run is None:
            raise DemoDataError(f"no screening was queued for {subject}")
        partner_services.screening_run(run_id=str(run.public_id), actor=run.requested_by)

    def _engagement(self, item: data.EngagementData) -> Engagement:
        owner = self.users[item.owner]
        start = self.today + timedelta(days=item.starts_in_days) if item.starts_in_days else None
        end = start + timedelta(days=item.lasts_days) if start and item.lasts_days else None
        amount, currency, source = item.funding or (None, "", "")
        engagement = case_services.engagement_create(
            actor=owner,
            fields=case_services.EngagementFields(
                title=item.title,
                kind=item.kind,
                summary=item.summary,
                countries=item.countries,
                research_areas=item.research_areas,
                funding_amount=amount,
                funding_currency=currency,
                funding_source=source,
                start_date=start,
                end_date=end,
                team=[self.users[name] for name in item.team],
            ),
        )
        for link in item.partners:
            partner = (
                self.organisations[link.organisation]
                if link.organisation
                else self.people[link.person]
            )
            case_services.engagement_partner_add(
                actor=owner, engagement=engagement, partner=partner, role=link.role, note=link.note
            )
        for step in item.steps:
            if not self._triages() and isinstance(step, _ROUTED):
                # Without a triage there is no tier to route the decision by: the case stays
                # in review, as it would on a real install until someone triages it.
                break
            engagement = self._step(engagement, step)
        return engagement

    def _triages(self) -> bool:
        """Whether the configured pack asks the questions the demo's answers are written for."""
        current = triage_selectors.pack()
        lineage = {current.id, *(ref.partition("@")[0] for ref in current.lineage)}
        return data.TRIAGE_PACK in lineage

    def _step(self, engagement: Engagement, step: data.Step) -> Engagement:
        actor = self.users[step.by]
        match step:
            case data.Submit():
                if triage_selectors.latest_triage(engagement=engagement) is None:
                    # Decisions are routed by the triage tier: every submitted case has one.
                    self._triage(engagement.owner, engagement, data.Triage(step.by, ()))
                return case_services.engagement_submit(actor=actor, engagement=engagement)
            case data.Withdraw():
                return case_services.engagement_withdraw(
                    actor=actor, engagement=engagement, reason=step.reason
                )
            case data.StartReview():
                return case_services.engagement_review_start(actor=actor, engagement=engagement)
            case data.Adjudicate():
                self._adjudicate(actor, step)
                return engagement
            case data.AskForInformation():
                case_services.information_request(
                    actor=actor, engagement=engagement, questions=step.questions
                )
                return Engagement.objects.get(pk=engagement.pk)
            case data.Recommend():
                decision_services.recommendation_make(
                    actor=actor, engagement=engagement, proposal=self._proposal(step), now=self.now
                )
                return engagement
            case data.Decide():
                return self._decide(actor, engagement, step)
            case data.Activate():
                return case_services.engagement_activate(actor=actor, engagement=engagement)
            case data.Close():
                return case_services.engagement_close(
                    actor=actor, engagement=engagement, reason=step.reason
                )
            case data.Triage():
                self._triage(actor, engagement, step)
                return engagement
            case data.Answer():
                return self._answer(actor, engagement, step)
            case data.Assess():
                self._assess(actor, engagement, step)
                return engagement
            case data.ProposeMitigations():
                if not mitigation_services.mitigation_propose(actor=actor, engagement=engagement):
                    raise DemoDataError(f"{engagement.title!r}: the pack proposed no mitigation")
                return engagement
            case data.AddMitigation():
                due = self.today + timedelta(days=step.due_in_days) if step.due_in_days else None
                mitigation_services.mitigation_add(
                    actor=actor,
                    engagement=engagement,
                    fields=mitigation_services.ItemFields(
                        step.title, step.description, step.area, None, due
                    ),
                )
                return engagement
            case data.CompleteMitigation():
                self._complete(actor, engagement, step)
                return engagement
            case data.Vote():
                decision_services.vote_cast(
                    actor=actor,
                    engagement=engagement,
                    outcome=Outcome(step.outcome),
                    reason=step.reason,
                    now=self.now,
                )
                return Engagement.objects.get(pk=engagement.pk)
            case data.AddPartner():
                link = step.link
                partner = (
                    self.organisations[link.organisation]
                    if link.organisation
                    else self.people[link.person]
                )
                case_services.engagement_partner_add(
                    actor=actor,
                    engagement=engagement,
                    partner=partner,
                    role=link.role,
                    note=link.note,
                )
                return Engagement.objects.get(pk=engagement.pk)

    def _answer(self, owner: User, engagement: Engagement, step: data.Answer) -> Engagement:
        """Answer the open questions in the order they were asked."""
        open_ = engagement.information_requests.filter(answered_at__isnull=True)
        questions = list(open_.order_by("pk"))
        if len(questions) != len(step.answers):
            raise DemoDataError(
                f"{engagement.title!r}: {len(questions)} open questions, "
                f"{len(step.answers)} answers"
            )
        for question, answer in zip(questions, step.answers, strict=True):
            case_services.information_answer(
                actor=owner, request=question, answer=answer, now=self.now
            )
        return Engagement.objects.get(pk=engagement.pk)

    def _assess(self, officer: User, engagement: Engagement, step: data.Assess) -> None:
        """Run the assessment, then change the ratings the step overrides, with their reasons."""
        assessment = assessment_services.assessment_run(actor=officer, engagement=engagement)
        for area, rating, justification in step.overrides:
            try:
                assessment_services.assessment_override(
                    actor=officer,
                    assessment=assessment,
                    area=area,
                    rating=rating,
                    justification=justification,
                )
            except assessment_services.AssessmentError as exc:
                raise DemoDataError(f"{engagement.title!r}: {exc}") from exc
        if assessment_selectors.latest_assessment(engagement=engagement) != assessment:
            raise DemoDataError(f"{engagement.title!r}: the assessment was not stored")

    def _complete(self, owner: User, engagement: Engagement, step: data.CompleteMitigation) -> None:
        """The owner uploads the evidence (a small text file made here) and marks the item done."""
        item = (
            MitigationItem.objects.filter(
                engagement=engagement, title__startswith=step.item, removed_at__isnull=True
            )
            .order_by("pk")
            .first()
        )
        if item is None:
            raise DemoDataError(f"{engagement.title!r}: no mitigation {step.item!r}")
        mitigation_services.evidence_add(
            actor=owner, item=item, name=step.evidence_name, content=[step.evidence.encode()]
        )
        mitigation_services.mitigation_status(
            actor=owner,
            item=item,
            action=mitigation_services.StatusAction.COMPLETE,
            note=step.note,
        )

    def _triage(self, owner: User, engagement: Engagement, step: data.Triage) -> None:
        """Start from the engagement (prefilled), answer the rest and see what applies."""
        if not self._triages():
            return  # the answers are the UK pack's; another pack asks other questions
        session = triage_services.triage_start(actor=owner, engagement=engagement)
        # What the step does not say and the record does not prefill is the quiet answer.
        quiet = {k: v for k, v in data.QUIET_ANSWERS.items() if k not in session.answers}
        if "funding_amount" not in session.answers:  # not prefilled in a foreign currency
            quiet["funding_amount"] = int(engagement.funding_amount or 0)
        answers = quiet | dict(step.answers)
        session = triage_services.triage_answers_save(
            actor=owner, session=session, answers=answers, questions=list(answers)
        )
        try:
            triage_services.triage_complete(actor=owner, session=session)
        except triage_services.AnswersIncomplete as exc:
            raise DemoDataError(f"{engagement.title!r}: triage answers {exc.errors}") from exc

    def _proposal(self, step: data.Decide | data.Recommend) -> decision_services.Proposal:
        review = step.review_in_days
        due = self.today + timedelta(days=step.conditions_due_in_days)
        return decision_services.Proposal(
            outcome=Outcome(step.outcome),
            reason=step.reason,
            conditions=tuple(decision_services.Condition(c, due) for c in step.conditions),
            review_date=self.today + timedelta(days=review) if review is not None else None,
        )

    def _decide(self, actor: User, engagement: Engagement, step: data.Decide) -> Engagement:
        """Decide as the route allows, after the officer's recommendation (the same terms)."""
        if decision_selectors.current_round(engagement) is None:
            recommender = self.users[step.recommended_by or step.by]
            decision_services.recommendation_make(
                actor=recommender,
                engagement=engagement,
                proposal=self._proposal(step),
                now=self.now,
            )
        try:
            decision_services.decision_make(
                actor=actor, engagement=engagement, proposal=self._proposal(step), now=self.now
            )
        except PermissionDenied as exc:
            raise DemoDataError(f"{engagement.title!r}: {exc}") from exc
        return Engagement.objects.get(pk=engagement.pk)

    def _adjudicate(self, officer: User, step: data.Adjudicate) -> None:
        """Confirm the hits on the organisation's own listed name; rule out the look-alikes."""
        organisation = self.organisations[step.organisation]
        run = partner_selectors.screening_latest(organisation)
        if run is None or not run.hits.exists():
            raise DemoDataError(f"{organisation} has no screening hits to adjudicate")
        for hit in run.hits.all():
            same = hit.entry_name.casefold() == organisation.name.casefold()
            partner_services.hit_adjudicate(
                actor=officer,
                hit=hit,
                verdict=HitStatus.CONFIRMED if same else HitStatus.FALSE_POSITIVE,
                reason=step.same_reason if same else step.other_reason,
            )
