"""Users and their API tokens. Every creation is written to the audit log; secrets never are."""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

from sqlmodel import Session, col, select

from api.auth.exceptions import InvalidEmailError, UnknownTokenError, UnknownUserError, UserExistsError
from api.auth.security import (
    TOKEN_PREFIX,
    check_password_strength,
    check_role,
    check_username,
    generate_secret,
    hash_password,
    hash_secret,
    verify_password,
)
from api.email_address import InvalidEmailAddress, check_email_address
from models.access import ApiToken
from models.serving import AuditLog, User

DEMO_USERNAME = "demo-admin"
DEMO_LOGIN_FILE = "demo-login.txt"


TOKEN_USE_RESOLUTION = timedelta(minutes=5)


def record_audit(session: Session, *, actor: str, action: str, target: str | None = None,
                 details: dict | None = None, at: datetime | None = None) -> None:
    """One audit row. Never pass a password or token in `details`."""
    row = AuditLog(actor=actor, action=action, target=target, details=details or {})
    if at is not None:
        row.at = at
    session.add(row)


def find_user(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def get_user(session: Session, username: str) -> User:
    user = find_user(session, username)
    if user is None:
        raise UnknownUserError(f"Onbekende gebruiker {username!r}. / Unknown user {username!r}; fix: check the "
                               "name with `leefwereld user list`.")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.exec(select(User).order_by(User.username)))


def create_user(session: Session, *, username: str, password: str, role: str, email: str | None = None,
                actor: str) -> User:
    check_username(username)
    check_role(role)
    check_password_strength(password, username=username)
    if email is not None:
        try:
            email = check_email_address(email, field="E-mailadres", field_en="email")
        except InvalidEmailAddress as exc:
            raise InvalidEmailError(str(exc)) from None
    if find_user(session, username) is not None:
        raise UserExistsError(f"Gebruiker {username!r} bestaat al. / User {username!r} already exists; fix: "
                              "choose another name.")
    user = User(username=username, email=email, role=role, password_hash=hash_password(password))
    session.add(user)
    session.flush()
    record_audit(session, actor=actor, action="user_created", target=username, details={"role": role})
    return user


def create_api_token(session: Session, *, user: User, name: str = "cli", actor: str) -> tuple[ApiToken, str]:
    """Make a token for `user`; the plain token is returned once and only its hash is kept."""
    plain = generate_secret(TOKEN_PREFIX)
    assert user.id is not None  # a stored user
    token = ApiToken(user_id=user.id, name=name, token_hash=hash_secret(plain), prefix=plain[:10])
    session.add(token)
    session.flush()
    record_audit(session, actor=actor, action="token_created", target=user.username,
                 details={"token_id": token.id, "name": name})
    return token, plain


def revoke_api_token(session: Session, *, token_id: int, actor: str, now: datetime,
                     owner: User | None = None) -> ApiToken:
    """Revoke a token; with `owner`, only one of that user's tokens (so it reads as unknown to anyone else)."""
    token = session.get(ApiToken, token_id)
    if token is None or (owner is not None and token.user_id != owner.id):
        raise UnknownTokenError(f"Onbekende token {token_id}. / Unknown token {token_id}; fix: see the ids "
                                "with `leefwereld user tokens USERNAME`.")
    if token.revoked_at is None:
        token.revoked_at = now
        session.add(token)
        record_audit(session, actor=actor, action="token_revoked", target=str(token_id))
    return token


def list_api_tokens(session: Session, user: User) -> list[ApiToken]:
    return list(session.exec(select(ApiToken).where(col(ApiToken.user_id) == user.id).order_by(col(ApiToken.id))))


def find_user_by_token(session: Session, plain: str, *, now: datetime) -> User | None:
    token = session.exec(select(ApiToken).where(ApiToken.token_hash == hash_secret(plain))).first()
    if token is None or token.revoked_at is not None:
        return None
    user = session.get(User, token.user_id)
    if user is None or not user.active:
        return None
    if token.last_used_at is None or now - token.last_used_at > TOKEN_USE_RESOLUTION:
        token.last_used_at = now  # coarse, so that a burst of API calls is not a burst of writes
        session.add(token)
    return user


def ensure_demo_user(session: Session, home: Path) -> tuple[str, str]:
    """The demo admin: its password is made once and kept in `home`/demo-login.txt (mode 0600)."""
    path = home / DEMO_LOGIN_FILE
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(f"{DEMO_USERNAME}\n{generate_secret()}\n")
    username, password = path.read_text().split()[:2]
    user = find_user(session, username)
    if user is None:
        create_user(session, username=username, password=password, role="admin", actor="demo")
    elif not (user.active and user.role == "admin" and verify_password(password, user.password_hash)):
        user.password_hash, user.role, user.active = hash_password(password), "admin", True
        session.add(user)
    return username, password
