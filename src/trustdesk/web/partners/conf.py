"""The partners app's settings, each read from Django settings with its documented default."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings

# Days a completed screening of a person is kept before `screening_purge_expired` deletes it
# (with its hits and their adjudications; the audit trail keeps who decided what, and why).
# Two years covers an engagement's review cycle; UK GDPR's storage limitation forbids keeping
# personal data longer than its purpose needs, so an institution sets its own period here.
# Screenings of organisations are not personal data and are kept.
PERSON_SCREENING_RETENTION_DAYS = 730


def person_screening_retention() -> timedelta:
    """TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS, default PERSON_SCREENING_RETENTION_DAYS."""
    days = getattr(
        settings, "TRUSTDESK_PERSON_SCREENING_RETENTION_DAYS", PERSON_SCREENING_RETENTION_DAYS
    )
    return timedelta(days=int(days))
