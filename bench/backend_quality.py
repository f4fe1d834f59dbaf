"""Does a faster encoder backend keep the quality? The dev sets, per backend of e5-small, through the product's
own commands: NMI with `leefwereld cluster`, the CrisisLexT26 replay through trend_eval.py with `leefwereld replay`,
and the risk categories with bench/categories.py.

    PYTHONPATH=. python -m bench.backend_quality [--backends onnx,openvino,openvino-int8,onnx-int8]
                                                 [--data /work/shared/eval-data] [--tools /work/shared/tools]
                                                 [--replay-scale 1.0] [--skip-categories]

The float32 reference is the first backend given. Its vectors are torch's to a cosine of 0.99999 or better
(bench/throughput.py measures that in every run), and it runs several times faster than torch on this shared
machine, which is why it stands in for torch here. A backend keeps the quality when its NMI is within 0.01 of the
reference on every set and the replay flags no fewer events. Nothing is cached between backends: the float32
exports share torch's vector name, so a vector cache would hand one backend the other's vectors.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from sklearn.metrics import normalized_mutual_info_score

from bench.quality import datasets

ROOT = Path(__file__).resolve().parent.parent
LEEFWERELD = Path(sys.executable).with_name("leefwereld")
SUMMARY = re.compile(r"events (\d+)/(\d+) flagged, median delay \S+ h \(alert (\S+) h\), false emerging/week (\S+), "
                     r"purity (\S+), recall (\S+), split (\S+), wall (\S+) s")


def command_line() -> str:
    return "PYTHONPATH=. python -m bench.backend_quality " + " ".join(shlex.quote(a) for a in sys.argv[1:])


def nmi_per_set(backend: str, data: Path, scratch: Path) -> dict[str, float]:
    scores = {}
    for name, (texts, truth) in datasets(data).items():
        safe = re.sub(r"\W+", "-", name).strip("-")
        source, out = scratch / f"{safe}.jsonl", scratch / f"{safe}-{backend}.out.jsonl"
        source.write_text("".join(json.dumps({"id": str(i), "text": t}, ensure_ascii=False) + "\n"
                                  for i, t in enumerate(texts)), encoding="utf-8")
        subprocess.run([str(LEEFWERELD), "cluster", str(source), "--out", str(out), "--embedder",
                        f"e5-small@{backend}"], check=True, capture_output=True, text=True)
        found = {row["id"]: row["cluster"] for row in map(json.loads, out.read_text(encoding="utf-8").splitlines())}
        scores[name] = float(normalized_mutual_info_score(truth, [found[str(i)] for i in range(len(texts))]))
        print(f"  {backend:<14} {name:<32} NMI {scores[name]:.3f}", file=sys.stderr, flush=True)
    return scores


def replay(backend: str, tools: Path, scale: float) -> tuple[str, tuple[str, ...] | None]:
    command = f"{LEEFWERELD} replay {{in}} --window 1d --out {{out}} --embedder e5-small@{backend}"
    run = subprocess.run([sys.executable, str(tools / "trend_eval.py"), "run", "--scale", str(scale),
                          "--name", f"backend-{backend}", "--command", command],
                         capture_output=True, text=True, check=True)
    summary = run.stdout.strip().splitlines()[-1]
    print(f"  {backend:<14} replay: {summary}", file=sys.stderr, flush=True)
    found = SUMMARY.search(summary)
    return summary, found.groups() if found else None


def categories(backend: str, scratch: Path) -> str:
    run = subprocess.run([sys.executable, "-m", "bench.categories", "--embedder", f"e5-small@{backend}",
                          "--no-write", "--emb-cache", str(scratch / f"vectors-{backend}")],
                         capture_output=True, text=True, check=True, cwd=ROOT,
                         env={**os.environ, "PYTHONPATH": str(ROOT)})
    micro = next((line for line in run.stderr.splitlines() if "**micro average**" in line), "")
    tweets = next((line for line in run.stderr.splitlines() if "MPs' tweets" in line), "")
    cells = [c.strip(" *") for c in micro.split("|")[1:-1]]  # category, support, P before, P now, R b, R n, F1 b, F1 n
    flagged = [c.strip() for c in tweets.split("|")[1:-1]]
    result = (f"P {cells[3]}, R {cells[5]}, F1 {cells[7]}; MPs' tweets flagged {flagged[2]}"
              if len(cells) == 8 and len(flagged) == 3 else "(no figures found)")
    print(f"  {backend:<14} categories (test part): {result}", file=sys.stderr, flush=True)
    return result


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--backends", default="onnx,openvino,openvino-int8,onnx-int8",
                    help="comma-separated; the first is the float32 reference")
    ap.add_argument("--data", type=Path, default=Path("/work/shared/eval-data"))
    ap.add_argument("--tools", type=Path, default=Path("/work/shared/tools"))
    ap.add_argument("--replay-scale", type=float, default=1.0)
    ap.add_argument("--skip-replay", action="store_true")
    ap.add_argument("--skip-categories", action="store_true")
    a = ap.parse_args(argv)
    backends = a.backends.split(",")
    print(f"command: {command_line()}", flush=True)
    nmi: dict[str, dict[str, float]] = {}
    replays: dict[str, tuple[str, tuple[str, ...] | None]] = {}
    cats: dict[str, str] = {}
    seconds: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        scratch = Path(tmp)
        for backend in backends:
            started = time.perf_counter()
            nmi[backend] = nmi_per_set(backend, a.data, scratch)
            if not a.skip_replay:
                replays[backend] = replay(backend, a.tools, a.replay_scale)
            if not a.skip_categories:
                cats[backend] = categories(backend, scratch)
            seconds[backend] = time.perf_counter() - started
    reference = backends[0]
    sets = list(nmi[reference])
    print(f"\n## Quality per backend (e5-small; reference {reference}, float32)\n")
    print("| backend | " + " | ".join(f"NMI {s}" for s in sets) + " | largest NMI drop | replay: events flagged "
          "| purity | recall | split | false emerging / week | categories | holds | time |")
    print("|---|" + "---|" * len(sets) + "---|---|---|---|---|---|---|---|---|")
    for backend in backends:
        drop = max(nmi[reference][s] - nmi[backend][s] for s in sets)
        fig = replays.get(backend, ("", None))[1]
        ref_fig = replays.get(reference, ("", None))[1]
        events = f"{fig[0]}/{fig[1]}" if fig else "-"
        lost = fig is not None and ref_fig is not None and int(fig[0]) < int(ref_fig[0])
        holds = drop <= 0.01 and not lost
        rest = " | ".join(fig[4:7] + (fig[3],)) if fig else "- | - | - | -"
        print(f"| {backend} | " + " | ".join(f"{nmi[backend][s]:.3f}" for s in sets)
              + f" | {drop:+.3f} | {events} | {rest} | {cats.get(backend, '-')} | {'yes' if holds else 'no'} "
              f"| {seconds[backend]:.0f} s |")
    for backend, (summary, _) in replays.items():
        print(f"\nreplay, {backend}: `{summary}`")
    print(f"\ncommand: {command_line()}")


if __name__ == "__main__":
    main()
