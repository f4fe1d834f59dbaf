"""The two things spiders yield: a post they found, and a cursor mark when a query is done."""
from __future__ import annotations

from dataclasses import dataclass

from crawlers.normalise import RawPost


@dataclass
class FoundPost:
    """A post as found; `searched_for` names the watchlist whose keyword search found it, if any."""

    raw: RawPost
    query: str
    searched_for: str | None = None


@dataclass
class CursorMark:
    """Where `query` stopped; stored only after every post yielded before it is committed."""

    query: str
    value: str | None
    etag: str | None = None
    last_modified: str | None = None
