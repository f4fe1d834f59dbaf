"""Retries that honour `Retry-After` (seconds or an HTTP date) on 429 and 503, with exponential backoff otherwise.

Scrapy's own RetryMiddleware retries at once and ignores Retry-After; this one replaces it. While waiting it
keeps its download slot busy, so the source gets no other request from this crawler in the meantime.
"""
from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import get_retry_request
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import NotConfigured
from scrapy.http import Request, Response
from scrapy.utils.asyncio import sleep
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import load_object
from scrapy.utils.response import response_status_message
from twisted.internet.defer import Deferred

from crawlers.runlog import record_error

HONOURS_RETRY_AFTER = {429, 503}

def parse_retry_after(value: str | bytes | None, *, now: datetime) -> float | None:
    """Seconds to wait from a Retry-After value (delta-seconds or HTTP date); None when absent or unreadable."""
    if value is None:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        moment = parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return max(0.0, (moment - now).total_seconds())


def backoff_delay(attempt: int, base: float, cap: float) -> float:
    """Exponential backoff: base, 2×base, 4×base, ... never more than cap."""
    return min(cap, base * 2 ** max(0, attempt - 1))


class RetryAfterMiddleware:
    def __init__(self, crawler: Any) -> None:
        settings = crawler.settings
        if not settings.getbool("RETRY_ENABLED"):
            raise NotConfigured("RETRY_ENABLED is off")
        self.crawler = crawler
        self.codes = {int(code) for code in settings.getlist("RETRY_HTTP_CODES")}
        self.max_times = settings.getint("RETRY_TIMES")
        self.base = settings.getfloat("LEEFWERELD_BACKOFF_BASE", 1.0)
        self.max_wait = settings.getfloat("LEEFWERELD_MAX_RETRY_WAIT", 600.0)
        self.exceptions = tuple(load_object(e) if isinstance(e, str) else e
                                for e in settings.getlist("RETRY_EXCEPTIONS"))

    @classmethod
    def from_crawler(cls, crawler: Any) -> RetryAfterMiddleware:
        return cls(crawler)

    async def process_response(self, request: Request, response: Response) -> Request | Response:
        if request.meta.get("dont_retry") or response.status not in self.codes:
            return response
        attempt = request.meta.get("retry_times", 0) + 1
        asked = None
        if response.status in HONOURS_RETRY_AFTER:
            asked = parse_retry_after(response.headers.get("Retry-After"), now=datetime.now(UTC))
        wait = asked if asked is not None else backoff_delay(attempt, self.base, self.max_wait)
        if wait > self.max_wait:
            record_error(self.crawler, f"{request.url}: the source asks to wait {wait:.0f} s "
                                       f"(HTTP {response.status}); left for the next run")
            return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response  # the spider's errback records the final HTTP error
        self.crawler.stats.inc_value("leefwereld/retry_wait_seconds", wait)
        if asked is not None:
            self.crawler.stats.inc_value("leefwereld/retry_after_honoured")
        await sleep(wait)
        return retry

    async def process_exception(self, request: Request, exception: Exception) -> Request | None:
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions):
            return None
        attempt = request.meta.get("retry_times", 0) + 1
        retry = self._retry(request, exception)
        if retry is None:
            return None  # the spider's errback records the failure
        await sleep(backoff_delay(attempt, self.base, self.max_wait))
        return retry

    def _retry(self, request: Request, reason: str | Exception) -> Request | None:
        assert self.crawler.spider is not None
        return get_retry_request(request, spider=self.crawler.spider, reason=reason,
                                 max_retry_times=request.meta.get("max_retry_times", self.max_times))


class ConcurrentSafeRobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt check, closed against a race: requests that wait for the same robots.txt share one
    Deferred, and every waiter after the first receives None from it, which Scrapy reads as 'allowed'. Such a
    waiter here takes the parser that has been stored meanwhile."""

    async def robot_parser(self, request: Request) -> Any:
        parser = await super().robot_parser(request)
        if parser is None:
            stored = self._parsers.get(urlparse_cached(request).netloc)
            if not isinstance(stored, Deferred):
                parser = stored
        return parser
