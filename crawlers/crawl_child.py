"""The crawler process: `python -m crawlers.crawl_child --run SOURCE=RUN_ID ...` crawls those sources once.

It runs in its own process because Twisted's reactor cannot be restarted: the scheduler and the command line
start one process per run. Settings come from the environment (LEEFWERELD_*), as for every other command.
"""
from __future__ import annotations

import argparse
import logging
from typing import Any

from scrapy.crawler import Crawler, CrawlerProcess
from scrapy.utils.reactor import install_reactor

from crawlers.distributed import distributed_settings
from crawlers.language import warm_up
from crawlers.pipelines import watchlists_for_source
from crawlers.settings import build_settings
from crawlers.spiders import SPIDERS
from models.crawling import load_cursors
from models.db import make_engine, session_scope
from monitor_config.settings import Settings, load_settings

log = logging.getLogger("crawlers.crawl_child")
REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"


def parse_runs(values: list[str]) -> list[tuple[str, int]]:
    pairs = []
    for value in values:
        name, _, run_id = value.partition("=")
        pairs.append((name, int(run_id)))
    return pairs


def crawl(settings: Settings, runs: list[tuple[str, int]], *, watchlist: str | None = None,
          distributed_round: str | None = None) -> None:
    """Crawl each (source, run id) once, all sources side by side in this one process."""
    config = settings.watch
    key = settings.pseudonym_key()
    database_url = settings.resolved_database_url
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        cursors = {name: load_cursors(session, name) for name, _ in runs}
    engine.dispose()
    all_watchlists = [w.model_dump(mode="json") for w in config.watchlists]
    # Before the reactor starts: loading the models on the first post would stall every download in flight (and
    # in distributed mode leave this process's share of the queue untouched).
    warm_up()
    install_reactor(REACTOR)
    process = CrawlerProcess({"LOG_LEVEL": settings.log_level, "LOG_INSTALL_ROOT_HANDLER": False})
    for name, run_id in runs:
        source = config.source(name)
        searched = [w for w in watchlists_for_source(config.watchlists, name)
                    if watchlist is None or w.name == watchlist]
        extra: dict[str, Any] = {"LOG_LEVEL": settings.log_level}
        if distributed_round and settings.crawl_redis_url:
            extra |= distributed_settings(settings.crawl_redis_url, distributed_round)
        crawler = Crawler(SPIDERS[source.kind], build_settings(
            source=source, crawling=config.crawling, database_url=database_url, key=key,
            watchlists=all_watchlists, run_id=run_id, extra=extra))
        process.crawl(crawler, source=source, watchlists=searched, cursors=cursors[name])
    process.start()


def use_browser_overrides(settings: Settings) -> None:
    """Watchlists edited and sources switched in the browser count here too (see models.overrides)."""
    from models.db import make_engine
    from models.overrides import use_stored_overrides

    engine = make_engine(settings.resolved_database_url)
    try:
        use_stored_overrides(settings, engine)
    finally:
        engine.dispose()


def main(argv: list[str] | None = None) -> None:
    from models.logs import configure_logging

    parser = argparse.ArgumentParser(prog="python -m crawlers.crawl_child")
    parser.add_argument("--run", action="append", required=True, help="SOURCE=RUN_ID, repeatable")
    parser.add_argument("--watchlist", help="search only for this watchlist's terms")
    parser.add_argument("--round", help="distributed mode: the round shared by all crawler processes")
    args = parser.parse_args(argv)
    settings = load_settings()
    configure_logging(settings.log_level, (settings.watch.pseudonym_key_env, "LEEFWERELD_DATABASE_URL"))
    use_browser_overrides(settings)
    crawl(settings, parse_runs(args.run), watchlist=args.watchlist, distributed_round=args.round)


if __name__ == "__main__":
    main()
