"""Build a store that holds N processed posts and N/200 trends, fast: the demo corpus processed for real, then a
year of history before it bulk-inserted with SQL, made by replaying and shifting the demo corpus.

    PYTHONPATH=. python -m bench.scale_store --url postgresql+psycopg://postgres@127.0.0.1:5432/lw_scale_1m \
        --posts 1000000

What is real and what is made:

- the demo corpus (crawlers/demo/demo_posts.jsonl, 2,036 posts over 8 weeks) is imported and processed by
  `analyse_pending` with the USE-m3 model: real embeddings, real trends, a real tracker state;
- the history is N - 2,036 posts in the year before the demo corpus: the demo texts again (each with its own
  content hash, so the embedding table holds one row per post, with the vector of its text), each post by its own
  pseudonymous account, spread evenly over the year;
- the history's trends are copies of the real trends (one per 200 history posts, as in a year of the demo
  stream), moved back in time and "dormant", each with its rows in trend, trend_state (the tracker state,
  encoded as the service encodes it), trend_snapshot (a day and a week row per window it had posts in) and
  trend_membership (3 of every 5 history posts belong to a trend); one post in two has a category.
  A copy's vectors (sum and exemplars) are the original's with the dimensions shuffled, a rotation: its
  exemplars stay as close to each other as the original's, but a copy is as far from every other trend as two
  unrelated themes, so new posts do not join the copies and the copies do not merge.

The store is built once and reused by bench/history_cost.py and bench/load_pages.py. It takes minutes for 1M
posts on PostgreSQL and on SQLite (the slowest part is the embedding table, 2 kB a row).
"""
from __future__ import annotations

import argparse
import copy
import dataclasses
import hashlib
import json
import time
from collections import defaultdict
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
from sqlalchemy import func, insert, select, text
from sqlalchemy.engine import Engine
from sqlmodel import col

from bench.databases import migrated_database
from classifier.analyse import analyse_pending
from classifier.categorise.cache import CategoryModelCache
from classifier.detect.windows import window_start
from classifier.embed import load_embedder
from classifier.persist import load_state, save_state
from classifier.state import TrackedTrend
from crawlers.importers import import_file
from models.analysis import CategoryAssignment, Embedding, Trend, TrendMembership, TrendSnapshot
from models.content import Post
from models.db import session_scope
from monitor_config import load_config

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "crawlers" / "demo" / "demo_posts.jsonl"
DEMO_START = datetime(2026, 9, 28, tzinfo=UTC)
DEMO_END = datetime(2026, 11, 23, tzinfo=UTC)
HISTORY_SPAN = timedelta(days=365)
POSTS_PER_TREND = 200
KEY = b"benchmark-key-0123456789abcdef0123456789"
CHUNK = 20_000
MODEL_CACHE = ROOT / "var" / "bench" / "categories"


def process_demo(engine: Engine, work: Path) -> None:
    """Import and process the demo corpus with USE-m3: the real part of the store."""
    work.mkdir(parents=True, exist_ok=True)
    import_file(DEMO, engine=engine, key=KEY)
    analyse_pending(engine, load_config(), load_embedder("use-m3"), now=DEMO_END,
                    category_models=CategoryModelCache(MODEL_CACHE))


def _chunks(rows: Iterator[dict]) -> Iterator[list[dict]]:
    batch: list[dict] = []
    for row in rows:
        batch.append(row)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _bulk(engine: Engine, table: type, rows: Iterator[dict]) -> int:
    count = 0
    for batch in _chunks(rows):
        with engine.begin() as connection:
            connection.execute(insert(table), batch)
        count += len(batch)
    return count


def _shifted(trend: TrackedTrend, new_id: int, days: int, rng: np.random.Generator) -> TrackedTrend:
    """A copy of `trend` under `new_id`, `days` earlier, dormant, its vectors' dimensions shuffled."""
    clone = copy.deepcopy(trend)
    by = timedelta(days=days)
    perm = rng.permutation(len(trend.vec_sum))
    clone.trend_id = new_id
    clone.vec_sum = clone.vec_sum[perm]
    if clone.ex_vecs is not None:
        clone.ex_vecs = np.ascontiguousarray(clone.ex_vecs[:, perm])
    clone.windows = {w - days: c for w, c in clone.windows.items()}
    clone.born_at, clone.first_seen, clone.last_seen = trend.born_at - by, trend.first_seen - by, trend.last_seen - by
    clone.status, clone.status_since = "dormant", clone.last_seen + timedelta(days=7)
    clone.emerging_at = trend.emerging_at - by if trend.emerging_at else None
    clone.ex_posts = [dataclasses.replace(p, created_at=p.created_at - by) for p in trend.ex_posts]
    clone.post_ids = []
    return clone


def add_history(engine: Engine, total: int, seed: int = 7) -> dict[str, int]:
    """Insert the shifted history before the demo corpus and its trends; returns the rows written per table."""
    rng = np.random.default_rng(seed)
    with session_scope(engine) as session:
        demo = session.execute(select(col(Post.text), col(Post.platform), col(Post.source_name), col(Post.language),
                                      col(Post.content_hash)).order_by(col(Post.id))).all()
        first_id = (session.execute(select(func.max(col(Post.id)))).scalar() or 0) + 1
        model, dim = session.execute(select(col(Embedding.model), col(Embedding.dim)).limit(1)).one()
        vectors: dict[str, bytes] = {h: v for h, v in session.execute(
            select(col(Embedding.content_hash), col(Embedding.vector)).where(col(Embedding.model) == model))}
        sources = {int(row.id or 0): row for row in session.scalars(select(Trend))}
        categories = [c for (c,) in session.execute(select(col(CategoryAssignment.category)).distinct())] or ["overig"]
    history = max(total - len(demo), 0)
    step = HISTORY_SPAN / max(history, 1)
    start = DEMO_START - HISTORY_SPAN
    processed = DEMO_START

    def posts() -> Iterator[dict]:
        for i in range(history):
            txt, platform, source, language, _ = demo[i % len(demo)]
            yield {"id": first_id + i, "platform": platform, "external_id": f"hist-{i}", "source_name": source,
                   "text": txt, "language": language, "created_at": start + i * step, "collected_at": processed,
                   "author_key": hashlib.sha256(f"hist-author-{i}".encode()).hexdigest()[:32],
                   "content_hash": hashlib.sha256(f"hist-{i}:{txt}".encode()).hexdigest(),
                   "processed_at": processed}

    def embeddings() -> Iterator[dict]:
        for i in range(history):
            txt, *_, content = demo[i % len(demo)]
            yield {"content_hash": hashlib.sha256(f"hist-{i}:{txt}".encode()).hexdigest(), "model": model,
                   "dim": dim, "vector": vectors[content]}

    def assignments() -> Iterator[dict]:
        for i in range(0, history, 2):
            yield {"post_id": first_id + i, "category": categories[i % len(categories)], "probability": 0.8,
                   "model": "bench", "assigned_at": processed}

    written: dict[str, int] = {}
    began = time.perf_counter()
    written["post"] = _bulk(engine, Post, posts())
    written["embedding"] = _bulk(engine, Embedding, embeddings())
    written["category_assignment"] = _bulk(engine, CategoryAssignment, assignments())
    print(f"  posts, embeddings, categories: {time.perf_counter() - began:.0f} s", flush=True)

    copies = history // POSTS_PER_TREND
    with session_scope(engine) as session:
        stored = load_state(session)
        assert stored is not None, "the demo corpus was not processed"
        state = stored.state
        originals = [t for t in state.trends.values() if t.alive and t.windows]
        next_id = max(state.next_id, max(sources) + 1 if sources else 1)
        clones: list[TrackedTrend] = []
        for j in range(copies):
            source = originals[j % len(originals)]
            # spread evenly over the history year: whole windows back, so window counts move with the days
            days = (DEMO_START - source.first_seen).days + int(HISTORY_SPAN.days * (1 - (j + 0.5) / copies))
            clone = _shifted(source, next_id + j, days, rng)
            state.trends[clone.trend_id] = clone
            clones.append(clone)
        state.next_id = next_id + copies
        # Trend rows first: trend_state rows refer to them
        if clones:
            session.execute(insert(Trend), [_trend_row(sources[originals[j % len(originals)].trend_id], c)
                                            for j, c in enumerate(clones)])
            session.flush()
        save_state(session, stored, until=stored.until)
    written["trend"] = written["trend_state"] = copies

    def memberships() -> Iterator[dict]:
        for i in range(history):
            if i % 5 < 3 and copies:
                yield {"post_id": first_id + i, "trend_id": clones[(i * copies) // history].trend_id,
                       "similarity": 0.6, "assigned_at": processed}

    def snapshots() -> Iterator[dict]:
        assert state.origin is not None
        for clone in clones:
            weeks: dict[datetime, list[int]] = defaultdict(lambda: [0, 0])
            for w, c in clone.windows.items():
                at = window_start(w, state.origin, state.window)
                monday = (at - timedelta(days=at.weekday())).replace(hour=0, minute=0, second=0, microsecond=0)
                weeks[monday][0] += c.posts
                weeks[monday][1] += len(c.authors)
                yield {"trend_id": clone.trend_id, "window": "day", "window_start": at, "volume": c.posts,
                       "authors": len(c.authors), "platforms": len(c.platforms), "sources": len(c.sources),
                       "growth": None, "burst_score": None, "status": "dormant"}
            for monday, (volume, authors) in weeks.items():
                yield {"trend_id": clone.trend_id, "window": "week", "window_start": monday, "volume": volume,
                       "authors": authors, "platforms": 1, "sources": 1, "growth": None, "burst_score": None,
                       "status": "dormant"}

    written["trend_membership"] = _bulk(engine, TrendMembership, memberships())
    written["trend_snapshot"] = _bulk(engine, TrendSnapshot, snapshots())
    _reset_sequences(engine)
    return written


def _trend_row(source: Trend, clone: TrackedTrend) -> dict:
    return {"id": clone.trend_id, "label": source.label, "keywords": source.keywords, "category": source.category,
            "status": "dormant", "first_seen": clone.first_seen, "last_seen": clone.last_seen,
            "emerging_at": clone.emerging_at, "size": POSTS_PER_TREND * 3 // 5, "authors": POSTS_PER_TREND * 3 // 5,
            "merged_into": None, "review_status": None, "summary": source.summary, "created_at": clone.first_seen,
            "updated_at": clone.last_seen}


def _reset_sequences(engine: Engine) -> None:
    """Rows were written with explicit ids: PostgreSQL's sequences must continue after them."""
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as connection:
        for table in ("post", "embedding", "category_assignment", "trend", "trend_snapshot"):
            connection.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                                    f"(SELECT COALESCE(MAX(id), 1) FROM {table}))"))
        connection.execute(text("ANALYZE"))


def counts(engine: Engine) -> dict[str, int]:
    with engine.connect() as connection:
        return {t: int(connection.execute(text(f"SELECT count(*) FROM {t}")).scalar() or 0)
                for t in ("post", "embedding", "trend", "trend_state", "trend_membership", "trend_snapshot")}


def build(url: str, posts: int) -> dict[str, int]:
    began = time.perf_counter()
    engine = migrated_database(url)
    process_demo(engine, MODEL_CACHE)
    print(f"  demo corpus processed: {time.perf_counter() - began:.0f} s", flush=True)
    add_history(engine, posts)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            connection.execute(text("ANALYZE"))
            connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    found = counts(engine)
    engine.dispose()
    print(f"  built in {time.perf_counter() - began:.0f} s: {json.dumps(found)}", flush=True)
    return found


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True, help="database URL; an existing database there is replaced")
    parser.add_argument("--posts", type=int, required=True, help="posts the store holds (demo corpus included)")
    args = parser.parse_args(argv)
    print(f"building {args.posts:,} posts at {args.url}", flush=True)
    build(args.url, args.posts)


if __name__ == "__main__":
    main()
