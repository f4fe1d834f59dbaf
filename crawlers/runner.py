"""Run the collectors now: one crawl run record per source, the crawl itself in a child process.

A child process per run because Twisted's reactor cannot restart; the scheduler calls `run_crawl` again and
again from one long-lived process. The child writes each run's figures; the parent marks runs whose child
died as failed, so no run stays 'running' for ever.
"""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from crawlers.exceptions import SourceNotUsable
from crawlers.pipelines import watchlists_for_source
from crawlers.uploads import UPLOAD_SOURCE
from models.content import CrawlRun
from models.crawling import close_abandoned_runs, fail_unfinished_runs, run_as_dict, start_runs
from models.db import session_scope
from monitor_config.schema import MonitorConfig
from monitor_config.settings import Settings

PROJECT_ROOT = Path(__file__).resolve().parent.parent
CRAWLABLE = {"rss", "youtube", "mastodon", "bluesky", "telegram", "reddit", "html"}


def select_sources(config: MonitorConfig, *, source: str | None = None, watchlist: str | None = None) -> list[Any]:
    """The enabled, crawlable sources of a run; naming a disabled or unknown source is an error."""
    by_name = {s.name: s for s in config.sources}
    if source is not None:
        chosen = by_name.get(source)
        if chosen is None:
            raise SourceNotUsable(source, f"not in the configuration; fix: one of {', '.join(by_name) or '(none)'}")
        if chosen.kind not in CRAWLABLE:
            raise SourceNotUsable(source, f"a {chosen.kind} source is not crawled (its posts are uploaded)")
        if not chosen.enabled:
            raise SourceNotUsable(source, "is disabled; fix: set 'enabled: true' for it in the configuration")
        return [chosen]
    names: set[str] | None = None
    if watchlist is not None:
        wanted = next((w for w in config.watchlists if w.name == watchlist), None)
        if wanted is None:
            raise SourceNotUsable(watchlist, "no such watchlist in the configuration")
        names = {s.name for s in config.sources if wanted in watchlists_for_source([wanted], s.name)}
    return [s for s in config.sources
            if s.enabled and s.kind in CRAWLABLE and (names is None or s.name in names)]


def child_environment(settings: Settings, engine: Engine) -> dict[str, str]:
    env = dict(os.environ)
    env.update({
        "LEEFWERELD_CONFIG": str(Path(settings.config).resolve()),
        "LEEFWERELD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "LEEFWERELD_HOME": str(Path(settings.home).resolve()),
        "LEEFWERELD_DEMO": "1" if settings.demo else "0",
        "LEEFWERELD_LOG_LEVEL": settings.log_level,
        settings.watch.pseudonym_key_env: settings.pseudonym_key().decode(),
        "PYTHONPATH": os.pathsep.join([str(PROJECT_ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]),
    })
    if settings.crawl_redis_url:
        env["LEEFWERELD_CRAWL_REDIS_URL"] = settings.crawl_redis_url
    return env


def run_crawl(settings: Settings, engine: Engine, *, source: str | None = None, watchlist: str | None = None,
              trigger: str = "manual", distributed_round: str | None = None) -> list[dict[str, Any]]:
    """Crawl now and return the run records (one per source)."""
    sources = select_sources(settings.watch, source=source, watchlist=watchlist)
    if not sources:
        return []
    with session_scope(engine) as session:
        # runs of an earlier crawl that was killed: not `running` forever
        close_abandoned_runs(session, keep_sources=(UPLOAD_SOURCE,))
        runs = [(r.source_name, r.id) for r in start_runs(
            session, source_names=[s.name for s in sources], trigger=trigger, watchlist_name=watchlist)]
    log_path = Path(settings.home).resolve() / "logs" / f"crawl-{runs[0][1]}.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "crawlers.crawl_child", *(f"--run={name}={run_id}" for name, run_id in runs)]
    if watchlist:
        command.append(f"--watchlist={watchlist}")
    if settings.crawl_redis_url:
        command.append(f"--round={distributed_round or default_round()}")
    with log_path.open("ab") as log_file:
        try:
            result = subprocess.run(command, env=child_environment(settings, engine), stdout=log_file,
                                    stderr=subprocess.STDOUT, timeout=settings.crawl_timeout, check=False)
            problem = f"the crawler process exited with code {result.returncode}" if result.returncode else ""
        except subprocess.TimeoutExpired:
            problem = f"the crawl took longer than {settings.crawl_timeout} s and was stopped"
    with session_scope(engine) as session:
        fail_unfinished_runs(session, [run_id for _, run_id in runs if run_id is not None],
                             f"{problem or 'the crawler process wrote no run record'}; see {log_path}")
        return [run_as_dict(session.get(CrawlRun, run_id)) for _, run_id in runs]  # type: ignore[arg-type]


def default_round(now: datetime | None = None) -> str:
    """Processes started within the same minute share a round (and so the work)."""
    return f"manual-{(now or datetime.now(UTC)):%Y%m%d%H%M}"
