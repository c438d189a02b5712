"""The hit's listed entry is `entry_id` and an unadjudicated hit is "unresolved" (HitStatus):
rows stored as "open" before are migrated, and back again on a reverse migration."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from tests.support import migrations_restored  # noqa: F401 (a fixture)
from tests.web.partners.conftest import OnCommit
from trustdesk.screening.matching.model import HitStatus
from trustdesk.web.accounts.models import User
from trustdesk.web.partners.models import ScreeningHit
from trustdesk.web.partners.services import OrganisationInput, organisation_create

BEFORE = [("partners", "0002_screeningrun_coverage")]
AFTER = [("partners", "0003_hit_entry_id_and_status")]


def _verdicts() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT verdict FROM partners_screeninghit")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shipped_lists")
@pytest.mark.usefixtures("migrations_restored")
def test_open_hits_become_unresolved_and_back(
    researcher: User, django_capture_on_commit_callbacks: OnCommit
) -> None:
    # given hits not yet adjudicated
    with django_capture_on_commit_callbacks(execute=True):
        organisation_create(
            actor=researcher, data=OrganisationInput(name="Beihang University", kind="university")
        )
    assert set(_verdicts()) == {HitStatus.UNRESOLVED}

    # when the migration is reversed, then applied again
    MigrationExecutor(connection).migrate(BEFORE)
    reversed_ = _verdicts()
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(AFTER)

    # then they were "open" before it and are "unresolved" after, with their entry ids intact
    assert reversed_
    assert set(reversed_) == {"open"}
    assert set(_verdicts()) == {HitStatus.UNRESOLVED}
    # (only the column this migration knows: later ones add others, such as the verdict memory)
    assert "beihang-university" in set(ScreeningHit.objects.values_list("entry_id", flat=True))
