"""Writes the run record (end, figures per source, errors) when a source's crawler closes."""
from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import NotConfigured

from crawlers.exceptions import CollectorError
from crawlers.runlog import DROPPED, DUPLICATES, SEEN, STORED, errors_of, record_error
from models.crawling import finish_run
from models.db import make_engine, session_scope

log = logging.getLogger(__name__)


class RunRecorder:
    def __init__(self, crawler: Any, database_url: str, run_id: int) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.run_id = run_id

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecorder:
        run_id = crawler.settings.get("LEEFWERELD_RUN_ID")
        if run_id is None or not crawler.settings.get("LEEFWERELD_DATABASE_URL"):
            raise NotConfigured("no run to record")
        recorder = cls(crawler, crawler.settings["LEEFWERELD_DATABASE_URL"], int(run_id))
        crawler.signals.connect(recorder.spider_error, signal=signals.spider_error)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_error(self, failure: Any, response: Any, spider: Any) -> None:
        exc = failure.value
        if isinstance(exc, CollectorError):
            record_error(self.crawler, str(exc))
        else:
            url = getattr(response, "url", "?")
            record_error(self.crawler, f"{url}: parsing failed ({type(exc).__name__}: {exc}); "
                                       "nothing from this response was stored")

    def spider_closed(self, spider: Any, reason: str) -> None:
        stats = self.crawler.stats
        errors = errors_of(self.crawler)
        if reason != "finished":
            errors.append(f"the crawl stopped early ({reason})")
        engine = make_engine(self.database_url)
        try:
            with session_scope(engine) as session:
                run = finish_run(
                    session, self.run_id,
                    seen=stats.get_value(SEEN, 0), stored=stats.get_value(STORED, 0),
                    duplicates=stats.get_value(DUPLICATES, 0), dropped=stats.get_value(DROPPED, 0),
                    errors=errors,
                )
                log.info("run %s for %s: %s, %s stored, %s errors", run.id, run.source_name, run.status,
                         run.items_stored, len(errors))
        finally:
            engine.dispose()
