"""Time windows: the window a moment falls in, and ISO 8601 times (durations: `monitor_config.durations`)."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta


def parse_time(text: str) -> datetime:
    """An ISO 8601 time as an aware UTC datetime (a time without zone is taken as UTC)."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.replace(tzinfo=UTC) if t.tzinfo is None else t.astimezone(UTC)


def format_time(t: datetime) -> str:
    return t.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_origin(first: datetime, window: timedelta) -> datetime:
    """Where window 0 starts: midnight UTC of the first post's day for windows of a day or more, else the hour."""
    day = first.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    if window >= timedelta(days=1):
        return day
    return first.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def window_index(t: datetime, origin: datetime, window: timedelta) -> int:
    return int((t - origin) // window)


def window_start(index: int, origin: datetime, window: timedelta) -> datetime:
    return origin + index * window
