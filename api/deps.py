"""Dependencies of the API routes: everything swappable comes in here (tests use dependency_overrides).

Credentials: an `Authorization: Bearer <token>` header (programs) or the signed session cookie (browsers).
`CurrentUser` refuses requests without them: 401 JSON for API calls, a redirect to `/login/` for pages.
"""
from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Annotated

from fastapi import Depends, HTTPException, Request
from sqlmodel import Session

from api.auth import CSRF_FIELD, CSRF_HEADER, csrf_matches, find_user_by_session, find_user_by_token, role_allows
from api.auth.security import check_role
from api.auth.throttle import LoginThrottle, address_of
from api.navigation import Viewer
from models.db import session_scope
from models.serving import User
from models.types import utcnow
from monitor_config.settings import Settings


class LoginRequired(Exception):
    """No (valid) credentials; the app answers 401 for API calls and redirects pages to the log-in page."""


def get_session(request: Request) -> Iterator[Session]:
    """The one database session of a request: committed when the route has returned (before the response is sent,
    so a failed commit is an error, not a false success), rolled back when anything raises."""
    with session_scope(request.app.state.engine) as session:
        yield session


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_clock() -> Callable[[], datetime]:
    return utcnow


def get_login_throttle(request: Request) -> LoginThrottle:
    return request.app.state.login_throttle


def get_client_address(request: Request) -> str:
    """The address the request came from; behind a reverse proxy uvicorn takes it from X-Forwarded-For when the
    proxy is trusted (`--forwarded-allow-ips` / FORWARDED_ALLOW_IPS; see docs/SERVING.md)."""
    return address_of(request.client.host if request.client else None)


SessionDep = Annotated[Session, Depends(get_session, scope="function")]
LoginThrottleDep = Annotated[LoginThrottle, Depends(get_login_throttle)]
ClientAddress = Annotated[str, Depends(get_client_address)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
ClockDep = Annotated[Callable[[], datetime], Depends(get_clock)]


def bearer_token(request: Request) -> str | None:
    scheme, _, value = request.headers.get("authorization", "").partition(" ")
    return (value.strip() or None) if scheme.lower() == "bearer" else None


def get_optional_user(request: Request, session: SessionDep, clock: ClockDep) -> User | None:
    """The user behind the bearer token or, without one, behind the session cookie. Pages read the user, the
    request's session and the moment from `request.state` (the menu of the role, the freshness of the data)."""
    if "authorization" in request.headers:
        token = bearer_token(request)
        user = find_user_by_token(session, token, now=clock()) if token else None
    else:
        key = request.session.get("login") if "session" in request.scope else None
        user = find_user_by_session(session, key, now=clock()) if key else None
    request.state.user, request.state.db, request.state.now = Viewer.of(user), session, clock()
    return user


def get_current_user(user: Annotated[User | None, Depends(get_optional_user)]) -> User:
    if user is None:
        raise LoginRequired
    return user


OptionalUser = Annotated[User | None, Depends(get_optional_user)]
CurrentUser = Annotated[User, Depends(get_current_user)]


class RoleRequired(HTTPException):
    """403: the user's role is below `role`; pages show it as an HTML page naming the role, the API as JSON."""

    def __init__(self, role: str) -> None:
        self.role = role
        super().__init__(403, detail=f"Geen toegang: hiervoor is de rol {role} nodig.")


def require_role(role: str) -> Callable[[User], User]:
    """A dependency that lets through `role` and every role above it (see api.auth.security.role_allows)."""
    check_role(role)  # a misspelt role fails when the routes are defined, not at request time

    def check(user: CurrentUser) -> User:
        if not role_allows(user.role, role):
            raise RoleRequired(role)
        return user

    return check


AdminUser = Annotated[User, Depends(require_role("admin"))]
ReviewerUser = Annotated[User, Depends(require_role("reviewer"))]
CoordinatorUser = Annotated[User, Depends(require_role("safety_coordinator"))]


async def verify_csrf(request: Request) -> None:
    """Refuse (403) a state-changing request whose CSRF token (form field or header) does not match the session.
    Requests with a bearer token carry no cookie a browser could forge, so they pass."""
    if "authorization" in request.headers:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
            ("application/x-www-form-urlencoded", "multipart/form-data")):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not csrf_matches(request.session, sent):
        raise HTTPException(403, detail="Formulier verlopen of ongeldig (CSRF); laad de pagina opnieuw.")


CsrfProtected = Depends(verify_csrf)
