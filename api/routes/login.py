"""The log-in page, log-in and log-out. Served at `/login` and `/login/`: Zeeschuimer reads a redirect to a
`/login/` page as "not logged in"."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from api.auth import authenticate, csrf_token, end_login_session, start_login_session
from api.auth.exceptions import LoginThrottledError
from api.deps import ClientAddress, ClockDep, CsrfProtected, LoginThrottleDep, OptionalUser, SessionDep
from api.flash import flash
from api.templating import TEMPLATES

router = APIRouter(include_in_schema=False)
WRONG_LOGIN = "Onbekende gebruikersnaam of wachtwoord."


def safe_next(target: str | None) -> str:
    """Only a path on this site, never another host (`//evil.example` or `https://...`)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def render_login(request: Request, *, next_: str, username: str = "", error: str | None = None,
                 status_code: int = 200, headers: dict[str, str] | None = None) -> Any:
    return TEMPLATES.TemplateResponse(request, "login.html", {
        "next": safe_next(next_), "username": username, "error": error,
    }, status_code=status_code, headers=headers)


@router.get("/login", response_class=HTMLResponse)
@router.get("/login/", response_class=HTMLResponse)
def login_page(request: Request, user: OptionalUser, next: str = "/") -> Any:  # noqa: A002 - the query name
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render_login(request, next_=next)


@router.post("/login", dependencies=[CsrfProtected])
@router.post("/login/", dependencies=[CsrfProtected])
def log_in(request: Request, session: SessionDep, clock: ClockDep, throttle: LoginThrottleDep, address: ClientAddress,
           username: Annotated[str, Form()], password: Annotated[str, Form()],
           next: Annotated[str, Form()] = "/") -> Any:  # noqa: A002
    try:
        user = authenticate(session, username=username, password=password, address=address, throttle=throttle,
                            now=clock())
    except LoginThrottledError as exc:
        minutes = -(-exc.retry_after // 60)
        return render_login(request, next_=next, username=username[:100], status_code=429,
                            headers={"Retry-After": str(exc.retry_after)},
                            error=f"Te veel mislukte pogingen. Probeer het over {minutes} minuten opnieuw.")
    if user is None:
        return render_login(request, next_=next, username=username[:100], error=WRONG_LOGIN, status_code=401)
    key = start_login_session(session, user=user, now=clock())
    request.session.clear()  # a fresh session and CSRF token after log-in (no session fixation)
    request.session["login"] = key
    csrf_token(request.session)
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfProtected])
@router.post("/logout/", dependencies=[CsrfProtected], include_in_schema=False)
def log_out(request: Request, session: SessionDep, user: OptionalUser) -> Any:
    key = request.session.get("login")
    if key:
        end_login_session(session, key, actor=user.username if user else "anonymous")
    language = request.session.get("lang")
    request.session.clear()
    if language:
        request.session["lang"] = language  # the log-in page stays in the language that was chosen
    flash(request, "ok", "flash.logged_out")
    return RedirectResponse("/login/", status_code=303)
