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
from api.explain import FILTERS as EXPLAIN_FILTERS
from api.flash import take_flashes
from api.i18n import GLOBALS as I18N_GLOBALS
from api.i18n import choose_language
from api.labels import FILTERS
from api.markdown import escape_markdown
from api.navigation import menu_for

TEMPLATE_DIR = Path(__file__).with_name("templates")


ENVIRONMENT = Environment(
    loader=FileSystemLoader(TEMPLATE_DIR),
    autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False, default=False),
    trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True,
)
ENVIRONMENT.filters.update(FILTERS)
ENVIRONMENT.filters.update(EXPLAIN_FILTERS)
ENVIRONMENT.filters["md"] = escape_markdown
ENVIRONMENT.globals.update(I18N_GLOBALS)


def page_context(request: Request) -> dict[str, Any]:
    """What every page needs: the CSRF token for its forms, who is logged in and the menu of their role, the
    language, the time zone, the messages of the last action and how fresh the data is."""
    from api.freshness import read_freshness  # the freshness queries import the tables; keep e-mail renders light

    user = getattr(request.state, "user", None)
    has_session = "session" in request.scope
    context: dict[str, Any] = {
        "lang": choose_language(request, user), "zone": request.app.state.settings.watch.zone, "csrf_token": "",
        "logged_in": user is not None, "current_user": user, "menu": menu_for(user.role if user else None),
        "here": request.url.path, "flashes": take_flashes(request) if has_session else [], "freshness": None,
    }
    if has_session:
        context["csrf_token"] = csrf_token(request.session)
    db = getattr(request.state, "db", None)
    if user is not None and db is not None:
        context["freshness"] = read_freshness(db, request.app.state.settings.watch, request.state.now)
    return context


TEMPLATES = Jinja2Templates(env=ENVIRONMENT, context_processors=[page_context])


def render(name: str, **context: Any) -> str:
    """Render a template outside a request (e-mails, the digest in Markdown)."""
    return ENVIRONMENT.get_template(name).render(**context)
