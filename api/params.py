"""Query parameters shared by the API and the pages, validated so that odd input is a 422, never a 500."""
from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import Query
from pydantic import StringConstraints

from api.queries.trends import TrendFilters

Status = Literal["new", "emerging", "active", "fading", "dormant"]
CategoryName = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")]
Platform = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,31}$")]
Keyword = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[^\x00-\x1f]+$")]
Limit = Annotated[int, Query(ge=1, le=200, description="Page size")]
Offset = Annotated[int, Query(ge=0, le=1_000_000, description="Items to skip")]
MAX_ID = 2**31 - 1
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)


def as_utc(value: datetime | None) -> datetime | None:
    """Aware UTC; a time without a zone is taken as UTC. Moments beyond what the databases store are clamped
    (a 'since' in the year 401 means 'from the start')."""
    if value is None:
        return None
    try:
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    except (OverflowError, ValueError):
        return EARLIEST if value.year < 5000 else LATEST
    return min(max(moment, EARLIEST), LATEST)


def read_trend_filters(
    category: Annotated[list[CategoryName] | None, Query(description="Category name(s), e.g. gelblasters")] = None,
    status: Annotated[list[Status] | None, Query(description="Trend status(es)")] = None,
    since: Annotated[datetime | None, Query(description="Active at or after this moment (ISO 8601)")] = None,
    until: Annotated[datetime | None, Query(description="First seen before this moment (ISO 8601)")] = None,
    platform: Annotated[Platform | None, Query(description="Seen on this platform, e.g. tiktok")] = None,
    keyword: Annotated[Keyword | None, Query(description="Part of the label, a keyword or hashtag")] = None,
) -> TrendFilters:
    return TrendFilters(categories=tuple(category or ()), statuses=tuple(status or ()),
                        since=as_utc(since), until=as_utc(until), platform=platform,
                        keyword=keyword)
