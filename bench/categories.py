"""Risk categories at post level: precision and recall on the synthetic Dutch set, and how much real, risk-free
Dutch text gets a category; the classifier before issue #12 and now, with each model, in one run.

    python -m bench.categories [--embedder e5-small --embedder use-m3] [--split test] [--no-write]
                               [--data /work/shared/eval-data] [--emb-cache var/bench-vectors]

- The set: bench/data/categories-nl.jsonl (synthetic, see bench/data/README.md); tuned on `dev`, reported on
  `test` (`--split dev` shows the tuning figures without writing the doc).
- Risk-free real text: the 1,070 tweets by Dutch MPs of 6-12 April 2020 that are not retweets
  (shared/eval-data/nl-political-tweets-2020, read here only, never by the product), with the "Name (@handle): "
  prefix of the export removed.
- "Before" is the classifier of commit BEFORE (its training code is reproduced in `train_before`, its seed
  examples and background posts are read from that commit with git).
The table is written into docs/QUALITY.md between the markers `<!-- categories:begin -->` and
`<!-- categories:end -->`, after `<!-- notes -->`, so `bench.quality` keeps it.
"""
from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import yaml
from sklearn.calibration import CalibratedClassifierCV
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold, cross_val_predict

from classifier.base import Embedder
from classifier.categorise import train_category_model
from classifier.categorise.evidence import Evidence
from classifier.categorise.model import NONE
from classifier.cli_main import CachedEmbedder, resolve_embedder
from monitor_config import load_config
from monitor_config.schema import Category

ROOT = Path(__file__).resolve().parent.parent
SET = ROOT / "bench" / "data" / "categories-nl.jsonl"
BEFORE = "daea25a"  # the last commit before issue #12 changed the categories
EMBEDDERS = ("e5-small", "use-m3")
BEGIN, END = "<!-- categories:begin -->", "<!-- categories:end -->"


@dataclass
class Scores:
    per_category: dict[str, tuple[float, float, float, int]]  # precision, recall, F1, support
    micro: tuple[float, float, float]
    ordinary_flagged: float  # share of the set's ordinary posts that got any category
    tweets_flagged: float
    tweets_flagged_n: int
    tweets_n: int


def read_set(split: str) -> list[dict]:
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split == "all" or r["split"] == split]


def read_tweets(data: Path) -> list[str]:
    path = data / "nl-political-tweets-2020" / "nl_political_tweets_raw_2020-04.tsv.gz"
    with gzip.open(path, "rt", encoding="utf-8") as f:
        texts = [row["text"] for row in csv.DictReader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
                 if row["is_retweet"] == "False"]
    return [re.sub(r"^[^\n]{0,80}?\(@\w+\):\s*", "", t) for t in texts]


def _git_show(path: str) -> str:
    try:
        return subprocess.run(["git", "-C", str(ROOT), "show", f"{BEFORE}:{path}"], check=True,
                              capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as e:
        sys.exit(f"the 'before' classifier is read from git commit {BEFORE} ({e}); run inside the repository")


def train_before(embedder: Embedder):
    """The classifier as it was at BEFORE: calibrated LR, one threshold, 12 seeds a category, 40 ordinary posts."""
    categories = [Category(**c) for c in yaml.safe_load(_git_show("monitor_config/default.yaml"))["categories"]]
    texts = [(t, c.name) for c in categories for t in (*c.examples.nl, *c.examples.en)]
    texts += [(line, NONE) for line in _git_show("classifier/categorise/background.txt").splitlines()
              if line.strip() and not line.startswith("#")]
    labels = np.array([c for _, c in texts])
    vectors = embedder.embed([t for t, _ in texts])
    folds = 3
    base = LogisticRegression(C=10.0, max_iter=2000, random_state=0)
    held_out = cross_val_predict(CalibratedClassifierCV(base, method="sigmoid", cv=folds), vectors, labels,
                                 cv=StratifiedKFold(folds, shuffle=True, random_state=0), method="predict_proba")
    classes = sorted(set(labels))
    threshold = _before_threshold(held_out, labels, classes, 0.8)
    model = CalibratedClassifierCV(base, method="sigmoid", cv=folds).fit(vectors, labels)

    def assign(vecs: np.ndarray, texts: list[str]) -> list[set[str]]:
        return [{c for c, p in zip(model.classes_, row, strict=True) if c != NONE and p >= threshold}
                for row in model.predict_proba(vecs)]
    return assign


def _before_threshold(probabilities: np.ndarray, labels: np.ndarray, classes: list[str], target: float) -> float:
    """The abstain threshold as BEFORE chose it: the lowest one whose held-out assignments keep precision."""
    none = classes.index(NONE)
    for threshold in sorted({float(p) for row in probabilities for i, p in enumerate(row) if i != none}):
        hits = total = 0
        for row, label in zip(probabilities, labels, strict=True):
            for i, p in enumerate(row):
                if i != none and p >= threshold:
                    total, hits = total + 1, hits + (classes[i] == label)
        if total and hits / total >= target:
            return threshold
    return 1.0


def score(predicted: list[set[str]], gold: list[set[str]], names: list[str]) -> tuple[dict, tuple]:
    per: dict[str, tuple[float, float, float, int]] = {}
    tp_all = fp_all = fn_all = 0
    for name in names:
        tp = sum(name in p and name in g for p, g in zip(predicted, gold, strict=True))
        fp = sum(name in p and name not in g for p, g in zip(predicted, gold, strict=True))
        fn = sum(name not in p and name in g for p, g in zip(predicted, gold, strict=True))
        tp_all, fp_all, fn_all = tp_all + tp, fp_all + fp, fn_all + fn
        per[name] = (*_prf(tp, fp, fn), tp + fn)
    return per, _prf(tp_all, fp_all, fn_all)


def _prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    p = tp / (tp + fp) if tp + fp else 1.0
    r = tp / (tp + fn) if tp + fn else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def measure(assign, embedder: Embedder, rows: list[dict], tweets: list[str], names: list[str]) -> Scores:
    texts = [r["text"] for r in rows]
    predicted = assign(embedder.embed(texts), texts)
    gold = [set(r["categories"]) for r in rows]
    per, micro = score(predicted, gold, names)
    ordinary = [bool(p) for p, g in zip(predicted, gold, strict=True) if not g]
    on_tweets = assign(embedder.embed(tweets), tweets) if tweets else []
    flagged = sum(bool(p) for p in on_tweets)
    return Scores(per, micro, sum(ordinary) / max(1, len(ordinary)), flagged / max(1, len(tweets)), flagged,
                  len(tweets))


def flagged_tweets(assign, embedder: Embedder, tweets: list[str]) -> list[tuple[str, set[str]]]:
    return [(t, p) for t, p in zip(tweets, assign(embedder.embed(tweets), tweets), strict=True) if p]


def table(kind: str, name: str, before: Scores, after: Scores, split: str, n: int) -> list[str]:
    lines = [f"### {kind} (`{name}`), {split} part ({n} posts)", "",
             "| category | support | precision before | precision now | recall before | recall now | F1 before "
             "| F1 now |",
             "|---|---|---|---|---|---|---|---|"]
    for cat in before.per_category:
        b, a = before.per_category[cat], after.per_category[cat]
        lines.append(f"| {cat} | {a[3]} | {b[0]:.2f} | {a[0]:.2f} | {b[1]:.2f} | {a[1]:.2f} | {b[2]:.2f} "
                     f"| {a[2]:.2f} |")
    lines.append(f"| **micro average** | {sum(v[3] for v in after.per_category.values())} | **{before.micro[0]:.2f}** "
                 f"| **{after.micro[0]:.2f}** | **{before.micro[1]:.2f}** | **{after.micro[1]:.2f}** "
                 f"| **{before.micro[2]:.2f}** | **{after.micro[2]:.2f}** |")
    lines += ["", "| risk-free text that gets a category | before | now |", "|---|---|---|",
              f"| ordinary posts of the set ({split}) | {before.ordinary_flagged:.1%} | {after.ordinary_flagged:.1%} |",
              (f"| MPs' tweets, April 2020, no retweets ({after.tweets_n}) | {before.tweets_flagged_n} "
               f"({before.tweets_flagged:.1%}) | {after.tweets_flagged_n} ({after.tweets_flagged:.1%}) |")]
    return lines


def write_section(out: Path, lines: list[str]) -> None:
    old = out.read_text(encoding="utf-8") if out.exists() else ""
    block = "\n".join([BEGIN, *lines, END])
    if BEGIN in old and END in old:
        text = old[:old.index(BEGIN)] + block + old[old.index(END) + len(END):]
    else:
        text = old.rstrip("\n") + ("\n\n<!-- notes -->" if "<!-- notes -->" not in old else "") + "\n\n" + block + "\n"
    out.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embedder", action="append", help=f"repeatable; default: {', '.join(EMBEDDERS)}")
    ap.add_argument("--split", choices=("dev", "test", "all"), default="test")
    ap.add_argument("--data", type=Path, default=Path("/work/shared/eval-data"))
    ap.add_argument("--emb-cache", type=Path, default=ROOT / "var" / "bench-vectors")
    ap.add_argument("--no-write", action="store_true", help="print the tables; leave docs/QUALITY.md alone")
    ap.add_argument("--show", type=int, default=0, help="print up to N misses and flagged tweets per model")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "QUALITY.md")
    a = ap.parse_args(argv)
    kinds = a.embedder or list(EMBEDDERS)
    rows, tweets = read_set(a.split), read_tweets(a.data)
    config = load_config()
    names = [c.name for c in config.categories]
    flags = "".join(f" --embedder {k}" for k in kinds)
    lines = ["## Risk categories (issue #12)", "",
             (f"Generated by `python -m bench.categories{flags}` on {datetime.now(UTC):%Y-%m-%d %H:%M} UTC. "
              "Post level, on the held-out part of the synthetic set bench/data/categories-nl.jsonl (tuned on its "
              f"dev part only), and on real risk-free Dutch text. \"Before\" is the classifier of commit {BEFORE}, "
              "trained and measured in the same run.")]
    for kind in kinds:
        a.emb_cache.mkdir(parents=True, exist_ok=True)
        embedder = CachedEmbedder(resolve_embedder(kind), a.emb_cache / f"categories-{kind}.npz")
        t = time.perf_counter()
        before_assign = train_before(embedder)
        model = train_category_model(embedder, list(config.categories), settings=config.classifier.categories,
                                     evidence=Evidence.from_watchlists(config.watchlists))
        trained = time.perf_counter() - t

        def after_assign(vecs: np.ndarray, texts: list[str], model=model) -> list[set[str]]:
            return [set(d) for d in model.assign(vecs, texts)]
        before = measure(before_assign, embedder, rows, tweets, names)
        after = measure(after_assign, embedder, rows, tweets, names)
        section = table(kind, embedder.name, before, after, a.split, len(rows))
        if a.split == "test":  # the part the settings were tuned on, for comparison
            dev = read_set("dev")
            dev_before, dev_after = (measure(f, embedder, dev, [], names) for f in (before_assign, after_assign))
            section += ["", (f"On the dev part ({len(dev)} posts, tuned on): micro precision "
                             f"{dev_before.micro[0]:.2f} -> {dev_after.micro[0]:.2f}, recall {dev_before.micro[1]:.2f} "
                             f"-> {dev_after.micro[1]:.2f}.")]
        embedder.save()
        lines += ["", *section, "",
                  f"Training both took {trained:.0f} s (the vectors of earlier runs come from {a.emb_cache.name}/).",
                  "Thresholds now: " + ", ".join(f"{c} {v:.2f}" for c, v in sorted(model.thresholds.items()))]
        print("\n".join(section) + "\n", file=sys.stderr)
        if a.show:
            texts = [r["text"] for r in rows]
            for r, p in zip(rows, model.assign(embedder.embed(texts), texts), strict=True):
                if set(p) != set(r["categories"]):
                    print(f"  MISS {r['id']} gold={r['categories']} got={ {k: round(v, 2) for k, v in p.items()} } "
                          f"{r['text'][:90]}", file=sys.stderr)
            for text, found in flagged_tweets(after_assign, embedder, tweets)[:a.show]:
                print(f"  TWEET {sorted(found)} {text[:110]}", file=sys.stderr)
    if not a.no_write:
        write_section(a.out, lines)
        print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
