"""A small synthetic index shared by the matching tests: a few entries of each kind."""

from __future__ import annotations

import pytest

from trustdesk.screening.entries import EntityType, Entry, Identifier
from trustdesk.screening.matching import MatchIndex

ORG = EntityType.ORGANIZATION
PERSON = EntityType.PERSON

ENTRIES = (
    Entry(
        "aspi-unitracker",
        "beihang",
        ORG,
        "Beijing University of Aeronautics and Astronautics",
        aliases=("Beihang University",),
        original_script_names=("北京航空航天大学",),
        countries=("CN",),
    ),
    Entry(
        "aspi-unitracker",
        "nudt",
        ORG,
        "National University of Defense Technology",
        countries=("CN",),
    ),
    Entry("aspi-unitracker", "zju", ORG, "Zhejiang University", countries=("CN",)),
    Entry(
        "aspi-unitracker",
        "cug-wuhan",
        ORG,
        "China University of Geosciences (Wuhan)",
        countries=("CN",),
    ),
    Entry(
        "aspi-unitracker",
        "cug-beijing",
        ORG,
        "China University of Geosciences (Beijing)",
        countries=("CN",),
    ),
    Entry("aspi-unitracker", "aeu", ORG, "Army Engineering University", countries=("CN",)),
    Entry("aspi-unitracker", "hbio", ORG, "Hebei Institute of Optics", countries=("CN",)),
    Entry("ofac-sdn", "100", ORG, "LIMITED LIABILITY COMPANY AKROL", countries=("RU",)),
    Entry(
        "ofac-sdn",
        "101",
        ORG,
        "FEDERAL STATE UNITARY ENTERPRISE ZABABAKHIN ALL-RUSSIA "
        "RESEARCH INSTITUTE OF TECHNICAL PHYSICS (VNIITF)",
        countries=("RU",),
    ),
    Entry("ofac-sdn", "102", ORG, "XIAMEN TRADING COMPANY LIMITED", countries=("CN",)),
    Entry("ofac-sdn", "103", ORG, "ROYAL SHIPPING AGENCY"),
    Entry(
        "ofac-sdn",
        "200",
        PERSON,
        "PATRUSHEV, Dmitry Nikolayevich",
        original_script_names=("Дмитрий Николаевич Патрушев",),
        countries=("RU",),
        dates_of_birth=("1977-10-13",),
    ),
    Entry(
        "un-sc",
        "QDi.001",
        PERSON,
        "Mohammed Hassan AL-TAYYAN",
        weak_aliases=("Abu Hassan",),
        original_script_names=("محمد حسن الطيان",),
    ),
    Entry(
        "ofac-sdn", "201", PERSON, "KHOURY, Elias", identifiers=(Identifier("passport", "N 12345"),)
    ),
    Entry("ofac-sdn", "104", ORG, "KARAVEL OPTRONICS"),
    Entry("ofac-sdn", "105", ORG, "TARVOS INDUSTRIES GROUP"),
    Entry("ofac-sdn", "106", ORG, "VELMOR LIMITED"),
    Entry("ofac-sdn", "107", ORG, "GRUPO TALVERA, S.A. DE C.V."),
    Entry("ofac-sdn", "108", ORG, "PORTO ALEGRE SERVICIOS, S.A."),
    Entry("aspi-unitracker", "qinhang", ORG, "Qinhang University", countries=("CN",)),
    Entry("ofac-sdn", "300", EntityType.VESSEL, "SINGAPORE"),
    # One invented person listed by two publishers in two spellings and copied by an aggregator.
    Entry("ofac-sdn", "400", PERSON, "ORLOVSKY, Yevgeniy Markovich"),
    Entry("ofsi-conlist", "9001", PERSON, "Evgeny Markovich ORLOVSKY"),
    Entry("us-csl", "h-0a1b2c3d4e5f", PERSON, "Evgeny Markovich ORLOVSKY"),
)


@pytest.fixture(scope="session")
def index() -> MatchIndex:
    return MatchIndex.build(ENTRIES)
