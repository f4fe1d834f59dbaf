"""Reviews API: the queue of flagged trends in review categories, verdicts, renames, notes and merges."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, HTTPException
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from api.deps import ClockDep, CsrfProtected, ReviewerUser, SessionDep, SettingsDep
from api.review import (
    InvalidReviewError,
    UnknownTrendError,
    get_trend,
    list_reviews,
    merge_trends,
    review_queue,
    submit_review,
)
from api.review.exceptions import ReviewError
from api.routes.subscriptions import MAX_ID, DbId, Text
from models.analysis import Trend

router = APIRouter(prefix="/api/v1/reviews", tags=["reviews"])


class ReviewTrendPublic(BaseModel):
    id: int
    label: str
    category: str | None
    status: str
    review_status: str | None
    emerging_at: datetime | None
    size: int
    authors: int
    merged_into: int | None


class ReviewPublic(BaseModel):
    id: int
    trend_id: int
    reviewer_id: int
    verdict: str
    note: str | None
    created_at: datetime


class ReviewDetail(BaseModel):
    trend: ReviewTrendPublic
    reviews: list[ReviewPublic]


class ReviewSubmit(BaseModel):
    model_config = ConfigDict(extra="forbid")

    verdict: Literal["confirm", "dismiss", "watch"] | None = None
    note: Annotated[str, StringConstraints(pattern=r"^[^\x00]*$", max_length=5000)] | None = None
    label: Text | None = Field(None, max_length=300, description="A new name for the trend")


class MergeRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    into: int = Field(ge=1, le=MAX_ID, description="The trend that absorbs this one")


def public(trend: Trend) -> ReviewTrendPublic:
    return ReviewTrendPublic.model_validate(trend, from_attributes=True)


def as_http(exc: ReviewError) -> HTTPException:
    return HTTPException(404 if isinstance(exc, UnknownTrendError) else 409, detail=str(exc))


@router.get("", response_model=list[ReviewTrendPublic])
def read_queue(session: SessionDep, settings: SettingsDep, _user: ReviewerUser) -> list[ReviewTrendPublic]:
    return [public(t) for t in review_queue(session, config=settings.watch)]


@router.get("/{trend_id}", response_model=ReviewDetail)
def read_trend_reviews(trend_id: DbId, session: SessionDep, _user: ReviewerUser) -> ReviewDetail:
    try:
        trend = get_trend(session, trend_id)
    except UnknownTrendError as exc:
        raise as_http(exc) from None
    reviews = [ReviewPublic.model_validate(r, from_attributes=True) for r in list_reviews(session, trend_id)]
    return ReviewDetail(trend=public(trend), reviews=reviews)


@router.post("/{trend_id}", response_model=ReviewTrendPublic, dependencies=[CsrfProtected])
def post_review(trend_id: DbId, body: ReviewSubmit, session: SessionDep, clock: ClockDep,
                user: ReviewerUser) -> ReviewTrendPublic:
    if body.verdict is None and not (body.note or "").strip() and not (body.label or "").strip():
        raise HTTPException(422, detail="Geef een oordeel, een notitie of een nieuwe naam.")
    try:
        trend = submit_review(session, trend_id=trend_id, reviewer=user, verdict=body.verdict, note=body.note,
                              label=body.label, now=clock())
    except (UnknownTrendError, InvalidReviewError) as exc:
        raise as_http(exc) from None
    return public(trend)


@router.post("/{trend_id}/merge", response_model=ReviewTrendPublic, dependencies=[CsrfProtected])
def post_merge(trend_id: DbId, body: MergeRequest, session: SessionDep, clock: ClockDep,
               user: ReviewerUser) -> ReviewTrendPublic:
    try:
        target = merge_trends(session, source_id=trend_id, target_id=body.into, reviewer=user, now=clock())
    except (UnknownTrendError, InvalidReviewError) as exc:
        raise as_http(exc) from None
    return public(target)
