"""Helpers for the collector tests: a watch configuration pointing at the local replay server, and look-ups."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models.content import CrawlCursor, CrawlRun, Post, PostWatchlist
from monitor_config.settings import Settings, load_settings
from tests.sources_server import MASTODON_TAG, SourcesServer

KINDS = ("rss", "youtube", "mastodon", "bluesky", "telegram", "reddit", "html")
CATEGORY = {"name": "proef", "title": "Proef", "description": "Voor de tests.",
            "examples": {"nl": ["een voorbeeld", "nog een voorbeeld"]}}
TERMS: dict[str, dict[str, Any]] = {
    "rss": {"keywords": ["Trump", "shooting"]},
    "youtube": {"keywords": ["planet"]},
    "mastodon": {"hashtags": [f"#{MASTODON_TAG}"]},
    "bluesky": {"keywords": ["redistricting"]},
    "telegram": {"keywords": ["message"], "exclude": ["unsigned"]},
    "reddit": {"keywords": ["Trump"]},
    "html": {"keywords": ["message"]},
}


def source(kind: str, name: str, base_url: str, server: SourcesServer | None = None) -> dict[str, Any]:
    by_kind: dict[str, dict[str, Any]] = {
        "rss": {"feeds": ["guardian.rss"], "search_feeds": ["search?q={query}"]},
        "youtube": {"channel_ids": ["UCsXVk37bltHxD1rDPwtNM8Q"]},
        "mastodon": {},
        "bluesky": {},
        "telegram": {"channels": ["buurtkanaal"]},
        "reddit": {"enabled": True, "auth_url": base_url, "subreddits": ["popular"]},
        "html": {"start_urls": ["s/buurtkanaal"], "max_pages": 3, "selectors": {
            "item": "div.tgme_widget_message[data-post]", "text": ".tgme_widget_message_text",
            "id": "::attr(data-post)", "url": "a.tgme_widget_message_date::attr(href)",
            "created_at": "a.tgme_widget_message_date time::attr(datetime)",
            "next_page": "a.tme_messages_more::attr(href)"}},
    }
    fields = by_kind[kind]
    return {"name": name, "kind": kind, "base_url": base_url,
            "politeness": {"requests_per_minute": 600, "concurrency": 4}, **fields}


def write_config(tmp_path: Path, sources: list[dict[str, Any]], batch_size: int = 7,
                 terms: dict[str, dict[str, Any]] | None = None) -> Path:
    watchlists = []
    for kind in KINDS:
        names = [s["name"] for s in sources if s["kind"] == kind]
        if names:
            watchlists.append({"name": f"lijst-{kind}", "category": "proef", "sources": names,
                               "languages": ["nl", "en", "de"], **(terms or TERMS)[kind]})
    config = {"organisation": "Test", "crawling": {"contact_url": "https://example.org/monitor-contact",
                                                   "batch_size": batch_size},
              "categories": [CATEGORY], "sources": sources, "watchlists": watchlists}
    path = tmp_path / "watch.yaml"
    path.write_text(yaml.safe_dump(config, sort_keys=False))
    return path


UPLOAD_TOKEN = "upload-token-for-tests-0123456789"


def upload_settings(tmp_path: Path) -> Settings:
    """A site with the small test configuration that takes Zeeschuimer uploads with UPLOAD_TOKEN."""
    return load_settings(config=Path(__file__).with_name("fixtures") / "config" / "small.yaml", home=tmp_path,
                         upload_token=UPLOAD_TOKEN, secret_key="s" * 40, cookie_secure=False)


def crawl_settings(tmp_path: Path, config: Path, **overrides: Any) -> Settings:
    return load_settings(config=config, home=tmp_path / "home", **overrides)


def stored(engine: Engine, platform: str | None = None) -> list[Post]:
    with Session(engine) as session:
        query = select(Post).order_by(Post.external_id)
        if platform:
            query = query.where(col(Post.platform) == platform)
        return list(session.scalars(query))


def links(engine: Engine) -> set[tuple[str, str]]:
    with Session(engine) as session:
        return set(session.execute(select(col(Post.external_id), col(PostWatchlist.watchlist_name))
                                   .join(PostWatchlist)).all())


def cursors(engine: Engine) -> dict[tuple[str, str], CrawlCursor]:
    with Session(engine) as session:
        return {(c.source_name, c.query): c for c in session.scalars(select(CrawlCursor))}


def runs(engine: Engine) -> list[CrawlRun]:
    with Session(engine) as session:
        return list(session.scalars(select(CrawlRun).order_by(col(CrawlRun.id))))


def count_posts(engine: Engine) -> int:
    with Session(engine) as session:
        return int(session.scalar(select(func.count()).select_from(Post)) or 0)


def stored_by(engine: Engine, source_name: str) -> list[Post]:
    with Session(engine) as session:
        return list(session.scalars(select(Post).where(col(Post.source_name) == source_name)))
