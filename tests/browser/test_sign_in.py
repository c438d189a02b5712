import pytest
from playwright.sync_api import Page, expect
from pytest_django.live_server_helper import LiveServer

from tests import factories
from trustdesk.web.accounts.models import User


@pytest.fixture
def officer(transactional_db: None) -> User:
    return factories.make_user(
        "olu", User.Role.OFFICER, password="correct horse battery staple", last_name="Adeyemi"
    )


def test_sign_in_with_the_keyboard_reaches_the_account_page(
    page: Page, live_server: LiveServer, officer: User
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")

    page.get_by_label("Username").fill("olu")
    page.get_by_label("Password").fill("correct horse battery staple")
    page.get_by_label("Password").press("Enter")

    expect(page).to_have_url(f"{live_server.url}/")  # the desk
    expect(page.get_by_role("heading", level=1)).to_have_text("Your desk")


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(
    page: Page, live_server: LiveServer, officer: User
) -> None:
    page.goto(f"{live_server.url}/accounts/login/")

    page.get_by_label("Username").fill("olu")
    page.get_by_label("Password").fill("wrong")
    page.get_by_role("button", name="Sign in").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("main")).not_to_contain_text("Research-security officer")
