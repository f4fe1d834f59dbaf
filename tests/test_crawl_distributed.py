"""Distributed mode: two crawler processes share one request queue and duplicate filter in Redis."""
from __future__ import annotations

import threading
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
import redis
from sqlalchemy.engine import Engine

from crawlers.runner import run_crawl
from tests.crawl_support import crawl_settings, cursors, source, stored, write_config
from tests.sources_server import MASTODON_TAG, SourcesServer

pytestmark = pytest.mark.slow  # crawler processes, with their language models

REDIS_URL = "redis://127.0.0.1:6379/0"
SOURCES = [("rss", 1), ("rss", 2), ("telegram", 1), ("mastodon", 1)]
SEARCH_TERMS = ["Trump", "shooting", "Java", "Scrum", "Cordova", "MySQL", "WildFly", "Visual Studio"]
TERMS = {"rss": {"keywords": SEARCH_TERMS}, "telegram": {"keywords": ["message"]},
         "mastodon": {"hashtags": [f"#{MASTODON_TAG}"]}}
# What one whole crawl of each replayed source finds: the feed and one search feed per term; three and four pages.
SEEN = {"rss": 12 + 15 * len(SEARCH_TERMS), "telegram": 20, "mastodon": 29}



@pytest.fixture
def redis_server() -> redis.Redis:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URL} is not running ({exc}); start it with `redis-server --daemonize yes`")
    return client


def test_two_processes_share_the_work(engine: Engine, tmp_path: Path, credentials: None,
                                      redis_server: redis.Redis) -> None:
    round_token = f"test-{uuid.uuid4().hex[:8]}"
    results: list[list[dict[str, Any]]] = []
    with SourcesServer() as server:
        sources = [source(kind, f"{kind}-{n}", server.url(f"slow-{n}", kind)) for kind, n in SOURCES]
        for entry in sources:  # one request at a time per source and process, so the other process gets work
            entry["politeness"] = {"requests_per_minute": 600, "concurrency": 1}
        config = write_config(tmp_path, sources, terms=TERMS)
        settings = crawl_settings(tmp_path, config, crawl_redis_url=REDIS_URL)
        workers = [threading.Thread(target=lambda: results.append(
            run_crawl(settings, engine, distributed_round=round_token))) for _ in range(2)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        content = [(h.method, h.path, h.query) for h in server.hits("/slow-")]
    keys = redis_server.keys(f"leefwereld:{round_token}:*")
    if keys:
        redis_server.delete(*keys)

    # Each request was fetched once overall ...
    assert content and Counter(content).most_common(1)[0][1] == 1, Counter(content).most_common(3)
    # ... each source's posts were found once overall, split over the two processes ...
    assert len(results) == 2 and all(len(runs) == len(SOURCES) for runs in results)
    for kind, n in SOURCES:
        seen = [run["items"]["seen"] for runs in results for run in runs if run["source"] == f"{kind}-{n}"]
        assert sum(seen) == SEEN[kind], (kind, n, seen)
    per_process = [sum(run["items"]["seen"] for run in runs) for runs in results]
    assert all(count > 0 for count in per_process), per_process
    assert all(run["status"] == "ok" for runs in results for run in runs)
    # ... stored once, with the cursors where a single process would have left them.
    assert len(stored(engine, "telegram")) == 5 and len(stored(engine, "mastodon")) == 29
    marks = cursors(engine)
    assert all(marks[(f"telegram-{n}", "channel:buurtkanaal")].value == "94"
               for kind, n in SOURCES if kind == "telegram")
    assert all(marks[(f"mastodon-{n}", f"tag:{MASTODON_TAG}")].value == "117020582251615632"
               for kind, n in SOURCES if kind == "mastodon")
