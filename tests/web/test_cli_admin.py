import json

import pytest
from click.testing import CliRunner

from tests.web.core.support import behind_the_back
from trustdesk.cli import main
from trustdesk.web.accounts.models import User

pytestmark = pytest.mark.django_db


def test_createadmin_prints_a_generated_password_once() -> None:
    result = CliRunner().invoke(main, ["createadmin", "ada", "ada@example.ac.uk"])

    assert result.exit_code == 0, result.output
    user = User.objects.get(username="ada")
    assert user.role == User.Role.ADMIN
    password = result.output.split("change it): ")[1].strip()
    assert user.check_password(password)


def test_audit_verify_is_intact_then_names_a_tampered_event() -> None:
    CliRunner().invoke(main, ["createadmin", "ada", "ada@example.ac.uk"])
    intact = CliRunner().invoke(main, ["audit", "verify", "--json"])
    assert intact.exit_code == 0, intact.output
    assert json.loads(intact.output)["intact"] is True

    behind_the_back("UPDATE core_auditevent SET action = %s", ["trustdesk.user.nothing"])

    broken = CliRunner().invoke(main, ["audit", "verify"])

    assert broken.exit_code == 1
    assert broken.output.startswith("audit trail broken: ")
