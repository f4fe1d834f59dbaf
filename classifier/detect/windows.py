"""Durations and time windows: `1h`, `6h`, `1d`, `1w` and the window a moment falls in.

`parse_duration` is the one duration parser of the project: the configuration's schedules use it too (this module
imports nothing of the project, so `monitor_config` can import it while `classifier` imports `monitor_config`).
"""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_DURATION = re.compile(r"\s*(\d+)\s*([a-z])\s*")


def parse_duration(text: str, *, units: str = "mhdw") -> timedelta:
    """`'6h'` -> 6 hours. Raises ValueError naming the text when it is not a number above zero and one of `units`
    (seconds, `s`, only where a caller allows them)."""
    m = _DURATION.fullmatch(str(text))
    if not m or m[2] not in units or m[2] not in _UNITS or int(m[1]) == 0:
        names = ", ".join(units[:-1]) + f" or {units[-1]}"
        raise ValueError(f"duration {text!r}: expected a positive number and a unit {names}, e.g. '1d'")
    return timedelta(**{_UNITS[m[2]]: int(m[1])})


def parse_time(text: str) -> datetime:
    """An ISO 8601 time as an aware UTC datetime (a time without zone is taken as UTC)."""
    t = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return t.replace(tzinfo=timezone.utc) if t.tzinfo is None else t.astimezone(timezone.utc)


def format_time(t: datetime) -> str:
    return t.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def window_origin(first: datetime, window: timedelta) -> datetime:
    """Where window 0 starts: midnight UTC of the first post's day for windows of a day or more, else the hour."""
    day = first.astimezone(timezone.utc).replace(hour=0, minute=0, second=0, microsecond=0)
    if window >= timedelta(days=1):
        return day
    return first.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)


def window_index(t: datetime, origin: datetime, window: timedelta) -> int:
    return int((t - origin) // window)


def window_start(index: int, origin: datetime, window: timedelta) -> datetime:
    return origin + index * window
