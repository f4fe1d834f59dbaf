"""Trends: a filtered, paged list sorted by emergence, and one trend with its history and example posts."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path

from api.deps import CurrentUser, SessionDep, SettingsDep
from api.params import MAX_ID, Limit, Offset, read_trend_filters
from api.public import TrendDetailPublic, TrendPagePublic
from api.queries.trends import TrendFilters, get_trend, list_trends
from api.trend_views import make_trend_detail, make_trend_public
from api.visibility import filters_for, may_see

router = APIRouter(prefix="/api/v1/trends", tags=["trends"])
TrendId = Annotated[int, Path(ge=1, le=MAX_ID)]


def trend_not_found(trend_id: int) -> HTTPException:
    return HTTPException(404, detail=f"Trend {trend_id} bestaat niet. / Trend {trend_id} does not exist.")


@router.get("", response_model=TrendPagePublic, summary="List trends, emerging first")
def read_trends(session: SessionDep, settings: SettingsDep, user: CurrentUser,
                filters: Annotated[TrendFilters, Depends(read_trend_filters)],
                limit: Limit = 50, offset: Offset = 0) -> TrendPagePublic:
    """Sorted by emergence: the most recently emerged first, then by growth in the latest day. Trends merged
    into another one and trends a reviewer dismissed are left out; trends in review categories are listed for
    youth workers and safety coordinators once a reviewer confirmed them."""
    rows, total = list_trends(session, filters_for(user, settings.watch, filters), limit=limit, offset=offset)
    items = [make_trend_public(row.trend, row.growth, settings.watch) for row in rows]
    next_offset = offset + limit if offset + limit < total else None
    return TrendPagePublic(total=total, limit=limit, offset=offset, next_offset=next_offset, items=items)


@router.get("/{trend_id}", response_model=TrendDetailPublic, summary="One trend with timeline and posts",
            responses={404: {"description": "No such trend"}})
def read_trend(trend_id: TrendId, session: SessionDep, settings: SettingsDep, user: CurrentUser) -> TrendDetailPublic:
    """Timeline (day and week snapshots), summary, why it was flagged, redacted example posts and lineage.
    A trend awaiting review is a 404 for youth workers and safety coordinators, as an unknown id is."""
    trend = get_trend(session, trend_id)
    if trend is None or not may_see(user, trend, settings.watch):
        raise trend_not_found(trend_id)
    return make_trend_detail(session, trend, settings.watch, shown=lambda other: may_see(user, other, settings.watch))
