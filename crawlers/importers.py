"""Import posts from files: JSON Lines, CSV, and 4CAT exports (NDJSON, including Zeeschuimer captures, and CSV).

Bad rows are reported with their line number and reason and skipped; every good row lands.
"""
from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.engine import Engine

from crawlers.matching import WatchlistMatcher
from crawlers.normalise import InvalidPost, RawPost, normalise
from crawlers.zeeschuimer import map_item
from models.db import session_scope
from models.ingest import PostIn, StoreResult, store_posts

Format = Literal["jsonl", "csv", "4cat"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "4cat")
MAX_REPORTED = 1000


@dataclass
class RowError:
    line: int
    reason: str


@dataclass
class ImportReport:
    path: str
    format: str
    rows: int = 0
    stored: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "path": self.path, "format": self.format, "rows": self.rows, "stored": self.stored,
            "duplicates": self.duplicates, "skipped": self.error_count,
            "errors": [{"line": e.line, "reason": e.reason} for e in self.errors],
        }


def guess_format(path: Path) -> Format:
    return "csv" if path.suffix.lower() == ".csv" else "jsonl"


def parse_time(value: Any, field_name: str = "created_at") -> datetime:
    """ISO 8601 with a zone (a trailing Z is fine) or Unix seconds."""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, tz=UTC)
    if not isinstance(value, str) or not value.strip():
        raise InvalidPost(f"{field_name} is missing; fix: ISO 8601 such as 2026-10-05T15:30:00Z")
    text = value.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), tz=UTC)
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidPost(f"{field_name} {value!r} is not a date; fix: ISO 8601 such as 2026-10-05T15:30:00Z") from None
    if parsed.tzinfo is None:
        raise InvalidPost(f"{field_name} {value!r} has no time zone; fix: end it with Z (UTC) or an offset like +02:00")
    return parsed


def _count(row: dict[str, Any], name: str) -> int | None:
    value = row.get(name)
    if value in (None, ""):
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        raise InvalidPost(f"{name} is {value!r}, not a number; fix: a whole number or leave it empty") from None


def _require(row: dict[str, Any], name: str) -> str:
    value = row.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise InvalidPost(f"{name} is missing; fix: every row needs 'id', 'text', 'created_at' and 'platform'")
    return str(value)


def from_plain_row(row: dict[str, Any]) -> RawPost:
    """The product's own post shape: {"id", "text", "created_at", "platform"} plus optional fields."""
    return RawPost(
        platform=_require(row, "platform"),
        external_id=_require(row, "id"),
        text=_require(row, "text"),
        created_at=parse_time(row.get("created_at")),
        author=str(row["author"]) if row.get("author") not in (None, "") else None,
        url=row.get("url") or None,
        language=row.get("language") or None,
        likes=_count(row, "likes"), shares=_count(row, "shares"), replies=_count(row, "replies"),
        views=_count(row, "views"),
    )


def from_4cat_row(row: dict[str, Any], platform: str) -> RawPost:
    """A 4CAT item: a Zeeschuimer capture (with `source_platform` and `data`) or 4CAT's mapped columns."""
    if "source_platform" in row and "data" in row:
        return map_item(str(row["source_platform"]), row)
    when = row.get("unix_timestamp") or row.get("timestamp")
    if isinstance(when, str) and len(when) == 19 and when[10] == " ":
        when = when.replace(" ", "T") + "Z"  # 4CAT writes UTC as 'YYYY-MM-DD HH:MM:SS'
    return RawPost(
        platform=str(row.get("platform") or platform),
        external_id=_require(row, "id"),
        text=str(row.get("body") or row.get("text") or ""),
        created_at=parse_time(when, "timestamp"),
        author=str(row["author"]) if row.get("author") else None,
        url=row.get("url") or row.get("link") or None,
        likes=_count(row, "likes"), shares=_count(row, "shares"), replies=_count(row, "replies"),
        views=_count(row, "views"),
    )


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | InvalidPost]]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, InvalidPost(f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})")
                continue
            yield number, value if isinstance(value, dict) else InvalidPost("a line must be a JSON object")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | InvalidPost]]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            if None in row:
                yield reader.line_num, InvalidPost("more values than columns in the header")
                continue
            yield reader.line_num, row


def read_posts(path: Path, fmt: Format, platform: str = "4cat") -> Iterator[tuple[int, RawPost | InvalidPost]]:
    """Yield (line number, raw post or the reason the row is unusable)."""
    rows = _csv_rows(path) if fmt == "csv" or (fmt == "4cat" and path.suffix.lower() == ".csv") else _json_lines(path)
    convert: Callable[[dict[str, Any]], RawPost] = (
        (lambda row: from_4cat_row(row, platform)) if fmt == "4cat" else from_plain_row
    )
    for number, row in rows:
        if isinstance(row, InvalidPost):
            yield number, row
            continue
        try:
            yield number, convert(row)
        except InvalidPost as exc:
            yield number, exc


def import_file(
    path: Path,
    *,
    engine: Engine,
    key: bytes,
    fmt: Format | None = None,
    matcher: WatchlistMatcher | None = None,
    batch_size: int = 500,
    platform: str = "4cat",
    on_progress: Callable[[int], None] | None = None,
) -> ImportReport:
    """Import a file in batches (each committed on its own) and report what landed and what was skipped."""
    fmt = fmt or guess_format(path)
    report = ImportReport(path=str(path), format=fmt)
    batch: list[PostIn] = []
    totals = StoreResult()

    def flush() -> None:
        if batch:
            with session_scope(engine) as session:
                totals.__iadd__(store_posts(session, batch))
            batch.clear()

    for number, item in read_posts(path, fmt, platform):
        report.rows += 1
        try:
            if isinstance(item, InvalidPost):
                raise item
            batch.append(normalise(item, key=key, matcher=matcher))
        except InvalidPost as exc:
            report.error_count += 1
            if len(report.errors) < MAX_REPORTED:
                report.errors.append(RowError(number, str(exc)))
        if len(batch) >= batch_size:
            flush()
        if on_progress:
            on_progress(number)
    flush()
    report.stored, report.duplicates = totals.stored, totals.duplicates
    return report
