"""Errors of subscriptions and deliveries; only the API and the CLI turn them into HTTP errors or exit codes.

AlertError
  SubscriptionError      a subscription that cannot be saved (bad channel, filter, target)
    UnsafeTargetError    a webhook URL that points at loopback, private, link-local or reserved addresses
  UnknownSubscriptionError no subscription with that id or token (or not yours)
  DeliveryError          one send failed; retried with backoff unless `permanent`
"""
from __future__ import annotations


class AlertError(Exception):
    """Base of the errors below; messages say what to fix (Dutch first where users see them)."""


class SubscriptionError(AlertError):
    pass


class UnsafeTargetError(SubscriptionError):
    pass


class UnknownSubscriptionError(AlertError):
    pass


class DeliveryError(AlertError):
    def __init__(self, message: str, *, permanent: bool = False) -> None:
        super().__init__(message)
        self.permanent = permanent
