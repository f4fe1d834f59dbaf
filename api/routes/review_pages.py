"""Dutch pages for reviewers: the queue, and one trend's review form (verdict, note, rename, merge)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session, col, select

from api.deps import ClockDep, CsrfProtected, ReviewerUser, SessionDep, SettingsDep
from api.flash import flash
from api.i18n import choose_language
from api.review import (
    InvalidReviewError,
    UnknownTrendError,
    get_trend,
    list_reviews,
    merge_trends,
    review_queue,
    submit_review,
)
from api.routes.subscriptions import MAX_ID, DbId
from api.templating import TEMPLATES
from models.analysis import Trend, TrendMembership
from models.content import Post
from models.privacy import redact
from models.serving import User
from monitor_config.settings import Settings

router = APIRouter(include_in_schema=False)
EXAMPLES = 10


def example_texts(session: Session, trend_id: int) -> list[str]:
    posts = session.exec(select(Post).join(TrendMembership, col(TrendMembership.post_id) == Post.id)
                         .where(TrendMembership.trend_id == trend_id).order_by(col(Post.created_at).desc())
                         .limit(EXAMPLES))
    return [redact(p.text) for p in posts]


def merge_candidates(session: Session, trend: Trend) -> list[Trend]:
    return list(session.exec(select(Trend).where(Trend.category == trend.category, Trend.id != trend.id,
                                                 col(Trend.merged_into).is_(None)).order_by(col(Trend.id))))


def render_form(request: Request, session: SessionDep, trend: Trend, titles: dict[str, str],
                error: str | None = None, status_code: int = 200) -> Any:
    reviews = list_reviews(session, trend.id)  # type: ignore[arg-type]
    reviewers = select(User).where(col(User.id).in_({r.reviewer_id for r in reviews}))
    names = {u.id: u.username for u in session.exec(reviewers)}
    return TEMPLATES.TemplateResponse(request, "review_form.html", {
        "trend": trend, "category_title": titles.get(trend.category or "", trend.category), "error": error,
        "examples": example_texts(session, trend.id),  # type: ignore[arg-type]
        "reviews": reviews, "reviewers": names,
        "candidates": merge_candidates(session, trend)}, status_code=status_code)


@router.get("/beoordelen", response_class=HTMLResponse)
def queue_page(request: Request, session: SessionDep, settings: SettingsDep, user: ReviewerUser) -> Any:
    titles = {c.name: c.title_in(choose_language(request, user)) for c in settings.watch.categories}
    return TEMPLATES.TemplateResponse(request, "reviews.html", {
        "trends": review_queue(session, config=settings.watch), "titles": titles})


@router.get("/beoordelen/{trend_id}", response_class=HTMLResponse)
def review_page(request: Request, trend_id: DbId, session: SessionDep, settings: SettingsDep,
                user: ReviewerUser) -> Any:
    try:
        trend = get_trend(session, trend_id)
    except UnknownTrendError as exc:
        raise HTTPException(404, detail=str(exc)) from None
    lang = choose_language(request, user)
    return render_form(request, session, trend, {c.name: c.title_in(lang) for c in settings.watch.categories})


@router.post("/beoordelen/{trend_id}", dependencies=[CsrfProtected])
def submit_review_page(request: Request, trend_id: DbId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
                       user: ReviewerUser, verdict: Annotated[str, Form()] = "", note: Annotated[str, Form()] = "",
                       label: Annotated[str, Form()] = "") -> Any:
    try:
        trend = submit_review(session, trend_id=trend_id, reviewer=user, verdict=verdict or None, note=note,
                              label=label, now=clock())
    except UnknownTrendError as exc:
        raise HTTPException(404, detail=str(exc)) from None
    except InvalidReviewError as exc:
        return _refused(request, session, settings, trend_id, exc)
    flash(request, "ok", f"flash.review.{verdict}" if verdict else "flash.review.saved", name=trend.label or "")
    return RedirectResponse("/beoordelen" if verdict else f"/beoordelen/{trend.id}", status_code=303)


def _refused(request: Request, session: Session, settings: Settings, trend_id: int, exc: Exception) -> Any:
    """The review form again, with why the reviewer's action was refused; nothing of it is kept."""
    session.rollback()
    return render_form(request, session, get_trend(session, trend_id),
                       {c.name: c.title for c in settings.watch.categories}, error=str(exc), status_code=422)


@router.post("/beoordelen/{trend_id}/samenvoegen", dependencies=[CsrfProtected])
def merge_page(request: Request, trend_id: DbId, session: SessionDep, settings: SettingsDep, clock: ClockDep,
               user: ReviewerUser, into: Annotated[int, Form(ge=1, le=MAX_ID)]) -> Any:
    try:
        target = merge_trends(session, source_id=trend_id, target_id=into, reviewer=user, now=clock())
    except UnknownTrendError as exc:
        raise HTTPException(404, detail=str(exc)) from None
    except InvalidReviewError as exc:
        return _refused(request, session, settings, trend_id, exc)
    flash(request, "ok", "flash.review.merged", name=target.label or "")
    return RedirectResponse(f"/beoordelen/{target.id}", status_code=303)


