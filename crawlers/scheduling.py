"""Crawl schedules: one APScheduler job per watchlist, on its cron or interval in its own time zone.

Crawl jobs live in the product database (job store "crawls", table `apscheduler_jobs`), so schedules survive
a restart; the default job store stays in memory for jobs whose arguments cannot be stored (the alert jobs
take an engine and notifiers), so `register_serving_jobs` can use the same scheduler. Each crawl job
has `max_instances=1` and `coalesce=True`, so two runs of the same watchlist never overlap and a backlog of
missed runs becomes one run. A job's function must be importable by name for the job store, so the
settings and engine it needs are handed over once, by `start_scheduler`.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from models.jobs import JOBS_TABLE
from monitor_config.schema import MonitorConfig, Schedule
from monitor_config.settings import Settings

log = logging.getLogger(__name__)
JOB_PREFIX = "crawl:"
JOBSTORE = "crawls"
MISFIRE_GRACE_SECONDS = 3600


@dataclass
class _Context:
    settings: Settings
    engine: Engine


_context: _Context | None = None


def trigger_for(schedule: Schedule) -> BaseTrigger:
    if schedule.cron is not None:
        return CronTrigger.from_crontab(schedule.cron, timezone=schedule.timezone)
    return IntervalTrigger(seconds=int(schedule.as_timedelta().total_seconds()), timezone=schedule.timezone)


def crawl_watchlist(watchlist: str) -> list[dict[str, Any]]:
    """The scheduled job: crawl the sources of one watchlist for its terms."""
    from crawlers.runner import run_crawl

    if _context is None:
        raise RuntimeError("the crawl scheduler was not started with start_scheduler()")
    runs = run_crawl(_context.settings, _context.engine, watchlist=watchlist, trigger="schedule")
    log.info("scheduled crawl of %s: %s", watchlist, ", ".join(f"{r['source']} {r['status']}" for r in runs))
    return runs


def sync_jobs(scheduler: BackgroundScheduler, config: MonitorConfig) -> list[str]:
    """Add or update a job per watchlist and remove jobs of watchlists no longer configured."""
    wanted = {f"{JOB_PREFIX}{w.name}": w for w in config.watchlists}
    for job in scheduler.get_jobs(jobstore=JOBSTORE):
        if job.id.startswith(JOB_PREFIX) and job.id not in wanted:
            job.remove()
    for job_id, watchlist in wanted.items():
        scheduler.add_job(crawl_watchlist, trigger_for(watchlist.schedule), args=[watchlist.name], id=job_id,
                          name=f"crawl {watchlist.name}", jobstore=JOBSTORE, replace_existing=True,
                          max_instances=1, coalesce=True, misfire_grace_time=MISFIRE_GRACE_SECONDS)
    return sorted(wanted)


def start_scheduler(settings: Settings, engine: Engine) -> BackgroundScheduler:
    """Start the background scheduler with its jobs stored in the product database."""
    global _context
    _context = _Context(settings, engine)
    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore(), JOBSTORE: SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
        timezone="UTC",
    )
    scheduler.start()
    jobs = sync_jobs(scheduler, settings.watch)
    log.info("crawl scheduler started with %d jobs", len(jobs))
    return scheduler
