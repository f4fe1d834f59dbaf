"""How users prove who they are: API tokens for programs and log-in sessions for browsers.

Both keep only a SHA-256 hash of their secret, so a copy of the database lets nobody in.
"""
from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class ApiToken(SQLModel, table=True):
    __tablename__ = "api_token"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    name: str = Field(max_length=100)
    token_hash: str = Field(max_length=64, unique=True)
    prefix: str = Field(max_length=12)  # the first characters, so an operator can tell tokens apart
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_used_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    revoked_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class LoginSession(SQLModel, table=True):
    """A browser log-in; the signed cookie carries the key, log-out deletes the row."""

    __tablename__ = "login_session"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True, ondelete="CASCADE")
    key_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    expires_at: datetime = Field(sa_type=UTCDateTime, index=True)


class LoginCounter(SQLModel, table=True):
    """Failed log-ins in the current window for one key: an address, a user name, or the pair of both.

    The key is a keyed hash (HMAC under the session secret), so the table holds neither addresses nor names.
    `last_success_at` (pairs only) marks an address a user logged in from: the per-address and per-user limits
    do not apply there, so nobody can lock a user out of the place they usually log in from."""

    __tablename__ = "login_counter"

    key: str = Field(primary_key=True, max_length=64)
    window_start: datetime = Field(sa_type=UTCDateTime)
    failures: int = 0
    last_success_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime, index=True)
