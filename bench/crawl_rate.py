"""Crawl rate: pages per minute of our crawler against the local replay server, beside `scrapy bench` on the same
machine in the same run; one crawler process, then two sharing their queue and duplicate filter in Redis.

    PYTHONPATH=. python -m bench.crawl_rate [--quick] [--copies 8] [--mode slow] [--redis redis://127.0.0.1:6379/0]

The replay server (tests/sources_server.py) answers with recorded responses of real sources. The watch
configuration holds `--copies` copies of each of three sources (an RSS source with a feed and eight search feeds,
a Telegram channel of three pages, a Mastodon hashtag of four pages: 16 pages a copy), each copy under its own
URL prefix so no request is shared between copies. In `--mode slow` every response takes 0.3 s, as from a
remote site; `ok` answers at once. Each source allows `--rpm` requests a minute (600 by default, as in the
distributed test), one at a time. At 600 a crawl of many sources is bound by the CPU of this shared machine; at 30
it is bound by politeness and latency, as a real crawl of a few large sites is.

Figures: pages = responses the server sent (robots.txt included); the crawl's pages per minute over the whole
run (process start, language models and database included) and over the span from its first to its last request;
`scrapy bench` (Scrapy's own spider on its own local server, 10 s) gives what Scrapy does on this machine now.
"""
from __future__ import annotations

import argparse
import os
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from bench.databases import drop_database, migrated_database
from crawlers.runner import run_crawl
from models.content import Post
from models.db import session_scope
from monitor_config.settings import load_settings
from tests.crawl_support import source, write_config
from tests.sources_server import MASTODON_TAG, SourcesServer

ROOT = Path(__file__).resolve().parent.parent
SEARCH_TERMS = ["Trump", "shooting", "Java", "Scrum", "Cordova", "MySQL", "WildFly", "Visual Studio"]
TERMS = {"rss": {"keywords": SEARCH_TERMS}, "telegram": {"keywords": ["message"]},
         "mastodon": {"hashtags": [f"#{MASTODON_TAG}"]}}
KEY = "benchmark-key-0123456789abcdef0123456789"


def command_line() -> str:
    return "PYTHONPATH=. python -m bench.crawl_rate " + " ".join(shlex.quote(a) for a in sys.argv[1:])


@dataclass
class Rate:
    label: str
    pages: int
    posts: int
    wall: float
    span: float

    @property
    def per_minute(self) -> float:
        return self.pages / self.wall * 60

    @property
    def per_minute_span(self) -> float:
        return self.pages / self.span * 60 if self.span > 0 else 0.0


@contextmanager
def database(admin_url: str | None, folder: Path) -> Iterator[Engine]:
    """A migrated, empty database: a SQLite file, or a throw-away PostgreSQL database dropped afterwards."""
    url = (admin_url.rsplit("/", 1)[0] + f"/bench_crawl_{uuid.uuid4().hex[:10]}" if admin_url
           else f"sqlite:///{folder / 'crawl.db'}")
    engine = migrated_database(url)
    try:
        yield engine
    finally:
        engine.dispose()
        if admin_url:
            drop_database(url)


def crawl(label: str, processes: int, copies: int, mode: str, redis_url: str | None, scratch: Path,
          database_url: str | None, rpm: int) -> Rate:
    folder = scratch / label.replace(" ", "-")
    folder.mkdir()
    os.environ["LEEFWERELD_PSEUDONYM_KEY"] = KEY
    with database(database_url, folder) as engine:
        return crawl_into(engine, label, processes, copies, mode, redis_url, folder, rpm)


def crawl_into(engine: Engine, label: str, processes: int, copies: int, mode: str, redis_url: str | None,
               folder: Path, rpm: int) -> Rate:
    with SourcesServer() as server:
        sources = [source(kind, f"{kind}-{n}", server.url(f"{mode}-{n}", kind))
                   for n in range(copies) for kind in ("rss", "telegram", "mastodon")]
        for entry in sources:
            entry["politeness"] = {"requests_per_minute": rpm, "concurrency": 1}
        config = write_config(folder, sources, terms=TERMS)
        overrides: dict[str, Any] = {"crawl_redis_url": redis_url} if redis_url else {}
        settings = load_settings(config=config, home=folder / "home", **overrides)
        round_token = f"bench-{uuid.uuid4().hex[:8]}"
        results: list[list[dict[str, Any]]] = []
        workers = [threading.Thread(target=lambda: results.append(
            run_crawl(settings, engine, distributed_round=round_token if redis_url else None)))
            for _ in range(processes)]
        started = time.monotonic()
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        wall = time.monotonic() - started
        hits = server.hits("/")
    if redis_url:
        import redis

        client = redis.Redis.from_url(redis_url)
        keys = client.keys(f"leefwereld:{round_token}:*")
        if keys:
            client.delete(*keys)
    failed = [r for runs in results for r in runs if r["status"] != "ok"]
    if failed:
        print(f"warning: {len(failed)} source runs did not end ok, e.g. {failed[0]['errors'][:1]}", file=sys.stderr)
    with session_scope(engine) as session:
        posts = int(session.scalar(select(func.count()).select_from(Post)) or 0)
    span = max(h.at for h in hits) - min(h.at for h in hits) if hits else 0.0
    return Rate(label, len(hits), posts, wall, span)


def scrapy_bench(seconds: int) -> tuple[float, str]:
    """Pages per minute of `scrapy bench` (its own spider and local server), from its closing statistics."""
    scrapy = Path(sys.executable).with_name("scrapy")
    command = [str(scrapy), "bench", "-s", f"CLOSESPIDER_TIMEOUT={seconds}", "-s", "LOGSTATS_INTERVAL=1"]
    with tempfile.TemporaryDirectory() as empty:  # outside any Scrapy project, so no project settings apply
        run = subprocess.run(command, cwd=empty, capture_output=True, text=True, timeout=seconds * 6, check=False)
    log = run.stderr + run.stdout
    responses = re.search(r"'response_received_count': (\d+)", log)
    elapsed = re.search(r"'elapsed_time_seconds': ([\d.]+)", log)
    if not (responses and elapsed):
        raise SystemExit(f"`{' '.join(command)}` gave no statistics (exit {run.returncode}):\n{log[-2000:]}")
    return int(responses.group(1)) / float(elapsed.group(1)) * 60, " ".join(command)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="4 copies, scrapy bench for 5 s")
    ap.add_argument("--copies", type=int, default=8, help="copies of the three replayed sources")
    ap.add_argument("--mode", choices=("slow", "ok"), default="slow",
                    help="slow: every response takes 0.3 s, as from a remote site; ok: at once")
    ap.add_argument("--redis", default="redis://127.0.0.1:6379/0", help="Redis for two processes ('' to skip)")
    ap.add_argument("--bench-seconds", type=int, default=10)
    ap.add_argument("--rpm", type=int, default=600,
                    help="requests per minute each source allows (politeness, per process); 600 as in the tests")
    ap.add_argument("--database-url", default=os.environ.get("LEEFWERELD_TEST_POSTGRES"),
                    help="PostgreSQL admin URL: each crawl gets a throw-away database (default: "
                         "$LEEFWERELD_TEST_POSTGRES; '' for SQLite files, where two processes wait on the file lock)")
    a = ap.parse_args(argv)
    if a.quick:
        a.copies, a.bench_seconds = 4, 5
    print(f"command: {command_line()}")
    store = "PostgreSQL" if a.database_url else "SQLite"
    print(f"{a.copies} copies of 3 replayed sources (16 pages a copy), mode {a.mode}, {a.rpm} requests/min per "
          f"source, stored in {store}; "
          f"cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    rates: list[Rate] = []
    with tempfile.TemporaryDirectory() as scratch:
        before, bench_command = scrapy_bench(a.bench_seconds)
        print(f"scrapy bench: {before:.0f} pages/min ({bench_command})", flush=True)
        rates.append(crawl("one process", 1, a.copies, a.mode, None, Path(scratch), a.database_url, a.rpm))
        print(f"one process: {rates[-1].per_minute:.0f} pages/min", flush=True)
        if a.redis:
            rates.append(crawl("two processes, Redis", 2, a.copies, a.mode, a.redis, Path(scratch), a.database_url,
                               a.rpm))
            print(f"two processes: {rates[-1].per_minute:.0f} pages/min", flush=True)
        after, _ = scrapy_bench(a.bench_seconds)
    bench = (before + after) / 2
    print("\n| crawl | pages | posts stored | wall | pages/min (whole run) | pages/min (first to last request) "
          "| x scrapy bench |")
    print("|---|---|---|---|---|---|---|")
    print(f"| `scrapy bench` (before and after: {before:.0f}, {after:.0f}) | | | {a.bench_seconds} s each "
          f"| {bench:.0f} | | 1.00 |")
    for r in rates:
        print(f"| {r.label} | {r.pages} | {r.posts} | {r.wall:.1f} s | {r.per_minute:.0f} | {r.per_minute_span:.0f} "
              f"| {r.per_minute / bench:.2f} |")
    if len(rates) == 2:
        print(f"\ntwo processes against one: {rates[1].per_minute / rates[0].per_minute:.2f}x (whole run), "
              f"{rates[1].per_minute_span / max(rates[0].per_minute_span, 1e-9):.2f}x (first to last request)")
    print(f"\ncommand: {command_line()}")


if __name__ == "__main__":
    main()
