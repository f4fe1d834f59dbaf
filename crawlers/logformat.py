"""Scrapy's log lines without post contents: a scraped or dropped item is named, never printed."""
from __future__ import annotations

import logging
from typing import Any

from scrapy.logformatter import LogFormatter

from crawlers.items import CursorMark, FoundPost
from models.redaction.urls import deidentify_id


def describe(item: Any) -> str:
    if isinstance(item, FoundPost):
        return f"{item.raw.platform}:{deidentify_id(item.raw.platform, item.raw.external_id)}"
    if isinstance(item, CursorMark):
        return f"cursor for {item.query}"
    return type(item).__name__


class PrivateLogFormatter(LogFormatter):
    """Posts carry author handles until the pipeline pseudonymises them, so items never reach the log."""

    def scraped(self, item: Any, response: Any, spider: Any) -> Any:
        return {"level": logging.DEBUG, "msg": "Scraped %(item)s", "args": {"item": describe(item)}}

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        return {"level": logging.DEBUG, "msg": "Dropped %(item)s: %(reason)s",
                "args": {"item": describe(item), "reason": exception}}

    def item_error(self, item: Any, exception: BaseException, response: Any, spider: Any) -> Any:
        return {"level": logging.ERROR, "msg": "Error processing %(item)s", "args": {"item": describe(item)}}
