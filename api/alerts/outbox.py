"""Delivering the outbox: claim due rows, send each through its channel's Notifier, record the outcome.

A row is claimed before it is sent (status `sending` and a lease in `next_attempt_at`), with a conditional
UPDATE that only one worker can win; on PostgreSQL the candidates are first picked with SELECT ... FOR UPDATE
SKIP LOCKED so workers do not queue behind each other. The caller commits the claim before sending and each
outcome after it (see `pipeline.stages.deliver_alerts`). A worker that dies mid-send leaves the row `sending`;
after the lease it is due again, so nothing is lost, and a worker that starts takes such rows back at once
(`release_orphaned`). A failed send goes back to `pending` with exponential backoff (capped) and ends as
`failed` after MAX_ATTEMPTS; a permanent failure (a deleted subscription, an address that is not one valid
address) ends as `failed` at once. Whatever a notifier raises counts as a failed attempt of that row alone.

Statuses: queued (waits for the daily bundle) -> bundled; pending -> sending -> sent | pending | failed.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from api.alerts.base import Alert, Notifier
from api.alerts.exceptions import DeliveryError
from api.plain_text import clean_text
from models.serving import AlertDelivery, Subscription

log = logging.getLogger(__name__)

FIRST_RETRY = timedelta(minutes=1)
MAX_RETRY = timedelta(hours=6)
LEASE = timedelta(minutes=15)
MAX_ATTEMPTS = 20  # 1, 2, 4 ... 256 minutes, then every 6 hours: about three days of trying
BATCH = 100
DUE_STATUSES = ("pending", "sending")


def backoff(attempts: int) -> timedelta:
    """1, 2, 4, 8 ... minutes after the 1st, 2nd, 3rd ... failure, never more than MAX_RETRY."""
    return min(MAX_RETRY, FIRST_RETRY * 2 ** min(max(attempts - 1, 0), 20))


def claim_due(session: Session, now: datetime, limit: int = BATCH) -> list[int]:
    query = (select(AlertDelivery.id).where(col(AlertDelivery.status).in_(DUE_STATUSES),
                                            AlertDelivery.next_attempt_at <= now)
             .order_by(col(AlertDelivery.next_attempt_at), col(AlertDelivery.id)).limit(limit))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    claimed = []
    for delivery_id in session.exec(query).all():
        assert delivery_id is not None  # a primary key
        result = session.execute(
            update(AlertDelivery)
            .where(col(AlertDelivery.id) == delivery_id, col(AlertDelivery.status).in_(DUE_STATUSES),
                   col(AlertDelivery.next_attempt_at) <= now)
            .values(status="sending", next_attempt_at=now + LEASE))
        if result.rowcount == 1:  # type: ignore[attr-defined]  # sqlmodel types execute() as Result, not CursorResult
            claimed.append(delivery_id)
    return claimed


def to_alert(row: AlertDelivery, subscription: Subscription, now: datetime) -> Alert:
    return Alert(delivery_id=row.id, subscription_id=subscription.id, subscription_name=subscription.name,  # type: ignore[arg-type]
                 channel=subscription.channel, target=subscription.target, language=subscription.language,
                 token=subscription.token, kind=row.payload.get("kind", "alert"), sent_at=now,
                 items=list(row.payload.get("items", [])), message=row.payload.get("message"),
                 signing_secret=subscription.signing_secret)


def send_one(session: Session, row: AlertDelivery, notifiers: Mapping[str, Notifier], now: datetime) -> None:
    """Send one claimed row and record the outcome on it (the caller commits)."""
    subscription = session.get(Subscription, row.subscription_id)
    try:
        if subscription is None or not subscription.active:
            raise DeliveryError(f"subscription {row.subscription_id} is gone or inactive", permanent=True)
        notifier = notifiers.get(subscription.channel)
        if notifier is None:
            raise DeliveryError(f"no notifier for channel {subscription.channel!r}; delivery {row.id} waits")
        notifier.send(to_alert(row, subscription, now))
    except DeliveryError as exc:
        _failed(row, str(exc), permanent=exc.permanent, now=now)
    except Exception as exc:  # a bug in a notifier must not leave the row claimed nor stop the other rows
        log.exception("delivery %s: the %s notifier failed unexpectedly", row.id, subscription.channel
                      if subscription else "?")
        _failed(row, f"{type(exc).__name__}: {exc}", permanent=False, now=now)
    else:
        row.attempts += 1
        row.status, row.sent_at, row.last_error = "sent", now, None
    session.add(row)


def _failed(row: AlertDelivery, error: str, *, permanent: bool, now: datetime) -> None:
    row.attempts += 1
    row.last_error = clean_text(error)[:2000]  # PostgreSQL refuses NUL; an error may quote the bad value
    row.status = "failed" if permanent or row.attempts >= MAX_ATTEMPTS else "pending"
    row.next_attempt_at = now + backoff(row.attempts)
    log.warning("delivery %s failed (attempt %s%s): %s", row.id, row.attempts,
                "; given up" if row.status == "failed" else "", error)


def record_failure(session: Session, delivery_id: int, error: str, now: datetime) -> None:
    """Record a failed attempt on a claimed row whose own outcome could not be saved (the caller commits)."""
    row = session.get(AlertDelivery, delivery_id)
    if row is not None and row.status == "sending":
        _failed(row, error, permanent=False, now=now)
        session.add(row)


def release_orphaned(session: Session, now: datetime) -> int:
    """Make every claimed (`sending`) row due now: for a worker that starts while no other process delivers, so
    rows claimed by a process that died are retried at once instead of after their lease (the caller commits)."""
    released = session.execute(update(AlertDelivery).where(col(AlertDelivery.status) == "sending")
                               .values(status="pending", next_attempt_at=now))
    return int(released.rowcount)  # type: ignore[attr-defined]


def bundle_daily(session: Session, now: datetime) -> list[AlertDelivery]:
    """Fold each daily subscription's queued alerts into one pending bundle row (the caller commits).

    The queued rows are taken with a conditional UPDATE, so two workers bundling at once cannot both take them."""
    queued = list(session.exec(select(AlertDelivery).where(AlertDelivery.status == "queued")
                               .order_by(col(AlertDelivery.subscription_id), col(AlertDelivery.id))))
    per_subscription: dict[int, list[AlertDelivery]] = {}
    for row in queued:
        per_subscription.setdefault(row.subscription_id, []).append(row)
    bundles = []
    for subscription_id, rows in per_subscription.items():
        ids = [row.id for row in rows]
        with session.begin_nested() as savepoint:
            taken = session.execute(update(AlertDelivery).where(col(AlertDelivery.id).in_(ids),
                                                                col(AlertDelivery.status) == "queued")
                                    .values(status="bundled"))
            if taken.rowcount != len(ids):  # type: ignore[attr-defined]
                savepoint.rollback()  # another worker is bundling these
                continue
            bundle = AlertDelivery(subscription_id=subscription_id, dedupe_key=f"daily:{now:%Y-%m-%d}:{ids[0]}",
                                   payload={"kind": "bundle", "items": [i for r in rows for i in r.payload["items"]]},
                                   status="pending", next_attempt_at=now, created_at=now)
            session.add(bundle)
        bundles.append(bundle)
    return bundles
