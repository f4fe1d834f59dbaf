"""The worker: every job on its schedule in the configured time zone, each slot run by exactly one worker, missed
slots made up once, the nightly purge recorded, and the command line never running a job beside the worker."""
from __future__ import annotations

import re
import subprocess
import sys
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from apscheduler.events import EVENT_JOB_ERROR, EVENT_JOB_EXECUTED, JobExecutionEvent
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from typer.testing import CliRunner

from api.cli import app
from models.content import Post
from models.db import make_engine, session_scope
from models.ingest import PostIn, store_posts
from models.jobs import JobClaim
from monitor_config import load_config
from monitor_config.settings import Settings, load_settings
from pipeline import build_pipeline
from pipeline.claims import LEASE, claim, last_claimed, latest_slot, release_all, renew
from pipeline.schedule import CRAWL_PREFIX, ScheduledJob, every, scheduled_jobs
from pipeline.worker import Worker
from tests.conftest import FIXTURES, POSTGRES_ADMIN_URL
from tests.crawl_support import crawl_settings, runs, source, stored, write_config
from tests.sources_server import SourcesServer

pytestmark = pytest.mark.slow  # starts worker and server processes

CONFIG = FIXTURES / "config" / "small.yaml"
SUNDAY = datetime(2026, 11, 22, 12, tzinfo=UTC)


def pipeline_at(engine: Engine, tmp_path: Path, moment: datetime) -> Worker:
    settings = Settings(home=tmp_path, config=CONFIG)
    return Worker(build_pipeline(settings, engine, clock=lambda: moment), scheduled_jobs(settings.watch))


def test_every_job_runs_on_its_schedule_in_the_configured_time_zone() -> None:
    config = load_config(CONFIG)
    jobs = {job.id: job for job in scheduled_jobs(config)}
    assert set(jobs) == {"crawl:gelblaster-challenge", "crawl:exposen", "process", "alerts-deliver", "alerts-daily",
                         "digest-weekly", "purge"}
    fires = {job_id: job.trigger.get_next_fire_time(None, SUNDAY) for job_id, job in jobs.items()}
    assert fires["alerts-daily"].isoformat() == "2026-11-23T07:30:00+01:00"
    assert fires["digest-weekly"].isoformat() == "2026-11-23T08:00:00+01:00"
    assert fires["purge"].isoformat() == "2026-11-23T03:30:00+01:00"
    assert fires["crawl:exposen"].isoformat() == "2026-11-22T18:00:00+01:00"  # cron 0 */6 * * * in Amsterdam
    assert isinstance(jobs["crawl:gelblaster-challenge"].trigger, IntervalTrigger)
    assert jobs["process"].trigger.interval == timedelta(minutes=15)
    # the offline demo does not crawl
    assert not [job for job in scheduled_jobs(config, crawl=False) if job.id.startswith(CRAWL_PREFIX)]


def test_interval_jobs_fire_at_the_same_moments_in_every_worker() -> None:
    a, b = every(timedelta(minutes=15)), every(timedelta(minutes=15))
    started_apart = datetime(2026, 11, 30, 9, 7, 41, tzinfo=UTC), datetime(2026, 11, 30, 9, 12, 3, tzinfo=UTC)
    assert a.get_next_fire_time(None, started_apart[0]) == b.get_next_fire_time(None, started_apart[1])
    assert latest_slot(a, started_apart[1]) == datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    weekly = CronTrigger(day_of_week="mon", hour=8, timezone="Europe/Amsterdam")
    assert latest_slot(weekly, SUNDAY) == datetime(2026, 11, 16, 7, 0, tzinfo=UTC)


def test_a_slot_is_claimed_once_and_a_live_lease_blocks_the_next(engine: Engine) -> None:
    slot = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    now = slot + timedelta(seconds=2)
    assert claim(engine, "process", slot, "worker-a", now)
    assert not claim(engine, "process", slot, "worker-b", now)  # the same slot: never twice
    later = slot + timedelta(minutes=15)
    assert renew(engine, "process", "worker-a", later - timedelta(seconds=30))  # worker-a is still running it
    assert not claim(engine, "process", later, "worker-b", later)
    assert claim(engine, "process", later, "worker-b", later + LEASE)  # worker-a died: its lease ran out
    assert release_all(engine, "worker-b", later) == 1
    assert last_claimed(engine, "process").status == "interrupted"  # type: ignore[union-attr]
    assert claim(engine, "process", later + timedelta(minutes=15), "worker-a", later + timedelta(minutes=15))


def test_a_slot_missed_while_no_worker_ran_is_made_up_once(engine: Engine, tmp_path: Path) -> None:
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # 10:00 in Amsterdam: the 08:00 digest was missed
    worker = pipeline_at(engine, tmp_path, monday)
    jobs = {job.id: job for job in worker.jobs}
    assert worker.missed(jobs["digest-weekly"], monday)
    assert worker.run_job(jobs["digest-weekly"])
    assert not worker.missed(jobs["digest-weekly"], monday)
    # a purge missed by more than its grace waits for its next slot
    assert not worker.missed(jobs["purge"], datetime(2026, 11, 23, 23, 59, tzinfo=UTC))


def test_the_nightly_purge_runs_itself_and_tells_when_it_ran(engine: Engine, tmp_path: Path) -> None:
    night = datetime(2027, 3, 1, 2, 30, tzinfo=UTC)  # 03:30 in Amsterdam; retention is 30 days
    with session_scope(engine) as session:
        store_posts(session, [PostIn(platform="tiktok", external_id=str(age), text=f"post {age}",
                                     created_at=night - timedelta(days=age), collected_at=night - timedelta(days=age),
                                     author_key=f"a{age}", content_hash=f"h{age}") for age in (1, 29, 31, 90)])
    worker = pipeline_at(engine, tmp_path, night)
    purge = next(job for job in worker.jobs if job.id == "purge")
    assert latest_slot(purge.trigger, night) == night
    assert worker.run_job(purge)
    with Session(engine) as session:
        assert sorted(session.scalars(select(col(Post.external_id)))) == ["1", "29"]
        record = session.get(JobClaim, "purge")
    assert record is not None and (record.status, record.last_ok_at) == ("ok", night)
    assert record.result is not None and record.result["posts_deleted"] == 2
    assert not worker.run_job(purge)  # the same night again: already done


def test_a_failing_job_is_recorded_and_the_next_slot_runs(engine: Engine, tmp_path: Path) -> None:
    def broken(_: object) -> None:
        raise RuntimeError("the SMTP server is down")

    moment = datetime(2026, 11, 30, 9, 0, 30, tzinfo=UTC)
    worker = pipeline_at(engine, tmp_path, moment)
    job = ScheduledJob("alerts-deliver", "deliver", every(timedelta(minutes=1)), broken, timedelta(minutes=5))
    assert worker.run_job(job)
    record = last_claimed(engine, "alerts-deliver")
    assert record is not None and record.status == "failed" and record.result is not None
    assert "SMTP server is down" in record.result["error"]
    worker.pipeline.clock = lambda: moment + timedelta(minutes=1)
    assert worker.run_job(job)


def test_the_command_line_waits_for_the_worker_instead_of_running_beside_it(
        engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.setenv("LEEFWERELD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    now = datetime.now(UTC)
    assert claim(engine, "purge", now, "worker-on-another-host:42:abc", now)
    result = CliRunner().invoke(app, ["--config", str(CONFIG), "--demo", "purge"])
    assert result.exit_code == 1
    assert "purge is already running in worker-on-another-host:42:abc" in result.stderr
    release_all(engine, "worker-on-another-host:42:abc", now)
    assert CliRunner().invoke(app, ["--config", str(CONFIG), "--demo", "purge", "--json"]).exit_code == 0


@pytest.mark.slow
def test_the_worker_runs_a_watchlist_crawl_on_schedule(engine: Engine, tmp_path: Path, credentials: None) -> None:
    with SourcesServer() as server:
        news = source("rss", "nieuws", server.url("ok", "rss"))
        news["search_feeds"] = []  # the feed declares its language: no models to load in this test
        settings = crawl_settings(tmp_path, write_config(tmp_path, [news]))
        worker = Worker(build_pipeline(settings, engine), scheduled_jobs(settings.watch))
        done = threading.Event()
        scheduler = worker.start()
        try:
            def finished(event: JobExecutionEvent) -> None:
                if event.job_id == "crawl:lijst-rss":
                    done.set()

            scheduler.add_listener(finished, EVENT_JOB_EXECUTED | EVENT_JOB_ERROR)
            scheduler.modify_job("crawl:lijst-rss", next_run_time=datetime.now(UTC))
            assert done.wait(120), "the scheduled crawl did not finish within 120 s"
        finally:
            worker.stop()
    (run,) = runs(engine)
    assert (run.trigger, run.watchlist_name, run.status, run.items_stored) == ("schedule", "lijst-rss", "ok", 4)
    assert len(stored(engine, "rss")) == 4
    assert last_claimed(engine, "crawl:lijst-rss").status == "ok"  # type: ignore[union-attr]


@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_two_worker_processes_never_run_the_same_slot(engine: Engine) -> None:
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE probe_run (slot text NOT NULL, holder text NOT NULL)"))
    url = engine.url.render_as_string(hide_password=False)
    assert url.startswith(POSTGRES_ADMIN_URL.rsplit("/", 1)[0])
    workers = [subprocess.Popen([sys.executable, "-m", "tests.worker_probe", url, "8"],
                                cwd=Path(__file__).resolve().parent.parent) for _ in range(2)]
    for process in workers:
        assert process.wait(timeout=90) == 0
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT slot, holder FROM probe_run ORDER BY slot")).all()
    slots = [datetime.fromisoformat(slot) for slot, _ in rows]
    assert len(set(slots)) == len(slots), f"a slot ran twice: {rows}"
    # a run that starts late (both workers busy) coalesces with the next slot, as APScheduler's own coalescing does
    assert len(slots) >= 5, rows
    assert len({holder for _, holder in rows}) == 2, f"one worker ran everything: {rows}"


@pytest.mark.slow
def test_serve_with_worker_runs_the_jobs_in_a_second_process(tmp_path: Path) -> None:
    """`make run`'s one-machine trial: pages in one process, the scheduled jobs in another."""
    import socket
    import time

    import httpx

    config = tmp_path / "watch.yaml"
    config.write_text(CONFIG.read_text() + "classifier:\n  embedder: {kind: use-m3}\n")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {"PATH": "/usr/bin:/bin", "LEEFWERELD_HOME": str(tmp_path), "LEEFWERELD_CONFIG": str(config),
           "LEEFWERELD_DEMO": "1", "HF_HUB_OFFLINE": "1"}
    serve = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", "--with-worker", "--port", str(port)],
                             cwd=Path(__file__).resolve().parent.parent, env=env, stdout=subprocess.PIPE,
                             stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/healthz").status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.5)
        database = make_engine(load_settings(home=tmp_path).resolved_database_url)
        record = None
        while time.monotonic() < deadline:  # the worker makes up the missed processing slot at start
            record = last_claimed(database, "process")
            if record is not None and record.status == "ok":
                break
            time.sleep(1)
        assert record is not None and record.status == "ok", "the worker did not process within 120 s"
    finally:
        serve.terminate()
        output = serve.communicate(timeout=120)[0].decode()
    worker_pid = int(re.search(r"worker started \(process (\d+)", output).group(1))  # type: ignore[union-attr]
    for _ in range(60):  # the worker notices that `serve` is gone and stops after its running jobs
        if not Path(f"/proc/{worker_pid}").exists():
            break
        time.sleep(1)
    assert not Path(f"/proc/{worker_pid}").exists(), "the worker outlived `serve`"
    log = (tmp_path / "logs" / "worker.log").read_text()
    assert "started with 5 jobs" in log and "stopped" in log
