"""Store a batch of normalised posts so that one row the database refuses costs only that row."""
from __future__ import annotations

import logging
from dataclasses import dataclass, field

from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from models.db import session_scope
from models.ingest import PostIn, StoreResult, store_posts

log = logging.getLogger(__name__)


@dataclass
class BatchOutcome:
    totals: StoreResult = field(default_factory=StoreResult)
    refused: list[tuple[int, str]] = field(default_factory=list)  # (line, reason)


def store_each(engine: Engine, batch: list[tuple[int, PostIn]]) -> BatchOutcome:
    """Store the batch in one transaction; when the database refuses it, store row by row and report the rows
    it refuses with their line, so the good rows of the batch are kept."""
    outcome = BatchOutcome()
    if not batch:
        return outcome
    try:
        with session_scope(engine) as session:
            outcome.totals += store_posts(session, [post for _, post in batch])
        return outcome
    except SQLAlchemyError as exc:
        log.warning("a batch of %d posts was refused (%s); storing row by row", len(batch), type(exc).__name__)
    for line, post in batch:
        try:
            with session_scope(engine) as session:
                outcome.totals += store_posts(session, [post])
        except SQLAlchemyError as exc:
            reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0][:200]
            outcome.refused.append((line, f"the database refused this row ({reason})"))
    return outcome
