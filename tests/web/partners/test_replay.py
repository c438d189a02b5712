"""The case page's replay of a partner's screening and a stored screening agree."""

from __future__ import annotations

import pytest

from tests.factories import make_organisation, make_person
from tests.web.partners.conftest import OnCommit
from trustdesk.web.accounts.models import User
from trustdesk.web.partners import selectors
from trustdesk.web.partners.models import Organisation, Person, ScreeningHit, ScreeningRun

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipped_lists")]


def _found(hits: list[ScreeningHit]) -> dict[str, tuple[float, str, str]]:
    return {h.key: (h.score, h.query_name, h.matched_name) for h in hits}


def _stored(subject: Organisation | Person) -> list[ScreeningHit]:
    field = "organisation" if isinstance(subject, Organisation) else "person"
    return list(ScreeningRun.objects.get(**{field: subject}).hits.all())


def test_the_replay_finds_the_entries_and_scores_a_stored_screening_found(
    researcher: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    # given: one name as an organisation and as a person (the type changes the score), the
    # organisation with aliases that match the same entries less well or other entries
    with django_capture_on_commit_callbacks(execute=True):
        org = make_organisation(
            researcher,
            "Beihang University",
            aliases=[
                "Beihang Univ",
                "Beijing University of Aeronautics and Astronautics",
                "Naval Aeronautics and Astronautics University",
            ],
        )
        person = make_person(researcher, "Beihang University")

    # when: the case page's replay screens both again, in memory
    replay = selectors.screen_now([org, person])

    # then: the same entries, scores and matching names as the screenings stored
    assert replay is not None
    assert _found(replay.hits[org]) == _found(_stored(org))
    assert _found(replay.hits[person]) == _found(_stored(person))
    beihang = "ca-nro:beihang-university"
    assert _found(replay.hits[org])[beihang] == (1.0, "Beihang University", "Beihang University")
    assert _found(replay.hits[person])[beihang][0] == 0.9
    assert _found(replay.hits[org])["ca-nro:navy-aviation-university"][1] == (
        "Naval Aeronautics and Astronautics University"
    )
