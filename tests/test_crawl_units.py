"""Small parts of the collectors: Retry-After, backoff, politeness settings, parsing helpers."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from crawlers.exceptions import SourceNotUsable
from crawlers.matching import WatchlistMatcher
from crawlers.middlewares import backoff_delay, parse_retry_after
from crawlers.runner import default_round, select_sources
from crawlers.settings import build_settings, user_agent
from crawlers.spiders.mastodon import opted_out
from crawlers.spiders.telegram import parse_views
from monitor_config import MonitorConfig

NOW = datetime(2026, 11, 23, 12, 0, 0, tzinfo=UTC)


@pytest.mark.parametrize(("value", "seconds"), [
    ("4", 4.0), (b"120", 120.0), (format_datetime(NOW + timedelta(seconds=30), usegmt=True), 30.0),
    (format_datetime(NOW - timedelta(seconds=30), usegmt=True), 0.0), ("soon", None), (None, None), ("", None),
])
def test_retry_after_in_seconds_or_as_a_date(value: str | bytes | None, seconds: float | None) -> None:
    assert parse_retry_after(value, now=NOW) == seconds


def test_backoff_doubles_up_to_a_cap() -> None:
    assert [backoff_delay(n, base=1.0, cap=5.0) for n in (1, 2, 3, 4)] == [1.0, 2.0, 4.0, 5.0]


def test_politeness_comes_from_the_source(small_config: MonitorConfig, key: bytes) -> None:
    news = small_config.source("news").model_copy(update={
        "politeness": small_config.source("news").politeness.model_copy(
            update={"requests_per_minute": 12, "concurrency": 2})})
    settings = build_settings(source=news, crawling=small_config.crawling, database_url="sqlite://", key=key,
                              watchlists=[])
    assert settings.getfloat("DOWNLOAD_DELAY") == 5.0 and settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN") == 2
    assert settings.getbool("ROBOTSTXT_OBEY") and settings.getbool("AUTOTHROTTLE_ENABLED")
    assert "https://example.org/contact" in settings["USER_AGENT"] == user_agent("https://example.org/contact")
    assert settings.getint("LEEFWERELD_MAX_ITEMS") == small_config.crawling.max_items_per_run


def test_sources_of_a_run(small_config: MonitorConfig) -> None:
    assert [s.name for s in select_sources(small_config)] == ["mastodon-test", "news"]
    assert [s.name for s in select_sources(small_config, watchlist="exposen")] == ["news"]
    with pytest.raises(SourceNotUsable, match="not in the configuration"):
        select_sources(small_config, source="elders")


def test_small_parsers() -> None:
    assert [parse_views(v) for v in ("2", "1.5K", "3M", "", None, "veel")] == [2, 1500, 3_000_000, None, None, None]
    assert opted_out({"noindex": True}) and opted_out({"indexable": False}) and not opted_out({"indexable": True})
    assert default_round(NOW) == "manual-202611231200"


def test_a_search_result_is_kept_unless_excluded(small_config: MonitorConfig) -> None:
    matcher = WatchlistMatcher(small_config.watchlists)
    assert matcher.excludes("gelblaster-challenge", "Te koop in de Speelgoedwinkel")
    assert not matcher.excludes("gelblaster-challenge", "gewoon een bericht")
    assert not matcher.excludes("onbekend", "speelgoedwinkel")


def test_the_shipped_configuration_gives_each_enabled_source_its_requests() -> None:
    """No network: each enabled source of the default configuration builds its first requests."""
    import asyncio

    from crawlers.pipelines import watchlists_for_source
    from crawlers.spiders import SPIDERS
    from monitor_config import load_config

    config = load_config()

    async def first_requests(spider: object) -> list[str]:
        return [request.url async for request in spider.begin()]  # type: ignore[attr-defined]

    for src in select_sources(config):
        spider = SPIDERS[src.kind](source=src, watchlists=watchlists_for_source(config.watchlists, src.name),
                                   cursors={})
        urls = asyncio.run(first_requests(spider))
        assert all(url.startswith("http") for url in urls), (src.name, urls)
