"""The FastAPI application: health check and the Dutch overview page of what has been collected."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from api.deps import SessionDep, SettingsDep
from models.content import Post
from monitor_config.settings import Settings

TEMPLATES = Jinja2Templates(directory=Path(__file__).with_name("templates"))


def healthz(session: SessionDep) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok"}


def overview(request: Request, session: SessionDep, settings: SettingsDep) -> Any:
    per_platform = session.execute(
        select(Post.platform, func.count()).group_by(Post.platform).order_by(func.count().desc())
    ).all()
    return TEMPLATES.TemplateResponse(request, "overview.html", {
        "total": sum(count for _, count in per_platform), "per_platform": per_platform,
        "demo": settings.demo, "organisation": settings.watch.organisation,
    })


def create_app(settings: Settings, *, engine: Engine) -> FastAPI:
    app = FastAPI(title="Monitor Online Leefwereld", version="0.1.0")
    app.state.settings = settings
    app.state.engine = engine
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["health"])
    app.add_api_route("/", overview, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
    return app
