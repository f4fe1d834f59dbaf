"""Pages and API under load: p50 and p99 latency and errors of the trends list, a trend page, the digest and
/api/v1/trends, on loopback, with 64 connections, while a processing run goes on in another process.

    PYTHONPATH=. python -m bench.load_pages --url postgresql+psycopg://postgres@127.0.0.1:5432/lw_scale_1m \
        --connections 64 --duration 60 --rate 100 --processing 5000

Starts `leefwereld serve` (one process, as shipped) on a free port against the store at `--url` (built by
bench/scale_store.py), makes a bench user with an API token (pages accept the same bearer token), then drives
the four addresses in turn from `--connections` concurrent connections (httpx, asyncio) for `--duration`
seconds. `--rate` paces the whole load to that many requests a second (open loop: a late response does not
slow the next request down); `--rate 0` sends as fast as the server answers (closed loop: latency is then
connections / throughput, and shows the capacity). `--processing N` imports N new posts first and processes
them in a child process while the load runs (USE-m3, texts already embedded), as the worker would.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from datetime import UTC, timedelta
from pathlib import Path

import httpx
from sqlalchemy import func, select
from sqlmodel import col

from api.auth.users import create_api_token, create_user, find_user
from bench.history_cost import day_batch
from bench.scale_store import DEMO, KEY, build
from crawlers.importers import import_file
from models.analysis import Trend
from models.content import Post
from models.db import make_engine, session_scope

ROOT = Path(__file__).resolve().parent.parent


def bench_token(url: str) -> str:
    engine = make_engine(url)
    with session_scope(engine) as session:
        user = find_user(session, "bench-admin") or create_user(
            session, username="bench-admin", password="Bench-only-password-9xQ!", role="admin", actor="bench")
        _, plain = create_api_token(session, user=user, name="load", actor="bench")
    engine.dispose()
    return plain


def trend_ids(url: str, count: int) -> list[int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        query = select(col(Trend.id)).where(col(Trend.merged_into).is_(None))
        ids = [int(i or 0) for i in connection.execute(query).scalars()]
    engine.dispose()
    return random.Random(1).sample(ids, min(count, len(ids)))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# `leefwereld serve` as shipped, but with a database pool as large as the server's thread pool (40): with the
# default pool (5 + 10) more concurrent requests than connections deadlock until the pool's 30 s timeout, as
# every request holds a thread and waits for a connection while the finished ones wait for a thread to close
# theirs. (Fixed separately: LEEFWERELD_DB_POOL_SIZE and admission control on branch `loadcrash`.)
SERVE = ("import sys, uvicorn; from api.app import create_app; from models.db import make_engine; "
         "from monitor_config.settings import Settings; "
         "uvicorn.run(create_app(Settings(), engine=make_engine(sys.argv[1], pool_size=40, max_overflow=10)), "
         "host='127.0.0.1', port=int(sys.argv[2]), log_config=None)")


def start_server(url: str, home: Path, port: int) -> subprocess.Popen:
    env = dict(os.environ, LEEFWERELD_DATABASE_URL=url, LEEFWERELD_DEMO="1", LEEFWERELD_HOME=str(home),
               LEEFWERELD_LOG_LEVEL="WARNING")
    server = subprocess.Popen([sys.executable, "-c", SERVE, url, str(port)], env=env, cwd=ROOT,
                              stdout=subprocess.DEVNULL, stderr=open(home / "server.log", "w"))  # noqa: SIM115
    for _ in range(120):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/login", timeout=2).status_code < 500:
                return server
        except httpx.HTTPError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit(f"the server did not start; see {home / 'server.log'}")


def start_processing(url: str, posts: int, home: Path) -> subprocess.Popen | None:
    """Import `posts` new posts after the newest and start processing them in a child process."""
    if not posts:
        return None
    engine = make_engine(url)
    with engine.connect() as connection:
        newest = connection.execute(select(func.max(col(Post.created_at)))).scalar()
    engine.dispose()
    assert newest is not None
    day = (newest + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    batch = [r for k in range(-(-posts // len(rows))) for r in day_batch(rows, day, len(rows), f"load{day:%Y%m%d}{k}")]
    path = home / "load-batch.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in batch[:posts]) + "\n", encoding="utf-8")
    engine = make_engine(url)
    import_file(path, engine=engine, key=KEY)
    engine.dispose()
    code = ("import sys, time; from datetime import datetime; from classifier.analyse import analyse_pending; "
            "from classifier.categorise.cache import CategoryModelCache; from classifier.embed import load_embedder; "
            "from bench.scale_store import MODEL_CACHE; from models.db import make_engine; "
            "from monitor_config import load_config; t = time.perf_counter(); "
            "r = analyse_pending(make_engine(sys.argv[1]), load_config(), load_embedder('use-m3'), "
            "now=datetime.fromisoformat(sys.argv[2]), category_models=CategoryModelCache(MODEL_CACHE)); "
            "print(r.posts, round(time.perf_counter() - t, 1))")
    return subprocess.Popen([sys.executable, "-c", code, url, (day + timedelta(days=2)).isoformat()],
                            stdout=open(home / "processing.log", "w"), stderr=subprocess.STDOUT, cwd=ROOT)  # noqa: SIM115


async def drive(base: str, token: str, paths: list[tuple[str, str]], connections: int, duration: float,
                rate: float) -> dict[str, dict]:
    latencies: dict[str, list[float]] = defaultdict(list)
    errors: dict[str, list[str]] = defaultdict(list)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    headers = {"Authorization": f"Bearer {token}"}
    started = time.perf_counter()
    stop = started + duration
    counter = iter(range(10**9))

    async def one(client: httpx.AsyncClient, n: int) -> None:
        name, path = paths[n % len(paths)]
        began = time.perf_counter()
        try:
            response = await client.get(path, timeout=30)
            if response.status_code != 200:
                errors[name].append(str(response.status_code))
        except httpx.HTTPError as exc:
            errors[name].append(type(exc).__name__)
        latencies[name].append(time.perf_counter() - began)

    async def worker(client: httpx.AsyncClient, k: int) -> None:
        while True:
            n = next(counter)
            if rate:  # open loop: request n is due at n / rate, whether or not earlier ones have come back
                due = started + n / rate
                if due >= stop:
                    return
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            elif time.perf_counter() >= stop:
                return
            await one(client, n)

    async with httpx.AsyncClient(base_url=base, headers=headers, limits=limits, http2=False) as client:
        await asyncio.gather(*(worker(client, k) for k in range(connections)))
    elapsed = time.perf_counter() - started
    out = {}
    for name in sorted(latencies):
        values = sorted(latencies[name])
        out[name] = {"requests": len(values), "per_second": len(values) / elapsed,
                     "p50_ms": 1000 * statistics.median(values),
                     "p99_ms": 1000 * values[min(len(values) - 1, int(0.99 * len(values)))],
                     "errors": len(errors[name]), "error_kinds": sorted(set(errors[name]))[:5]}
    return out


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", help="a store built by bench.scale_store")
    parser.add_argument("--quick", action="store_true",
                        help="build a 20k-post SQLite store in a temp folder; 16 connections for 10 s")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--rate", type=float, default=0, help="requests a second in all; 0: as fast as answered")
    parser.add_argument("--processing", type=int, default=0, help="new posts processed while the load runs")
    parser.add_argument("--trends", type=int, default=200, help="distinct trend pages asked for")
    args = parser.parse_args(argv)
    command = "PYTHONPATH=. python -m bench.load_pages " + " ".join(argv if argv is not None else sys.argv[1:])
    with tempfile.TemporaryDirectory() as folder:
        home = Path(folder)
        if args.quick:
            args.url = f"sqlite:///{home / 'quick.db'}"
            args.connections, args.duration, args.processing = 16, 10.0, 1000
            build(args.url, 20_000)
        elif not args.url:
            parser.error("give --url or --quick")
        token = bench_token(args.url)
        ids = trend_ids(args.url, args.trends)
        port = free_port()
        server = start_server(args.url, home, port)
        base = f"http://127.0.0.1:{port}"
        try:
            week = httpx.get(f"{base}/digests", headers={"Authorization": f"Bearer {token}"}).headers["location"]
            paths = [p for i in ids for p in (("trends list", "/trends"), ("trend page", f"/trends/{i}"),
                                              ("digest", week.split("?")[0]), ("api trends", "/api/v1/trends"))]
            worker = start_processing(args.url, args.processing, home)
            results = asyncio.run(drive(base, token, paths, args.connections, args.duration, args.rate))
            if worker is not None:
                busy = worker.poll() is None
                worker.wait()
                done = (home / "processing.log").read_text().strip().splitlines()
                print(f"processing run: {done[-1] if done else '?'} (posts, seconds); "
                      f"{'still running when the load ended' if busy else 'ended before the load did'}")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:  # connections still open after the load: stop it
                server.kill()
                server.wait()
    print("| address | requests | per second | p50 | p99 | errors |\n|---|---|---|---|---|---|")
    for name, r in results.items():
        kinds = f" ({', '.join(r['error_kinds'])})" if r["errors"] else ""
        print(f"| {name} | {r['requests']} | {r['per_second']:.1f} | {r['p50_ms']:.0f} ms | {r['p99_ms']:.0f} ms "
              f"| {r['errors']}{kinds} |")
    every = [r for r in results.values()]
    print(f"all: {sum(r['requests'] for r in every)} requests, worst p99 {max(r['p99_ms'] for r in every):.0f} ms, "
          f"{sum(r['errors'] for r in every)} errors")
    print(f"command: {command}")


if __name__ == "__main__":
    main()
