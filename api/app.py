"""The FastAPI application: health check and the Dutch overview page of what has been collected."""
from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.routes import zeeschuimer
from models.content import Post
from monitor_config.settings import Settings

TEMPLATES = Jinja2Templates(directory=Path(__file__).with_name("templates"))


def create_app(settings: Settings, *, engine: Engine) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        scheduler = None
        if settings.scheduler:
            from crawlers.scheduling import start_scheduler

            scheduler = start_scheduler(settings, engine)
        app.state.scheduler = scheduler
        try:
            yield
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)

    app = FastAPI(title="Monitor Online Leefwereld", version="0.1.0", lifespan=lifespan)
    app.state.settings = settings
    app.state.engine = engine
    app.state.upload_limiter = zeeschuimer.UploadLimiter()
    app.include_router(zeeschuimer.router)

    def get_session(request: Request) -> Iterator[Session]:
        with Session(request.app.state.engine) as session:
            yield session

    SessionDep = Annotated[Session, Depends(get_session)]

    @app.get("/healthz", tags=["health"])
    def healthz(session: SessionDep) -> dict[str, str]:
        session.execute(text("SELECT 1"))
        return {"status": "ok"}

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(request: Request, session: SessionDep) -> Any:
        per_platform = session.execute(
            select(Post.platform, func.count()).group_by(Post.platform).order_by(func.count().desc())
        ).all()
        total = sum(count for _, count in per_platform)
        return TEMPLATES.TemplateResponse(request, "overview.html", {
            "total": total, "per_platform": per_platform, "demo": settings.demo,
            "organisation": settings.watch.organisation,
        })

    return app
