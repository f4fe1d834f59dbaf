"""The one Jinja2 environment of the web pages."""
from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from api.auth import csrf_token


def session_context(request: Request) -> dict[str, Any]:
    """What every page needs for its forms: the CSRF token, and whether to show the log-out button."""
    if "session" not in request.scope:
        return {}
    return {"csrf_token": csrf_token(request.session), "logged_in": "login" in request.session}


TEMPLATES = Jinja2Templates(directory=Path(__file__).with_name("templates"), context_processors=[session_context])
