"""The storing pipeline: cursors move only with the batch before them; a crash loses and doubles nothing."""
from __future__ import annotations

from datetime import UTC, datetime

import pytest
from scrapy.exceptions import DropItem
from scrapy.utils.test import get_crawler
from sqlalchemy.engine import Engine

from crawlers.items import CursorMark, FoundPost
from crawlers.normalise import RawPost
from crawlers.pipelines import StorePipeline
from crawlers.runlog import errors_of
from models.db import make_engine
from monitor_config import MonitorConfig
from tests.crawl_support import cursors, stored

WHEN = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)


def pipeline(engine: Engine, key: bytes, config: MonitorConfig, batch_size: int = 2,
             max_items: int = 1000) -> StorePipeline:
    crawler = get_crawler(settings_dict={
        "LEEFWERELD_DATABASE_URL": engine.url.render_as_string(hide_password=False), "LEEFWERELD_KEY": key,
        "LEEFWERELD_SOURCE": "mastodon-test", "LEEFWERELD_BATCH_SIZE": batch_size, "LEEFWERELD_MAX_ITEMS": max_items,
        "LEEFWERELD_WATCHLISTS": [w.model_dump(mode="json") for w in config.watchlists]})
    crawler.stats.open_spider()
    store = StorePipeline.from_crawler(crawler)
    store.open_spider()
    return store


def found(number: int, text: str = "wie gaat mee gelblasteren", searched_for: str | None = None) -> FoundPost:
    return FoundPost(RawPost(platform="mastodon", external_id=f"m{number}", text=f"{text} {number}",
                             created_at=WHEN, author="iemand@voorbeeld.nl", language="nl"),
                     query="tag:gelblaster", searched_for=searched_for)


def test_crash_before_the_batch_is_committed(engine: Engine, key: bytes, small_config: MonitorConfig) -> None:
    first = pipeline(engine, key, small_config, batch_size=2)
    first.process_item(found(1))
    first.process_item(found(2))  # a full batch: committed
    first.process_item(found(3))
    first.process_item(CursorMark(query="tag:gelblaster", value="3"))  # waits for post 3's batch
    assert [p.external_id for p in stored(engine)] == ["m1", "m2"]
    assert cursors(engine) == {}  # the process dies here: post 3 is lost, but so is the cursor move

    again = pipeline(engine, key, small_config, batch_size=2)  # the next run fetches 1-3 again
    for number in (1, 2, 3):
        again.process_item(found(number))
    again.process_item(CursorMark(query="tag:gelblaster", value="3"))
    again.close_spider()
    assert [p.external_id for p in stored(engine)] == ["m1", "m2", "m3"]
    assert cursors(engine)[("mastodon-test", "tag:gelblaster")].value == "3"
    assert again.crawler.stats.get_value("leefwereld/duplicates") == 2


def test_drops_what_no_watchlist_asked_for(engine: Engine, key: bytes, small_config: MonitorConfig) -> None:
    store = pipeline(engine, key, small_config)
    with pytest.raises(DropItem, match="matches no watchlist"):
        store.process_item(found(1, text="iets heel anders"))
    with pytest.raises(DropItem, match="matches no watchlist"):
        store.process_item(found(2, text="gelblaster uit de speelgoedwinkel", searched_for="gelblaster-challenge"))
    kept = found(3, text="een zoekresultaat zonder de term", searched_for="gelblaster-challenge")
    store.process_item(kept)
    store.close_spider()
    assert kept.raw.author is None  # the handle went no further than the pipeline
    assert [p.external_id for p in stored(engine)] == ["m3"]


def test_a_failed_batch_keeps_later_cursors_still(engine: Engine, key: bytes, small_config: MonitorConfig) -> None:
    store = pipeline(engine, key, small_config, batch_size=1)
    assert store.engine is not None
    store.engine.dispose()
    store.engine = make_engine("postgresql+psycopg://nobody@127.0.0.1:1/none", pool_pre_ping=False)
    store.process_item(found(1))
    assert any("cursors not moved" in e for e in errors_of(store.crawler))
    store.engine = make_engine(engine.url.render_as_string(hide_password=False))
    store.process_item(CursorMark(query="tag:gelblaster", value="1"))
    store.close_spider()
    assert cursors(engine) == {}


def test_a_flood_is_capped_and_the_cursor_still_moves(engine: Engine, key: bytes,
                                                      small_config: MonitorConfig) -> None:
    store = pipeline(engine, key, small_config, max_items=2)
    for number in (1, 2, 3, 4):
        try:
            store.process_item(found(number))
        except DropItem as exc:
            assert "over the run's limit" in str(exc)
    store.process_item(CursorMark(query="tag:gelblaster", value="4"))
    store.close_spider()
    assert [p.external_id for p in stored(engine)] == ["m1", "m2"]
    assert cursors(engine)[("mastodon-test", "tag:gelblaster")].value == "4"
    assert errors_of(store.crawler) == ["more than max_items_per_run (2) posts in this run; the rest are skipped"]
