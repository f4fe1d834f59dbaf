"""The weekly digest over the API: JSON, Markdown or a standalone HTML page, Dutch or English."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import BaseModel

from api.deps import ClockDep, CurrentUser, SessionDep, SettingsDep
from api.digest import Digest, InvalidWeekError, IsoWeek, last_complete_week, load_digest, parse_week
from api.digest.render import render_digest_html, render_digest_markdown

router = APIRouter(prefix="/api/v1/digests", tags=["digests"])
RECENT_WEEKS = 12


class DigestWeekPublic(BaseModel):
    week: str
    start: datetime
    end: datetime
    path: str


def read_week(value: str) -> IsoWeek:
    """A bad week is a 422 in the shape of FastAPI's validation errors, in Dutch and English."""
    try:
        return parse_week(value)
    except InvalidWeekError as exc:
        raise RequestValidationError([{"type": "value_error", "loc": ("path", "iso_week"), "input": value,
                                       "msg": f"{exc.dutch} / {exc}"}]) from None


@router.get("", response_model=list[DigestWeekPublic], summary="The most recent complete weeks")
def read_digest_weeks(clock: ClockDep, settings: SettingsDep, _user: CurrentUser) -> list[DigestWeekPublic]:
    zone = settings.watch.zone
    latest = last_complete_week(clock(), zone)
    weeks = [latest.shifted(-n) for n in range(RECENT_WEEKS)]
    return [DigestWeekPublic(week=str(w), start=w.start(zone), end=w.end(zone), path=f"/api/v1/digests/{w}")
            for w in weeks]


@router.get("/{iso_week}", response_model=Digest, summary="The digest of one ISO week",
            responses={200: {"content": {"text/markdown": {"schema": {"type": "string"}},
                                         "text/html": {"schema": {"type": "string"}}}}})
def read_digest(
    session: SessionDep, settings: SettingsDep, clock: ClockDep, _user: CurrentUser,
    iso_week: Annotated[str, Path(description="ISO week, e.g. 2026-W47 (weeks in the configured time zone)",
                                   pattern=r"^[0-9]{4}-?[Ww][0-9]{1,2}$")],
    fmt: Annotated[Literal["json", "md", "html"], Query(alias="format")] = "json",
    lang: Annotated[Literal["nl", "en"], Query()] = "nl",
) -> Any:
    """New, emerging, growing and fading trends of the week, per category, with example posts (redacted)."""
    digest = load_digest(session, week=read_week(iso_week), config=settings.watch, lang=lang, now=clock())
    base_url = str(settings.watch.alerts.public_url)  # never the request's Host header
    if fmt == "md":
        return PlainTextResponse(render_digest_markdown(digest, base_url=base_url), media_type="text/markdown")
    if fmt == "html":
        return HTMLResponse(render_digest_html(digest, base_url=base_url))
    return Response(digest.model_dump_json(), media_type="application/json")
