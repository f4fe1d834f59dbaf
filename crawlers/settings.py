"""Scrapy settings for one source's crawler: politeness from the source, storage and run from the caller."""
from __future__ import annotations

from typing import Any

from scrapy.settings import Settings as ScrapySettings

from monitor_config.schema import Crawling

USER_AGENT_NAME = "LeefwereldMonitor"
VERSION = "0.1"
MAX_PAGES_PER_QUERY = 10


def user_agent(contact_url: str) -> str:
    """An honest User-Agent: who we are and where a site operator can reach the operator of this monitor."""
    return f"{USER_AGENT_NAME}/{VERSION} (+{contact_url}; public posts for youth work, Amsterdam)"


def politeness_settings(requests_per_minute: float, concurrency: int) -> dict[str, Any]:
    delay = 60.0 / requests_per_minute
    return {
        "DOWNLOAD_DELAY": delay,
        "DOWNLOAD_DELAY_JITTER": 0,  # a jittered delay could go below the configured rate
        "CONCURRENT_REQUESTS": concurrency,
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "AUTOTHROTTLE_ENABLED": True,
        "AUTOTHROTTLE_START_DELAY": delay,
        "AUTOTHROTTLE_MAX_DELAY": max(60.0, delay),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(concurrency),
    }


def build_settings(*, source: Any, crawling: Crawling, database_url: str, key: bytes,
                   watchlists: list[dict[str, Any]], run_id: int | None = None,
                   extra: dict[str, Any] | None = None) -> ScrapySettings:
    """Everything one source's crawler needs; `extra` (for example distributed mode) wins."""
    settings = ScrapySettings()
    settings.setdict({
        "BOT_NAME": "leefwereld",
        "USER_AGENT": user_agent(str(crawling.contact_url)),
        "ROBOTSTXT_OBEY": True,
        "ROBOTSTXT_USER_AGENT": USER_AGENT_NAME,
        "COOKIES_ENABLED": False,
        "TELNETCONSOLE_ENABLED": False,
        "REMOTE_CONTROL_ENABLED": False,  # never open a control port on a collector
        "LOG_LEVEL": "INFO",
        "LOG_FORMATTER": "crawlers.logformat.PrivateLogFormatter",
        "DOWNLOAD_TIMEOUT": 30,
        "RETRY_TIMES": 3,
        "RETRY_HTTP_CODES": [429, 500, 502, 503, 504, 408],
        "DOWNLOADER_MIDDLEWARES": {
            "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
            "crawlers.middlewares.ConcurrentSafeRobotsTxtMiddleware": 100,
            "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
            "crawlers.middlewares.RetryAfterMiddleware": 550,
        },
        "ITEM_PIPELINES": {"crawlers.pipelines.StorePipeline": 100},
        "EXTENSIONS": {"crawlers.extensions.RunRecorder": 500},
        "LEEFWERELD_MAX_ITEMS": crawling.max_items_per_run,
        "LEEFWERELD_DATABASE_URL": database_url,
        "LEEFWERELD_KEY": key,
        "LEEFWERELD_SOURCE": source.name,
        "LEEFWERELD_WATCHLISTS": watchlists,
        "LEEFWERELD_BATCH_SIZE": crawling.batch_size,
        "LEEFWERELD_RUN_ID": run_id,
        "LEEFWERELD_MAX_PAGES": MAX_PAGES_PER_QUERY,
        **politeness_settings(source.politeness.requests_per_minute, source.politeness.concurrency),
        **(extra or {}),
    })
    return settings
