"""The worker process (`leefwereld worker`): runs the scheduled jobs, each slot claimed first (pipeline.claims).

Several workers may run against one database: each claims a slot before it runs it, so no slot runs twice.
A slot missed while no worker was up runs once when a worker starts, if it is still within its job's grace.
A worker that starts first cleans up after a killed one (`Worker.recover`): its claims, and its alerts mid-send.
SIGTERM or SIGINT stops scheduling and waits for running jobs to finish; a second signal stops at once, and the
claims this worker still holds are given up so another worker can take the next slot without waiting out leases.
"""
from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any

from apscheduler.schedulers.background import BackgroundScheduler

from crawlers.uploads import UPLOAD_SOURCE
from models.crawling import close_abandoned_runs
from models.db import session_scope
from monitor_config.settings import Settings
from pipeline.claims import (
    claim,
    finish,
    held_elsewhere,
    last_claimed,
    latest_slot,
    release_abandoned,
    release_all,
    renewing,
    worker_name,
)
from pipeline.context import Pipeline
from pipeline.schedule import DELIVERY_JOBS, ScheduledJob
from pipeline.stages import figures, release_orphaned_deliveries

log = logging.getLogger(__name__)


class JobBusy(Exception):
    """Another process is running the job right now."""

    def __init__(self, job_id: str, holder: str, since: datetime | None) -> None:
        self.job_id, self.holder, self.since = job_id, holder, since
        started = f" since {since:%Y-%m-%d %H:%M} UTC" if since else ""
        super().__init__(f"{job_id} is already running in {holder}{started}; fix: wait for it to finish and try again")


class Worker:
    def __init__(self, pipeline: Pipeline, jobs: Sequence[ScheduledJob], *, holder: str | None = None) -> None:
        self.pipeline, self.jobs = pipeline, list(jobs)
        self.holder = holder or worker_name()
        self.scheduler: BackgroundScheduler | None = None

    def run_job(self, job: ScheduledJob, *, now_slot: bool = False) -> bool:
        """Claim the job's current slot (with `now_slot`, the present moment: a run beside the schedule) and run it;
        False when another worker has it."""
        p, now = self.pipeline, self.pipeline.clock()
        slot = now if now_slot else latest_slot(job.trigger, now) or now
        if not claim(p.engine, job.id, slot, self.holder, now):
            log.debug("%s: slot %s is taken by another worker", job.id, slot.isoformat())
            return False
        try:
            with renewing(p.engine, job.id, self.holder, p.clock):
                result = job.run(p)
        except Exception as exc:
            log.exception("%s failed", job.id)
            finish(p.engine, job.id, self.holder, p.clock(), ok=False, result={"error": f"{type(exc).__name__}: {exc}"})
            return True
        finish(p.engine, job.id, self.holder, p.clock(), ok=True, result=figures(result))
        return True

    def missed(self, job: ScheduledJob, now: datetime) -> bool:
        """Whether the job's latest slot passed unclaimed and is still within its grace."""
        slot = latest_slot(job.trigger, now)
        if slot is None or now - slot > job.grace:
            return False
        claimed = last_claimed(self.pipeline.engine, job.id)
        return claimed is None or claimed.slot < slot

    def recover(self, now: datetime) -> int:
        """Clean up after a process on this machine that was killed mid-work: free its job claims (so the jobs run
        now, not after their lease), close its crawl runs (so none stays `running`) and, while no other process
        delivers, make the outbox rows it left mid-send due now. Returns the number of those rows."""
        engine = self.pipeline.engine
        released = release_abandoned(engine, now)
        with session_scope(engine) as session:
            closed = close_abandoned_runs(session, now=now, keep_sources=(UPLOAD_SOURCE,))
        if released or closed:
            log.warning("recovered after an interrupted process: %d job claim(s) freed (%s), %d crawl run(s) "
                        "closed as failed", len(released), ", ".join(released) or "-", closed)
        if held_elsewhere(engine, DELIVERY_JOBS, self.holder, now):
            return 0
        return release_orphaned_deliveries(self.pipeline)

    def start(self) -> BackgroundScheduler:
        now = self.pipeline.clock()
        orphaned = self.recover(now)
        scheduler = BackgroundScheduler(timezone="UTC")
        for job in self.jobs:
            scheduler.add_job(self.run_job, job.trigger, args=[job], id=job.id, name=job.name, max_instances=1,
                              coalesce=True, misfire_grace_time=int(job.grace.total_seconds()))
            if self.missed(job, now):  # once, beside the regular schedule, which keeps its own times
                scheduler.add_job(self.run_job, "date", run_date=now, args=[job], id=f"{job.id}:missed",
                                  name=f"{job.name} (missed slot)")
            elif orphaned and job.id == DELIVERY_JOBS[0]:  # deliver what a dead process left, without waiting
                scheduler.add_job(self.run_job, "date", run_date=now, args=[job], kwargs={"now_slot": True},
                                  id=f"{job.id}:recovered", name=f"{job.name} (left by a stopped process)")
        scheduler.start()
        self.scheduler = scheduler
        log.info("worker %s started with %d jobs: %s", self.holder, len(self.jobs), ", ".join(j.id for j in self.jobs))
        return scheduler

    def stop(self, *, wait: bool = True) -> None:
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=wait)
        released = release_all(self.pipeline.engine, self.holder, self.pipeline.clock())
        log.info("worker %s stopped%s", self.holder, f"; {released} running job(s) given up" if released else "")


def run_worker(worker: Worker, stop: threading.Event | None = None, *, parent: int | None = None) -> None:
    """Run until `stop` is set or the process gets SIGTERM/SIGINT (the second signal stops at once), or, with
    `parent`, until that process is gone (`serve --with-worker` may be killed without a chance to stop us)."""
    stop = stop or threading.Event()
    if parent is not None:
        threading.Thread(target=_stop_when_orphaned, args=(parent, stop), name="parent-watch", daemon=True).start()
    signals = 0

    def on_signal(signum: int, _frame: FrameType | None) -> None:
        nonlocal signals
        signals += 1
        if signals > 1:
            log.warning("second signal: stopping without waiting for running jobs")
            release_all(worker.pipeline.engine, worker.holder, worker.pipeline.clock())
            os._exit(1)
        log.info("signal %s: stopping after the running jobs", signal.Signals(signum).name)
        stop.set()

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, on_signal)
        signal.signal(signal.SIGINT, on_signal)
    worker.start()
    try:
        stop.wait()
    finally:
        worker.stop(wait=True)


def _stop_when_orphaned(parent: int, stop: threading.Event) -> None:
    while not stop.wait(2):
        if os.getppid() != parent:
            log.info("the serving process %s is gone: stopping", parent)
            stop.set()


def run_now(pipeline: Pipeline, job_id: str, run: Any, *args: Any, **kwargs: Any) -> Any:
    """Run a stage now under its job's claim (the command line), so it never runs beside the worker's run."""
    holder, now = worker_name(), pipeline.clock()
    if not claim(pipeline.engine, job_id, now, holder, now):
        held = last_claimed(pipeline.engine, job_id)
        raise JobBusy(job_id, held.holder if held else "another process", held.started_at if held else None)
    try:
        with renewing(pipeline.engine, job_id, holder, pipeline.clock):
            result = run(pipeline, *args, **kwargs)
    except BaseException as exc:
        failure = {"error": f"{type(exc).__name__}: {exc}"}
        finish(pipeline.engine, job_id, holder, pipeline.clock(), ok=False, result=failure)
        raise
    finish(pipeline.engine, job_id, holder, pipeline.clock(), ok=True, result=figures(result))
    return result


def start_worker_process(settings: Settings, log_path: Path) -> subprocess.Popen[bytes]:
    """`leefwereld worker` as a child process (for `serve --with-worker`), with the parent's settings."""
    env = dict(os.environ)
    env.update({"LEEFWERELD_CONFIG": str(Path(settings.config).resolve()),
                "LEEFWERELD_HOME": str(Path(settings.home).resolve()),
                "LEEFWERELD_DEMO": "1" if settings.demo else "0", "LEEFWERELD_LOG_LEVEL": settings.log_level})
    if settings.database_url:
        env["LEEFWERELD_DATABASE_URL"] = settings.database_url
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as out:
        return subprocess.Popen([sys.executable, "-m", "api.cli", "worker", f"--parent={os.getpid()}"], env=env,
                                stdout=out, stderr=subprocess.STDOUT)
