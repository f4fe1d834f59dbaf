"""Regenerate the "Redaction" section of docs/PRIVACY.md: the redaction before and after, on the labelled set.

    python -m bench.redaction [--data bench/data/redaction-nl.jsonl] [--no-write]

Measured per split (dev, test) and per kind, for the redaction as it was (bench/redaction_before.py) and as it
is (models.redaction), in the same run:
- a span counts as masked when no run of three or more of its letters or digits survives in the output
  (characters are aligned with difflib; a run that is part of a mask token such as "[e-mail]" does not count);
- a look-alike line (price, time, date, postcode, order number, score, helpline, post link) counts as changed
  when the output differs from the input in any way;
- speed: texts per second over the whole set (the name annotators are built before timing).
"""
from __future__ import annotations

import argparse
import difflib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from bench.redaction_before import redact as redact_before
from models.redaction import redact as redact_after
from models.redaction import warm_up

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "bench" / "data" / "redaction-nl.jsonl"
DOC = ROOT / "docs" / "PRIVACY.md"
CONTACT_KINDS = ("phone", "email", "email_obfuscated", "handle", "handle_bare", "fediverse", "profile_url",
                 "link_in_bio")
MASK_WORDS = "[e-mail] [telefoonnummer] @[gebruiker] [gebruiker] [profiel-link] [naam]"
ZERO_WIDTH = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
SPLITS = ("dev", "test", "all")
BEGIN, END = "<!-- redaction-bench:begin -->", "<!-- redaction-bench:end -->"


@dataclass
class Tally:
    masked: dict[str, int] = field(default_factory=dict)
    total: dict[str, int] = field(default_factory=dict)
    lookalikes: int = 0
    lookalikes_changed: int = 0
    misses: list[str] = field(default_factory=list)

    def add_span(self, kind: str, masked: bool) -> None:
        self.total[kind] = self.total.get(kind, 0) + 1
        self.masked[kind] = self.masked.get(kind, 0) + int(masked)

    def recall(self, kinds: tuple[str, ...]) -> tuple[int, int]:
        return sum(self.masked.get(k, 0) for k in kinds), sum(self.total.get(k, 0) for k in kinds)


def kept_blocks(source: str, output: str) -> list[tuple[int, int]]:
    """Stretches [start, end) of the source that survive unchanged, in one piece, in the output."""
    matcher = difflib.SequenceMatcher(None, source, output, autojunk=False)
    return [(b.a, b.a + b.size) for b in matcher.get_matching_blocks() if b.size]


def span_masked(source: str, kept: list[tuple[int, int]], start: int, end: int) -> bool:
    """Masked unless a surviving stretch inside the span holds a run of 3+ letters or digits (mask words aside)."""
    for block_start, block_end in kept:
        piece = ZERO_WIDTH.sub("", source[max(start, block_start):min(end, block_end)])
        for run in re.findall(r"[^\W_]{3,}", piece):
            if run.casefold() not in MASK_WORDS:
                return False
    return True


def evaluate(lines: list[dict], redact: Callable[[str], str], split: str) -> Tally:
    tally = Tally()
    for line in lines:
        if split != "all" and line["split"] != split:
            continue
        output = redact(line["text"])
        if line["lookalike"]:
            tally.lookalikes += 1
            if output != line["text"]:
                tally.lookalikes_changed += 1
                tally.misses.append(f"changed {line['id']}: {line['text']!r} -> {output!r}")
            continue
        kept = kept_blocks(line["text"], output)
        for span in line["spans"]:
            masked = span_masked(line["text"], kept, span["start"], span["end"])
            tally.add_span(span["kind"], masked)
            if not masked:
                tally.misses.append(f"missed {span['kind']} {line['id']}: "
                                    f"{line['text'][span['start']:span['end']]!r} in {output!r}")
    return tally


def speed(lines: list[dict], redact: Callable[[str], str], rounds: int = 3) -> float:
    texts = [line["text"] for line in lines]
    started = time.perf_counter()
    for _ in range(rounds):
        for text in texts:
            redact(text)
    return rounds * len(texts) / (time.perf_counter() - started)


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}% ({part}/{whole})" if whole else "-"


def table(results: dict[tuple[str, str], Tally], speeds: dict[str, float], lines: list[dict]) -> str:
    rows = [("contact spans masked", CONTACT_KINDS), ("names masked", ("name",))]
    rows += [(f"- {kind}", (kind,)) for kind in CONTACT_KINDS]
    head = ("| | before, dev | after, dev | before, test | after, test | before, all | after, all |\n"
            "|---|---|---|---|---|---|---|\n")
    body = ""
    for label, kinds in rows:
        cells = [percent(*results[(v, s)].recall(kinds)) for s in SPLITS for v in ("before", "after")]
        body += f"| {label} | " + " | ".join(cells) + " |\n"
    changed = [percent(results[(v, s)].lookalikes_changed, results[(v, s)].lookalikes)
               for s in SPLITS for v in ("before", "after")]
    body += "| look-alike lines changed | " + " | ".join(changed) + " |\n"
    body += (f"| speed, texts/s (whole set, same run) | | | | | {speeds['before']:,.0f} | {speeds['after']:,.0f} "
             f"({speeds['after'] / speeds['before']:.2f}x) |\n")
    spans = sum(len(line["spans"]) for line in lines)
    lookalikes = sum(1 for line in lines if line["lookalike"])
    return (f"{BEGIN}\nSet: `bench/data/redaction-nl.jsonl`, {len(lines)} lines ({spans} labelled spans, "
            f"{lookalikes} look-alike lines), split into dev and test by template, name parts and value forms.\n\n"
            f"{head}{body}{END}")


def write_doc(section: str) -> None:
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Privacy\n"
    if BEGIN in text:
        before, rest = text.split(BEGIN, 1)
        text = before + section + rest.split(END, 1)[1]
    else:
        text = text.rstrip() + "\n\n## Redaction\n\n" + section + "\n"
    DOC.write_text(text, encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=DATA)
    parser.add_argument("--no-write", action="store_true", help="print the table, leave docs/PRIVACY.md alone")
    parser.add_argument("--misses", action="store_true", help="list every missed span and changed look-alike")
    args = parser.parse_args()
    lines = [json.loads(line) for line in args.data.read_text(encoding="utf-8").splitlines() if line.strip()]
    warm_up()
    versions = {"before": redact_before, "after": redact_after}
    results = {(v, s): evaluate(lines, f, s) for v, f in versions.items() for s in SPLITS}
    speeds = {v: speed(lines, f) for v, f in versions.items()}
    section = table(results, speeds, lines)
    print(section)
    if args.misses:
        for split in ("dev", "test"):
            print(f"\n{split}:", *results[("after", split)].misses, sep="\n  ")
    if not args.no_write:
        write_doc(section)


if __name__ == "__main__":
    main()
