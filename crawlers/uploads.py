"""Zeeschuimer uploads: an NDJSON capture from the browser extension, mapped, normalised and stored as one run.

Youth workers captured these posts on purpose, so every valid item is kept (with the watchlists it matches);
lines that cannot be used are counted and reported with their line and field, never stored in part. The run
is always finished, also when storing fails, so its status never stays "running".
"""
from __future__ import annotations

import hashlib
import logging
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from crawlers.matching import WatchlistMatcher
from crawlers.normalise import InvalidPost, normalise
from crawlers.rows import load_json_line
from crawlers.storing import store_each
from crawlers.zeeschuimer import MAPPERS, map_item
from models.content import CrawlRun, Upload
from models.crawling import finish_run, start_runs
from models.db import session_scope
from models.ingest import PostIn, StoreResult

UPLOAD_SOURCE = "zeeschuimer"
MAX_REPORTED_ERRORS = 20
MAX_LINE_BYTES = 8 * 1024 * 1024  # one captured item; a longer line is reported, not parsed

log = logging.getLogger(__name__)


class UnknownPlatform(ValueError):
    """The X-Zeeschuimer-Platform header names a platform without a mapper."""


@dataclass
class UploadResult:
    run_id: int
    rows: int = 0
    stored: int = 0
    duplicates: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)

    def skip(self, line: int, reason: str) -> None:
        self.skipped += 1
        if len(self.errors) < MAX_REPORTED_ERRORS:
            self.errors.append(f"line {line}: {reason}")


def is_known_platform(platform: str) -> bool:
    return platform in MAPPERS


def key_hash(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()


def start_upload(session: Session, *, uploader: str) -> tuple[int, str]:
    """Record a new upload as a running crawl run; returns its run id and its random status key."""
    (run,) = start_runs(session, source_names=[UPLOAD_SOURCE], trigger="upload", watchlist_name=None)
    key = secrets.token_urlsafe(24)
    session.add(Upload(key_hash=key_hash(key), run_id=int(run.id), uploader=uploader[:64]))  # type: ignore[arg-type]
    session.flush()
    return int(run.id), key  # type: ignore[arg-type]


def find_upload(session: Session, key: str) -> tuple[Upload, CrawlRun] | None:
    row = session.scalars(select(Upload).where(col(Upload.key_hash) == key_hash(key))).first()
    run = session.get(CrawlRun, row.run_id) if row is not None else None
    return (row, run) if row is not None and run is not None else None


def unfinished_upload_runs(session: Session) -> list[int]:
    query = select(col(CrawlRun.id)).where(col(CrawlRun.source_name) == UPLOAD_SOURCE,
                                           col(CrawlRun.finished_at).is_(None))
    return [int(run_id) for run_id in session.scalars(query) if run_id is not None]


def file_lines(path: Path) -> Iterable[bytes]:
    """The lines of a capture on disk, read one at a time (a huge line is cut, and reported as unusable)."""
    with path.open("rb") as handle:
        while line := handle.readline(MAX_LINE_BYTES + 1):
            if len(line) > MAX_LINE_BYTES and not line.endswith(b"\n"):
                while (rest := handle.readline(MAX_LINE_BYTES)) and not rest.endswith(b"\n"):
                    pass
            yield line


def store_upload(body: bytes | Path, *, platform: str, engine: Engine, key: bytes, matcher: WatchlistMatcher,
                 batch_size: int = 500, now: Callable[[], datetime] | None = None,
                 run_id: int | None = None) -> UploadResult:
    """Store every usable line of an NDJSON capture (bytes, or a file), in batches, as a crawl run."""
    if not is_known_platform(platform):
        raise UnknownPlatform(platform)
    if run_id is None:
        with session_scope(engine) as session:
            (run,) = start_runs(session, source_names=[UPLOAD_SOURCE], trigger="upload", watchlist_name=None)
            run_id = int(run.id)  # type: ignore[arg-type]
    result = UploadResult(run_id=run_id)
    lines = file_lines(body) if isinstance(body, Path) else body.splitlines()
    failure: str | None = None
    try:
        _store_lines(lines, result, platform=platform, engine=engine, key=key, matcher=matcher,
                     batch_size=batch_size, now=now)
    except Exception as exc:  # noqa: BLE001 - the run must be finished and say why, whatever happened
        log.exception("upload run %s stopped", run_id)
        failure = f"the upload stopped after {result.rows} lines ({type(exc).__name__}); upload it again"
    errors = [*result.errors, *([failure] if failure else [])]
    with session_scope(engine) as session:
        finish_run(session, result.run_id, seen=result.rows, stored=result.stored, duplicates=result.duplicates,
                   dropped=result.skipped, errors=errors)
    return result


def _store_lines(lines: Iterable[bytes], result: UploadResult, *, platform: str, engine: Engine, key: bytes,
                 matcher: WatchlistMatcher, batch_size: int, now: Callable[[], datetime] | None) -> None:
    batch: list[tuple[int, PostIn]] = []

    def flush() -> None:
        outcome = store_each(engine, batch)
        totals.__iadd__(outcome.totals)
        result.stored, result.duplicates = totals.stored, totals.duplicates
        for line, reason in outcome.refused:
            result.skip(line, reason)
        batch.clear()

    totals = StoreResult()
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        result.rows += 1
        try:
            batch.append((number, _normalise_line(line, platform, key, matcher, now)))
        except InvalidPost as exc:
            result.skip(number, str(exc))
            continue
        if len(batch) >= batch_size:
            flush()
    flush()


def _normalise_line(line: bytes, platform: str, key: bytes, matcher: WatchlistMatcher,
                    now: Callable[[], datetime] | None) -> PostIn:
    if len(line) > MAX_LINE_BYTES:
        raise InvalidPost(f"the line is longer than {MAX_LINE_BYTES // (1024 * 1024)} MB; fix: one item per line")
    item = load_json_line(line)
    if not isinstance(item, dict):
        raise InvalidPost("a line must be a JSON object")
    raw = map_item(platform, item)
    raw.source_name = UPLOAD_SOURCE
    try:
        return normalise(raw, key=key, matcher=matcher, now=now() if now else None)
    finally:
        raw.author = None
