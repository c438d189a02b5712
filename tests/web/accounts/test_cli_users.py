"""`trustdesk users`: create and invite accounts from the host, and list them."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest
from click.testing import CliRunner
from django.core import mail
from django.test import Client
from pytest_django.fixtures import Settings

from tests import factories
from trustdesk.cli import main
from trustdesk.web.accounts.models import User
from trustdesk.web.core.models import AuditEvent

pytestmark = pytest.mark.django_db

OnCommit = Callable[..., AbstractContextManager[list[Callable[[], None]]]]
LINK = re.compile(r"(https?://\S+/accounts/password/set/\S+/)")


def test_users_create_prints_the_link_when_email_is_not_configured(settings: Settings) -> None:
    settings.TRUSTDESK_BASE_URL = "http://testserver"
    factories.make_department("Physics")

    result = CliRunner().invoke(
        main,
        [
            "users",
            "create",
            "vis",
            "vis@uni.example",
            "--role",
            "champion",
            "--department",
            "physics",
        ],
    )

    assert result.exit_code == 0, result.output
    user = User.objects.get(username="vis")
    assert (user.role, str(user.department)) == (User.Role.CHAMPION, "Physics")
    assert result.output.startswith(
        "User vis created (Department champion).\nE-mail is not configured"
    )
    match = LINK.search(result.output)
    assert match is not None
    client = Client()
    form = client.get(match.group(1), follow=True)
    client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "a long pass phrase", "new_password2": "a long pass phrase"},
    )
    user.refresh_from_db()
    assert user.check_password("a long pass phrase")
    created = AuditEvent.objects.get(action="trustdesk.user.created")
    assert created.data == {"via": "command", "role": "champion", "department": "Physics"}
    assert created.actor_label.startswith("cli:")


def test_users_create_emails_the_invitation_and_prints_it_only_when_asked(
    settings: Settings, django_capture_on_commit_callbacks: OnCommit
) -> None:
    settings.TRUSTDESK_EMAIL_CONFIGURED = True

    with django_capture_on_commit_callbacks(execute=True):
        quiet = CliRunner().invoke(
            main, ["users", "create", "a1", "a1@uni.example", "--role", "officer"]
        )
        shown = CliRunner().invoke(
            main, ["users", "create", "a2", "a2@uni.example", "--role", "officer", "--print-link"]
        )

    assert (quiet.exit_code, shown.exit_code) == (0, 0), quiet.output + shown.output
    assert "Invitation e-mailed to a1@uni.example" in quiet.output
    assert LINK.search(quiet.output) is None
    assert LINK.search(shown.output) is not None
    assert [m.to for m in mail.outbox] == [["a1@uni.example"], ["a2@uni.example"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--role", "admin"], "Invalid value for '--role': 'admin' is not one of"),
        (["--role", "officer", "--department", "Nowhere"], "no department named 'Nowhere'"),
    ],
)
def test_users_create_refuses(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["users", "create", "vis", "vis@uni.example", *args])

    assert result.exit_code == 2
    assert message in result.output
    assert not User.objects.filter(username="vis").exists()


def test_users_invite_sends_a_new_link_and_refuses_an_account_with_a_password() -> None:
    factories.make_user("vis")
    factories.make_user("mem", password="correct horse battery staple")

    fresh = CliRunner().invoke(main, ["users", "invite", "VIS"])
    refused = CliRunner().invoke(main, ["users", "invite", "mem"])
    missing = CliRunner().invoke(main, ["users", "invite", "nobody"])

    assert fresh.exit_code == 0, fresh.output
    assert LINK.search(fresh.output) is not None
    assert (refused.exit_code, missing.exit_code) == (1, 1)
    assert "has already set a password" in refused.output
    assert "no user named 'nobody'" in missing.output


def test_users_list_json() -> None:
    factories.make_user("vis", User.Role.OFFICER)
    factories.make_user("mem", password="correct horse battery staple", active=False)

    result = CliRunner().invoke(main, ["users", "list", "--json"])

    assert result.exit_code == 0, result.output
    rows = {row["username"]: row for row in json.loads(result.output)}
    assert rows["vis"] == {
        "username": "vis",
        "email": "vis@uni.example",
        "role": "officer",
        "department": None,
        "sign_in": "invited",
        "active": True,
    }
    assert (rows["mem"]["sign_in"], rows["mem"]["active"]) == ("password", False)
