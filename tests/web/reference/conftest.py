from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytest_django.fixtures import Settings as SettingsWrapper

from tests.web.lists.httpserver import LocalHTTPServer
from tests.web.reference.fcdo_api import FakeFCDO

#: A small UK-shaped pack: shipped (seed) travel-advice levels and a rule that reads them.
PACK = """
id: travel-test
urn: urn:test:travel
version: "1"
publication_date: 2026-08-22
publisher: Test
jurisdiction: GB
title: Travel advice in triage
contacts: {office: {name: Research security office}}
questions:
  - {id: country, kind: country, label: Destination, text: Where are you going, help: H}
  - id: purpose
    kind: single_choice
    factor: activity
    text: Why are you going
    help: H
    options: [{id: conference, label: A conference}, {id: fieldwork, label: Fieldwork}]
processes:
  - {id: travel-exemption, title: Travel exemption, what: W, why: Y, contact: office,
     guidance_url: "https://example.org", lead_time: 10 days, legal_basis: Test rules}
tiers:
  - {id: standard, label: Standard, description: S}
indicators:
  - id: fcdo_advice_level
    title: FCDO travel advice level
    description: 4 all travel, whole country; 3 all but essential, whole country; 2, 1 parts
    scale: 0-4
    source: {title: FCDO travel advice, url: "https://www.gov.uk/foreign-travel-advice",
             checked: 2026-08-22}
country_profiles:
  - {country: RU, name: Russia, indicators: {fcdo_advice_level: 4}}
  - {country: CU, name: Cuba, indicators: {fcdo_advice_level: 3}}
  - {country: IL, name: Israel, indicators: {fcdo_advice_level: 2}}
  - {country: TH, name: Thailand, indicators: {fcdo_advice_level: 1}}
  - {country: FR, name: France, indicators: {fcdo_advice_level: 0}}
  - {country: XK, name: Kosovo, indicators: {fcdo_advice_level: 0}}
rules:
  - id: against-all-travel
    when:
      all:
        - {answer: purpose, in: [conference, fieldwork]}
        - {country_of: country, indicator: fcdo_advice_level, gte: 4}
    then: {processes: [travel-exemption]}
    reason: The FCDO advises against all travel there.
"""


@pytest.fixture
def server() -> Iterator[LocalHTTPServer]:
    with LocalHTTPServer() as srv:
        yield srv


@pytest.fixture
def fcdo(server: LocalHTTPServer, settings: SettingsWrapper) -> FakeFCDO:
    api = FakeFCDO(server)
    settings.TRUSTDESK_TRAVEL_ADVICE_URL = api.base_url
    settings.TRUSTDESK_DOWNLOAD_TIMEOUT = 1
    return api


@pytest.fixture
def pack_path(tmp_path: Path, settings: SettingsWrapper) -> Path:
    path = tmp_path / "travel-test.yaml"
    path.write_text(PACK, encoding="utf-8")
    settings.TRUSTDESK_POLICY_PACK = str(path)
    return path
