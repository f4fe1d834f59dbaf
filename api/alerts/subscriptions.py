"""Creating, listing, deleting and unsubscribing subscriptions; every change goes to the audit log.

Who may receive what: a youth worker the weekly digest by e-mail (channel `digest`); a safety coordinator and
every role above also alerts (e-mail, webhook, personal feed). An admin may make a subscription for someone
else, but only one that person may have; every user sees and deletes their own subscriptions.
"""
from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from api.alerts.exceptions import SubscriptionError, UnknownSubscriptionError
from api.alerts.filters import check_filters
from api.alerts.webhook import Resolver, check_webhook_target, resolve_host
from api.auth import record_audit, role_allows
from api.email_address import InvalidEmailAddress, check_email_address
from models.serving import Subscription, User
from monitor_config.schema import MonitorConfig
from monitor_config.vocabulary import CHANNELS, DELIVERY_MODES, LANGUAGES, ROLES

DIGEST_ONLY: tuple[str, ...] = ("digest",)
ALERTS_FROM_ROLE = "safety_coordinator"


def channels_for(role: str) -> tuple[str, ...]:
    """The channels a user of `role` may subscribe to (or be subscribed to by an admin)."""
    return CHANNELS.codes if role_allows(role, ALERTS_FROM_ROLE) else DIGEST_ONLY


@dataclass(frozen=True)
class SubscriptionRequest:
    name: str
    channel: str
    target: str | None = None
    filters: dict[str, Any] = field(default_factory=dict)
    mode: str = "immediate"
    language: str = "nl"


def contains_nul(value: Any) -> bool:
    """PostgreSQL cannot store NUL characters in text; refuse them with a message instead of a server error."""
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(contains_nul(k) or contains_nul(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return any(contains_nul(v) for v in value)
    return False


def check_request(request: SubscriptionRequest, *, owner: User, config: MonitorConfig,
                  resolve: Resolver = resolve_host) -> SubscriptionRequest:
    """The request with a checked target and filters, or SubscriptionError saying what to fix (in Dutch)."""
    if contains_nul([request.name, request.target, request.filters]):
        raise SubscriptionError("Verwijder het NUL-teken (\\x00) uit de invoer.")
    if not request.name.strip():
        raise SubscriptionError("Geef het abonnement een naam.")
    if request.channel not in CHANNELS:
        raise SubscriptionError(f"Onbekend kanaal {request.channel!r}; kies uit {', '.join(CHANNELS)}.")
    allowed = channels_for(owner.role)
    if request.channel not in allowed:
        raise SubscriptionError(
            f"Kanaal {request.channel!r} is er niet voor een {ROLES.label(owner.role)}; kies "
            f"{' of '.join(allowed)} (het weekoverzicht per e-mail).")
    if request.mode not in DELIVERY_MODES:
        raise SubscriptionError(f"Onbekende modus {request.mode!r}; kies uit {', '.join(DELIVERY_MODES)}.")
    if request.language not in LANGUAGES:
        raise SubscriptionError(f"Onbekende taal {request.language!r}; kies uit {', '.join(LANGUAGES)}.")
    target = (request.target or "").strip() or None
    if request.channel in ("email", "digest"):
        target = target or owner.email
        if not target:
            raise SubscriptionError("Geef een geldig e-mailadres op, bijvoorbeeld naam@school.nl (veld ‘E-mailadres’, "
                                    "target). / Give an e-mail address such as name@school.nl (field 'target').")
        try:
            target = check_email_address(target, field="E-mailadres (target)", field_en="target")
        except InvalidEmailAddress as exc:
            raise SubscriptionError(str(exc)) from None
    elif request.channel == "webhook":
        if not target:
            raise SubscriptionError("Geef het adres (URL) van de webhook op.")
        target = check_webhook_target(target, allow_private=config.alerts.webhooks.allow_private_targets,
                                      resolve=resolve)
    else:
        target = None
    try:
        filters = check_filters(request.filters, config)
    except ValueError as exc:
        raise SubscriptionError(str(exc)) from None
    return SubscriptionRequest(name=request.name.strip()[:200], channel=request.channel, target=target,
                               filters=filters, mode=request.mode, language=request.language)


def create_subscription(session: Session, *, owner: User, request: SubscriptionRequest, config: MonitorConfig,
                        actor: str, now: datetime, resolve: Resolver = resolve_host) -> Subscription:
    checked = check_request(request, owner=owner, config=config, resolve=resolve)
    subscription = Subscription(user_id=owner.id, name=checked.name, channel=checked.channel,  # type: ignore[arg-type]
                                target=checked.target, filters=checked.filters, mode=checked.mode,
                                language=checked.language, token=secrets.token_urlsafe(32), created_at=now,
                                signing_secret=secrets.token_urlsafe(32) if checked.channel == "webhook" else None)
    session.add(subscription)
    session.flush()
    record_audit(session, actor=actor, action="subscription_created", target=str(subscription.id), at=now,
                 details={"channel": checked.channel, "mode": checked.mode, "filters": checked.filters})
    return subscription


def list_subscriptions(session: Session, user: User, *, everyone: bool = False) -> list[Subscription]:
    query = select(Subscription).where(Subscription.active == True)  # noqa: E712
    if not (everyone and role_allows(user.role, "admin")):
        query = query.where(Subscription.user_id == user.id)
    return list(session.exec(query.order_by(col(Subscription.id))))


def get_subscription(session: Session, subscription_id: int, user: User) -> Subscription:
    """The user's own subscription (an admin may see anyone's); others look like they do not exist."""
    subscription = session.get(Subscription, subscription_id)
    if (subscription is None or not subscription.active
            or (subscription.user_id != user.id and not role_allows(user.role, "admin"))):
        raise UnknownSubscriptionError(f"Abonnement {subscription_id} bestaat niet.")
    return subscription


def delete_subscription(session: Session, *, subscription_id: int, user: User, now: datetime) -> Subscription:
    """Deactivate (the outbox keeps its history; pending deliveries end as failed)."""
    subscription = get_subscription(session, subscription_id, user)
    subscription.active = False
    session.add(subscription)
    record_audit(session, actor=user.username, action="subscription_deleted", target=str(subscription.id), at=now)
    return subscription


def find_by_token(session: Session, token: str) -> Subscription | None:
    if not token or len(token) > 64 or "\x00" in token:
        return None
    return session.exec(select(Subscription).where(Subscription.token == token)).first()


def unsubscribe(session: Session, *, token: str, now: datetime) -> Subscription:
    subscription = find_by_token(session, token)
    if subscription is None:
        raise UnknownSubscriptionError("Deze afmeldlink is onbekend.")
    if subscription.active:
        subscription.active = False
        session.add(subscription)
        record_audit(session, actor="unsubscribe-link", action="subscription_unsubscribed",
                     target=str(subscription.id), at=now)
    return subscription
