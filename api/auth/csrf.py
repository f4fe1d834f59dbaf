"""CSRF protection: a random token in the signed session, repeated in a hidden field of every form."""
from __future__ import annotations

import secrets
from typing import Any

CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"


def csrf_token(session: dict[str, Any]) -> str:
    """The token of this browser session, made on first use (also before log-in, for the log-in form)."""
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_matches(session: dict[str, Any], sent: str | None) -> bool:
    expected = session.get("csrf")
    return bool(expected and sent and secrets.compare_digest(expected, sent))
