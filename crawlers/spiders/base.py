"""What every source spider shares: its source, the watchlists it searches for, cursors, and failure records."""
from __future__ import annotations

import hashlib
import json
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any
from urllib.parse import quote, urljoin

import scrapy
from scrapy.http import Response
from twisted.python.failure import Failure

from crawlers.exceptions import CollectorError, MalformedResponse, SourceNotUsable
from crawlers.runlog import DROPPED, record_error
from models.crawling import CursorState
from monitor_config.schema import Watchlist


class SourceSpider(scrapy.Spider):
    """Built with the source's config, the watchlists to search for in this run, and the stored cursors."""

    kind = "base"

    def __init__(self, *, source: Any, watchlists: list[Watchlist], cursors: dict[str, CursorState],
                 **kwargs: Any) -> None:
        super().__init__(name=source.name, **kwargs)
        self.source = source
        self.watchlists = watchlists
        self.cursors = cursors

    async def start(self) -> AsyncIterator[Any]:
        """The first requests (from `begin`); a source that cannot run says why in the run record."""
        try:
            async for request in self.begin():
                yield request
        except CollectorError as exc:
            record_error(self.crawler, str(exc))

    def begin(self) -> AsyncIterator[Any]:
        raise NotImplementedError

    def skip_item(self, reason: object) -> None:
        """An item the source sent in an unexpected shape: counted, reported, and the rest of the page goes on."""
        self.crawler.stats.inc_value(DROPPED)
        record_error(self.crawler, f"{self.source.name}: an item was skipped: {reason}")

    @property
    def max_pages(self) -> int:
        return self.crawler.settings.getint("LEEFWERELD_MAX_PAGES", 10)

    def url(self, path: str) -> str:
        """A path under the source's base URL (which may itself have a path, e.g. behind a proxy)."""
        base = str(self.source.base_url)
        return urljoin(base if base.endswith("/") else base + "/", path.lstrip("/"))

    def cursor(self, query: str) -> CursorState:
        return self.cursors.get(query, CursorState())

    def search_terms(self) -> Iterator[tuple[str, Watchlist]]:
        """Each keyword (not its variants: matching covers those) and hashtag of the run's watchlists."""
        seen: set[str] = set()
        for watchlist in self.watchlists:
            terms = [k.term for k in watchlist.terms] + [f"#{tag}" for tag in watchlist.hashtags]
            for term in terms:
                if term.casefold() not in seen:
                    seen.add(term.casefold())
                    yield term, watchlist

    def secret(self, env_name: str) -> str:
        value = os.environ.get(env_name)
        if not value:
            raise SourceNotUsable(self.source.name, f"the environment variable {env_name} is not set; fix: set "
                                                    "it to the credential (never put it in the YAML file)")
        return value

    def record_failure(self, failure: Failure) -> None:
        """Errback of every request: a refused, failed or unusable request is written to the run's errors."""
        request = getattr(failure, "request", None)
        url = request.url if request is not None else "?"
        reason = failure.getErrorMessage()
        if failure.check(scrapy.exceptions.IgnoreRequest) and "robots.txt" in reason:
            reason = "forbidden by the site's robots.txt; not fetched"
        elif (response := getattr(failure.value, "response", None)) is not None:
            reason = f"HTTP {response.status}"
        record_error(self.crawler, f"{url}: {reason}")

    def request(self, url: str, callback: Any, **kwargs: Any) -> scrapy.Request:
        return scrapy.Request(url, callback=callback, errback=self.record_failure, **kwargs)

    @staticmethod
    def json_of(response: Response) -> Any:
        try:
            return json.loads(response.text)
        except (ValueError, UnicodeDecodeError) as exc:
            raise MalformedResponse(response.url, f"not valid JSON: {exc}") from None


def opaque_id(value: str) -> str:
    """A stable id for a post whose own id names its author (an ActivityPub or AT URI): the handle stays out."""
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def quote_term(term: str) -> str:
    return quote(term, safe="")
