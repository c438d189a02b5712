"""The role table's invariants and what each role may do."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from tests import factories
from tests.web.accounts.conftest import MakeUser
from trustdesk.web.accounts import permissions
from trustdesk.web.accounts.models import Department, User
from trustdesk.web.accounts.roles import PERMISSIONS, ROLES, Scope, role_permissions


def test_every_permission_says_what_it_allows() -> None:
    for key, perm in PERMISSIONS.items():
        assert perm.key == key
        assert perm.doc[0].isupper(), key
        assert perm.doc.endswith("."), key


def test_every_permission_has_a_label_people_read_instead_of_its_key() -> None:
    labels = [perm.label for perm in PERMISSIONS.values()]

    assert len(set(labels)) == len(labels)  # two refusals never read alike
    for key, perm in PERMISSIONS.items():
        # It completes "Your role does not allow you to …": lower case, no key syntax.
        assert perm.label[0].islower(), key
        assert not any(c in perm.label for c in "._"), key
    assert permissions.not_allowed("engagement.propose") == (
        "Your role does not allow you to propose engagements."
    )


def test_every_role_is_defined_and_grants_only_declared_permissions() -> None:
    assert set(ROLES) == set(User.Role)
    for role, definition in ROLES.items():
        assert definition.role == role
        assert definition.permissions <= set(PERMISSIONS), role


def test_the_auditor_reads_everything_and_changes_nothing() -> None:
    auditor = ROLES[User.Role.AUDITOR]
    assert auditor.scope is Scope.ALL
    assert auditor.permissions == {k for k, p in PERMISSIONS.items() if not p.writes}
    assert not any(PERMISSIONS[k].writes for k in auditor.permissions)


@pytest.mark.parametrize(
    ("role", "scope"),
    [
        (User.Role.RESEARCHER, Scope.OWN),
        (User.Role.CHAMPION, Scope.DEPARTMENT),
        (User.Role.OFFICER, Scope.ALL),
        (User.Role.APPROVER, Scope.ALL),
        (User.Role.AUDITOR, Scope.ALL),
        (User.Role.ADMIN, Scope.ALL),
        (User.Role.SENIOR_OWNER, Scope.ALL),
    ],
)
def test_scopes(role: User.Role, scope: Scope) -> None:
    assert ROLES[role].scope is scope


def test_only_admins_manage_users_and_only_officers_and_approvers_decide() -> None:
    managers = {r for r, d in ROLES.items() if "user.manage" in d.permissions}
    deciders = {r for r, d in ROLES.items() if "engagement.decide" in d.permissions}
    seats = {r for r, d in ROLES.items() if "committee.manage" in d.permissions}
    reviewers = {r for r, d in ROLES.items() if "engagement.review" in d.permissions}
    assert managers == {User.Role.ADMIN}
    assert deciders == {User.Role.OFFICER, User.Role.APPROVER}  # which of them: the route
    assert seats == {User.Role.OFFICER, User.Role.ADMIN}
    assert reviewers == {User.Role.OFFICER}


def test_the_self_assessment_is_read_centrally_and_managed_by_officers_and_admins() -> None:
    readers = {r for r, d in ROLES.items() if "selfassessment.view" in d.permissions}
    managers = {r for r, d in ROLES.items() if "selfassessment.manage" in d.permissions}
    role = User.Role
    assert readers == {role.OFFICER, role.APPROVER, role.AUDITOR, role.ADMIN, role.SENIOR_OWNER}
    assert managers == {role.OFFICER, role.ADMIN}


def test_the_senior_owner_reads_figures_and_no_case() -> None:
    """Board-level ownership without case details: aggregates and the report, nothing else."""
    owner = ROLES[User.Role.SENIOR_OWNER]
    assert owner.permissions == {"leadership.view", "board_report.generate", "selfassessment.view"}
    viewers = {r for r, d in ROLES.items() if "leadership.view" in d.permissions}
    generators = {r for r, d in ROLES.items() if "board_report.generate" in d.permissions}
    assert viewers == set(User.Role) - {User.Role.RESEARCHER, User.Role.CHAMPION}
    assert generators == {User.Role.OFFICER, User.Role.SENIOR_OWNER}


def test_role_permissions_keep_declaration_order() -> None:
    assert [p.key for p in role_permissions("researcher")] == [
        "engagement.view",
        "engagement.propose",
        "engagement.supply_evidence",
        "partner.view",
        "partner.propose",
    ]


@dataclass
class Record:
    owner_id: int | None
    department_id: int | None


@pytest.fixture
def chemistry(db: None) -> Department:
    return factories.make_department("Chemistry")


@pytest.fixture
def physics(db: None) -> Department:
    return factories.make_department("Physics")


def test_has_permission_follows_the_table(make_user: MakeUser) -> None:
    officer = make_user("olga", User.Role.OFFICER)
    gone = make_user("gone", User.Role.ADMIN, active=False)

    assert permissions.has_permission(officer, "engagement.review")
    assert not permissions.has_permission(officer, "user.manage")
    assert not permissions.has_permission(gone, "user.manage")
    assert not permissions.has_permission(AnonymousUser(), "engagement.view")
    with pytest.raises(permissions.UnknownPermission):
        permissions.has_permission(officer, "engagement.reviw")


def test_require_names_what_is_refused(make_user: MakeUser, chemistry: Department) -> None:
    researcher = make_user("rita", department=chemistry)
    other = make_user("otto", department=chemistry)

    permissions.require(researcher, "engagement.supply_evidence", Record(researcher.pk, None))
    with pytest.raises(
        PermissionDenied, match=r"^Your role does not allow you to manage user accounts\.$"
    ):
        permissions.require(researcher, "user.manage")
    with pytest.raises(
        PermissionDenied,
        match=(
            r"^This record is outside what you can see "
            r"\(needed to add answers and evidence to engagements\)\.$"
        ),
    ):
        permissions.require(researcher, "engagement.supply_evidence", Record(other.pk, None))


def test_department_scope_filters_rows(
    make_user: MakeUser, chemistry: Department, physics: Department
) -> None:
    # Users stand in for engagements here: each row's owner is itself, its department its own.
    rita = make_user("rita", department=chemistry)
    carl = make_user("carl", User.Role.CHAMPION, department=chemistry)
    pete = make_user("pete", department=physics)
    lone = make_user("lone", User.Role.CHAMPION)
    aud = make_user("aud", User.Role.AUDITOR)
    gone = make_user("gone", User.Role.OFFICER, active=False)

    def seen(user: permissions.AnyUser) -> list[str]:
        scope = permissions.department_scope(user, owner="pk", department="department")
        return sorted(User.objects.filter(scope).values_list("username", flat=True))

    assert seen(rita) == ["rita"]
    assert seen(carl) == ["carl", "rita"]
    assert seen(lone) == ["lone"]  # a champion without a department sees only their own
    assert seen(aud) == ["aud", "carl", "gone", "lone", "pete", "rita"]
    assert seen(gone) == []
    assert seen(AnonymousUser()) == []
    assert permissions.in_scope(carl, Record(rita.pk, chemistry.pk))
    assert not permissions.in_scope(carl, Record(pete.pk, physics.pk))
    assert permissions.in_scope(aud, Record(pete.pk, physics.pk))
