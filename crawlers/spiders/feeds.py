"""RSS and Atom feeds: news sites, search feeds filled per keyword (Google News style), YouTube channel feeds.

Feeds have no paging: a conditional GET (ETag, Last-Modified) skips an unchanged feed, and entries no newer
than the newest one stored last time are skipped.
"""
from __future__ import annotations

import calendar
import xml.sax
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import feedparser
from scrapy.http import Response

from crawlers.exceptions import MalformedResponse
from crawlers.items import CursorMark, FoundPost
from crawlers.normalise import RawPost
from crawlers.spiders.base import SourceSpider, quote_term


def entry_time(entry: Any) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC) if parsed else None


def read_feed(response: Response) -> Any:
    """Parse a feed; a broken or truncated one is refused whole rather than stored in part."""
    feed = feedparser.parse(response.body, response_headers={"content-location": response.url})
    problem = feed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException) or (not feed.get("version") and not feed.entries):
        raise MalformedResponse(response.url, f"not a readable RSS or Atom feed: {problem or 'no feed found'}")
    return feed


def feed_language(feed: Any) -> str | None:
    """The language a feed declares for itself (`nl-nl` -> `nl`): editorial, so trusted over detection."""
    code = (feed.feed.get("language") or "").split("-")[0].strip().lower()
    return code if len(code) == 2 and code.isalpha() else None


def _count(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


class FeedSpider(SourceSpider):
    platform = "rss"

    def feed_requests(self) -> Iterator[tuple[str, str, str | None]]:
        """(query key, absolute URL, watchlist searched for)."""
        raise NotImplementedError

    async def begin(self) -> Any:
        for query, url, searched_for in self.feed_requests():
            cursor = self.cursor(query)
            headers = {}
            if cursor.etag:
                headers["If-None-Match"] = cursor.etag
            if cursor.last_modified:
                headers["If-Modified-Since"] = cursor.last_modified
            yield self.request(url, self.parse_feed, headers=headers,
                               meta={"handle_httpstatus_list": [304]},
                               cb_kwargs={"query": query, "searched_for": searched_for})

    def parse_feed(self, response: Response, query: str, searched_for: str | None) -> Iterator[Any]:
        if response.status == 304:
            self.crawler.stats.inc_value("leefwereld/not_modified")
            return
        feed = read_feed(response)
        language = feed_language(feed)
        previous = self.cursor(query).value
        newest = previous
        for entry in feed.entries:
            when = entry_time(entry)
            stamp = when.isoformat() if when else None
            if stamp and previous and stamp <= previous:
                continue
            raw = self.raw_post(entry, when or datetime.now(UTC))
            if raw is None:
                continue
            raw.language = raw.language or language
            yield FoundPost(raw=raw, query=query, searched_for=searched_for)
            if stamp and (newest is None or stamp > newest):
                newest = stamp
        yield CursorMark(query=query, value=newest, etag=(response.headers.get("ETag") or b"").decode() or None,
                         last_modified=(response.headers.get("Last-Modified") or b"").decode() or None)

    def raw_post(self, entry: Any, when: datetime) -> RawPost | None:
        ident = entry.get("id") or entry.get("link")
        if not ident:
            return None
        summary = entry.get("summary") or ""
        return RawPost(platform=self.platform, external_id=str(ident)[:200],
                       text=f"<p>{entry.get('title', '')}</p>{summary}", is_html=True, created_at=when,
                       author=entry.get("author"), url=entry.get("link"))


class RssSpider(FeedSpider):
    kind = "rss"

    def feed_requests(self) -> Iterator[tuple[str, str, str | None]]:
        for feed in self.source.feeds:
            yield feed, self.url(feed), None
        for template in self.source.search_feeds:
            for term, watchlist in self.search_terms():
                filled = template.replace("{query}", quote_term(term))
                yield filled, self.url(filled), watchlist.name


class YoutubeSpider(FeedSpider):
    """Channel and playlist feeds (the last 15 uploads); YouTube has no search feed."""

    kind = "youtube"
    platform = "youtube"

    def feed_requests(self) -> Iterator[tuple[str, str, str | None]]:
        for channel in self.source.channel_ids:
            yield f"channel:{channel}", self.url(f"/feeds/videos.xml?channel_id={channel}"), None
        for playlist in self.source.playlist_ids:
            yield f"playlist:{playlist}", self.url(f"/feeds/videos.xml?playlist_id={playlist}"), None

    def raw_post(self, entry: Any, when: datetime) -> RawPost | None:
        video = entry.get("yt_videoid")
        if not video:
            return None
        description = entry.get("media_description") or entry.get("summary") or ""
        return RawPost(platform="youtube", external_id=video, text=f"{entry.get('title', '')}\n{description}",
                       created_at=when, author=entry.get("yt_channelid"), url=entry.get("link"),
                       views=_count((entry.get("media_statistics") or {}).get("views")),
                       likes=_count((entry.get("media_starrating") or {}).get("count")))

