"""Regenerate docs/QUALITY.md: the trend tracker against BERTopic on the same embeddings, on shared/eval-data.

    python -m bench.quality [--embedder e5-small --embedder use-m3] [--data /work/shared/eval-data] [--skip-replay]
                            [--emb-cache var/bench-vectors]

1. Clustering: NMI, ARI, accuracy (Hungarian matching; unassigned posts count as one cluster, for both) and the
   number of clusters found, for `cluster_posts` (default TrendSettings; also with `centre_posts: 0` and with
   `cluster_graph: 0`, the file through the stream's engine as before the tree cut) and BERTopic at its defaults (UMAP
   random_state fixed) on sib200-nl (Dutch and English), reportedly-2015, wikitimes stories, a CrisisLex subset.
2. Replay: the CrisisLexT26 8-week stream through shared/tools/trend_eval.py with `python -m classifier.replay`,
   beside the anchors that trend_eval reports in its README.
"""
from __future__ import annotations

import argparse
import csv
import re
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score
from sklearn.metrics.cluster import contingency_matrix

from classifier.cli_contract import cluster_posts, embed_all
from classifier.cli_main import CachedEmbedder, resolve_embedder
from classifier.state import StreamPost
from monitor_config.trends import TrendSettings

ROOT = Path(__file__).resolve().parent.parent
T0 = datetime(2000, 1, 1, tzinfo=UTC)
EMBEDDERS = ("e5-small", "use-m3")  # the product's default, and the fast alternative
ANCHORS = [("spike rule per term (anchor, trend_eval README)", "7/9", "9.2 h", "17.6", "0.86", "0.39", "83.9", "3 s"),
           ("BERTopic, all 8 weeks at once, hindsight (anchor, trend_eval README)", "8/9", "10.9 h", "1.1", "0.89",
            "0.44", "9.4", "173 s")]
# Recorded runs of the tracker before the space was centred (commit f3523ee), shown beside today's run.
BEFORE = "f3523ee"
BEFORE_REPLAY = {"use-m3": ("9/9", "11.1 h", "0.6", "0.91", "0.60", "5.0", "33 s from cached vectors"),
                 "e5-small": ("8/9", "10.1 h", "0.4", "0.95", "0.64", "4.9", "1764 s incl. embedding")}


def read(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t", quoting=csv.QUOTE_NONE, dtype=str, keep_default_na=False)


def datasets(data: Path) -> dict[str, tuple[list[str], list[str]]]:
    sib = read(data / "sib200-nl" / "sib200_nl.tsv")
    rep = read(data / "reportedly-2015" / "reportedly_threads.tsv.gz")
    wiki = read(data / "wikitimes-cep-2015-09" / "wikitimes_cep_2015_09.tsv")
    wiki = wiki[wiki["story_id"] != ""]
    crisis = read(data / "crisislex-t26" / "crisislex_t26_labeled.tsv.gz")
    crisis = crisis[crisis["informativeness"].str.startswith("Related")].drop_duplicates("text")
    crisis = crisis.groupby("event", group_keys=False).sample(n=80, random_state=13).sort_values("tweet_id")
    return {"sib200-nl (Dutch)": (list(sib["text"]), list(sib["label"])),
            "sib200-nl (English)": (list(sib["text_en"]), list(sib["label"])),
            "reportedly-2015 threads": (list(rep["text"]), list(rep["event_id"])),
            "wikitimes stories": (list(wiki["text"]), list(wiki["story_id"])),
            "crisislex-t26 events (2,080)": (list(crisis["text"]), list(crisis["event"]))}


def scores(truth: list[str], pred: np.ndarray) -> dict:
    cm = contingency_matrix(truth, pred)
    rows, cols = linear_sum_assignment(-cm)
    return {"nmi": normalized_mutual_info_score(truth, pred), "ari": adjusted_rand_score(truth, pred),
            "acc": cm[rows, cols].sum() / len(truth), "k": len(set(pred.tolist()) - {-1}),
            "unassigned": float((pred == -1).mean())}


def ours(texts: list[str], vecs: np.ndarray, settings: TrendSettings | None = None) -> np.ndarray:
    posts = [StreamPost(id=str(i), text=t, created_at=T0 + timedelta(microseconds=i)) for i, t in enumerate(texts)]
    labels = cluster_posts(posts, vecs, settings or TrendSettings())
    return np.array([labels[p.id] for p in posts])


def uncentred(texts: list[str], vecs: np.ndarray) -> np.ndarray:
    """Ours without centring the space: the ablation of `centre_posts`, measured in the same run."""
    return ours(texts, vecs, TrendSettings(centre_posts=0))


def engine(texts: list[str], vecs: np.ndarray) -> np.ndarray:
    """Ours before the tree cut: the file through the stream's engine (`cluster_graph: 0`), in the same run."""
    return ours(texts, vecs, TrendSettings(cluster_graph=0))


def bertopic(texts: list[str], vecs: np.ndarray) -> np.ndarray:
    from bertopic import BERTopic
    from umap import UMAP

    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42)
    return np.array(BERTopic(umap_model=umap).fit_transform(texts, vecs)[0])


def clustering_table(data: Path, embedder) -> list[str]:
    lines = ["| data set | n | true k | method | NMI | ARI | accuracy | clusters found | unassigned | time |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for name, (texts, truth) in datasets(data).items():
        vecs = embed_all(embedder, texts)
        for method, fn in (("trends (ours)", ours), ("ours, space not centred", uncentred),
                           ("ours through the stream engine (before the tree cut)", engine),
                           ("BERTopic defaults", bertopic)):
            t = time.perf_counter()
            s = scores(truth, fn(texts, vecs))
            lines.append(f"| {name} | {len(texts)} | {len(set(truth))} | {method} | {s['nmi']:.3f} | {s['ari']:.3f} "
                         f"| {s['acc']:.3f} | {s['k']} | {s['unassigned']:.0%} | {time.perf_counter() - t:.0f} s |")
            print(lines[-1], file=sys.stderr)
    return lines


_SUMMARY = re.compile(r"events (\S+) flagged, median delay \S+ h \(alert (\S+) h\), false emerging/week (\S+), "
                      r"purity (\S+), recall (\S+), split (\S+), wall (\S+) s")


def _replay(tools: Path, cmd: str, name: str) -> str:
    run = subprocess.run([sys.executable, str(tools / "trend_eval.py"), "run", "--name", name, "--command", cmd],
                         capture_output=True, text=True, check=True)
    return run.stdout.strip()


def replay_section(tools: Path, embedder_kind: str, emb_cache: Path | None = None) -> list[str]:
    cmd = (f"cd {ROOT} && PYTHONPATH={ROOT} {sys.executable} -m classifier.replay {{in}} --window 1d --out {{out}}"
           f" --embedder {embedder_kind}" + (f" --emb-cache {emb_cache}" if emb_cache else ""))
    t = time.perf_counter()
    report = _replay(tools, cmd, "trends")
    summary = report.splitlines()[-1]
    m = _SUMMARY.search(summary)
    # the same code without the new-event check (issue #12: two events stay two trends), in the same run
    off = _replay(tools, cmd + " --set new_event_check=false", "trends-no-new-event")
    without = _SUMMARY.search(off.splitlines()[-1])
    table = ["| method | flagged | median alert delay | false emerging / week | purity | recall | split | wall |",
             "|---|---|---|---|---|---|---|---|"]
    table += ["| " + " | ".join(row) + " |" for row in ANCHORS]
    if embedder_kind in BEFORE_REPLAY:
        table.append(f"| trends before centring ({BEFORE}, recorded run), {embedder_kind} | "
                     + " | ".join(BEFORE_REPLAY[embedder_kind]) + " |")
    if without:
        f = without.groups()
        table.append(f"| trends without the new-event check (`new_event_check: false`, same run), {embedder_kind} | "
                     f"{f[0]} | {f[1]} h | {f[2]} | {f[3]} | {f[4]} | {f[5]} | {f[6]} s |")
    if m:
        f = m.groups()
        table.append(f"| **trends (this version), window by window, {embedder_kind}** | **{f[0]}** | **{f[1]} h** "
                     f"| **{f[2]}** | **{f[3]}** | **{f[4]}** | **{f[5]}** | {f[6]} s |")
    return table + ["", "Command: `" + cmd + "`", "", "```", report, "```", "",
                    f"Our line: `{summary}` ({time.perf_counter() - t:.0f} s with the build; wall times on a shared "
                    "2-core machine)."]


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--embedder", action="append", help=f"repeatable; default: {', '.join(EMBEDDERS)}")
    ap.add_argument("--data", type=Path, default=Path("/work/shared/eval-data"))
    ap.add_argument("--tools", type=Path, default=Path("/work/shared/tools"))
    ap.add_argument("--skip-replay", action="store_true")
    ap.add_argument("--emb-cache", type=Path, default=None,
                    help="a folder keeping vectors per text and model (<kind>.npz, <kind>-replay.npz), reused")
    ap.add_argument("--out", type=Path, default=ROOT / "docs" / "QUALITY.md")
    a = ap.parse_args(argv)
    kinds = a.embedder or list(EMBEDDERS)
    flags = "".join(f" --embedder {k}" for k in kinds)
    parts = [f"<!-- generated by `python -m bench.quality{flags}`; edit bench/quality.py -->",
             "# Quality of the trend tracker", "",
             "Each method gets the same vectors of the same model. Settings: `TrendSettings()` defaults (see "
             "monitor_config/trends.py).",
             f"Generated {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on a shared 2-core machine."]
    for kind in kinds:
        embedder = resolve_embedder(kind)
        if a.emb_cache:
            a.emb_cache.mkdir(parents=True, exist_ok=True)
            embedder = CachedEmbedder(embedder, a.emb_cache / f"{kind}.npz")
        parts += ["", f"## {kind} (`{embedder.name}`)", "", "### Clustering (stateless `cluster`)", ""]
        parts += clustering_table(a.data, embedder)
        if isinstance(embedder, CachedEmbedder):
            embedder.save()
        if not a.skip_replay:
            parts += ["", "### CrisisLexT26 replay through trend_eval.py (full scale, window 1d)", ""]
            parts += replay_section(a.tools, kind, a.emb_cache / f"{kind}-replay.npz" if a.emb_cache else None)
    text = "\n".join(parts) + "\n"
    marker = "<!-- notes -->"
    if a.out.exists() and marker in (old := a.out.read_text(encoding="utf-8")):
        text += "\n" + old[old.index(marker):]
    a.out.write_text(text, encoding="utf-8")
    print(f"wrote {a.out}", file=sys.stderr)


if __name__ == "__main__":
    main()
