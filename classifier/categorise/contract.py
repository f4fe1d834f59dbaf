"""The stateless `categorise` contract, as a plain function (like `cluster` in `classifier.cli_contract`).

    categorise IN.jsonl --out OUT.jsonl     lines {"id","text"} -> a line {"id","categories":{name: probability}}
                                            per input line, in input order; {} when the model abstains

The model is the one `process` uses for the same configuration and embedder, without reviewers' verdicts (the
contract has no database); it comes from the model cache, so a second call does not train again.
"""
from __future__ import annotations

import json
from pathlib import Path

from classifier.base import Embedder
from classifier.categorise.cache import CategoryModelCache
from classifier.categorise.evidence import Evidence
from classifier.cli_contract import embed_all, read_jsonl
from classifier.exceptions import InputError
from monitor_config.schema import MonitorConfig


def read_posts(path: str | Path) -> list[dict]:
    """The {"id","text"} lines of a file; a line with another shape is an error naming the line."""
    rows = read_jsonl(path, ("id", "text"))
    lines = [n for n, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1) if line.strip()]
    for n, row in zip(lines, rows, strict=True):
        if not isinstance(row["id"], (str, int)) or isinstance(row["id"], bool):
            raise InputError(f"{path}:{n}: id={row['id']!r} is not a string or a number; give each line its own id")
        if not isinstance(row["text"], str):
            raise InputError(f"{path}:{n}: text={row['text']!r} is not a string; put the post's text in \"text\"")
    return rows


def categorise_file(in_path: str | Path, out_path: str | Path, embedder: Embedder, config: MonitorConfig,
                    models: CategoryModelCache | None = None) -> int:
    """Write {"id","categories"} for every input line; returns how many posts got at least one category."""
    rows = read_posts(in_path)
    models = models or CategoryModelCache()
    model = models.model(embedder, list(config.categories), settings=config.classifier.categories,
                         evidence=Evidence.from_watchlists(config.watchlists))
    texts = [r["text"] for r in rows]
    assigned = model.assign(embed_all(embedder, texts), texts) if rows else []
    with open(out_path, "w", encoding="utf-8") as f:
        for row, chosen in zip(rows, assigned, strict=True):
            categories = {name: round(p, 4) for name, p in sorted(chosen.items(), key=lambda kv: -kv[1])}
            f.write(json.dumps({"id": row["id"], "categories": categories}, ensure_ascii=False) + "\n")
    return sum(bool(c) for c in assigned)
