"""Work that is not on an engagement: guidance pages to review, and training to take or renew."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from tests import factories
from tests.web.cases.conftest import Cast
from tests.web.desk.test_desk import _work, desk
from trustdesk.web.accounts.roles import ROLES
from trustdesk.web.cases.models import Engagement
from trustdesk.web.desk import providers
from trustdesk.web.hub import services as hub
from trustdesk.web.hub.models import GuidancePage, TrainingModule
from trustdesk.web.hub.permissions import MANAGE

pytestmark = pytest.mark.django_db


def _page(owner: Any, title: str, review_by: date) -> GuidancePage:
    return hub.page_create(
        actor=owner,
        fields=hub.PageFields(title=title, body="Text.", review_by=review_by, owner=owner),
    )


def _module(
    key: str = "hosting-visitors", title: str = "Hosting international visitors"
) -> TrainingModule:
    return hub.module_save(
        actor="test",
        fields=hub.ModuleFields(
            key=key, title=title, body="Text.", questions=[("Q", ["a", "b"], 0)], valid_days=365
        ),
    )


def _passed(user: Any, module: TrainingModule, expires: date) -> None:
    """A pass of ``module`` that expires at the start of ``expires``."""
    taken = datetime.combine(expires, time.min, tzinfo=UTC) - timedelta(days=module.valid_days)
    hub.module_attempt(actor=user, module=module, answers=[0], now=taken)


def _day(n: int) -> str:
    return f"{timezone.localdate() + timedelta(days=n):%-d %b %Y}"


# --- guidance reviews -------------------------------------------------------------------------


def test_an_officer_is_asked_to_review_the_pages_they_own_overdue_first(cast: Cast) -> None:
    # given Olga's pages: one overdue, one due within a month, one due later, one withdrawn,
    # and an overdue page Ada owns
    today = timezone.localdate()
    _page(cast.olga, "Due soon", today + timedelta(days=20))
    _page(cast.olga, "Overdue", today - timedelta(days=3))
    _page(cast.olga, "Later", today + timedelta(days=90))
    gone = _page(cast.olga, "Withdrawn", today - timedelta(days=30))
    hub.page_withdraw(actor=cast.olga, page=gone, reason="Replaced.")
    _page(cast.ada, "Ada's page", today - timedelta(days=1))

    items = [i for i in _work(desk(cast.olga)) if "guidance page" in i]

    assert items == [
        f"Review Overdue — guidance page you own, overdue since {_day(-3)}",
        f"Review Due soon — guidance page you own, due {_day(20)}",
    ]


def test_an_admin_who_owns_a_page_sees_its_review_on_their_desk(cast: Cast) -> None:
    page = _page(cast.ada, "Visitors", timezone.localdate() - timedelta(days=1))

    html = desk(cast.ada)

    assert _work(html) == [f"Review Visitors — guidance page you own, overdue since {_day(-1)}"]
    assert f'href="{page.get_absolute_url()}"' in html


def test_an_admin_with_nothing_to_review_has_no_work_section(cast: Cast) -> None:
    assert 'id="work-heading"' not in desk(cast.ada)


def test_every_role_that_may_own_pages_is_asked_to_review_them() -> None:
    editors = {role for role, d in ROLES.items() if MANAGE in d.permissions}
    asked = {
        role for role, ps in providers.PROVIDERS.items() if providers.guidance_reviews_due in ps
    }
    assert asked == editors


# --- training ---------------------------------------------------------------------------------


@pytest.fixture
def uk_example(settings: Any) -> None:
    settings.TRUSTDESK_POLICY_PACK = "example-uk-university"  # a visit needs hosting-visitors


def test_a_researcher_is_asked_to_take_the_training_their_draft_needs(
    cast: Cast, uk_example: None
) -> None:
    # given the module the pack requires before a visit is submitted, and Rita's two visits
    module = _module()
    kind = Engagement.Kind.VISITING_RESEARCHER
    factories.make_engagement(cast.rita, title="Fellow from Lyon", kind=kind)
    take = "Take Hosting international visitors — training needed before you submit"
    assert _work(desk(cast.rita)) == [
        f"{take} “Fellow from Lyon”",
        "Complete and submit Fellow from Lyon — draft",
    ]
    factories.make_engagement(cast.rita, title="Fellow from Porto", kind=kind)
    html = desk(cast.rita)
    assert "Take Hosting international visitors — training needed before you submit 2 drafts" in (
        _work(html)
    )
    assert f'href="{module.get_absolute_url()}"' in html

    # when she passes it, the item goes
    _passed(cast.rita, module, timezone.localdate() + timedelta(days=300))
    assert not [i for i in _work(desk(cast.rita)) if i.startswith("Take")]


def test_a_pass_running_out_or_run_out_is_to_renew(cast: Cast) -> None:
    soon, lapsed, fine = _module("a", "Alpha"), _module("b", "Beta"), _module("c", "Gamma")
    today = timezone.localdate()
    _passed(cast.rita, soon, today + timedelta(days=10))
    _passed(cast.rita, lapsed, today - timedelta(days=5))
    _passed(cast.rita, fine, today + timedelta(days=200))
    _passed(cast.otto, soon, today + timedelta(days=1))  # someone else's

    assert _work(desk(cast.rita)) == [
        f"Renew Beta — training pass ran out, overdue since {_day(-5)}",
        f"Renew Alpha — training pass runs out, due {_day(10)}",
    ]
    # renewing takes it away
    _passed(cast.rita, soon, today + timedelta(days=365))
    assert _work(desk(cast.rita)) == [
        f"Renew Beta — training pass ran out, overdue since {_day(-5)}"
    ]


def test_a_module_needed_for_a_draft_is_said_once_even_when_its_pass_ran_out(
    cast: Cast, uk_example: None
) -> None:
    module = _module()
    _passed(cast.rita, module, timezone.localdate() - timedelta(days=2))
    factories.make_engagement(
        cast.rita, title="Fellow from Lyon", kind=Engagement.Kind.VISITING_RESEARCHER
    )

    items = [i for i in _work(desk(cast.rita)) if "Hosting" in i]

    assert items == [
        "Take Hosting international visitors — training needed before you submit “Fellow from Lyon”"
    ]


def test_every_role_that_takes_training_is_told_what_is_due() -> None:
    takers = {role for role, d in ROLES.items() if hub.TAKE_TRAINING in d.permissions}
    told = {role for role, ps in providers.PROVIDERS.items() if providers.training_due in ps}
    assert told == takers


def _queries(provider: providers.Provider, user: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        list(provider(user=user, today=timezone.localdate()))
    return len(captured.captured_queries)


def test_the_new_providers_cost_the_same_queries_for_few_or_many(
    cast: Cast, uk_example: None
) -> None:
    today = timezone.localdate()
    modules = [_module(f"m{i}", f"Module {i}") for i in range(3)] + [_module()]

    def grow(n: int) -> None:
        for i in range(n):
            _page(cast.olga, f"Page {n}-{i}", today - timedelta(days=i))
            factories.make_engagement(
                cast.rita, title=f"Visit {n}-{i}", kind=Engagement.Kind.VISITING_RESEARCHER
            )
        for m in modules[:3]:
            _passed(cast.rita, m, today + timedelta(days=n))

    grow(2)
    few = (
        _queries(providers.guidance_reviews_due, cast.olga),
        _queries(providers.training_due, cast.rita),
    )
    grow(15)
    many = (
        _queries(providers.guidance_reviews_due, cast.olga),
        _queries(providers.training_due, cast.rita),
    )

    assert few == many
    assert len(list(providers.guidance_reviews_due(user=cast.olga, today=today))) == providers.LIMIT
