"""The "Policy and sources" page shows each process's basis and each classification's doubts."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from pytest_django.fixtures import Settings as SettingsWrapper

from tests import factories
from trustdesk.web.accounts.models import User

pytestmark = pytest.mark.django_db

POLICY = reverse("reference:pack-detail")


@pytest.fixture
def page(settings: SettingsWrapper) -> str:
    settings.TRUSTDESK_POLICY_PACK = "gb-base"
    client = Client()
    client.force_login(factories.make_user("researcher-facts", User.Role.RESEARCHER))
    response = client.get(POLICY)
    assert response.status_code == 200
    return response.content.decode()


def section(html: str, process: str) -> str:
    return html.split(f'<h3 id="process-{process}">', 1)[1].split("</section>", 1)[0]


def test_a_process_of_institutional_practice_says_so_and_names_its_guidance(page: str) -> None:
    diligence = section(page, "partner-due-diligence")

    assert "<dt>Basis</dt><dd>The university&#x27;s own practice; no statute requires it" in (
        diligence
    )
    assert "<dt>Recommended by</dt>" in diligence
    assert "Managing risks in internationalisation" in diligence
    assert "<dt>Legal basis</dt>" not in diligence


def test_a_process_resting_on_law_keeps_its_legal_basis(page: str) -> None:
    sanctions = section(page, "sanctions-check")

    assert "<dt>Legal basis</dt><dd>Sanctions and Anti-Money Laundering Act 2018" in sanctions
    assert "<dt>Basis</dt>" not in sanctions


def test_uncertain_classifications_and_the_export_exemption_point_are_flagged(page: str) -> None:
    assert "<strong>Not certain:</strong> The 17 areas are those of the Regulations as made" in page
    assert "Not certain:</strong> Whether ATAS still applies after April 2026" in page
    assert "article 12B" in section(page, "export-control")


def test_each_sanctions_regime_is_shown_with_its_measures(page: str) -> None:
    regimes = page.split('<h2 id="sanctions-regimes">Sanctions regimes</h2>', 1)[1]

    assert "<td>Zimbabwe</td>" in regimes
    assert "The Zimbabwe (Sanctions) (EU Exit) Regulations 2019 (SI 2019/604)" in regimes
    assert "<td>asset-freeze, travel-ban, arms-embargo</td>" in regimes  # Lebanon
    assert "<td>none (thematic)</td>" in regimes
