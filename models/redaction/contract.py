"""`leefwereld redact IN.jsonl --out OUT.jsonl`: lines {"id", "text"} in, the same lines with the text redacted out.

Every line is checked before anything is written, so a bad line leaves no half-written output; the error names
the file, the line and the fix. Other keys of a line are dropped: only "id" and the redacted "text" come out.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

from models.redaction import redact


class RedactInputError(ValueError):
    """A line of the input cannot be redacted; the message names the file and line."""


def read_lines(path: Path) -> list[tuple[object, str]]:
    rows: list[tuple[object, str]] = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise RedactInputError(f"{path}:{number}: not valid JSON ({exc}); fix: one JSON object per line, "
                                       'such as {"id": "p1", "text": "..."}') from None
            if not isinstance(row, dict) or "id" not in row or not isinstance(row.get("text"), str):
                raise RedactInputError(f'{path}:{number}: each line needs "id" and a string "text"; fix: '
                                       '{"id": "p1", "text": "..."}')
            rows.append((row["id"], row["text"]))
    return rows


def redact_file(in_path: Path, out_path: Path) -> int:
    """Redact every line of `in_path` into `out_path` (written whole, or not at all); returns the line count."""
    try:
        rows = read_lines(in_path)
    except UnicodeDecodeError as exc:
        raise RedactInputError(f"{in_path}: not UTF-8 text ({exc.reason}); fix: save the file as UTF-8") from None
    out_path.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(dir=out_path.parent, prefix=f".{out_path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            for ident, text in rows:
                handle.write(json.dumps({"id": ident, "text": redact(text)}, ensure_ascii=False) + "\n")
        os.replace(temporary, out_path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return len(rows)
