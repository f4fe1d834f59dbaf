"""Checking a username and password, slowing down guessing, and the log-in sessions of browsers."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api.auth.exceptions import InvalidUsernameError
from api.auth.policy import MAX_PASSWORD_LENGTH, check_username
from api.auth.security import generate_secret, hash_secret, verify_password
from api.auth.throttle import LoginThrottle
from api.auth.users import find_user, record_audit
from models.access import LoginSession
from models.serving import User

SESSION_LIFETIME = timedelta(hours=12)
AUDIT_NAME_LENGTH = 100


def authenticate(session: Session, *, username: str, password: str, address: str, throttle: LoginThrottle,
                 now: datetime) -> User | None:
    """The user when name and password match, else None; both outcomes go to the audit log.

    Raises LoginThrottledError before checking anything when a limit of `throttle` is reached. The throttle's
    counters are settled before this session writes (on SQLite a second writer would wait for this one)."""
    attempt = throttle.begin(username=username, address=address, now=now)
    user = find_user(session, username) if _could_be_a_user(username) and len(password) <= MAX_PASSWORD_LENGTH else None
    valid = verify_password(password[:MAX_PASSWORD_LENGTH], user.password_hash if user else None)
    if user is None or not valid or not user.active:
        record_audit(session, actor="anonymous", action="login_failed", target=_printable(username), at=now)
        return None
    throttle.succeed(attempt, now=now)
    record_audit(session, actor=user.username, action="login", target=user.username, at=now)
    return user


def _could_be_a_user(username: str) -> bool:
    try:
        check_username(username)
    except InvalidUsernameError:
        return False
    return True


def _printable(username: str) -> str:
    """The name as the audit log keeps it: cut, and without characters PostgreSQL or a terminal would choke on."""
    return "".join(ch if ch.isprintable() else "?" for ch in username[:AUDIT_NAME_LENGTH])


def start_login_session(session: Session, *, user: User, now: datetime) -> str:
    """Store a new log-in session and return its key (kept only in the signed cookie)."""
    key = generate_secret()
    assert user.id is not None  # a stored user
    session.exec(delete(LoginSession).where(col(LoginSession.expires_at) < now))
    session.add(LoginSession(user_id=user.id, key_hash=hash_secret(key), created_at=now,
                             expires_at=now + SESSION_LIFETIME))
    return key


def find_user_by_session(session: Session, key: str, *, now: datetime) -> User | None:
    row = session.exec(select(LoginSession).where(LoginSession.key_hash == hash_secret(key))).first()
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def end_login_session(session: Session, key: str, *, actor: str) -> None:
    session.exec(delete(LoginSession).where(col(LoginSession.key_hash) == hash_secret(key)))
    record_audit(session, actor=actor, action="logout", target=actor)
