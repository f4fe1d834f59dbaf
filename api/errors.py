"""Errors as browsers and programs want them: an HTML page in the reader's language with a way back for pages,
the usual JSON for the API (`/api/...`) and for anything that does not ask for HTML."""
from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.deps import RoleRequired
from api.i18n import choose_language, translate
from api.templating import TEMPLATES
from monitor_config.vocabulary import ROLES

log = logging.getLogger(__name__)
KNOWN = (400, 403, 404, 405, 422, 429, 500, 503)


def wants_page(request: Request) -> bool:
    return (not request.url.path.startswith("/api/") and "authorization" not in request.headers
            and "text/html" in request.headers.get("accept", ""))


def same_site_referer(request: Request) -> str | None:
    """The page the reader came from, when it is on this site (never a link to another host)."""
    referer = request.headers.get("referer", "")
    parts = urlsplit(referer)
    if parts.netloc and parts.netloc != request.url.netloc:
        return None
    path = parts.path or ""
    if not path.startswith("/") or path == request.url.path:
        return None
    return path + (f"?{parts.query}" if parts.query else "")


def render_error(request: Request, status_code: int, detail: str | None = None, role: str | None = None) -> Response:
    user = getattr(request.state, "user", None)
    request.state.db = None  # the request's session may be closed or broken by now: no freshness on error pages
    lang = choose_language(request, user)
    code = status_code if status_code in KNOWN else (500 if status_code >= 500 else 400)
    message = translate(lang, f"error.{code}.text")
    if role is not None:
        message = translate(lang, "error.403.role", needed=ROLES.label(role, lang),
                            yours=ROLES.label(user.role if user else None, lang))
    shown_detail = detail if code in (400, 404, 422) and detail and lang == "nl" else None
    return TEMPLATES.TemplateResponse(request, "error.html", {
        "heading": translate(lang, f"error.{code}.title"), "message": message, "detail": shown_detail,
        "back": same_site_referer(request), "status_code": status_code,
    }, status_code=status_code)


async def answer_http_error(request: Request, exc: Any) -> Response:
    if not wants_page(request):
        return await http_exception_handler(request, exc)
    role = exc.role if isinstance(exc, RoleRequired) else None
    generic = ("Not Found", "Method Not Allowed")
    detail = exc.detail if isinstance(exc.detail, str) and exc.detail not in generic else None
    response = render_error(request, exc.status_code, detail, role)
    for name, value in (getattr(exc, "headers", None) or {}).items():
        response.headers[name] = value
    return response


async def answer_invalid_request(request: Request, exc: Exception) -> Response:
    if not wants_page(request):
        return await request_validation_exception_handler(request, exc)  # type: ignore[arg-type]
    return render_error(request, 422)


async def answer_server_error(request: Request, exc: Exception) -> Response:
    log.error("unexpected error on %s %s: %s", request.method, request.url.path, type(exc).__name__)
    if not wants_page(request):
        return JSONResponse({"detail": "Interne fout; probeer het later opnieuw. / Internal error."}, status_code=500)
    return render_error(request, 500)


def install_error_pages(app: FastAPI) -> None:
    app.add_exception_handler(StarletteHTTPException, answer_http_error)
    app.add_exception_handler(RequestValidationError, answer_invalid_request)
    app.add_exception_handler(Exception, answer_server_error)
