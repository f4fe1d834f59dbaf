"""How fresh the data is: up to when posts were written and collected, whether collection has stopped, which
sources run later than their schedule allows, and when each scheduled job last ran.

Read from the newest post, the crawl runs (the last finished run per source), the watchlists' schedules and the
worker's `job_claim` rows. Every page and the digest show it, so nobody mistakes "no data" for "nothing happened".
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import func, select
from sqlmodel import Session, col

from models.analysis import Trend
from models.content import CrawlRun, DailyCount, Post
from models.jobs import JobClaim
from monitor_config.schema import MonitorConfig, Schedule

STOPPED_AFTER = timedelta(hours=48)  # no new post for this long: collection has stopped (or every source is quiet)
SCHEDULE_SLACK = 2  # a source is late when its last good run is older than this many of its schedule's intervals
GRACE = timedelta(hours=1)
UNCRAWLED_KINDS = {"zeeschuimer"}  # uploads, not crawled: no schedule to keep


@dataclass(frozen=True)
class SourceHealth:
    name: str
    kind: str
    enabled: bool
    every: timedelta | None  # the shortest schedule of the watchlists that use it; None: not scheduled
    last_run: CrawlRun | None
    last_ok_at: datetime | None
    late: bool

    @property
    def last_error(self) -> str | None:
        run = self.last_run
        return str(run.errors[-1]) if run is not None and run.errors else None


@dataclass(frozen=True)
class Freshness:
    now: datetime
    newest_post: datetime | None  # the latest moment a stored post was written
    first_day: date | None  # the first day with data (posts or the aggregates kept after a purge)
    last_collected: datetime | None
    sources: list[SourceHealth] = field(default_factory=list)
    jobs: dict[str, JobClaim] = field(default_factory=dict)

    @property
    def stopped(self) -> bool:
        return self.newest_post is None or self.now - self.newest_post > STOPPED_AFTER

    @property
    def late_sources(self) -> list[SourceHealth]:
        return [source for source in self.sources if source.late]

    @property
    def days_behind(self) -> int:
        return (self.now - self.newest_post).days if self.newest_post else 0

    def covers(self, start: datetime, end: datetime) -> str:
        """'none' (no data in [start, end)), 'partial' (data stops inside it) or 'full'."""
        if self.newest_post is None or self.first_day is None or self.newest_post < start:
            return "none"
        if end.date() <= self.first_day:
            return "none"
        return "partial" if self.newest_post < end - timedelta(days=1) else "full"


def schedule_gap(schedule: Schedule, zone: str, now: datetime) -> timedelta:
    """How long the schedule waits between two runs (for cron: the gap between the next two moments)."""
    if schedule.interval is not None:
        return schedule.as_timedelta()
    trigger = CronTrigger.from_crontab(schedule.cron or "0 * * * *", timezone=schedule.timezone or zone)
    first = trigger.get_next_fire_time(None, now)
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1)) if first else None
    return (second - first) if first and second else timedelta(days=1)


def source_schedules(config: MonitorConfig, now: datetime) -> dict[str, timedelta]:
    gaps: dict[str, timedelta] = {}
    for watchlist in config.watchlists:
        gap = schedule_gap(watchlist.schedule, config.timezone, now)
        for name in watchlist.sources:
            gaps[name] = min(gap, gaps.get(name, gap))
    return gaps


def last_runs(session: Session) -> tuple[dict[str, CrawlRun], dict[str, datetime]]:
    """Per source: its newest run, and when its last good (ok or partial) run finished."""
    newest = select(col(CrawlRun.source_name), func.max(col(CrawlRun.id))).group_by(col(CrawlRun.source_name))
    ids = [run_id for _, run_id in session.execute(newest)]
    latest = session.execute(select(CrawlRun).where(col(CrawlRun.id).in_(ids))).scalars()
    runs = {run.source_name: run for run in latest}
    good = (select(col(CrawlRun.source_name), func.max(col(CrawlRun.finished_at)))
            .where(col(CrawlRun.status).in_(("ok", "partial"))).group_by(col(CrawlRun.source_name)))
    return runs, {name: at for name, at in session.execute(good) if at is not None}


def read_source_health(session: Session, config: MonitorConfig, now: datetime) -> list[SourceHealth]:
    gaps = source_schedules(config, now)
    runs, good = last_runs(session)
    health = []
    for source in config.sources:
        every = gaps.get(source.name) if source.kind not in UNCRAWLED_KINDS else None
        is_on = bool(source.enabled)  # the configuration as served: the YAML with the browser's switches over it
        last_ok = good.get(source.name)
        overdue = last_ok is not None and every is not None and now - last_ok > every * SCHEDULE_SLACK + GRACE
        late = bool(is_on and every is not None and (last_ok is None and source.name in runs or overdue))
        health.append(SourceHealth(source.name, source.kind, is_on, every, runs.get(source.name), last_ok, late))
    return health


def data_span(session: Session, zone: ZoneInfo) -> tuple[date | None, datetime | None]:
    """The first day with data and the newest moment: from the posts, the day counts kept after a purge, and the
    trends (which stay when their posts are purged)."""
    newest_post, oldest_post = session.execute(select(func.max(Post.created_at), func.min(Post.created_at))).one()
    newest_trend, oldest_trend = session.execute(select(func.max(Trend.last_seen), func.min(Trend.first_seen))).one()
    first_aggregate = session.execute(select(func.min(DailyCount.day))).scalar_one_or_none()
    firsts = [m.astimezone(zone).date() for m in (oldest_post, oldest_trend) if m is not None]
    firsts += [first_aggregate] if first_aggregate is not None else []
    newest = max((m for m in (newest_post, newest_trend) if m is not None), default=None)
    return (min(firsts) if firsts else None), newest


def read_freshness(session: Session, config: MonitorConfig, now: datetime) -> Freshness:
    first_day, newest = data_span(session, config.zone)
    collected = session.execute(select(func.max(Post.collected_at))).scalar_one_or_none()
    jobs = {claim.job_id: claim for claim in session.execute(select(JobClaim)).scalars()}
    newest = min(newest, now) if newest else None  # a post dated in the future does not make the data fresher
    return Freshness(now=now, newest_post=newest, first_day=first_day, last_collected=collected,
                     sources=read_source_health(session, config, now), jobs=jobs)
