"""Every spider against a source that misbehaves: 429/503 with Retry-After, robots.txt disallow, cut-off or
malformed bodies. What a user notices: the run's status and errors, and nothing half-stored."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from crawlers.runner import run_crawl
from tests.crawl_support import KINDS, crawl_settings, cursors, source, stored_by, write_config
from tests.sources_server import SourcesServer

pytestmark = pytest.mark.slow  # crawler processes, with their language models

BROKEN = {"rss": "bad", "youtube": "trunc", "mastodon": "bad", "bluesky": "trunc", "telegram": "bad",
          "reddit": "bad", "html": "trunc"}
# Posts found by a whole crawl of each replayed source (before dropping what matches no watchlist).
SEEN = {"rss": 42, "youtube": 5, "mastodon": 29, "bluesky": 25, "telegram": 20, "reddit": 30, "html": 20}



def test_misbehaving_sources(engine: Engine, tmp_path: Path, credentials: None) -> None:
    with SourcesServer() as server:
        sources = [source(k, f"{k}-429", server.url("429", k)) for k in KINDS]
        sources += [source(k, f"{k}-robots", server.url("verboden", k)) for k in KINDS]
        sources += [source(k, f"{k}-broken", server.url(BROKEN[k], k)) for k in KINDS]
        sources += [source(k, f"{k}-503", server.url("503", k)) for k in ("rss", "mastodon")]
        sources += [source("reddit", "reddit-2024", server.url("ok", "reddit", host="localhost"))]
        config = write_config(tmp_path, sources)
        result = {r["source"]: r for r in run_crawl(crawl_settings(tmp_path, config), engine)}
        hits = {mode: server.hits(f"/{mode}/") for mode in ("429", "503", "verboden", "bad", "trunc")}
        localhost_hits = [h for h in server.replay.hits if h.host.startswith("localhost")]

    for kind in KINDS:
        # 429 with Retry-After: 1 -> waited, retried, everything landed.
        run = result[f"{kind}-429"]
        assert (run["status"], run["errors"]) == ("ok", []), run
        assert run["items"]["seen"] == SEEN[kind], (kind, run["items"])
        first_get = next(h for h in hits["429"] if h.path.startswith(f"/429/{kind}/") and h.method == "GET")
        again = [h for h in hits["429"] if (h.path, h.query) == (first_get.path, first_get.query)]
        assert len(again) == 2 and again[1].at - again[0].at >= 0.95

        # robots.txt disallows /verboden/: no request reached the source, the run says why.
        run = result[f"{kind}-robots"]
        assert run["status"] == "failed" and run["items"]["stored"] == 0, (run["items"], run["errors"])
        assert any("robots.txt" in e for e in run["errors"]), run["errors"]
        assert not [h for h in hits["verboden"] if h.path.startswith(f"/verboden/{kind}/")]

        # Cut-off or malformed: a clear error naming the URL; nothing from that source stored, no cursor.
        run = result[f"{kind}-broken"]
        assert run["status"] == "failed", run
        assert any(f"/{BROKEN[kind]}/{kind}/" in e for e in run["errors"]), run["errors"]
        assert stored_by(engine, f"{kind}-broken") == []
        assert not [q for s, q in cursors(engine) if s == f"{kind}-broken"]

    for kind in ("rss", "mastodon"):  # 503 with Retry-After as an HTTP date
        run = result[f"{kind}-503"]
        assert (run["status"], run["items"]["seen"]) == ("ok", SEEN[kind]), run
        first_get = next(h for h in hits["503"] if h.path.startswith(f"/503/{kind}/"))
        again = [h for h in hits["503"] if (h.path, h.query) == (first_get.path, first_get.query)]
        assert len(again) == 2 and again[1].at - again[0].at >= 0.95

    # Reddit's 2024 robots.txt ('Disallow: /') keeps the collector out entirely.
    assert [h.path for h in localhost_hits] == ["/robots.txt"]
    assert any("robots.txt" in e for e in result["reddit-2024"]["errors"])
    assert any("not valid JSON" in e for e in result["mastodon-broken"]["errors"])
    assert any("not a readable RSS or Atom feed" in e for e in result["rss-broken"]["errors"])
