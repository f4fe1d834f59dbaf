"""Administration in the browser, users: add, change role, deactivate, reset password, issue and revoke API tokens.
A new password or token is shown once, on the page that answers the form, and never stored in the session."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlmodel import Session

from api.auth import AuthError, create_api_token, create_user, list_api_tokens, list_users, revoke_api_token
from api.auth.admin import change_role, generate_password, reset_password, set_active
from api.deps import AdminUser, ClockDep, CsrfProtected, SessionDep
from api.flash import flash
from api.templating import TEMPLATES
from models.access import ApiToken
from models.serving import User
from monitor_config.vocabulary import ROLES

router = APIRouter(prefix="/beheer", include_in_schema=False)
UserId = Annotated[int, Form(ge=1, le=2**31 - 1)]


def find_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id) if 0 < user_id < 2**31 else None
    if user is None:
        raise HTTPException(404, detail=f"Gebruiker {user_id} bestaat niet.")
    return user


def render_users(request: Request, session: Session, *, error: str | None = None, shown_secret: dict | None = None,
                 form: dict | None = None, status_code: int = 200) -> Any:
    users = list_users(session)
    tokens = {user.id: [t for t in list_api_tokens(session, user)] for user in users}
    return TEMPLATES.TemplateResponse(request, "admin/users.html", {
        "users": users, "tokens": tokens, "roles": ROLES.codes, "error": error, "secret": shown_secret,
        "form": form or {"role": "youth_worker"}}, status_code=status_code)


@router.get("/gebruikers", response_class=HTMLResponse)
def users_page(request: Request, session: SessionDep, _admin: AdminUser) -> Any:
    return render_users(request, session)


@router.post("/gebruikers", dependencies=[CsrfProtected], response_class=HTMLResponse)
def add_user_page(request: Request, session: SessionDep, admin: AdminUser, username: Annotated[str, Form()] = "",
                  email: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "youth_worker") -> Any:
    form = {"username": username, "email": email, "role": role}
    name = username.strip()
    if not name or len(name) > 100 or any(c.isspace() or c == "\x00" for c in name):
        return render_users(request, session, form=form, status_code=422,
                            error="Geef een gebruikersnaam zonder spaties (hoogstens 100 tekens).")
    password = generate_password()
    try:
        create_user(session, username=name, password=password, role=role, email=email.strip() or None,
                    actor=admin.username)
    except AuthError as exc:
        session.rollback()
        return render_users(request, session, form=form, error=str(exc), status_code=422)
    return render_users(request, session, shown_secret={"kind": "password", "username": name, "value": password})


@router.post("/gebruikers/rol", dependencies=[CsrfProtected])
def change_role_page(request: Request, session: SessionDep, admin: AdminUser, clock: ClockDep, user_id: UserId,
                     role: Annotated[str, Form()]) -> Any:
    user = find_user(session, user_id)
    try:
        change_role(session, user=user, role=role, actor=admin.username, now=clock())
    except AuthError as exc:
        session.rollback()
        return render_users(request, session, error=str(exc), status_code=422)
    flash(request, "ok", "flash.user.role", name=user.username, role=ROLES.label(role, admin.language))
    return RedirectResponse("/beheer/gebruikers", status_code=303)


@router.post("/gebruikers/actief", dependencies=[CsrfProtected])
def set_active_page(request: Request, session: SessionDep, admin: AdminUser, clock: ClockDep, user_id: UserId,
                    active: Annotated[bool, Form()]) -> Any:
    user = find_user(session, user_id)
    try:
        set_active(session, user=user, active=active, actor=admin.username, now=clock())
    except AuthError as exc:
        session.rollback()
        return render_users(request, session, error=str(exc), status_code=422)
    flash(request, "ok", "flash.user.activated" if active else "flash.user.deactivated", name=user.username)
    return RedirectResponse("/beheer/gebruikers", status_code=303)


@router.post("/gebruikers/wachtwoord", dependencies=[CsrfProtected], response_class=HTMLResponse)
def reset_password_page(request: Request, session: SessionDep, admin: AdminUser, clock: ClockDep,
                        user_id: UserId) -> Any:
    user = find_user(session, user_id)
    password = reset_password(session, user=user, actor=admin.username, now=clock())
    return render_users(request, session, shown_secret={"kind": "password", "username": user.username,
                                                        "value": password})


@router.post("/gebruikers/token", dependencies=[CsrfProtected], response_class=HTMLResponse)
def issue_token_page(request: Request, session: SessionDep, admin: AdminUser, user_id: UserId,
                     name: Annotated[str, Form(max_length=100)] = "browser") -> Any:
    user = find_user(session, user_id)
    _, plain = create_api_token(session, user=user, name=name.strip() or "browser", actor=admin.username)
    return render_users(request, session, shown_secret={"kind": "token", "username": user.username, "value": plain})


@router.post("/gebruikers/token-intrekken", dependencies=[CsrfProtected])
def revoke_token_page(request: Request, session: SessionDep, admin: AdminUser, clock: ClockDep,
                      token_id: Annotated[int, Form(ge=1, le=2**31 - 1)]) -> Any:
    token = session.get(ApiToken, token_id)
    if token is None:
        raise HTTPException(404, detail=f"Token {token_id} bestaat niet.")
    revoke_api_token(session, token_id=token_id, actor=admin.username, now=clock())
    flash(request, "ok", "flash.token.revoked", prefix=token.prefix)
    return RedirectResponse("/beheer/gebruikers", status_code=303)
