"""One processing run as the service does it: reviewers' verdicts in, trends updated, reviews and alerts queued."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from api.alerts.enqueue import queue_after_processing
from api.review.examples import verdict_examples
from classifier.base import Embedder
from classifier.process import ProcessReport, process_pending
from models.db import session_scope
from monitor_config.schema import MonitorConfig


def run_processing(engine: Engine, config: MonitorConfig, embedder: Embedder, *, now: datetime,
                   rebuild: bool = False) -> tuple[ProcessReport, int]:
    """Process pending posts; returns the report and how many alerts were queued."""
    with session_scope(engine) as session:
        verdicts = verdict_examples(session)
    report = process_pending(engine, config, embedder, now=now, verdicts=verdicts, rebuild=rebuild)
    with session_scope(engine) as session:
        queued = queue_after_processing(session, config=config, now=now)
    return report, len(queued)
