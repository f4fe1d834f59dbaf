"""A worker process for the tests: the real worker loop and claims, with one job that fires every second.

    python -m tests.worker_probe DATABASE_URL SECONDS

Each run of the job records the slot it claimed and this worker's name in the table `probe_run` (made by the
test), so the test can see which process ran which slot.
"""
from __future__ import annotations

import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

from sqlalchemy import text

from models.db import make_engine
from models.jobs import JobClaim
from monitor_config.settings import Settings
from pipeline import build_pipeline
from pipeline.context import Pipeline
from pipeline.schedule import ScheduledJob, every
from pipeline.worker import Worker, run_worker

CONFIG = Path(__file__).with_name("fixtures") / "config" / "small.yaml"


def record(p: Pipeline) -> dict[str, str]:
    with p.session() as session:
        claim = session.get(JobClaim, "probe")
        assert claim is not None
        session.execute(text("INSERT INTO probe_run (slot, holder) VALUES (:slot, :holder)"),
                        {"slot": claim.slot.isoformat(), "holder": claim.holder})
    time.sleep(0.3)  # a run takes a while, so the other worker's scheduler fires while this one runs
    return {"slot": claim.slot.isoformat()}


def main(database_url: str, seconds: float) -> None:
    engine = make_engine(database_url)
    pipeline = build_pipeline(Settings(config=CONFIG, demo=True), engine)
    job = ScheduledJob("probe", "probe", every(timedelta(seconds=1)), record, timedelta(seconds=5))
    stop = threading.Event()
    threading.Timer(seconds, stop.set).start()
    run_worker(Worker(pipeline, [job]), stop)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]))
