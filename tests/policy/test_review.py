"""Review triggers and replay: what changed since the last assessment, and whether it is due."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support import GB_QUIET_COLLABORATION
from trustdesk.policy.assessment import assess
from trustdesk.policy.conditions import ScreeningHit
from trustdesk.policy.models import Pack
from trustdesk.policy.registry import load
from trustdesk.policy.review import CaseState, Change, Trigger, review_check
from trustdesk.policy.triage import triage

TODAY = dt.date(2027, 3, 1)
PARTNER = "Harbin Institute of Technology"
ANSWERS = {
    "engagement_kind": ["research-collaboration"],
    **GB_QUIET_COLLABORATION,
    "partner_name": PARTNER,
    "partner_kind": "university",
    "partner_country": "CN",
    "research_areas": ["robotics-autonomy"],
}


@pytest.fixture(scope="module")
def pack() -> Pack:
    return load("gb-base")


def hit(
    status: str = "unresolved", entry: str = "aspi-1", source: str = "aspi-unitracker"
) -> ScreeningHit:
    return ScreeningHit(source, entry, PARTNER, status)  # type: ignore[arg-type]


def state(
    pack: Pack,
    answers: dict[str, object] = ANSWERS,
    hits: tuple[ScreeningHit, ...] = (),
    entries: dict[str, str] | None = None,
    partners: tuple[str, ...] = (PARTNER,),
    countries: tuple[str, ...] = ("CN",),
) -> CaseState:
    """The state of the case as the case app would record it after triage and assessment."""
    outcome = triage(pack, answers, screening=hits)
    assessment = assess(pack, outcome, answers, screening=hits)
    areas = answers.get("research_areas", [])
    assert isinstance(areas, list)
    return CaseState.of(
        outcome,
        assessment=assessment,
        hits=hits,
        entries=entries if entries is not None else {h.key: "v1" for h in hits},
        partners=partners,
        countries=countries,
        areas=areas,
    )


def test_nothing_changed_nothing_due(pack: Pack) -> None:
    before = state(pack, hits=(hit(),))

    check = review_check(before, state(pack, hits=(hit(),)), today=TODAY)

    assert check.changes == ()
    assert not check.due


def test_the_review_date_makes_a_review_due(pack: Pack) -> None:
    before = state(pack)

    on_the_day = review_check(before, before, today=TODAY, review_date=TODAY)
    the_day_before = review_check(
        before, before, today=TODAY - dt.timedelta(days=1), review_date=TODAY
    )

    assert on_the_day.changes == (Change(Trigger.DATE_REACHED, "2027-03-01"),)
    assert on_the_day.due
    assert on_the_day.changes[0].text == "the review date 2027-03-01 has been reached"
    assert not the_day_before.due


def test_a_partner_gaining_a_confirmed_hit_makes_a_review_due(pack: Pack) -> None:
    # given a case screened with a match not yet reviewed
    before = state(pack, hits=(hit(),))

    # when an officer confirms it
    check = review_check(before, state(pack, hits=(hit("confirmed"),)), today=TODAY)

    # then a review is due, and the ratings the confirmation raised are listed with it
    assert check.due
    [confirmed] = check.due_because
    assert confirmed.trigger is Trigger.HIT_CONFIRMED
    assert confirmed.text == (
        f"an officer confirmed the match with {PARTNER} (aspi-unitracker:aspi-1)"
    )
    assert (
        Change(Trigger.RATING_CHANGED, "reputation-and-values", ("medium",), ("high",))
        in check.changes
    )


def test_an_entry_confirmed_before_and_matched_again_unresolved_is_not_new(pack: Pack) -> None:
    # given an entry matched twice (the partner's screening, confirmed, and a name in the
    # triage answers, unresolved), in that order and in the other
    confirmed, open_ = hit("confirmed"), hit()
    for hits in ((confirmed, open_), (open_, confirmed)):
        before = state(pack, hits=hits)

        # when nothing changes
        check = review_check(before, state(pack, hits=hits), today=TODAY)

        # then the confirmed match is not news and no review is due
        assert not check.due, hits
        assert check.changes == ()


def test_a_new_unreviewed_hit_is_listed_but_waits_for_an_officer(pack: Pack) -> None:
    check = review_check(state(pack), state(pack, hits=(hit(),)), today=TODAY)

    assert [c.trigger for c in check.changes if not c.trigger.startswith("rating")] == [
        Trigger.HIT_FOUND
    ]
    assert not check.due


def test_a_dismissed_hit_is_listed_and_makes_no_review_due(pack: Pack) -> None:
    check = review_check(
        state(pack, hits=(hit("confirmed"),)),
        state(pack, hits=(hit("false_positive"),)),
        today=TODAY,
    )

    assert Trigger.HIT_DISMISSED in [c.trigger for c in check.changes]
    assert not check.due


@pytest.mark.parametrize(
    ("now", "trigger", "text"),
    [
        (
            {"aspi-unitracker:aspi-1": "v2"},
            Trigger.ENTRY_CHANGED,
            f"the listed entry {PARTNER} (aspi-unitracker:aspi-1) has changed since it was matched",
        ),
        (
            {},
            Trigger.ENTRY_REMOVED,
            f"the listed entry {PARTNER} (aspi-unitracker:aspi-1) is no longer on its list",
        ),
    ],
)
def test_a_matched_entry_that_changes_or_leaves_its_list_makes_a_review_due(
    pack: Pack, now: dict[str, str], trigger: Trigger, text: str
) -> None:
    before = state(pack, hits=(hit("confirmed"),))
    after = state(pack, hits=(hit("confirmed"),), entries=now)

    check = review_check(before, after, today=TODAY)

    assert [(c.trigger, c.text) for c in check.changes] == [(trigger, text)]
    assert check.due


def test_an_entry_of_a_dismissed_hit_may_change_without_a_review(pack: Pack) -> None:
    before = state(pack, hits=(hit("false_positive"),))
    after = state(pack, hits=(hit("false_positive"),), entries={})

    assert review_check(before, after, today=TODAY).changes == ()


def test_partners_countries_and_areas_changing_make_a_review_due(pack: Pack) -> None:
    # given the partner brings in a second partner in Singapore, and the work widens to AI
    answers = {**ANSWERS, "research_areas": ["robotics-autonomy", "artificial-intelligence"]}
    before = state(pack)
    after = state(
        pack,
        answers,
        partners=(PARTNER, "Nanyang Technological University"),
        countries=("CN", "SG"),
    )

    check = review_check(before, after, today=TODAY)

    assert [c.trigger for c in check.due_because] == [
        Trigger.PARTNERS_CHANGED,
        Trigger.COUNTRIES_CHANGED,
        Trigger.AREAS_CHANGED,
    ]
    assert check.due_because[1].text == "the countries changed from CN to CN, SG"


def test_a_new_pack_version_that_changes_the_outcome_makes_a_review_due(pack: Pack) -> None:
    # given a £600,000 gift from a state-linked foundation: enhanced under gb-base 2026.1
    gift = {
        "engagement_kind": ["funding-gift"],
        "partner_name": "Example State Foundation",
        "partner_kind": "charity-foundation",
        "partner_country": "QA",
        "partner_military_links": False,
        "publication_restrictions": False,
        "funding_amount": 600_000,
        "funder_kind": "foreign-state",
    }
    before = state(pack, gift, partners=("Example State Foundation",), countries=("QA",))
    # when a new version lowers the committee threshold to £500,000
    newer = pack.model_copy(
        update={
            "version": "2027.1",
            "thresholds": pack.thresholds | {"funding_escalation_gbp": 500_000},
        }
    )
    after = state(newer, gift, partners=("Example State Foundation",), countries=("QA",))

    check = review_check(before, after, today=TODAY)

    # then the outcome's tier and processes changed, and a review is due
    assert [(c.trigger, c.part) for c in check.due_because] == [
        (Trigger.OUTCOME_CHANGED, "tier"),
        (Trigger.OUTCOME_CHANGED, "processes"),
    ]
    assert check.due_because[0].text == (
        "under pack gb-base@2027.1 the triage tier is now escalated (was enhanced)"
    )
    assert (
        Change(Trigger.RATING_CHANGED, "reputation-and-values", ("high",), ("very-high",))
        in check.changes
    )


def test_a_new_pack_version_that_changes_nothing_is_noted_but_not_due(pack: Pack) -> None:
    newer = pack.model_copy(update={"version": "2027.1"})

    check = review_check(state(pack), state(newer), today=TODAY)

    assert check.changes == (
        Change(Trigger.PACK_VERSION, "gb-base@2027.1", ("gb-base@2026.1",), ("gb-base@2027.1",)),
    )
    assert not check.due


def test_changes_come_in_a_fixed_order_whatever_the_order_of_hits(pack: Pack) -> None:
    hits = (
        hit("confirmed"),
        hit("confirmed", "csl-9", "us-csl"),
        hit("unresolved", "d-1", "us-dod-1286"),
    )
    before = state(pack, hits=(hits[2],))

    first = review_check(before, state(pack, hits=hits), today=TODAY)
    again = review_check(before, state(pack, hits=hits[::-1]), today=TODAY)

    assert first == again
    assert [c.subject for c in first.changes if c.trigger is Trigger.HIT_CONFIRMED] == [
        "aspi-unitracker:aspi-1",
        "us-csl:csl-9",
    ]


def test_a_state_is_stored_and_read_back_and_changes_redact(pack: Pack) -> None:
    before = state(pack, hits=(hit(),))
    after = state(pack, hits=(hit("confirmed"),))

    assert CaseState.from_dict(after.to_dict()) == after
    [confirmed] = review_check(before, after, today=TODAY).due_because
    redacted = confirmed.redacted()
    assert redacted.hit is None
    assert redacted.text == "an officer confirmed the match with a listed entry"
    assert redacted.makes_due
