"""ISO weeks in the configured time zone (`MonitorConfig.zone`): a digest week runs from Monday 00:00 to the next
Monday 00:00 local time, whatever the daylight-saving offset is."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from api.digest.exceptions import InvalidWeekError

FIRST_YEAR, LAST_YEAR = 1900, 8999
WEEK_PATTERN = re.compile(r"^(\d{4})-?[Ww](\d{1,2})$")


@dataclass(frozen=True, order=True)
class IsoWeek:
    year: int
    week: int

    def __str__(self) -> str:
        return f"{self.year}-W{self.week:02d}"

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    def start(self, zone: ZoneInfo) -> datetime:
        """Monday 00:00 local time in `zone`, as an aware UTC datetime."""
        return datetime.combine(self.monday, time(0), zone).astimezone(UTC)

    def end(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.monday + timedelta(days=7), time(0), zone).astimezone(UTC)

    def shifted(self, weeks: int) -> IsoWeek:
        return week_of_date(self.monday + timedelta(weeks=weeks))

    def days(self) -> list[date]:
        return [self.monday + timedelta(days=offset) for offset in range(7)]


def parse_week(value: str) -> IsoWeek:
    """'2026-W47' (also '2026W47', '2026-w47') as an IsoWeek; InvalidWeekError names the fix otherwise."""
    match = WEEK_PATTERN.match(value.strip())
    if not match:
        raise InvalidWeekError(value, "is not written as an ISO week")
    year, week = int(match.group(1)), int(match.group(2))
    if not FIRST_YEAR <= year <= LAST_YEAR:  # beyond these a week's dates do not fit a date (9999-W52 ends in 10000)
        raise InvalidWeekError(value, f"is outside the years {FIRST_YEAR} to {LAST_YEAR}")
    try:
        date.fromisocalendar(year, week, 1)
    except ValueError:
        raise InvalidWeekError(value, f"does not exist in {year}") from None
    return IsoWeek(year, week)


def week_of_date(day: date) -> IsoWeek:
    year, week, _ = day.isocalendar()
    return IsoWeek(year, week)


def week_of(moment: datetime, zone: ZoneInfo) -> IsoWeek:
    """The week a moment falls in, in `zone`."""
    return week_of_date(moment.astimezone(zone).date())


def last_complete_week(now: datetime, zone: ZoneInfo) -> IsoWeek:
    """The week a Monday-morning digest is about: the one before the current week in `zone`."""
    return week_of(now, zone).shifted(-1)
