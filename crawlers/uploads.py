"""Zeeschuimer uploads: an NDJSON capture from the browser extension, mapped, normalised and stored as one run.

Youth workers captured these posts on purpose, so every valid item is kept (with the watchlists it matches);
lines that cannot be used are counted and reported, never stored in part.
"""
from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy.engine import Engine

from crawlers.matching import WatchlistMatcher
from crawlers.normalise import InvalidPost, normalise
from crawlers.zeeschuimer import MAPPERS, map_item
from models.crawling import finish_run, start_runs
from models.db import session_scope
from models.ingest import PostIn, StoreResult, store_posts

UPLOAD_SOURCE = "zeeschuimer"
MAX_REPORTED_ERRORS = 20


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


def is_known_platform(platform: str) -> bool:
    return platform in MAPPERS


def store_upload(body: bytes, *, platform: str, engine: Engine, key: bytes, matcher: WatchlistMatcher,
                 batch_size: int = 500, now: Callable[[], datetime] | None = None) -> UploadResult:
    """Store every usable line of an NDJSON capture, in batches, and record the upload as a crawl run."""
    if not is_known_platform(platform):
        raise UnknownPlatform(platform)
    with session_scope(engine) as session:
        (run,) = start_runs(session, source_names=[UPLOAD_SOURCE], trigger="upload", watchlist_name=None)
    result = UploadResult(run_id=int(run.id))  # type: ignore[arg-type]
    totals, batch = StoreResult(), []
    for number, line in enumerate(body.splitlines(), start=1):
        if not line.strip():
            continue
        result.rows += 1
        try:
            post = _normalise_line(line, platform, key, matcher, now)
        except InvalidPost as exc:
            result.skipped += 1
            if len(result.errors) < MAX_REPORTED_ERRORS:
                result.errors.append(f"line {number}: {exc}")
            continue
        batch.append(post)
        if len(batch) >= batch_size:
            totals += _store(engine, batch)
            batch = []
    totals += _store(engine, batch)
    result.stored, result.duplicates = totals.stored, totals.duplicates
    with session_scope(engine) as session:
        finish_run(session, result.run_id, seen=result.rows, stored=result.stored, duplicates=result.duplicates,
                   dropped=result.skipped, errors=result.errors)
    return result


def _normalise_line(line: bytes, platform: str, key: bytes, matcher: WatchlistMatcher,
                    now: Callable[[], datetime] | None) -> PostIn:
    try:
        item = json.loads(line)
    except (ValueError, UnicodeDecodeError) as exc:
        raise InvalidPost(f"not valid JSON ({exc})") from None
    if not isinstance(item, dict):
        raise InvalidPost("a line must be a JSON object")
    raw = map_item(platform, item)
    raw.source_name = UPLOAD_SOURCE
    try:
        return normalise(raw, key=key, matcher=matcher, now=now() if now else None)
    finally:
        raw.author = None


def _store(engine: Engine, batch: list[PostIn]) -> StoreResult:
    if not batch:
        return StoreResult()
    with session_scope(engine) as session:
        return store_posts(session, batch)
