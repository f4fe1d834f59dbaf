"""Schedules: one job per watchlist in the product database, surviving restarts; run inside the app."""
from __future__ import annotations

import threading
from datetime import datetime, timezone
from pathlib import Path

import yaml
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from api.app import create_app
from crawl_support import credentials, crawl_settings, runs, source, stored, write_config
from crawlers.scheduling import start_scheduler
from monitor_config.settings import load_settings
from sources_server import SourcesServer

CONFIG = Path(__file__).with_name("fixtures") / "config" / "small.yaml"
__all__ = ["credentials"]


def test_one_job_per_watchlist_kept_in_the_database(engine: Engine, tmp_path: Path) -> None:
    scheduler = start_scheduler(load_settings(config=CONFIG, home=tmp_path), engine)
    try:
        jobs = {job.id: job for job in scheduler.get_jobs()}
        assert set(jobs) == {"crawl:gelblaster-challenge", "crawl:exposen"}
        hourly, cron = jobs["crawl:gelblaster-challenge"], jobs["crawl:exposen"]
        assert isinstance(hourly.trigger, IntervalTrigger) and hourly.trigger.interval.total_seconds() == 3600
        assert isinstance(cron.trigger, CronTrigger) and str(cron.trigger.timezone) == "Europe/Amsterdam"
        assert all(job.max_instances == 1 and job.coalesce for job in jobs.values())
        first_run = cron.next_run_time
        # Jobs with arguments that cannot be stored (the alert jobs take an engine) go to the memory store.
        scheduler.add_job(lambda: engine, "interval", hours=1, id="alerts-like")
    finally:
        scheduler.shutdown()
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM apscheduler_jobs")).scalar() == 2

    # A restart finds its jobs in the database; a watchlist taken out of the configuration loses its job.
    config = yaml.safe_load(CONFIG.read_text())
    config["watchlists"] = [w for w in config["watchlists"] if w["name"] == "exposen"]
    smaller = tmp_path / "smaller.yaml"
    smaller.write_text(yaml.safe_dump(config))
    scheduler = start_scheduler(load_settings(config=smaller, home=tmp_path), engine)
    try:
        assert [job.id for job in scheduler.get_jobs()] == ["crawl:exposen"]
        assert scheduler.get_job("crawl:exposen").next_run_time == first_run
    finally:
        scheduler.shutdown()


def test_serve_runs_the_schedule(engine: Engine, tmp_path: Path, credentials: None) -> None:
    with SourcesServer() as server:
        news = source("rss", "nieuws", server.url("ok", "rss"))
        news["search_feeds"] = []  # the feed declares its language: no models to load in this test
        settings = crawl_settings(tmp_path, write_config(tmp_path, [news]), scheduler=True, secret_key="s" * 40)
        with TestClient(create_app(settings, engine=engine)) as client:
            scheduler = client.app.state.scheduler  # type: ignore[attr-defined]
            assert scheduler.running and scheduler.get_job("crawl:lijst-rss") is not None
            done = threading.Event()
            scheduler.add_listener(lambda event: event.job_id == "crawl:lijst-rss" and done.set(),
                                   EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
            scheduler.modify_job("crawl:lijst-rss", next_run_time=datetime.now(timezone.utc))
            assert done.wait(120), "the scheduled crawl did not finish within 120 s"
        assert not scheduler.running
    (run,) = runs(engine)
    assert (run.trigger, run.watchlist_name, run.status, run.items_stored) == ("schedule", "lijst-rss", "ok", 4)
    assert len(stored(engine, "rss")) == 4

