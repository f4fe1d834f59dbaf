"""Cost against history: time per post of a processing run over 1,000 new posts, into stores of growing size.

    PYTHONPATH=. python -m bench.history_cost --stores sqlite:////work/scale-data/s10k.db,sqlite:////work/scale-data/s1m.db
    PYTHONPATH=. python -m bench.history_cost --quick          # builds 10k and 50k SQLite stores in a temp folder

Each store is made once by bench/scale_store.py and reused: a measurement adds its batches after the newest post
it holds. Per store, in a fresh process (so its peak resident memory is the worker's for that store): a warm-up
batch (loads the model, the category model from its folder), then `--repeats` timed batches of `--batch` posts,
each a day of demo posts after the history (new ids, other accounts; their texts are in the embedding table, so
the run times everything but the encoder). Reported per store: milliseconds per post (median), split into the
tracker state (load_state + save_state), the serving tables (mirror_state), clustering (feed_windows) and
categories, the peak resident memory of the process, and the ratio of the time per post to the first store's,
measured in the same invocation. Aim (issue #14): the 1M figure at most 1.2x the 10k figure, memory under 3 GiB.
"""
from __future__ import annotations

import argparse
import json
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select
from sqlmodel import col

from bench.persist_speed import timed
from bench.scale_store import DEMO, KEY, MODEL_CACHE, build, counts
from classifier.analyse import analyse_pending
from classifier.categorise.cache import CategoryModelCache
from classifier.embed import load_embedder
from classifier.persist import StateCache
from crawlers.importers import import_file
from models.content import Post
from models.db import make_engine
from monitor_config import load_config

PARTS = {"state": ("load_state", "save_state"), "serving tables": ("mirror_state",),
         "clustering": ("feed_windows",), "categories": ("_categorise",)}


def day_batch(rows: list[dict], day: datetime, size: int, tag: str) -> list[dict]:
    """`size` demo posts spread over `day`, new ids and accounts, in a fixed random choice."""
    chosen = random.Random(tag).sample(rows, size)
    return [dict(r, id=f"{r['id']}-{tag}-{k}", author=f"{r.get('author') or 'anon'}-{tag}",
                 created_at=(day + timedelta(seconds=(k + 0.5) * 86400 / size)).strftime("%Y-%m-%dT%H:%M:%SZ"))
            for k, r in enumerate(chosen)]


def measure_one(url: str, batch: int, repeats: int) -> dict:
    """Warm-up plus `repeats` timed batches into the store at `url`; runs in its own process."""
    engine = make_engine(url)
    config, embedder = load_config(), load_embedder("use-m3")
    models, states = CategoryModelCache(MODEL_CACHE), StateCache()  # what the worker keeps between runs
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines()]
    stored = counts(engine)
    with engine.connect() as connection:
        newest = connection.execute(select(func.max(col(Post.created_at)))).scalar()
    assert newest is not None, "the store holds no posts"
    day = (newest + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0).astimezone(UTC)
    names = tuple(n for group in PARTS.values() for n in group)
    per_post, parts = [], []
    with tempfile.TemporaryDirectory() as folder:
        for k in range(repeats + 1):
            path = Path(folder) / f"batch{k}.jsonl"
            posts = day_batch(rows, day + timedelta(days=k), batch, f"{day:%Y%m%d}b{k}")
            path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in posts) + "\n", encoding="utf-8")
            import_file(path, engine=engine, key=KEY)
            with timed(names) as spent:
                started = time.perf_counter()
                report = analyse_pending(engine, config, embedder, now=day + timedelta(days=k + 1),
                                         category_models=models, states=states)
                seconds = time.perf_counter() - started
            assert report.posts == batch and report.embedded == 0, report
            if k:  # the first batch warms up: model loading, the first read of the state
                per_post.append(seconds / batch * 1000)
                parts.append({p: sum(spent[n] for n in group) / batch * 1000 for p, group in PARTS.items()})
    engine.dispose()
    return {"url": url, "posts": stored["post"], "trends": stored["trend"], "ms_per_post": statistics.median(per_post),
            "parts": {p: statistics.median(x[p] for x in parts) for p in PARTS},
            "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def run_in_child(url: str, batch: int, repeats: int) -> dict:
    out = subprocess.run([sys.executable, "-m", "bench.history_cost", "--one", url, "--batch", str(batch),
                          "--repeats", str(repeats)], capture_output=True, text=True, check=False)
    if out.returncode:
        raise SystemExit(f"measuring {url} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def table(results: list[dict]) -> str:
    base = results[0]["ms_per_post"]
    lines = ["| store | posts | trends | ms per post | x first | state | serving tables | clustering | categories "
             "| peak RSS |", "|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        p = r["parts"]
        lines.append(f"| {r['url'].split('/')[-1]} | {r['posts']:,} | {r['trends']:,} | {r['ms_per_post']:.2f} "
                     f"| {r['ms_per_post'] / base:.2f} | {p['state']:.2f} | {p['serving tables']:.2f} "
                     f"| {p['clustering']:.2f} | {p['categories']:.2f} | {r['peak_rss_mib']:.0f} MiB |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stores", help="comma-separated database URLs built by bench.scale_store, smallest first")
    parser.add_argument("--quick", action="store_true", help="build 10k and 50k SQLite stores and measure those")
    parser.add_argument("--batch", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--one", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(measure_one(args.one, args.batch, args.repeats)))
        return
    command = "PYTHONPATH=. python -m bench.history_cost " + " ".join(argv if argv is not None else sys.argv[1:])
    with tempfile.TemporaryDirectory() as folder:
        if args.quick:
            urls = [f"sqlite:///{folder}/quick-{n // 1000}k.db" for n in (10_000, 50_000)]
            for url, n in zip(urls, (10_000, 50_000), strict=True):
                build(url, n)
        elif args.stores:
            urls = args.stores.split(",")
        else:
            parser.error("give --stores or --quick")
        results = [run_in_child(url, args.batch, args.repeats) for url in urls]
    print(table(results))
    last = results[-1]
    print(f"time per post at {last['posts']:,} posts: {last['ms_per_post'] / results[0]['ms_per_post']:.2f}x "
          f"the figure at {results[0]['posts']:,}; peak RSS {last['peak_rss_mib']:.0f} MiB")
    print(f"command: {command}")


if __name__ == "__main__":
    main()
