"""Checking a username and password, slowing down guessing, and the log-in sessions of browsers."""
from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import delete, func
from sqlmodel import Session, select

from api.auth.exceptions import LoginThrottledError
from api.auth.security import generate_secret, hash_secret, verify_password
from api.auth.users import find_user, record_audit
from models.access import LoginSession
from models.serving import AuditLog, User

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
SESSION_LIFETIME = timedelta(hours=12)


def check_login_throttle(session: Session, *, username: str, now: datetime) -> None:
    """Refuse a username after MAX_FAILURES failed log-ins within FAILURE_WINDOW (counted in the audit log,
    so the limit holds across restarts and processes)."""
    since = now - FAILURE_WINDOW
    failures = session.exec(
        select(func.count(), func.min(AuditLog.at)).where(
            AuditLog.action == "login_failed", AuditLog.target == username, AuditLog.at >= since)
    ).one()
    count, oldest = failures
    if count >= MAX_FAILURES:
        retry_after = max(1, int((oldest + FAILURE_WINDOW - now).total_seconds()))
        raise LoginThrottledError(username, retry_after)


def authenticate(session: Session, *, username: str, password: str, now: datetime) -> User | None:
    """The user when name and password match, else None; both outcomes go to the audit log."""
    check_login_throttle(session, username=username, now=now)
    user = find_user(session, username)
    valid = verify_password(password, user.password_hash if user else None)
    if user is None or not valid or not user.active:
        record_audit(session, actor="anonymous", action="login_failed", target=username[:200], at=now)
        return None
    record_audit(session, actor=user.username, action="login", target=user.username, at=now)
    return user


def start_login_session(session: Session, *, user: User, now: datetime) -> str:
    """Store a new log-in session and return its key (kept only in the signed cookie)."""
    key = generate_secret()
    session.exec(delete(LoginSession).where(LoginSession.expires_at < now))
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
    session.exec(delete(LoginSession).where(LoginSession.key_hash == hash_secret(key)))
    record_audit(session, actor=actor, action="logout", target=actor)
