"""Shared helpers for the trend tests: real text from tests/fixtures/eval, a real small model, a call counter."""
from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np

from classifier.state import StreamPost

FIXTURES = Path(__file__).parent / "fixtures" / "eval"
DAY0 = datetime(2024, 3, 4, tzinfo=UTC)


def read_tsv(name: str) -> list[dict]:
    with open(FIXTURES / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE))


class CountingEmbedder:
    """Passes texts to a real embedder and counts what it was asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim = inner, inner.name, inner.dim
        self.calls: list[int] = []

    def embed(self, texts: list[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self.inner.embed(texts)


def background_posts(days: int, per_day: int, start: int = 0) -> list[StreamPost]:
    """Dutch SIB-200 sentences spread evenly over `days` days, each by its own author."""
    rows = read_tsv("sib200_nl_slice.tsv")
    posts = []
    for i, row in enumerate(rows[: days * per_day]):
        day, slot = divmod(i, per_day)
        at = DAY0 + timedelta(days=start + day, hours=1 + slot * 22 / per_day)
        posts.append(StreamPost(id=f"bg{row['index_id']}", text=row["text"], created_at=at, author=f"a{i}",
                          platform="forum"))
    return posts


def story_posts(story: str, day: int, author: str | None = None, prefix: str = "s") -> list[StreamPost]:
    """All summaries of one Wikipedia story, posted within day `day` (each by its own author unless given)."""
    rows = [r for r in read_tsv("wikitimes_stories.tsv") if r["story_name"] == story]
    return [StreamPost(id=f"{prefix}{r['event_id']}", text=r["text"],
                       created_at=DAY0 + timedelta(days=day, hours=2 + i / 3),
                 author=author or f"{prefix}-author{i}", platform="tiktok" if i % 2 else "instagram")
            for i, r in enumerate(rows)]


class PickleTrap:
    """Unpickling this touches a file: proof that something ran a stored pickle."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def __reduce__(self):
        return (Path.touch, (self.path,))
