"""For the admin: the sources and watchlists loaded from the YAML configuration, and the crawl runs.
Editing goes through the YAML file and `leefwereld init`, not through the API."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import AdminUser, SessionDep
from api.params import Limit, Offset
from api.public import CrawlRunPagePublic, CrawlRunPublic, SourcePublic, WatchlistPublic
from api.queries.operations import list_crawl_runs, list_sources, list_watchlists

router = APIRouter(prefix="/api/v1", tags=["operations"])
SourceName = Annotated[str | None, Query(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$", description="Source name")]
RunStatus = Literal["running", "ok", "partial", "failed"]


@router.get("/sources", response_model=list[SourcePublic], summary="Sources (admin)")
def read_sources(session: SessionDep, _admin: AdminUser) -> list[SourcePublic]:
    return [SourcePublic.model_validate(row, from_attributes=True) for row in list_sources(session)]


@router.get("/watchlists", response_model=list[WatchlistPublic], summary="Watchlists (admin)")
def read_watchlists(session: SessionDep, _admin: AdminUser) -> list[WatchlistPublic]:
    return [WatchlistPublic.model_validate(row, from_attributes=True) for row in list_watchlists(session)]


@router.get("/crawl-runs", response_model=CrawlRunPagePublic, summary="Crawl runs, newest first (admin)")
def read_crawl_runs(session: SessionDep, _admin: AdminUser, source: SourceName = None,
                    status: RunStatus | None = None, limit: Limit = 50, offset: Offset = 0) -> CrawlRunPagePublic:
    runs, total = list_crawl_runs(session, source=source, status=status, limit=limit, offset=offset)
    return CrawlRunPagePublic(total=total, limit=limit, offset=offset,
                              items=[CrawlRunPublic.model_validate(run, from_attributes=True) for run in runs])
