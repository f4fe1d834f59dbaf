"""Distributed mode on scrapy-redis: crawler processes on one or more machines share a request queue and a
duplicate filter in Redis, so each request is fetched once overall.

Keys live under a *round* (for example the scheduled fire time) so that the next round starts clean, and
they expire after a day. A process whose queue runs dry waits a little before closing, in case another
process is about to push the next page.
"""
from __future__ import annotations

import time
from typing import Any

from scrapy import signals
from scrapy.exceptions import DontCloseSpider, NotConfigured

KEY_TTL_SECONDS = 24 * 3600
IDLE_SECONDS = 3.0


def key_prefix(round_token: str) -> str:
    return f"leefwereld:{round_token}:%(spider)s"


def distributed_settings(redis_url: str, round_token: str, idle_seconds: float = IDLE_SECONDS) -> dict[str, Any]:
    prefix = key_prefix(round_token)
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": f"{prefix}:requests",
        "SCHEDULER_DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "DUPEFILTER_KEY": f"{prefix}:dupefilter",
        "SCHEDULER_PERSIST": True,  # another process may still be working; keys expire instead
        "REDIS_URL": redis_url,
        # Another process may fetch the next page and move the cursor: this page's posts must be committed
        # before that request exists, so each post is committed as it comes.
        "LEEFWERELD_BATCH_SIZE": 1,
        "LEEFWERELD_DISTRIBUTED_IDLE": idle_seconds,
        "LEEFWERELD_DISTRIBUTED_TTL": KEY_TTL_SECONDS,
        "EXTENSIONS": {"crawlers.extensions.RunRecorder": 500, "crawlers.distributed.SharedQueueIdle": 510},
    }


class SharedQueueIdle:
    """Keeps an idle spider open for a few seconds (another process may push work), then lets it close."""

    def __init__(self, crawler: Any, idle_seconds: float, ttl: int) -> None:
        self.crawler = crawler
        self.idle_seconds = idle_seconds
        self.ttl = ttl
        self.last_busy = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler: Any) -> SharedQueueIdle:
        if not crawler.settings.get("LEEFWERELD_DISTRIBUTED_IDLE"):
            raise NotConfigured("not in distributed mode")
        ext = cls(crawler, crawler.settings.getfloat("LEEFWERELD_DISTRIBUTED_IDLE"),
                  crawler.settings.getint("LEEFWERELD_DISTRIBUTED_TTL"))
        crawler.signals.connect(ext.busy, signal=signals.response_received)
        crawler.signals.connect(ext.busy, signal=signals.request_scheduled)
        crawler.signals.connect(ext.spider_idle, signal=signals.spider_idle)
        crawler.signals.connect(ext.spider_closed, signal=signals.spider_closed)
        return ext

    def busy(self, **_: Any) -> None:
        self.last_busy = time.monotonic()

    def spider_idle(self, spider: Any) -> None:
        if time.monotonic() - self.last_busy < self.idle_seconds:
            raise DontCloseSpider

    def spider_closed(self, spider: Any) -> None:
        scheduler = self.crawler.engine._slot.scheduler if self.crawler.engine._slot else None
        server = getattr(scheduler, "server", None)
        if scheduler is None or server is None:
            return
        for key in (scheduler.queue.key, scheduler.df.key):
            server.expire(key, self.ttl)
