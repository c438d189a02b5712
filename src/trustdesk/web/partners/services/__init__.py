"""Every write to organisations, people and their screening: one service per user action.

`records` creates, corrects and merges organisations and people; `screening` queues and runs
screenings and takes officers' verdicts on hits. Screenings run through the task queue after the
commit (in-process on the embedded default, in a worker in production).
"""

from trustdesk.web.partners.services.common import (
    DuplicateIdentifier,
    InvalidPartner,
    InvalidVerdict,
    MergedRecord,
    MergeRefused,
    PartnerError,
    ReasonRequired,
    Subject,
    UnknownGroup,
)
from trustdesk.web.partners.services.records import (
    OrganisationInput,
    PersonInput,
    organisation_create,
    organisation_merge,
    organisation_update,
    person_create,
    person_merge,
    person_update,
)
from trustdesk.web.partners.services.screening import (
    HITS_PER_NAME,
    hit_adjudicate,
    hit_group_adjudicate,
    organisation_name_screen,
    screening_fail,
    screening_purge_expired,
    screening_request,
    screening_run,
)

__all__ = [
    "HITS_PER_NAME",
    "DuplicateIdentifier",
    "InvalidPartner",
    "InvalidVerdict",
    "MergeRefused",
    "MergedRecord",
    "OrganisationInput",
    "PartnerError",
    "PersonInput",
    "ReasonRequired",
    "Subject",
    "UnknownGroup",
    "hit_adjudicate",
    "hit_group_adjudicate",
    "organisation_create",
    "organisation_merge",
    "organisation_name_screen",
    "organisation_update",
    "person_create",
    "person_merge",
    "person_update",
    "screening_fail",
    "screening_purge_expired",
    "screening_request",
    "screening_run",
]
