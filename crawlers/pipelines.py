"""The one item pipeline: normalise each found post (pseudonymising its author), keep it only when a watchlist
asked for it, and store posts in batches; a query's cursor moves in the same transaction as the batch that
holds the posts found before it, so a crash loses nothing and duplicates nothing."""
from __future__ import annotations

from typing import Any

from scrapy.exceptions import DropItem, NotConfigured
from sqlalchemy.engine import Engine

from crawlers.items import CursorMark, FoundPost
from crawlers.matching import WatchlistMatcher
from crawlers.normalise import InvalidPost, normalise
from crawlers.runlog import DROPPED, DUPLICATES, SEEN, STORED, record_error
from models.crawling import CursorState, advance_cursors
from models.db import make_engine, session_scope
from models.ingest import PostIn, store_posts
from models.redaction.urls import deidentify_id
from monitor_config.schema import Watchlist


def watchlists_for_source(watchlists: list[Watchlist], source_name: str) -> list[Watchlist]:
    """The watchlists that watch a source: those naming it, and those naming no source at all."""
    return [w for w in watchlists if not w.sources or source_name in w.sources]


class StorePipeline:
    def __init__(self, crawler: Any, *, database_url: str, key: bytes, source_name: str,
                 watchlists: list[Watchlist], batch_size: int, max_items: int) -> None:
        self.crawler = crawler
        self.database_url = database_url
        self.key = key
        self.source_name = source_name
        self.matcher = WatchlistMatcher(watchlists_for_source(watchlists, source_name))
        self.batch_size = batch_size
        self.max_items = max_items
        self.kept = 0
        self.engine: Engine | None = None
        self.posts: list[PostIn] = []
        self.marks: list[tuple[str, CursorState]] = []
        self.store_failed = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> StorePipeline:
        settings = crawler.settings
        if not settings.get("LEEFWERELD_DATABASE_URL") or not settings.get("LEEFWERELD_KEY"):
            raise NotConfigured("LEEFWERELD_DATABASE_URL and LEEFWERELD_KEY are needed to store posts")
        return cls(
            crawler,
            database_url=settings["LEEFWERELD_DATABASE_URL"],
            key=settings["LEEFWERELD_KEY"],
            source_name=settings["LEEFWERELD_SOURCE"],
            watchlists=[Watchlist.model_validate(w) for w in settings.getlist("LEEFWERELD_WATCHLISTS")],
            batch_size=settings.getint("LEEFWERELD_BATCH_SIZE", 50),
            max_items=settings.getint("LEEFWERELD_MAX_ITEMS", 1000),
        )

    def open_spider(self) -> None:
        self.engine = make_engine(self.database_url)

    def close_spider(self) -> None:
        self.flush()
        if self.engine is not None:
            self.engine.dispose()

    def process_item(self, item: Any) -> Any:
        if isinstance(item, CursorMark):
            self.marks.append((item.query, CursorState(item.value, item.etag, item.last_modified)))
            if not self.posts:
                self.flush()
            return item
        if not isinstance(item, FoundPost):
            raise DropItem(f"unknown item type {type(item).__name__}")
        self.crawler.stats.inc_value(SEEN)
        post = self.normalise(item)
        self.kept += 1
        if self.kept > self.max_items:
            # Cursors still move: a flood is skipped (and reported), never fetched again and again.
            if self.kept == self.max_items + 1:
                record_error(self.crawler, f"more than max_items_per_run ({self.max_items}) posts in this run; "
                                           "the rest are skipped")
            self.drop(f"{post.platform}:{post.external_id} is over the run's limit")
        self.posts.append(post)
        if len(self.posts) >= self.batch_size:
            self.flush()
        return item

    def normalise(self, item: FoundPost) -> PostIn:
        raw = item.raw
        raw.source_name = raw.source_name or self.source_name
        try:
            post = normalise(raw, key=self.key, matcher=self.matcher)
        except InvalidPost as exc:
            self.drop(f"{raw.platform}:{deidentify_id(raw.platform, raw.external_id)} is not usable: {exc}")
        finally:
            raw.author = None  # the handle goes no further than this
        if item.searched_for and not self.matcher.excludes(item.searched_for, post.text):
            post.watchlists = sorted({*post.watchlists, item.searched_for})
        if not post.watchlists:
            self.drop(f"{post.platform}:{post.external_id} matches no watchlist")
        return post

    def drop(self, reason: str) -> None:
        self.crawler.stats.inc_value(DROPPED)
        raise DropItem(reason)

    def flush(self) -> None:
        """Commit the batch and the cursors that follow it together; on failure neither moves."""
        if not self.posts and not self.marks:
            return
        assert self.engine is not None
        posts, marks = self.posts, [] if self.store_failed else self.marks
        self.posts, self.marks = [], []
        try:
            with session_scope(self.engine) as session:
                result = store_posts(session, posts)
                advance_cursors(session, source_name=self.source_name, marks=marks)
        except Exception as exc:  # noqa: BLE001 - the run record must say why nothing landed
            self.store_failed = True  # a later cursor must not move past posts that were lost
            record_error(self.crawler, f"storing {len(posts)} posts failed ({type(exc).__name__}: {exc}); "
                                       "cursors not moved, the next run fetches them again")
            return
        self.crawler.stats.inc_value(STORED, result.stored)
        self.crawler.stats.inc_value(DUPLICATES, result.duplicates)
