"""Who uses the product and what it sends them: users, subscriptions, alert deliveries, reviews, audit log."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import UTCDateTime, utcnow


class User(SQLModel, table=True):
    __tablename__ = "app_user"

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=100)
    email: str | None = Field(default=None, max_length=254)
    password_hash: str = Field(max_length=300)
    role: str = Field(max_length=32)
    language: str = Field(default="nl", max_length=2)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class Subscription(SQLModel, table=True):
    __tablename__ = "subscription"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="app_user.id", index=True)
    name: str = Field(max_length=200)
    channel: str = Field(max_length=16)  # email | webhook | feed | digest
    target: str | None = Field(default=None, max_length=1000)
    filters: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    mode: str = Field(default="immediate", max_length=16)  # immediate | daily
    language: str = Field(default="nl", max_length=2)
    token: str = Field(max_length=64, unique=True)  # the feed and unsubscribe links' secret
    signing_secret: str | None = Field(default=None, max_length=64)  # webhooks: the HMAC key, shown once
    active: bool = True  # False: deleted or unsubscribed
    paused: bool = False  # the owner stopped it for a while; nothing is queued for it until resumed
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AlertDelivery(SQLModel, table=True):
    """The outbox: one row per alert to send, retried with backoff, sent once."""

    __tablename__ = "alert_delivery"
    __table_args__ = (UniqueConstraint("subscription_id", "dedupe_key", name="uq_delivery_dedupe"),)

    id: int | None = Field(default=None, primary_key=True)
    subscription_id: int = Field(foreign_key="subscription.id", index=True)
    trend_id: int | None = Field(default=None, foreign_key="trend.id")
    dedupe_key: str = Field(max_length=200)
    payload: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = Field(default="pending", max_length=16, index=True)
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class Review(SQLModel, table=True):
    __tablename__ = "review"

    id: int | None = Field(default=None, primary_key=True)
    trend_id: int = Field(foreign_key="trend.id", index=True)
    reviewer_id: int = Field(foreign_key="app_user.id")
    verdict: str = Field(max_length=16)  # confirm | dismiss | watch
    note: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime)


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=UTCDateTime, index=True)
    actor: str = Field(max_length=100)
    action: str = Field(max_length=64)
    target: str | None = Field(default=None, max_length=200)
    details: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class SentDigest(SQLModel, table=True):
    """A weekly digest as it was sent, per language: later reviews are shown beside it as dated notes, never
    rewritten into it."""

    __tablename__ = "sent_digest"
    __table_args__ = (UniqueConstraint("week", "lang", name="uq_sent_digest"),)

    id: int | None = Field(default=None, primary_key=True)
    week: str = Field(max_length=10)
    lang: str = Field(max_length=2)
    sent_at: datetime = Field(sa_type=UTCDateTime)
    content: dict = Field(sa_column=Column(JSON, nullable=False))  # the Digest model as JSON
