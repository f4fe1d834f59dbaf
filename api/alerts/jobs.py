"""The scheduler jobs of alerts and digests (APScheduler 3.x); `serve` registers them once at start-up.

- every minute: deliver the due outbox rows (retries included)
- 07:30 Europe/Amsterdam: fold the daily subscriptions' queued alerts into one message each, then deliver
- Monday 08:00 Europe/Amsterdam: queue last ISO week's digest for every digest subscriber, then deliver
"""
from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from api.alerts.base import FeedNotifier, Notifier
from api.alerts.digest_mail import AMSTERDAM, DigestRenderer, enqueue_digest, previous_iso_week
from api.alerts.email import EmailNotifier
from api.alerts.outbox import bundle_daily, deliver_pending
from api.alerts.webhook import WebhookNotifier
from models.db import session_scope
from models.types import utcnow
from monitor_config.schema import MonitorConfig
from monitor_config.settings import Settings

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


def build_notifiers(config: MonitorConfig) -> dict[str, Notifier]:
    mail = EmailNotifier(config.alerts)
    return {"email": mail, "digest": mail, "webhook": WebhookNotifier(config.alerts.webhooks), "feed": FeedNotifier()}


def default_digest_renderer(config: MonitorConfig, clock: Clock = utcnow) -> DigestRenderer:
    """The digest package's renderer, with absolute links to the configured public address."""
    from api.digest import make_digest_email_renderer

    return make_digest_email_renderer(config, base_url=str(config.alerts.public_url), clock=clock)


def deliver_outbox(engine: Engine, notifiers: Mapping[str, Notifier], clock: Clock = utcnow) -> dict[str, int]:
    with session_scope(engine) as session:
        return deliver_pending(session, notifiers, clock())


def send_daily_bundles(engine: Engine, notifiers: Mapping[str, Notifier], clock: Clock = utcnow) -> dict[str, int]:
    with session_scope(engine) as session:
        bundle_daily(session, clock())
    return deliver_outbox(engine, notifiers, clock)


def send_weekly_digest(engine: Engine, notifiers: Mapping[str, Notifier], *, config: MonitorConfig,
                       render: DigestRenderer | None, clock: Clock = utcnow) -> dict[str, int]:
    if render is None:
        render = default_digest_renderer(config, clock)
    now = clock()
    with session_scope(engine) as session:
        enqueue_digest(session, week=previous_iso_week(now), render=render, config=config, now=now)
    return deliver_outbox(engine, notifiers, clock)


def register_serving_jobs(scheduler: Any, engine: Engine, settings: Settings, *,
                          notifiers: Mapping[str, Notifier] | None = None, render: DigestRenderer | None = None,
                          clock: Clock = utcnow) -> list[Any]:
    """Add the three jobs to an APScheduler 3.x scheduler; returns the jobs."""
    config = settings.watch
    notifiers = notifiers if notifiers is not None else build_notifiers(config)
    render = render or default_digest_renderer(config, clock)
    common = {"replace_existing": True, "max_instances": 1, "coalesce": True}
    return [
        scheduler.add_job(deliver_outbox, IntervalTrigger(minutes=1), args=(engine, notifiers, clock),
                          id="alerts-deliver", name="Deliver the alert outbox", **common),
        scheduler.add_job(send_daily_bundles, CronTrigger(hour=7, minute=30, timezone=AMSTERDAM),
                          args=(engine, notifiers, clock), id="alerts-daily", name="Daily alert bundles",
                          misfire_grace_time=3600, **common),
        scheduler.add_job(send_weekly_digest, CronTrigger(day_of_week="mon", hour=8, minute=0, timezone=AMSTERDAM),
                          args=(engine, notifiers), kwargs={"config": config, "render": render, "clock": clock},
                          id="digest-weekly", name="Weekly digest e-mail", misfire_grace_time=6 * 3600, **common),
    ]
