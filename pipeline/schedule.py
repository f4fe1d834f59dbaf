"""When each stage runs. Built from the configuration at every worker start, so a changed schedule needs only a
restart of the worker; what must survive a restart (the last run of every job) lives in `job_claim`.

    crawl:<watchlist>   the watchlist's own schedule (interval or cron)
    process             every `classifier.process_every`
    alerts-deliver      every minute
    alerts-daily        07:30 local time
    digest-weekly       Monday 08:00 local time
    purge               03:30 local time
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from monitor_config.durations import parse_duration
from monitor_config.schema import MonitorConfig, Schedule
from pipeline import stages
from pipeline.claims import ANCHOR
from pipeline.context import Pipeline

CRAWL_PREFIX = "crawl:"


@dataclass(frozen=True)
class ScheduledJob:
    id: str
    name: str
    trigger: BaseTrigger
    run: Callable[[Pipeline], Any]
    grace: timedelta  # a slot missed by less than this (worker busy or down) still runs, once


def every(interval: timedelta) -> IntervalTrigger:
    """An interval trigger that fires at the same moments in every worker (see pipeline.claims.ANCHOR)."""
    return IntervalTrigger(seconds=int(interval.total_seconds()), start_date=ANCHOR, timezone="UTC")


def trigger_for(schedule: Schedule, config: MonitorConfig) -> BaseTrigger:
    if schedule.cron is not None:
        return CronTrigger.from_crontab(schedule.cron, timezone=schedule.timezone or config.timezone)
    return every(schedule.as_timedelta())


def crawl_jobs(config: MonitorConfig) -> list[ScheduledJob]:
    return [ScheduledJob(f"{CRAWL_PREFIX}{w.name}", f"crawl {w.name}", trigger_for(w.schedule, config),
                         partial(stages.collect, watchlist=w.name), timedelta(hours=1))
            for w in config.watchlists]


# The jobs that send from the outbox: while none of them runs anywhere, no outbox row can be mid-send.
DELIVERY_JOBS = ("alerts-deliver", "alerts-daily", "digest-weekly")


def scheduled_jobs(config: MonitorConfig, *, crawl: bool = True) -> list[ScheduledJob]:
    """Every job of the worker; `crawl=False` leaves out the watchlists' crawls (the offline demo)."""
    zone = config.timezone
    return [
        *(crawl_jobs(config) if crawl else []),
        ScheduledJob("process", "Process new posts into trends", every(parse_duration(config.classifier.process_every)),
                     stages.process, timedelta(hours=1)),
        ScheduledJob("alerts-deliver", "Deliver the alert outbox", every(timedelta(minutes=1)), stages.deliver_alerts,
                     timedelta(minutes=5)),
        ScheduledJob("alerts-daily", "Daily alert bundles", CronTrigger(hour=7, minute=30, timezone=zone),
                     stages.send_daily_bundles, timedelta(hours=6)),
        ScheduledJob("digest-weekly", "Weekly digest e-mail", CronTrigger(day_of_week="mon", hour=8, timezone=zone),
                     stages.send_weekly_digest, timedelta(hours=12)),
        ScheduledJob("purge", "Delete posts past retention", CronTrigger(hour=3, minute=30, timezone=zone),
                     stages.purge, timedelta(hours=20)),
    ]
