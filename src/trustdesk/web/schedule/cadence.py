"""How often a scheduled job runs: periods aligned to UTC, one run per period.

A job runs once in each period (`slot`): every 5 minutes from the hour, every hour at minute
10, every day at 01:30. Counting periods rather than time since the last run is what lets two
runners (Celery beat, cron, `trustdesk serve`) agree: whoever first claims a period runs the
job, and a runner that wakes a little early or late neither skips a period nor repeats one.
The same period becomes a Celery `crontab` for beat.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from celery.schedules import crontab

MINUTE, HOUR, DAY = timedelta(minutes=1), timedelta(hours=1), timedelta(days=1)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class InvalidCadence(ValueError):
    """A period crontab cannot express: it must divide an hour or a day into whole minutes/hours."""


@dataclass(frozen=True, slots=True)
class Cadence:
    """Once every `every`, at `at` into each period (UTC): `Cadence(DAY, at=timedelta(hours=1))`."""

    every: timedelta
    at: timedelta = timedelta(0)

    def __post_init__(self) -> None:
        minutes, hours = self.every / MINUTE, self.every / HOUR
        fits_hour = self.every <= HOUR and minutes.is_integer() and 60 % int(minutes) == 0
        fits_day = HOUR < self.every <= DAY and hours.is_integer() and 24 % int(hours) == 0
        if not (fits_hour or fits_day):
            raise InvalidCadence(f"every {self.every}: must divide an hour or a day evenly")
        if not (timedelta(0) <= self.at < self.every) or self.at % MINUTE:
            raise InvalidCadence(f"at {self.at}: whole minutes within the period of {self.every}")

    def slot(self, now: datetime) -> datetime:
        """The start of the period `now` falls in; the job is due when it has not run since."""
        periods = (now - EPOCH - self.at) // self.every
        return EPOCH + self.at + periods * self.every

    def crontab(self) -> crontab:
        """The same periods as a Celery crontab (UTC) for beat."""
        at_minutes = int(self.at / MINUTE)
        if self.every <= HOUR:
            step = int(self.every / MINUTE)
            return crontab(minute=",".join(str(m) for m in range(at_minutes % step, 60, step)))
        step = int(self.every / HOUR)
        hours = range(at_minutes // 60 % step, 24, step)
        return crontab(minute=at_minutes % 60, hour=",".join(str(h) for h in hours))

    def text(self) -> str:
        """In words, for the command's listing and the docs: "every day at 01:30 UTC"."""
        at_minutes = int(self.at / MINUTE)
        if self.every == DAY:
            return f"every day at {at_minutes // 60:02d}:{at_minutes % 60:02d} UTC"
        if self.every > HOUR:
            hours, first = int(self.every / HOUR), f"{at_minutes // 60:02d}:{at_minutes % 60:02d}"
            return f"every {hours} hours from {first} UTC"
        if self.every == HOUR:
            return f"every hour at minute {at_minutes}"
        minutes = int(self.every / MINUTE)
        return f"every {minutes} minutes" if minutes > 1 else "every minute"
