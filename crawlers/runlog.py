"""Errors and counts of a run, kept in the crawler's stats until the run record is written."""
from __future__ import annotations

import logging
from typing import Any

ERRORS = "leefwereld/errors"
STORED = "leefwereld/stored"
DUPLICATES = "leefwereld/duplicates"
DROPPED = "leefwereld/dropped"
SEEN = "leefwereld/seen"
MAX_ERRORS = 50

log = logging.getLogger(__name__)


def record_error(crawler: Any, message: str) -> None:
    """Log an error and keep it for the run record (at most MAX_ERRORS are kept)."""
    log.error(message)
    errors = crawler.stats.get_value(ERRORS) or []
    if len(errors) < MAX_ERRORS:
        crawler.stats.set_value(ERRORS, [*errors, message])


def errors_of(crawler: Any) -> list[str]:
    return list(crawler.stats.get_value(ERRORS) or [])
