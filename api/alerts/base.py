"""The one interface of alert delivery: a Notifier sends one Alert through one channel.

An Alert is what the outbox hands over: the subscription's address and language, the items (trends) already
redacted at enqueue time, and `sent_at` (the delivering run's `now`). A notifier raises DeliveryError on
failure and nothing else matters to the outbox.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Alert:
    delivery_id: int
    subscription_id: int
    subscription_name: str
    channel: str
    target: str | None
    language: str
    token: str
    kind: str  # alert | bundle | digest
    sent_at: datetime
    items: list[dict[str, Any]] = field(default_factory=list)
    message: str | None = None  # a pre-rendered e-mail (the weekly digest)
    signing_secret: str | None = None  # webhooks: the HMAC key (not the token of the feed and unsubscribe links)


class Notifier(Protocol):
    def send(self, alert: Alert) -> None:
        """Deliver the alert or raise DeliveryError."""


class NullNotifier:
    """Accepts everything and sends nothing: for channels whose record is the outbox row itself (the feed)."""

    def send(self, alert: Alert) -> None:
        return None


FeedNotifier = NullNotifier
