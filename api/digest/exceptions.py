"""Errors of the weekly digest; only the API and the command line turn them into HTTP errors and exit codes."""
from __future__ import annotations


class DigestError(Exception):
    """Base of the digest's errors."""


class InvalidWeekError(DigestError, ValueError):
    """A week that is not an ISO week (for example 2026-W99). The message names the value and the fix."""

    def __init__(self, value: str, reason: str) -> None:
        self.value = value
        super().__init__(
            f"week {value!r} {reason}; fix: give an ISO week as YYYY-Www, for example 2026-W47 "
            "(weeks run from 01 to 52, or 53 in long years)"
        )

    @property
    def dutch(self) -> str:
        return (f"Week {self.value!r} bestaat niet; gebruik een ISO-week als JJJJ-Wnn, bijvoorbeeld 2026-W47 "
                "(week 01 tot 52, of 53 in lange jaren).")


class UnknownFormatError(DigestError, ValueError):
    def __init__(self, value: str, choices: tuple[str, ...]) -> None:
        super().__init__(f"format {value!r} is not known; fix: use one of {', '.join(choices)}")
