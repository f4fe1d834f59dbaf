"""A worker process for the crash test of alert delivery: the real worker loop, claims and EmailNotifier, with the
outbox job firing every second.

    python -m tests.outbox_probe DATABASE_URL SMTP_PORT SECONDS
"""
from __future__ import annotations

import logging
import sys
import threading
from datetime import timedelta
from pathlib import Path

from models.db import make_engine
from monitor_config import load_config
from monitor_config.settings import Settings
from pipeline import build_pipeline, stages
from pipeline.schedule import ScheduledJob, every
from pipeline.worker import Worker, run_worker
from tests.alert_helpers import alert_config

CONFIG = Path(__file__).with_name("fixtures") / "config" / "small.yaml"


def main(database_url: str, smtp_port: int, seconds: float) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(message)s")
    engine = make_engine(database_url)
    config = alert_config(load_config(CONFIG), smtp_port=smtp_port)
    pipeline = build_pipeline(Settings(config=CONFIG, demo=True), engine, config=config)
    job = ScheduledJob("alerts-deliver", "Deliver the alert outbox", every(timedelta(seconds=1)),
                       stages.deliver_alerts, timedelta(seconds=30))
    stop = threading.Event()
    timer = threading.Timer(seconds, stop.set)
    timer.daemon = True
    timer.start()
    run_worker(Worker(pipeline, [job]), stop)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3]))
