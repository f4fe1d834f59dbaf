"""Import posts from files: JSON Lines, CSV, and 4CAT exports (NDJSON, including Zeeschuimer captures, and CSV).

Bad rows are reported with their line number and reason and skipped; every good row lands.
"""
from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from sqlalchemy.engine import Engine

from crawlers.matching import WatchlistMatcher
from crawlers.normalise import InvalidPost, RawPost, normalise
from crawlers.rows import FourCatRow, PlainRow, load_json_line, validated
from crawlers.storing import store_each
from crawlers.zeeschuimer import map_item
from models.ingest import PostIn, StoreResult

Format = Literal["jsonl", "csv", "4cat"]
FORMATS: tuple[str, ...] = ("jsonl", "csv", "4cat")
MAX_REPORTED = 1000
COUNT_FIELDS = ("likes", "shares", "replies", "views")


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


def from_plain_row(row: dict[str, Any]) -> RawPost:
    """The product's own post shape: {"id", "text", "created_at", "platform"} plus optional fields."""
    valid = validated(PlainRow, row)
    return RawPost(
        platform=valid.platform, external_id=valid.id, text=valid.text, created_at=valid.created_at,
        author=valid.author, url=valid.url, language=valid.language,
        likes=valid.likes, shares=valid.shares, replies=valid.replies, views=valid.views,
    )


def from_4cat_row(row: dict[str, Any], platform: str) -> RawPost:
    """A 4CAT item: a Zeeschuimer capture (with `source_platform` and `data`) or 4CAT's mapped columns."""
    if "source_platform" in row and "data" in row:
        return map_item(str(row["source_platform"]), row)
    when = row.get("unix_timestamp") or row.get("timestamp")
    if isinstance(when, str) and len(when) == 19 and when[10] == " ":
        when = when.replace(" ", "T") + "Z"  # 4CAT writes UTC as 'YYYY-MM-DD HH:MM:SS'
    valid = validated(FourCatRow, {
        **{name: row.get(name) for name in ("id", "author", *COUNT_FIELDS)},
        "body": row.get("body") or row.get("text") or "", "timestamp": when,
        "platform": row.get("platform") or platform, "url": row.get("url") or row.get("link") or None,
    })
    return RawPost(
        platform=valid.platform, external_id=valid.id, text=valid.body, created_at=valid.timestamp,
        author=valid.author, url=valid.url,
        likes=valid.likes, shares=valid.shares, replies=valid.replies, views=valid.views,
    )


def _json_lines(path: Path) -> Iterator[tuple[int, dict[str, Any] | InvalidPost]]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                value = load_json_line(line)
            except InvalidPost as exc:
                yield number, exc
                continue
            yield number, value if isinstance(value, dict) else InvalidPost("a line must be a JSON object")


def _csv_rows(path: Path) -> Iterator[tuple[int, dict[str, Any] | InvalidPost]]:
    with path.open(encoding="utf-8-sig", errors="replace", newline="") as handle:
        reader = csv.DictReader(handle)
        last = 1
        while True:
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:  # a field over the csv module's limit, for one: that row only
                last += 1
                yield last, InvalidPost(f"not a usable CSV row ({exc}); fix: a post's text is at most 20,000 "
                                        "characters")
                continue
            last = reader.line_num
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
    batch: list[tuple[int, PostIn]] = []
    totals = StoreResult()

    def skip(number: int, reason: str) -> None:
        report.error_count += 1
        if len(report.errors) < MAX_REPORTED:
            report.errors.append(RowError(number, reason))

    def flush() -> None:
        outcome = store_each(engine, batch)
        totals.__iadd__(outcome.totals)
        for number, reason in outcome.refused:
            skip(number, reason)
        batch.clear()

    for number, item in read_posts(path, fmt, platform):
        report.rows += 1
        try:
            if isinstance(item, InvalidPost):
                raise item
            batch.append((number, normalise(item, key=key, matcher=matcher)))
        except InvalidPost as exc:
            skip(number, str(exc))
        if len(batch) >= batch_size:
            flush()
        if on_progress:
            on_progress(number)
    flush()
    report.errors.sort(key=lambda error: error.line)
    report.stored, report.duplicates = totals.stored, totals.duplicates
    return report
