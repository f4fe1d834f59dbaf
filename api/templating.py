"""The one Jinja2 environment: web pages, e-mails (alerts and the digest) and the Markdown digest.

HTML templates are autoescaped; plain-text and Markdown templates are not (post text in Markdown goes through
the `md` filter instead). The filters of `api.labels` turn codes, moments and figures into the reader's words.
"""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from jinja2 import Environment, FileSystemLoader, select_autoescape

from api.auth import csrf_token
from api.labels import FILTERS
from api.markdown import escape_markdown

TEMPLATE_DIR = Path(__file__).with_name("templates")


ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
)
ENVIRONMENT.filters.update(FILTERS)
ENVIRONMENT.filters["md"] = escape_markdown


def page_context(request: Request) -> dict[str, Any]:
    """What every page needs: the CSRF token for its forms, whether someone is logged in, language and time zone."""
    context: dict[str, Any] = {"lang": "nl", "zone": request.app.state.settings.watch.zone, "csrf_token": "",
                               "logged_in": False}
    if "session" in request.scope:
        context |= {"csrf_token": csrf_token(request.session), "logged_in": "login" in request.session}
    return context


TEMPLATES = Jinja2Templates(env=ENVIRONMENT, context_processors=[page_context])


def render(name: str, **context: Any) -> str:
    """Render a template outside a request (e-mails, the digest in Markdown)."""
    return ENVIRONMENT.get_template(name).render(**context)
