"""What an administrator changes about users in the browser: role, active or not, a new password. Each change is
written to the audit log (never the password itself)."""
from __future__ import annotations

import secrets
from datetime import datetime

from sqlalchemy import delete
from sqlmodel import Session, col

from api.auth.exceptions import AuthError
from api.auth.security import check_role, hash_password
from api.auth.users import record_audit
from models.access import LoginSession
from models.serving import User

GENERATED_PASSWORD_WORDS = 4


class LastAdminError(AuthError):
    """The change would leave no active administrator."""


def generate_password() -> str:
    """A password of four random word-like parts, easy to type and well over the minimum length."""
    return "-".join(secrets.token_urlsafe(6) for _ in range(GENERATED_PASSWORD_WORDS))


def _other_active_admins(session: Session, user: User) -> int:
    from sqlmodel import func, select

    query = select(func.count()).select_from(User).where(User.role == "admin", User.active == True,  # noqa: E712
                                                         User.id != user.id)
    return int(session.exec(query).one())


def change_role(session: Session, *, user: User, role: str, actor: str, now: datetime) -> User:
    check_role(role)
    if user.role == "admin" and role != "admin" and _other_active_admins(session, user) == 0:
        raise LastAdminError("Er moet minstens één actieve beheerder blijven. / At least one active administrator "
                             "must remain; fix: make someone else administrator first.")
    if user.role != role:
        record_audit(session, actor=actor, action="user_role_changed", target=user.username, at=now,
                     details={"from": user.role, "to": role})
        user.role = role
        session.add(user)
    return user


def set_active(session: Session, *, user: User, active: bool, actor: str, now: datetime) -> User:
    """Deactivating also ends the user's log-in sessions; their API tokens stop working while inactive."""
    if not active and user.role == "admin" and _other_active_admins(session, user) == 0:
        raise LastAdminError("Er moet minstens één actieve beheerder blijven. / At least one active administrator "
                             "must remain; fix: make someone else administrator first.")
    if user.active != active:
        user.active = active
        session.add(user)
        if not active:
            session.execute(delete(LoginSession).where(col(LoginSession.user_id) == user.id))
        record_audit(session, actor=actor, action="user_activated" if active else "user_deactivated",
                     target=user.username, at=now)
    return user


def reset_password(session: Session, *, user: User, actor: str, now: datetime) -> str:
    """Set a new generated password, end the user's log-in sessions and return the password (shown once)."""
    password = generate_password()
    user.password_hash = hash_password(password)
    session.add(user)
    session.execute(delete(LoginSession).where(col(LoginSession.user_id) == user.id))
    record_audit(session, actor=actor, action="user_password_reset", target=user.username, at=now)
    return password
