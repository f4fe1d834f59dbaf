"""The processing job of `leefwereld serve`: every `classifier.process_every`, new posts become trends."""
from __future__ import annotations

import logging
from typing import Any

from apscheduler.triggers.interval import IntervalTrigger
from sqlalchemy.engine import Engine

from api.processing import run_processing
from classifier.detect.windows import parse_duration
from models.types import utcnow
from monitor_config.settings import Settings

log = logging.getLogger(__name__)


class ProcessingJob:
    """Loads the embedder on its first run and keeps it: a model load costs far more than a run."""

    def __init__(self, engine: Engine, settings: Settings) -> None:
        self.engine, self.settings = engine, settings
        self.embedder: Any = None

    def __call__(self) -> None:
        from classifier.embed import load_embedder

        if self.embedder is None:
            self.embedder = load_embedder(self.settings.watch.classifier.embedder, cache_dir=self.settings.model_cache)
        report, alerts = run_processing(self.engine, self.settings.watch, self.embedder, now=utcnow())
        log.info("processing job: %d posts, %d trends, %d alerts queued", report.posts, report.trends, alerts)


def register_processing_job(scheduler: Any, engine: Engine, settings: Settings) -> Any:
    every = parse_duration(settings.watch.classifier.process_every)
    return scheduler.add_job(ProcessingJob(engine, settings), IntervalTrigger(seconds=every.total_seconds()),
                             id="process", name="Process new posts into trends", replace_existing=True,
                             max_instances=1, coalesce=True)
