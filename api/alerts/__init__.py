"""Alerts: subscriptions with filters, the outbox, and the notifiers (e-mail, webhook, Atom feed)."""
from api.alerts.base import Alert, FeedNotifier, Notifier, NullNotifier
from api.alerts.email import EmailNotifier, compose_alert_email
from api.alerts.enqueue import enqueue_alerts
from api.alerts.exceptions import (
    AlertError,
    DeliveryError,
    SubscriptionError,
    UnknownSubscriptionError,
    UnsafeTargetError,
)
from api.alerts.feed import render_atom_feed
from api.alerts.outbox import backoff, bundle_daily
from api.alerts.subscriptions import (
    SubscriptionRequest,
    create_subscription,
    delete_subscription,
    get_subscription,
    list_subscriptions,
    unsubscribe,
)
from api.alerts.webhook import WebhookNotifier, check_webhook_target, sign

__all__ = [
    "Alert", "AlertError", "DeliveryError", "EmailNotifier", "FeedNotifier", "Notifier",
    "NullNotifier", "SubscriptionError", "SubscriptionRequest", "UnknownSubscriptionError", "UnsafeTargetError",
    "WebhookNotifier", "backoff", "bundle_daily", "check_webhook_target", "compose_alert_email",
    "create_subscription", "delete_subscription", "enqueue_alerts", "get_subscription",
    "list_subscriptions", "render_atom_feed", "sign", "unsubscribe",
]
