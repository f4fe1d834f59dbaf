"""Every spider against replayed real responses: parsing, paging, and a second run that stops at what it has."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from crawlers.runner import run_crawl
from tests.crawl_support import KINDS, crawl_settings, cursors, links, runs, source, stored, write_config
from tests.sources_server import FEED_ETAG, MASTODON_TAG, SourcesServer

pytestmark = pytest.mark.slow  # crawler processes, with their language models


def test_first_and_second_run(engine: Engine, tmp_path: Path, credentials: None) -> None:
    with SourcesServer() as server:
        config = write_config(tmp_path, [source(k, k, server.url("ok", k)) for k in KINDS])
        settings = crawl_settings(tmp_path, config)
        first = {r["source"]: r for r in run_crawl(settings, engine)}
        first_hits = len(server.hits("/ok/"))
        second = {r["source"]: r for r in run_crawl(settings, engine)}
        second_hits = server.hits("/ok/")[first_hits:]
        agents = {h.headers.get("user-agent", "") for h in server.hits("/")}

    assert {name: r["status"] for name, r in first.items()} == dict.fromkeys(KINDS, "ok"), first
    # An honest User-Agent, with the operator's contact URL from the configuration, on every request.
    assert len(agents) == 1 and "https://example.org/monitor-contact" in agents.pop()
    assert {name: r["items"]["stored"] for name, r in first.items()} == {
        "rss": 19, "youtube": 2, "mastodon": 29, "bluesky": 25, "telegram": 4, "reddit": 10, "html": 5}

    # Paging: Mastodon through its Link headers (3 full pages, then an empty one), Bluesky by cursor,
    # Telegram backwards with ?before=, Reddit with after=, the HTML spider by its next-page selector.
    assert first["mastodon"]["items"]["seen"] == 29  # the noindex account's post was never an item
    assert len(stored(engine, "mastodon")) == 29 and len(stored(engine, "bluesky")) == 25

    # Feeds and channels keep only posts that match a watchlist; the exclusion 'unsigned' held.
    assert first["telegram"]["items"]["dropped"] > 0
    telegram_texts = [p.text for p in stored(engine, "telegram")]
    assert all("message" in t.lower() and "unsigned" not in t.lower() for t in telegram_texts)
    # Search results are kept for the watchlist that searched, and record it.
    assert {w for _, w in links(engine)} == {f"lijst-{k}" for k in KINDS}

    marks = cursors(engine)
    assert marks[("mastodon", f"tag:{MASTODON_TAG}")].value == "117020582251615632"
    assert marks[("bluesky", "search:redistricting")].value == "2025-05-19T17:10:09.813Z"
    assert marks[("telegram", "channel:buurtkanaal")].value == "94"
    assert marks[("rss", "guardian.rss")].etag == FEED_ETAG

    # Second run: a conditional GET for the feed (304), since_id for Mastodon, one page each elsewhere.
    assert {name: r["items"]["stored"] for name, r in second.items()} == dict.fromkeys(KINDS, 0)
    paths = [f"{h.path}?{h.query}" for h in second_hits]
    assert not any("max_id=" in p or "before=" in p or "cursor=" in p or "after=" in p for p in paths), paths
    assert any("since_id=117020582251615632" in p for p in paths)
    assert [h.headers.get("if-none-match") for h in second_hits if h.path.endswith("guardian.rss")] == [FEED_ETAG]
    assert len(runs(engine)) == 2 * len(KINDS)
    if engine.dialect.name == "sqlite":
        assert_no_handle_in_file(engine)


def assert_no_handle_in_file(engine: Engine) -> None:
    """The SQLite file itself holds no account name, handle, DID or Reddit user of any replayed post."""
    database = Path(engine.url.database or "")
    engine.dispose()
    data = b"".join(p.read_bytes() for p in database.parent.glob(database.name + "*"))
    assert b"Toot number 29" in data  # the posts are there, their authors are not
    for handle in (b"rivierkind", b"example.social", b"did:plc:", b"t2_", b"Redactie", b"pleinmeeuw", b"kadekat"):
        assert handle not in data, handle
