"""Company names in Han characters against their English listings (issue 15).

The company names are invented; the words are real: 卫星 satellite, 数字 digital, 技术 technology,
股份有限公司 a company limited by shares.
"""

from __future__ import annotations

from trustdesk.screening.entries import EntityType, Entry
from trustdesk.screening.matching import MatchIndex, Query
from trustdesk.screening.matching.normalize import name_form

ORG = EntityType.ORGANIZATION


def test_a_company_limited_by_shares_is_a_legal_form() -> None:
    form = name_form("长泽卫星技术股份有限公司", person=False)
    assert form.legal == ("ltd",)
    assert "gufen" not in form.tokens


def test_chang_is_read_as_in_place_names() -> None:
    """长 is "chang" in names (长春, 长泽), "zhang" only in words that say so (校长)."""
    assert name_form("长泽卫星", person=False).tokens[0] == "changze"
    assert name_form("校长", person=False).tokens == ("xiaozhang",)


def test_a_han_company_name_finds_its_english_listing() -> None:
    index = MatchIndex.build(
        [Entry("t", "cz", ORG, "CHANG ZE SATELLITE TECHNOLOGY CO., LTD.", countries=("CN",))]
    )
    hits = index.search(Query("长泽卫星技术股份有限公司", type=ORG, country="CN"))
    assert [h.key for h in hits] == ["t:cz"]
