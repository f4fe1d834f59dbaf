"""Does a processing run cost what its new posts cost? One run over a fixed batch after N stored posts.

    PYTHONPATH=. python -m bench.persist_speed [--histories longer:10,denser:10] [--repeats 3] [--embedder use-m3]

The stored history is the demo corpus (crawlers/demo/demo_posts.jsonl, 2,036 posts over 8 weeks) or copies of
it with new ids, laid out two ways: `longer:N` (N copies one after another, 8 weeks each: a service that has been
running for N times 8 weeks) and `denser:N` (N copies at the same moments by other accounts: a busier stream).
The batch is one demo day (`--batch-day`) moved to the day after the history, with new ids; its texts were
embedded with the history, so the run times clustering and persistence rather than the model.

Reported per history: the persistence step (`load_state` + `mirror_state` + `save_state`, timed around the
functions `classifier.analyse` calls), the rest of the run without the category model (trained afresh in every
run, a constant ~15 s here), and the whole `analyse_pending` run; in seconds and as a ratio to the demo corpus
measured in the same invocation, each the median of `--repeats` runs on fresh copies of the database.
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text

import classifier.analyse
from classifier.analyse import analyse_pending
from classifier.embed import load_embedder
from crawlers.importers import import_file
from models.analysis import Trend
from models.db import make_engine, upgrade_database
from monitor_config import load_config

ROOT = Path(__file__).resolve().parent.parent
DEMO = ROOT / "crawlers" / "demo" / "demo_posts.jsonl"
DEMO_START = datetime(2026, 9, 28, tzinfo=UTC)
SPAN = timedelta(weeks=8)
KEY = b"benchmark-key-0123456789abcdef0123456789"
PERSISTENCE = ("load_state", "mirror_state", "save_state")
TIMED = (*PERSISTENCE, "_categorise")


def history(rows: list[dict], copies: int, layout: str) -> list[dict]:
    """`copies` times the demo corpus with new ids: one after another (`longer`) or side by side (`denser`)."""
    out = []
    for k in range(copies):
        for row in rows:
            moved = dict(row, id=f"{row['id']}-c{k}")
            if layout == "longer":
                moved["created_at"] = _shift(row["created_at"], k * SPAN)
            elif k:
                moved["created_at"] = _shift(row["created_at"], timedelta(seconds=k))
                moved["author"] = f"{row.get('author') or 'anon'}-c{k}"
            out.append(moved)
    return out


def batch(rows: list[dict], day: str, end: datetime) -> list[dict]:
    """The demo posts of `day`, moved to the day that starts at `end`, with new ids."""
    start = datetime.fromisoformat(day).replace(tzinfo=UTC)
    return [dict(r, id=f"{r['id']}-batch", created_at=_shift(r["created_at"], end - start))
            for r in rows if r["created_at"].startswith(day)]


def _shift(stamp: str, by: timedelta) -> str:
    return (datetime.fromisoformat(stamp.replace("Z", "+00:00")) + by).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(rows: list[dict], path: Path) -> Path:
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8")
    return path


@contextmanager
def timed(names: tuple[str, ...]) -> Iterator[dict[str, float]]:
    """Seconds spent in the named functions of `classifier.analyse` while the block runs."""
    spent = dict.fromkeys(names, 0.0)
    originals = {name: getattr(classifier.analyse, name) for name in names}

    def wrap(name: str, fn: Callable) -> Callable:
        def run(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                spent[name] += time.perf_counter() - started
        return run

    # Instrumentation only: the benchmark wraps the functions the run calls, it does not change them.
    for name, fn in originals.items():
        setattr(classifier.analyse, name, wrap(name, fn))
    try:
        yield spent
    finally:
        for name, fn in originals.items():
            setattr(classifier.analyse, name, fn)


def build(db: Path, rows: list[dict], now: datetime, embedder, config) -> tuple[float, int]:
    """A database holding `rows`, processed up to `now`; returns the seconds that took and the trends made."""
    engine = make_engine(f"sqlite:///{db}")
    upgrade_database(engine)
    import_file(_write(rows, db.with_suffix(".jsonl")), engine=engine, key=KEY)
    started = time.perf_counter()
    analyse_pending(engine, config, embedder, now=now)
    seconds = time.perf_counter() - started
    with engine.connect() as connection:
        trends = connection.execute(select(func.count()).select_from(Trend)).scalar_one()
        connection.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
    engine.dispose()
    return seconds, trends


def measure(base: Path, rows: list[dict], now: datetime, embedder, config,
            repeats: int) -> tuple[float, float, float]:
    """Median seconds of (persistence, the rest without the category model, whole run) for processing `rows` on
    fresh copies of `base`."""
    persisted, rest, whole = [], [], []
    for i in range(repeats):
        db = base.with_name(f"{base.stem}-run{i}.db")
        shutil.copyfile(base, db)
        engine = make_engine(f"sqlite:///{db}")
        import_file(_write(rows, db.with_suffix(".jsonl")), engine=engine, key=KEY)
        with timed(TIMED) as spent:
            started = time.perf_counter()
            report = analyse_pending(engine, config, embedder, now=now)
            whole.append(time.perf_counter() - started)
        persisted.append(sum(spent[name] for name in PERSISTENCE))
        rest.append(whole[-1] - persisted[-1] - spent["_categorise"])
        assert report.posts == len(rows), (report.posts, len(rows))
        engine.dispose()
    return statistics.median(persisted), statistics.median(rest), statistics.median(whole)


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--histories", default="longer:10,denser:10", help="layout:copies, comma-separated")
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--embedder", default="use-m3")
    ap.add_argument("--batch-day", default="2026-10-20")
    a = ap.parse_args(argv)
    rows = [json.loads(line) for line in DEMO.read_text(encoding="utf-8").splitlines() if line.strip()]
    embedder, config = load_embedder(a.embedder), load_config()
    cases = [("demo corpus", 1, "longer")]
    for layout, copies in (item.split(":") for item in a.histories.split(",")):
        cases.append((f"{copies}x demo, {layout}", int(copies), layout))
    print(f"batch: the {a.batch_day} demo posts; embedder {embedder.name}; median of {a.repeats} runs\n")
    print("| stored history | stored posts | trends | building it | persistence step | x | rest without category "
          "model | x | whole run | x |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    first = None
    with tempfile.TemporaryDirectory() as scratch:
        for name, copies, layout in cases:
            stored = history(rows, copies, layout)
            end = DEMO_START + (copies if layout == "longer" else 1) * SPAN
            base = Path(scratch) / f"{layout}-{copies}.db"
            built, trends = build(base, stored, end, embedder, config)
            day = batch(rows, a.batch_day, end)
            figures = measure(base, day, end + timedelta(days=1), embedder, config, a.repeats)
            first = first or figures
            cells = " | ".join(f"{f:.2f} s | {f / f0:.1f}" for f, f0 in zip(figures, first, strict=True))
            print(f"| {name} | {len(stored):,} | {trends} | {built:.0f} s | {cells} |", flush=True)
    print(f"\nbatch: {len(day)} posts")


if __name__ == "__main__":
    main()
