"""The one duration parser of the project: `30m`, `6h`, `1d`, `1w` for schedules and trend windows alike."""
from __future__ import annotations

import re
from datetime import timedelta

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
