"""The FastAPI application: health check and the Dutch overview page of what has been collected."""
from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import fastapi_offline
from fastapi import FastAPI, Request
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import col
from starlette.middleware.sessions import SessionMiddleware

from api.admission import install_admission
from api.auth.login import SESSION_LIFETIME
from api.auth.throttle import LoginThrottle
from api.config_state import load_watch
from api.deps import CurrentUser, LoginRequired, SessionDep, SettingsDep
from api.errors import install_error_pages
from api.json_input import RejectLoneSurrogates
from api.metrics import install_metrics
from api.routes import (
    admin_pages,
    admin_users,
    digests,
    language,
    login,
    operations,
    pages,
    review_pages,
    reviews,
    signal_pages,
    subscription_pages,
    subscriptions,
    tokens,
    trends,
    users,
    zeeschuimer,
)
from api.security_headers import SecurityHeadersMiddleware
from api.templating import TEMPLATES
from models.content import Post
from monitor_config.settings import Settings

SESSION_COOKIE = "leefwereld_session"
STATIC = Path(__file__).with_name("static")
# Swagger UI and ReDoc as shipped by the installed fastapi-offline package: no CDN, so /docs works offline.
API_DOCS_ASSETS = Path(fastapi_offline.__file__).with_name("static")


def healthz(session: SessionDep) -> dict[str, str]:
    session.execute(text("SELECT 1"))
    return {"status": "ok"}


def overview(request: Request, session: SessionDep, settings: SettingsDep, user: CurrentUser) -> Any:
    per_platform = session.execute(
        select(col(Post.platform), func.count()).group_by(col(Post.platform)).order_by(func.count().desc())
    ).all()
    return TEMPLATES.TemplateResponse(request, "overview.html", {
        "total": sum(count for _, count in per_platform), "per_platform": per_platform,
        "demo": settings.demo, "organisation": settings.watch.organisation, "user": user,
    })


def openapi_schema(request: Request, _user: CurrentUser) -> JSONResponse:
    return JSONResponse(request.app.openapi())


def api_docs(_user: CurrentUser) -> HTMLResponse:
    return get_swagger_ui_html(openapi_url="/openapi.json", title="Monitor Online Leefwereld – API",
                               swagger_js_url="/static/api-docs/swagger-ui-bundle.js",
                               swagger_css_url="/static/api-docs/swagger-ui.css",
                               swagger_favicon_url="/static/api-docs/favicon.png")


def api_redoc(_user: CurrentUser) -> HTMLResponse:
    return get_redoc_html(openapi_url="/openapi.json", title="Monitor Online Leefwereld – API",
                          redoc_js_url="/static/api-docs/redoc.standalone.js",
                          redoc_favicon_url="/static/api-docs/favicon.png", with_google_fonts=False)


def answer_login_required(request: Request, _exc: Exception) -> Response:
    """401 JSON for API calls and programs; pages redirect to the log-in page and come back afterwards."""
    wants_page = "text/html" in request.headers.get("accept", "") and "authorization" not in request.headers
    if request.url.path.startswith("/api/") or not wants_page:
        return JSONResponse({"detail": "Niet ingelogd: log in of stuur een API-token (Authorization: Bearer)."},
                            status_code=401, headers={"WWW-Authenticate": "Bearer"})
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login/?{urlencode({'next': target})}", status_code=303)


def create_app(settings: Settings, *, engine: Engine) -> FastAPI:
    # The API description needs a log-in like everything else but /healthz, /metrics and the log-in page.
    app = FastAPI(title="Monitor Online Leefwereld", version="0.1.0", docs_url=None,
                  openapi_url=None)
    app.state.settings = settings
    app.state.engine = engine
    app.state.login_throttle = LoginThrottle(engine, settings.session_secret().encode())
    app.add_middleware(SessionMiddleware, secret_key=settings.session_secret(), session_cookie=SESSION_COOKIE,
                       max_age=int(SESSION_LIFETIME.total_seconds()), same_site="lax",
                       https_only=settings.secure_cookies)
    app.add_exception_handler(LoginRequired, answer_login_required)
    install_error_pages(app)
    install_admission(app, limit=settings.db_pool_size, wait_timeout=settings.db_wait_timeout)
    app.include_router(login.router)
    app.include_router(language.router)
    app.include_router(users.router)
    app.include_router(tokens.router)
    for router in (trends.router, digests.router, operations.router, pages.router, signal_pages.router,
                   subscriptions.router, subscription_pages.router, reviews.router, review_pages.router,
                   admin_users.router, admin_pages.router):
        app.include_router(router)
    app.mount("/static/api-docs", StaticFiles(directory=API_DOCS_ASSETS), name="api-docs-assets")
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    load_watch(app, engine)
    install_metrics(app, engine)
    app.add_middleware(RejectLoneSurrogates)
    app.add_middleware(SecurityHeadersMiddleware)  # outermost of ours: every answer gets the headers
    app.add_api_route("/openapi.json", openapi_schema, methods=["GET"], include_in_schema=False)
    app.add_api_route("/docs", api_docs, methods=["GET"], include_in_schema=False)
    app.add_api_route("/redoc", api_redoc, methods=["GET"], include_in_schema=False)
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["health"])
    app.add_api_route("/", overview, methods=["GET"], response_class=HTMLResponse, include_in_schema=False)
    app.state.upload_limiter = zeeschuimer.UploadLimiter()
    app.state.upload_limit = zeeschuimer.MAX_UPLOAD_BYTES
    app.include_router(zeeschuimer.router)
    app.state.upload_queue = zeeschuimer.upload_queue()
    app.state.resumed_uploads = zeeschuimer.resume_uploads(settings, engine, app.state.upload_queue)
    return app
