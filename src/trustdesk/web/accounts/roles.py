"""The role → permission map, declared once as data: every check in trustdesk reads it from here.

A permission is a key, `"<thing>.<verb>"`, a short label that messages show in place of the key
("Your role does not allow you to propose engagements."), and a sentence that users read on their
account page and admins read when they change a role, so the sentence says what holding it lets a
person do. Roles
also carry a scope: which engagements their holders see (their own, their department's, or all).
Changing who may do what is an edit to this table, reviewed like any other change, and the tests
check its invariants (every key documented, the auditor changes nothing).
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from trustdesk.web.accounts.models import User

Role = User.Role


class Scope(enum.StrEnum):
    """Which engagements (and the records under them) a role sees."""

    OWN = "own"  # those the user proposed
    DEPARTMENT = "department"  # those of the user's department, and their own
    ALL = "all"


@dataclass(frozen=True, slots=True)
class Permission:
    key: str
    # What people read instead of the key, completing "Your role does not allow you to …".
    label: str
    doc: str  # product text: what holding the permission lets a person do
    writes: bool  # False: the permission only reads, so a read-only role may hold it


@dataclass(frozen=True, slots=True)
class RoleDefinition:
    role: Role
    doc: str
    scope: Scope
    permissions: frozenset[str]


def _index(*permissions: Permission) -> Mapping[str, Permission]:
    return MappingProxyType({p.key: p for p in permissions})


PERMISSIONS: Final[Mapping[str, Permission]] = _index(
    Permission(
        "engagement.view",
        "see engagements",
        "See engagements in your scope, with their triage, screening results and decision.",
        writes=False,
    ),
    Permission(
        "engagement.propose",
        "propose engagements",
        "Propose an engagement and answer its triage questions.",
        writes=True,
    ),
    Permission(
        "engagement.supply_evidence",
        "add answers and evidence to engagements",
        "Add answers, documents and evidence to an engagement in your scope.",
        writes=True,
    ),
    Permission(
        "engagement.review",
        "review cases",
        "Review a case: run screening, adjudicate hits, rate risks and set mitigations.",
        writes=True,
    ),
    Permission(
        "engagement.request_information",
        "ask researchers for information",
        "Ask an engagement's researchers questions; the case waits until they are answered.",
        writes=True,
    ),
    Permission(
        "engagement.assign",
        "assign cases to officers",
        "Take a case on yourself or hand it to another officer, who is told.",
        writes=True,
    ),
    Permission(
        "engagement.recommend",
        "recommend a decision on cases",
        "Record a recommendation on a case for the decision maker.",
        writes=True,
    ),
    Permission(
        "engagement.decide",
        "decide cases",
        "Decide a case, or vote on it from a committee seat, when the policy pack routes its "
        "triage tier to your role; never a case you proposed or are on the team of.",
        writes=True,
    ),
    Permission(
        "committee.manage",
        "assign committee seats",
        "Name who holds each seat of the policy pack's decision committee.",
        writes=True,
    ),
    Permission(
        "engagement.report",
        "read due-diligence reports",
        "Read and download a case's due-diligence report: partners' screening hits with the "
        "listed entries' details, the risk assessment, mitigations, decision and votes, the "
        "lists and policy used, and an excerpt of its audit trail.",
        writes=False,
    ),
    Permission(
        "engagement.activate",
        "mark engagements as under way",
        "Mark an approved engagement as under way, once its conditions are in place.",
        writes=True,
    ),
    Permission(
        "engagement.close",
        "close engagements",
        "Close an engagement (finished, abandoned or declined), giving the reason.",
        writes=True,
    ),
    Permission(
        "lists.view",
        "see the watch lists",
        "See the loaded watch lists, their snapshots and what changed between them.",
        writes=False,
    ),
    Permission(
        "lists.manage",
        "import and update watch lists",
        "Import and update watch lists and configure list sources.",
        writes=True,
    ),
    Permission(
        "lists.review",
        "make staged list snapshots current",
        "Review a staged list snapshot's impact preview (partners gaining or losing hits, "
        "engagements whose triage would change), then make it current or discard it.",
        writes=True,
    ),
    Permission(
        "partner.view",
        "see organisations and people",
        "See organisations and the people in your scope, with their screening hits and verdicts.",
        writes=False,
    ),
    Permission(
        "partner.propose",
        "add and correct organisations and people",
        "Add organisations and people, and correct the records in your scope.",
        writes=True,
    ),
    Permission(
        "partner.screen",
        "screen organisations and people",
        "Screen an organisation or person again against the current watch lists.",
        writes=True,
    ),
    Permission(
        "partner.adjudicate",
        "adjudicate screening hits",
        "Adjudicate screening hits (confirmed, false positive, needs information) with a reason.",
        writes=True,
    ),
    Permission(
        "partner.merge",
        "merge duplicate organisations and people",
        "Merge duplicate organisation or person records; the merged one points to the one kept.",
        writes=True,
    ),
    Permission(
        "policy.manage",
        "manage policy packs",
        "Load and activate policy packs (triage questions, rules, country profiles).",
        writes=True,
    ),
    Permission(
        "policy.preview",
        "see what a new policy pack would change",
        "See the policy pack versions installed and, before one is made current, which open "
        "cases it would triage to another tier or other processes; after, what it changed.",
        writes=False,
    ),
    Permission(
        "guidance.manage",
        "edit guidance and contacts",
        "Edit guidance pages, named contacts and training records.",
        writes=True,
    ),
    Permission(
        "training.view_completion",
        "see who has completed training",
        "See which people have passed each training module and when their passes expire, for "
        "your department (champions) or everyone (the research-security team).",
        writes=False,
    ),
    Permission(
        "report.view",
        "see reports",
        "See dashboards and reports for the engagements in your scope.",
        writes=False,
    ),
    Permission(
        "selfassessment.view",
        "see the institution's self-assessments",
        "See the institution's self-assessments: answers, evidence, maturity by section, the "
        "comparison with the previous assessment, and the actions that close its gaps.",
        writes=False,
    ),
    Permission(
        "selfassessment.manage",
        "complete the institution's self-assessment",
        "Start and answer the institution's self-assessment, confirm the actions its gaps "
        "propose (owner and due date), complete it, and follow its actions up.",
        writes=True,
    ),
    Permission(
        "leadership.view",
        "see the leadership dashboard",
        "See the leadership dashboard: engagements, risk, decisions, overdue work, training and "
        "list freshness across every department, in figures; cases appear only by reference.",
        writes=False,
    ),
    Permission(
        "board_report.generate",
        "generate the governing-body report",
        "Generate the report for the governing body for a chosen period, as a PDF and as CSV, "
        "and download the reports generated before.",
        writes=True,
    ),
    Permission(
        "audit.view",
        "read the audit trail",
        "Read the audit trail: who did what, when, and why.",
        writes=False,
    ),
    Permission(
        "audit.verify",
        "verify the audit trail",
        "Verify that the audit trail is complete and unaltered.",
        writes=False,
    ),
    Permission(
        "watch.view",
        "see the ongoing monitoring of partners",
        "See what each list change did to the partners on file: entries added, changed and "
        "removed, partners gaining or losing possible matches, engagements falling due for "
        "review, and the re-screens running or failed.",
        writes=False,
    ),
    Permission(
        "task.view",
        "watch background task runs",
        "See background task runs (list updates, imports, screenings): what each ran on, who "
        "started it, how far it got and how it ended.",
        writes=False,
    ),
    Permission(
        "user.view",
        "see user accounts",
        "See every user account, its role and department.",
        writes=False,
    ),
    Permission(
        "user.manage",
        "manage user accounts",
        "Create users, change their role or department, and deactivate them.",
        writes=True,
    ),
    Permission(
        "settings.manage",
        "change the settings",
        "Change the installation's settings.",
        writes=True,
    ),
)

_PARTNER_REVIEW = frozenset({"partner.screen", "partner.adjudicate", "partner.merge"})
_RESEARCHER = frozenset(
    {
        "engagement.view",
        "engagement.propose",
        "engagement.supply_evidence",
        "partner.view",
        "partner.propose",
    }
)
_CASEWORK = frozenset(
    {
        "engagement.review",
        "engagement.request_information",
        "engagement.assign",
        "engagement.recommend",
        "engagement.decide",
        "engagement.report",
        "engagement.activate",
        "engagement.close",
        "lists.view",
        "report.view",
        "task.view",
        "watch.view",
    }
)

ROLES: Final[Mapping[Role, RoleDefinition]] = MappingProxyType(
    {
        Role.RESEARCHER: RoleDefinition(
            Role.RESEARCHER,
            "Proposes engagements, answers triage, supplies evidence and sees the decision.",
            Scope.OWN,
            _RESEARCHER,
        ),
        Role.CHAMPION: RoleDefinition(
            Role.CHAMPION,
            "A department's named contact: helps its researchers and sees its cases.",
            Scope.DEPARTMENT,
            _RESEARCHER | {"report.view", "training.view_completion"},
        ),
        Role.OFFICER: RoleDefinition(
            Role.OFFICER,
            "The research-security team: reviews cases, adjudicates hits, assesses and recommends.",
            Scope.ALL,
            _RESEARCHER
            | _CASEWORK
            | _PARTNER_REVIEW
            | {
                "guidance.manage",
                "committee.manage",
                "training.view_completion",
                "selfassessment.view",
                "selfassessment.manage",
                "leadership.view",
                "board_report.generate",
                "policy.preview",
                "lists.review",
            },
        ),
        Role.APPROVER: RoleDefinition(
            Role.APPROVER,
            "Senior lead or committee: decides cases above the officer's authority.",
            Scope.ALL,
            frozenset(
                {
                    "engagement.view",
                    "engagement.decide",
                    "engagement.report",
                    "partner.view",
                    "lists.view",
                    "report.view",
                    "selfassessment.view",
                    "leadership.view",
                }
            ),
        ),
        Role.AUDITOR: RoleDefinition(
            Role.AUDITOR,
            "Reads everything and changes nothing; verifies the audit trail.",
            Scope.ALL,
            frozenset(key for key, perm in PERMISSIONS.items() if not perm.writes),
        ),
        Role.ADMIN: RoleDefinition(
            Role.ADMIN,
            "Manages users, roles, policy packs, list sources and settings.",
            Scope.ALL,
            frozenset(
                {
                    "engagement.view",
                    "lists.view",
                    "lists.manage",
                    "lists.review",
                    "partner.view",
                    "policy.manage",
                    "policy.preview",
                    "guidance.manage",
                    "report.view",
                    "audit.view",
                    "task.view",
                    "watch.view",
                    "user.view",
                    "user.manage",
                    "settings.manage",
                    "committee.manage",
                    "selfassessment.view",
                    "selfassessment.manage",
                    "leadership.view",
                }
            ),
        ),
        # Board-level ownership (UUK 2020, NPSA): figures across every department and the
        # governing body's report, with no case file, researcher or partner record behind them.
        Role.SENIOR_OWNER: RoleDefinition(
            Role.SENIOR_OWNER,
            "The senior responsible owner: sees the institution's figures across departments and "
            "generates the governing body's report; cases only by reference.",
            Scope.ALL,
            frozenset({"leadership.view", "board_report.generate", "selfassessment.view"}),
        ),
    }
)


def role_permissions(role: str) -> list[Permission]:
    """The permissions a role holds, in declaration order, for pages that list them."""
    held = ROLES[Role(role)].permissions
    return [perm for key, perm in PERMISSIONS.items() if key in held]
