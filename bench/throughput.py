"""Throughput against the encoder: posts per second through the whole pipeline against the raw encoder's posts per
second on the same texts, in the same run; and the encoder's backends side by side.

    PYTHONPATH=. python -m bench.throughput [--quick] [--models e5-small,use-m3] [--backends torch,onnx,...]
                                           [--posts N] [--chunks 4] [--database-url URL]

Texts: the synthetic demo corpus (crawlers/demo/demo_posts.jsonl, 2,036 Dutch posts over 8 weeks), in time order.

1. Encoder backends: every backend of e5-small (torch, ONNX Runtime and OpenVINO, each in float32 and int8) is
   loaded, and they take turns on the same slices of the texts, so load from other processes on this shared
   machine falls on all of them alike. Figures: posts/s, the ratio to torch, and the cosine of each vector to
   torch's vector of the same text.
2. Pipeline against encoder, per model (each on its default backend, or every backend with `--pipeline-backends`):
   the texts are cut into `--chunks` consecutive periods; for each period the raw encoder embeds its texts (a
   fresh call, nothing cached), and the pipeline imports them (`import_file` with the watchlist matcher) and runs
   `stages.process` (embed, categorise, cluster, detect, summarise, review queue and alerts queued, with one
   e-mail subscription without filters). The two take turns, first one then the other, so the load hits both.
   One processing run on a throw-away database first warms the model and trains the category model, as the
   worker keeps both for its lifetime. The pipeline embeds each distinct text once (the embedding table): the
   demo corpus has 1,995 distinct texts among its 2,036 posts, the encoder embeds all of them.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import logging
import shlex
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
from sqlalchemy import func, select

from bench.databases import empty_database
from classifier.base import Embedder
from classifier.embed import load_embedder
from crawlers.importers import import_file
from crawlers.matching import WatchlistMatcher
from models.analysis import Trend
from models.db import make_engine, session_scope, upgrade_database
from models.serving import AlertDelivery, Subscription, User
from models.sync import sync_configuration
from monitor_config import load_config
from monitor_config.embedder import EMBEDDER_BACKENDS, EmbedderSpec
from monitor_config.schema import MonitorConfig
from monitor_config.settings import Settings
from pipeline import stages
from pipeline.context import Pipeline, build_pipeline

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "crawlers" / "demo" / "demo_posts.jsonl"
KEY = b"benchmark-key-0123456789abcdef0123456789"
BACKENDS = [b for b in EMBEDDER_BACKENDS if b != "auto"]


def command_line() -> str:
    return "PYTHONPATH=. python -m bench.throughput " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def read_posts(limit: int | None) -> list[dict]:
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    rows.sort(key=lambda r: (r["created_at"], r["id"]))
    return rows[:limit] if limit else rows


def parse_time(stamp: str) -> datetime:
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(UTC)


class TimedEmbedder:
    """Passes through to an embedder and adds up the seconds spent in it (the pipeline's share for the model)."""

    def __init__(self, inner: Embedder) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.seconds = 0.0

    def embed(self, texts: list[str]) -> np.ndarray:
        started = time.perf_counter()
        try:
            return self.inner.embed(texts)
        finally:
            self.seconds += time.perf_counter() - started


# -- 1. the encoder's backends, interleaved -------------------------------------------------------------------------

def compare_backends(texts: list[str], backends: list[str], cache: Path, rounds: int, batch_size: int) -> None:
    print(f"\n## Encoder backends (e5-small, {len(texts)} demo posts, batch {batch_size}, {rounds} interleaved rounds)")
    embedders: dict[str, Any] = {}
    for backend in backends:
        started = time.perf_counter()
        embedders[backend] = load_embedder(EmbedderSpec(kind="e5-small", backend=backend, batch_size=batch_size),
                                           cache_dir=cache)
        print(f"loaded {backend:<14} in {time.perf_counter() - started:5.1f} s (export included when not cached): "
              f"{type(embedders[backend]).__name__}, name {embedders[backend].name}", flush=True)
    for embedder in embedders.values():
        embedder.embed(texts[:16])
    seconds = dict.fromkeys(embedders, 0.0)
    vectors: dict[str, list[np.ndarray]] = {b: [] for b in embedders}
    size = -(-len(texts) // rounds)
    for turn, start in enumerate(range(0, len(texts), size)):
        order = list(embedders) if turn % 2 == 0 else list(reversed(embedders))
        for backend in order:
            started = time.perf_counter()
            vectors[backend].append(embedders[backend].embed(texts[start:start + size]))
            seconds[backend] += time.perf_counter() - started
    reference = "torch" if "torch" in embedders else next(iter(embedders))
    ref = np.vstack(vectors[reference])
    print(f"\n| backend | posts/s | x {reference} | cosine to {reference}: mean | min |")
    print("|---|---|---|---|---|")
    for backend in embedders:
        rate = len(texts) / seconds[backend]
        cosine = np.sum(np.vstack(vectors[backend]) * ref, axis=1)
        print(f"| {backend} | {rate:.1f} | {seconds[reference] / seconds[backend]:.2f} | {cosine.mean():.4f} "
              f"| {cosine.min():.4f} |")


# -- 2. the pipeline against the encoder ----------------------------------------------------------------------------

def prepare_database(url: str, config: MonitorConfig) -> Any:
    engine = make_engine(url)
    upgrade_database(engine)
    with session_scope(engine) as session:
        sync_configuration(session, config)
        user = User(username="bench", password_hash="-", role="safety_coordinator", email="bench@example.nl")
        session.add(user)
        session.flush()
        assert user.id is not None
        session.add(Subscription(user_id=user.id, name="alles", channel="email", target="bench@example.nl",
                                 token="b" * 43, mode="immediate", filters={}))
    return engine


def import_rows(engine: Any, rows: list[dict], folder: Path, matcher: WatchlistMatcher, name: str) -> None:
    path = folder / f"{name}.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    import_file(path, engine=engine, key=KEY, fmt="jsonl", matcher=matcher)


@dataclasses.dataclass
class PipelineFigures:
    posts: int
    encoder_seconds: float
    pipeline_seconds: float
    embed_seconds: float
    import_seconds: float
    trends: int
    alerts: int

    @property
    def ratio(self) -> float:
        return self.encoder_seconds / self.pipeline_seconds


def pipeline_against_encoder(label: str, spec: EmbedderSpec, rows: list[dict], chunks: int, home: Path,
                             database_url: Callable[[str], str],
                             process: Callable[[Pipeline], Any] = stages.process) -> PipelineFigures:
    config = load_config()
    config = config.model_copy(update={"classifier": config.classifier.model_copy(update={"embedder": spec})})
    settings = Settings(home=home, database_url=None)
    matcher = WatchlistMatcher(config.watchlists)
    started = time.perf_counter()
    embedder = load_embedder(spec, cache_dir=settings.model_cache)
    print(f"{label}: loaded {embedder.name} in {time.perf_counter() - started:.1f} s", flush=True)
    timed = TimedEmbedder(embedder)
    clock = {"now": parse_time(rows[-1]["created_at"])}

    def now() -> datetime:
        return clock["now"]

    # Warm-up on a throw-away database: the model's first call and the category model's training.
    warm_engine = prepare_database(database_url(f"{label}-warm"), config)
    import_rows(warm_engine, rows[:50], home, matcher, f"{label}-warm")
    warm = build_pipeline(settings, warm_engine, config=config, clock=now, embedder=timed)
    process(warm)
    warm_engine.dispose()

    engine = prepare_database(database_url(label), config)
    p: Pipeline = dataclasses.replace(warm, engine=engine)
    timed.seconds = 0.0
    size = -(-len(rows) // chunks)
    encoder_s = pipeline_s = import_s = 0.0
    for turn, start in enumerate(range(0, len(rows), size)):
        part = rows[start:start + size]
        texts = [r["text"] for r in part]

        def encoder(texts: list[str] = texts) -> float:
            began = time.perf_counter()
            embedder.embed(texts)
            return time.perf_counter() - began

        def through_pipeline(part: list[dict] = part, turn: int = turn) -> tuple[float, float]:
            clock["now"] = parse_time(part[-1]["created_at"]) + timedelta(seconds=1)
            began = time.perf_counter()
            import_rows(engine, part, home, matcher, f"{label}-{turn}")
            imported = time.perf_counter()
            process(p)
            return time.perf_counter() - began, imported - began

        if turn % 2 == 0:
            encoder_s += encoder()
            whole, imported = through_pipeline()
        else:
            whole, imported = through_pipeline()
            encoder_s += encoder()
        pipeline_s += whole
        import_s += imported
    with session_scope(engine) as session:
        trends = session.scalar(select(func.count()).select_from(Trend)) or 0
        alerts = session.scalar(select(func.count()).select_from(AlertDelivery)) or 0
    engine.dispose()
    return PipelineFigures(len(rows), encoder_s, pipeline_s, timed.seconds, import_s, trends, alerts)


def print_pipeline(results: dict[str, PipelineFigures]) -> None:
    print("\n| model (backend) | posts | encoder posts/s | pipeline posts/s | pipeline / encoder | of which embedding "
          "| import | rest | trends | alerts queued |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for label, f in results.items():
        rest = f.pipeline_seconds - f.embed_seconds - f.import_seconds
        print(f"| {label} | {f.posts} | {f.posts / f.encoder_seconds:.1f} | {f.posts / f.pipeline_seconds:.1f} "
              f"| **{f.ratio:.2f}** | {f.embed_seconds:.1f} s | {f.import_seconds:.1f} s | {rest:.1f} s "
              f"| {f.trends} | {f.alerts} |")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="400 posts, 2 chunks, torch against the default backend")
    ap.add_argument("--posts", type=int, default=None, help="the first N demo posts (default: all 2,036)")
    ap.add_argument("--models", default="e5-small,use-m3")
    ap.add_argument("--backends", default=",".join(BACKENDS), help="e5-small backends compared in part 1")
    ap.add_argument("--pipeline-backends", default="auto",
                    help="e5-small backends run through the pipeline in part 2 (comma-separated; auto = default)")
    ap.add_argument("--chunks", type=int, default=4)
    ap.add_argument("--rounds", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=64)
    ap.add_argument("--home", type=Path, default=None,
                    help="LEEFWERELD_HOME whose models/ keeps built and exported models (default: ./var)")
    ap.add_argument("--database-url", default=None,
                    help="a PostgreSQL URL prefix to use instead of SQLite files (one database per run is created "
                         "as URL_<label>; the server must allow CREATE DATABASE)")
    ap.add_argument("--skip-backends", action="store_true", help="leave out part 1")
    ap.add_argument("--blas-before", action="store_true",
                    help="also run each model's pipeline as before classifier/threads.py (a BLAS thread per core)")
    a = ap.parse_args(argv)
    quiet_logs()
    if a.quick:
        a.posts, a.chunks, a.rounds = a.posts or 400, 2, 2
        a.backends = "torch,auto"
    home = a.home or Path(__import__("os").environ.get("LEEFWERELD_HOME", ROOT / "var"))
    rows = read_posts(a.posts)
    print(f"command: {command_line()}")
    print(f"{len(rows)} demo posts, {statistics.mean(len(r['text'].split()) for r in rows):.0f} words on average, "
          f"{len({r['text'] for r in rows})} distinct texts; started {datetime.now(UTC):%Y-%m-%d %H:%M} UTC")
    if not a.skip_backends:
        backends = [b for b in a.backends.split(",") if b]
        compare_backends([r["text"] for r in rows], backends, home / "models", a.rounds, a.batch_size)
    results: dict[str, PipelineFigures] = {}
    with tempfile.TemporaryDirectory() as scratch:
        def database_url(label: str) -> str:
            safe = "".join(c if c.isalnum() else "_" for c in label)
            if a.database_url:
                url = a.database_url.rsplit("/", 1)[0] + f"/bench_{safe}"
                empty_database(url)
                return url
            return f"sqlite:///{Path(scratch) / safe}.db"

        for model in a.models.split(","):
            backends = a.pipeline_backends.split(",") if model != "use-m3" else ["auto"]
            for backend in backends:
                spec = EmbedderSpec(kind=model, backend=backend, batch_size=a.batch_size)
                label = f"{model} ({spec.resolved_backend})"
                results[label] = pipeline_against_encoder(label, spec, rows, a.chunks, home, database_url)
                if a.blas_before:
                    before = getattr(stages.process, "__wrapped__", stages.process)  # without one_blas_thread
                    results[f"{label}, before: BLAS thread per core"] = pipeline_against_encoder(
                        f"{label} before", spec, rows, a.chunks, home, database_url, process=before)
    print(f"\n## Pipeline against encoder ({len(rows)} posts in {a.chunks} runs, SQLite"
          f"{' -> PostgreSQL' if a.database_url else ''})")
    print_pipeline(results)
    print(f"\ncommand: {command_line()}")


def quiet_logs() -> None:
    """Warnings only: the migrations and the stages log every step at INFO or below."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("alembic", "classifier", "pipeline", "crawlers", "sentence_transformers", "nncf"):
        logging.getLogger(name).setLevel(logging.WARNING)
    import warnings

    warnings.filterwarnings("ignore")


if __name__ == "__main__":
    main()
