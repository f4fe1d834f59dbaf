"""Builders shared by the alert and review tests: users, trends with member posts, configurations."""
from __future__ import annotations

import socket
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from api.auth import create_user
from models.analysis import Trend, TrendMembership, TrendSnapshot
from models.content import Post
from models.privacy import content_hash
from models.serving import User
from monitor_config.schema import AlertsConfig, MonitorConfig, Place, SmtpSettings, WebhookPolicy

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
PASSWORD = "lange zin als wachtwoord"
PLACES = [Place(name="Nieuw-West", kind="stadsdeel", aliases=["Nieuw West", "Slotervaart"]),
          Place(name="Zuidoost", kind="stadsdeel", aliases=["Bijlmer"])]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def alert_config(config: MonitorConfig, *, smtp_port: int = 25, allow_private: bool = False) -> MonitorConfig:
    alerts = AlertsConfig(public_url="https://monitor.example.nl",
                          smtp=SmtpSettings(host="127.0.0.1", port=smtp_port, from_address="monitor@example.nl"),
                          webhooks=WebhookPolicy(allow_private_targets=allow_private))
    return config.model_copy(update={"places": PLACES, "alerts": alerts})


def make_user(session: Session, username: str = "coordinator", role: str = "safety_coordinator") -> User:
    user = create_user(session, username=username, password=PASSWORD, role=role, actor="test",
                       email=f"{username}@school.example.nl")
    session.flush()
    return user


def make_trend(session: Session, *, category: str = "gelblasters", status: str = "emerging",
               label: str = "Gelblaster-challenge",
               posts: list[tuple[str, str]] | None = None, growth: float | None = None, **fields: Any) -> Trend:
    """A flagged trend with member posts given as (platform, text)."""
    trend = Trend(label=label, keywords=["gelblaster"], category=category, status=status,
                  first_seen=NOW - timedelta(days=3),
                  last_seen=NOW, emerging_at=NOW - timedelta(days=1) if status != "new" else None, size=0, authors=0,
                  **fields)
    session.add(trend)
    session.flush()
    for index, (platform, text) in enumerate(posts or [("mastodon", "gelblaster bij de metro")]):
        post = Post(platform=platform, external_id=f"t{trend.id}-{index}", text=text,
                    created_at=NOW - timedelta(hours=index),
                    author_key=f"author{index}", content_hash=content_hash(text))
        session.add(post)
        session.flush()
        session.add(TrendMembership(post_id=post.id, trend_id=trend.id, similarity=0.9))  # type: ignore[arg-type]
    trend.size = trend.authors = len(posts or [1])
    if growth is not None:
        session.add(TrendSnapshot(trend_id=trend.id, window="1d", window_start=NOW - timedelta(days=1),  # type: ignore[arg-type]
                                  volume=5, growth=growth, status=status))
    session.flush()
    return trend
