"""Measure embedding speed of every backend on synthetic Dutch posts, against USE-m3 measured in the same run.

    PYTHONPATH=. python bench/embed_speed.py --posts 2000 --batch-size 64

Backends take turns on slices of the posts so that load from other processes hits them alike; besides wall-clock
posts/s the table gives posts per CPU-second of this process, which depends less on that load.
Also reports the e5 folder's build time and size (built fresh into a temporary directory), and, with
--int8, torch's dynamic int8 quantisation of the e5 model (speed and cosine agreement with float32).
"""
from __future__ import annotations

import argparse
import random
import tempfile
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from classifier.base import Embedder
from classifier.embed import load_embedder, prepare_default_model
from classifier.embed.use import UseM3Embedder
from monitor_config.embedder import EmbedderSpec

SUBJECTS = ["jongeren", "brugklassers", "meiden uit groep 8", "een paar jongens", "leerlingen", "kinderen"]
PLACES = ["bij het station", "op het schoolplein", "in het park", "achter de supermarkt", "in de groepsapp",
          "op TikTok", "op Snapchat", "bij de sporthal"]
ACTIONS = [("delen", "filmpjes van een vechtpartij"), ("doen", "mee aan een nieuwe challenge"),
           ("verkopen", "vapes aan kinderen"), ("pesten", "een klasgenoot"), ("spreken", "af voor een feest"),
           ("maken", "ruzie over een meisje"), ("filmen", "elkaar als ze flauwvallen"),
           ("maken", "nepaccounts van leraren")]
TAILS = ["en niemand grijpt in", "terwijl ouders van niks weten", "volgens de wijkagent al weken",
         "en het gaat steeds verder", "maar de school doet er niets mee", "en iedereen praat erover"]
EXTRAS = ["Echt heftig dit.", "Wie weet hier meer van?", "Dit moet stoppen!", "Ik snap het niet meer.",
          "Zag het net voorbij komen.", "Check de story van gisteren.", "Mijn broertje zit er ook bij.",
          "Waarom doet niemand iets?"]
TAGS = ["#school", "#tiktok", "#buurt", "#jeugd", "#fyp", "#nieuws"]


def make_posts(count: int, seed: int = 7) -> list[str]:
    rng = random.Random(seed)
    posts = []
    for _ in range(count):
        verb, rest = rng.choice(ACTIONS)
        when = rng.choice(["Vanavond", "Elke dag", "Al de hele week", "Elk weekend"])
        extras = " ".join(rng.sample(EXTRAS, 3))
        posts.append(f"{when} {verb} {rng.choice(SUBJECTS)} {rest} {rng.choice(PLACES)} {rng.choice(TAILS)}. "
                     f"{extras} {rng.choice(TAGS)}")
    return posts


@dataclass
class Timing:
    posts: int = 0
    wall: float = 0.0
    cpu: float = 0.0
    vectors: list[np.ndarray] = field(default_factory=list)

    def add(self, embedder, texts: list[str]) -> None:
        wall, cpu = time.perf_counter(), time.process_time()
        self.vectors.append(embedder.embed(texts))
        self.wall += time.perf_counter() - wall
        self.cpu += time.process_time() - cpu
        self.posts += len(texts)


def run_interleaved(embedders: Mapping[str, Embedder], posts: list[str], rounds: int) -> dict[str, Timing]:
    """Give every backend the same slice in turn, so load from other processes falls on all of them alike."""
    timings = {label: Timing() for label in embedders}
    for embedder in embedders.values():
        embedder.embed(posts[:16])  # warm-up: the first call pays for lazy setup
    size = -(-len(posts) // rounds)
    for start in range(0, len(posts), size):
        for label, embedder in embedders.items():
            timings[label].add(embedder, posts[start:start + size])
    return timings


def measure_build() -> None:
    with tempfile.TemporaryDirectory() as cache:
        started = time.perf_counter()
        folder = prepare_default_model(Path(cache))
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
        print(f"e5 folder build: {seconds:.1f} s, {size / 1e6:.0f} MB ({folder.name})")


def quantise_int8(embedder) -> None:
    import torch

    transformer = embedder._model[0].auto_model  # the benchmark reaches into the backend on purpose
    torch.ao.quantization.quantize_dynamic(transformer, {torch.nn.Linear}, dtype=torch.qint8, inplace=True)
    assert not any(type(m) is torch.nn.Linear for m in transformer.modules()), "quantisation did not apply"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--posts", type=int, default=2000)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--cache-dir", type=Path, default=None, help="e5 model cache (default: a temporary one)")
    parser.add_argument("--rounds", type=int, default=4, help="slices the backends take turns on")
    parser.add_argument("--int8", action="store_true", help="also try torch dynamic int8 quantisation of e5")
    args = parser.parse_args()

    posts = make_posts(args.posts)
    words = sum(len(p.split()) for p in posts) / len(posts)
    print(f"{len(posts)} synthetic Dutch posts, {words:.0f} words on average, batch size {args.batch_size}")
    measure_build()
    with tempfile.TemporaryDirectory() as scratch:
        cache = args.cache_dir or Path(scratch)
        embedders = {
            kind: load_embedder(EmbedderSpec(kind=kind, batch_size=args.batch_size), cache_dir=cache)
            for kind in ("use-m3", "e5-small", "minilm-test")
        }
        # The default is one BLAS thread; show what two would do on this machine now.
        embedders["use-m3 2 threads"] = UseM3Embedder(batch_size=args.batch_size, threads=2)
        if args.int8:
            embedders["e5-small int8"] = load_embedder(EmbedderSpec(batch_size=args.batch_size), cache_dir=cache)
            quantise_int8(embedders["e5-small int8"])
        timings = run_interleaved(embedders, posts, args.rounds)
    baseline = timings["use-m3"]
    print(f"\n{'backend':<16} {'posts/s':>8} {'x use-m3':>9} {'posts/cpu-s':>12} {'x use-m3':>9}  name")
    for label, t in timings.items():
        rate, cpu_rate = t.posts / t.wall, t.posts / t.cpu
        print(f"{label:<16} {rate:8.1f} {rate / (baseline.posts / baseline.wall):8.2f}x "
              f"{cpu_rate:12.1f} {cpu_rate / (baseline.posts / baseline.cpu):8.2f}x  {embedders[label].name}")
    if args.int8:
        full, int8 = (np.vstack(timings[k].vectors) for k in ("e5-small", "e5-small int8"))
        agreement = np.sum(full * int8, axis=1)
        print(f"\ne5 int8 vs float32 cosine: mean {agreement.mean():.4f}, min {agreement.min():.4f}")

if __name__ == "__main__":
    main()
