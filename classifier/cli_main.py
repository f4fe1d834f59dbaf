"""`python -m classifier.replay` and `python -m classifier.cluster`: the contract's functions behind argparse.

    python -m classifier.replay IN.jsonl --window 1d --out TRENDS.json [--embedder use-m3] [--emb-cache F.npz]
    python -m classifier.cluster IN.jsonl --out OUT.jsonl [--embedder use-m3] [--emb-cache F.npz]

`--embedder` is a kind known to `classifier.embed.load_embedder` (e5-small, use-m3, minilm-test) or
`module:factory`, a callable returning an Embedder. `--emb-cache` keeps vectors per text in an .npz file,
so repeated runs over the same data embed each text once.
"""
from __future__ import annotations

import argparse
import hashlib
import importlib
import os
import sys
import time
from pathlib import Path

import numpy as np

from classifier.base import Embedder
from classifier.exceptions import ClassifierError


def resolve_embedder(spec: str | None) -> Embedder:
    """An embedder from a kind name (via classifier.embed) or from `module:factory`."""
    if spec and ":" in spec:
        module, _, attr = spec.partition(":")
        return getattr(importlib.import_module(module), attr)()
    try:
        from classifier.embed import load_embedder
    except ImportError as e:
        raise ClassifierError(f"--embedder {spec!r}: classifier.embed is not available ({e}); "
                              "pass --embedder module:factory or install the embed stage") from None
    return load_embedder(spec) if spec else load_embedder()


class CachedEmbedder:
    """Wraps an embedder and remembers each text's vector in an .npz file (a development aid)."""

    def __init__(self, inner: Embedder, path: Path) -> None:
        self.inner, self.path = inner, path
        self.name, self.dim = inner.name, inner.dim
        self.calls = 0
        self._vecs: dict[str, np.ndarray] = {}
        if path.exists():
            data = np.load(path)
            if str(data["model"]) == inner.name:
                self._vecs = dict(zip(data["keys"].tolist(), data["vecs"], strict=True))

    @staticmethod
    def _key(text: str) -> str:
        return hashlib.blake2b(text.encode(), digest_size=12).hexdigest()

    def embed(self, texts: list[str]) -> np.ndarray:
        keys = [self._key(t) for t in texts]
        missing = sorted({k: t for k, t in zip(keys, texts, strict=True) if k not in self._vecs}.items())
        if missing:
            self.calls += 1
            for (k, _), v in zip(missing, self.inner.embed([t for _, t in missing]), strict=True):
                self._vecs[k] = v
        return np.vstack([self._vecs[k] for k in keys]) if keys else np.zeros((0, self.dim), np.float32)

    def save(self) -> None:
        """Write the file anew and then move it into place, so a run stopped while saving keeps the old one."""
        keys = sorted(self._vecs)
        part = self.path.with_name(self.path.name + ".part.npz")
        np.savez(part, model=self.name, keys=np.array(keys), vecs=np.vstack([self._vecs[k] for k in keys]))
        os.replace(part, self.path)


def main(command: str, argv: list[str] | None = None) -> int:
    from classifier.cli_contract import cluster_file, replay_file
    from monitor_config.trends import TrendSettings

    ap = argparse.ArgumentParser(prog=f"python -m classifier.{command}", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("input", type=Path)
    ap.add_argument("--out", type=Path, required=True)
    if command == "replay":
        ap.add_argument("--window", default="1d")
    ap.add_argument("--embedder", default=None)
    ap.add_argument("--emb-cache", type=Path, default=None)
    ap.add_argument("--set", action="append", default=[], metavar="NAME=VALUE",
                    help="override a TrendSettings field, e.g. --set burst_z=5")
    a = ap.parse_args(argv)
    overrides = dict(kv.split("=", 1) for kv in a.set)
    settings = TrendSettings(**overrides)
    embedder = resolve_embedder(a.embedder)
    if a.emb_cache:
        embedder = CachedEmbedder(embedder, a.emb_cache)
    t = time.perf_counter()
    if command == "replay":
        trends = replay_file(a.input, a.out, a.window, embedder, settings)
        flagged = sum(tr["emerging_at"] is not None for tr in trends)
        print(f"{len(trends)} trends, {flagged} flagged emerging, {time.perf_counter() - t:.0f} s", file=sys.stderr)
    else:
        k = cluster_file(a.input, a.out, embedder, settings)
        print(f"{k} clusters, {time.perf_counter() - t:.0f} s", file=sys.stderr)
    if isinstance(embedder, CachedEmbedder):
        embedder.save()
    return 0
