"""The period a page shows: the last 7, 30 or 90 days, or chosen dates; read from the address, never trusted."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

CHOICES = ("7", "30", "90", "custom")
DEFAULT = "30"
MAX_DAYS = 366


@dataclass(frozen=True)
class Period:
    choice: str
    first: date
    last: date  # inclusive

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]

    def start(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.first, time(0), zone).astimezone(UTC)

    def end(self, zone: ZoneInfo) -> datetime:
        return datetime.combine(self.last + timedelta(days=1), time(0), zone).astimezone(UTC)


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip()[:10])
    except ValueError:
        return None


def read_period(choice: str, first: str, last: str, *, today: date) -> tuple[Period, str | None]:
    """The period asked for, and a problem to show when custom dates were unusable (the default is used then)."""
    if choice == "custom":
        start, end = _day(first), _day(last)
        if start is None or end is None:
            return read_period(DEFAULT, "", "", today=today)[0], "period.error.dates"
        if end < start:
            start, end = end, start
        if (end - start).days >= MAX_DAYS:
            start = end - timedelta(days=MAX_DAYS - 1)
        return Period("custom", start, end), None
    days = int(choice) if choice in CHOICES[:3] else int(DEFAULT)
    return Period(str(days), today - timedelta(days=days - 1), today), None
