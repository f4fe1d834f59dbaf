"""The scheduled processing job: embed, categorise and cluster the posts not yet processed.

Posts are fed to the trend tracker window by window in time order, as `replay` does, continuing from where the
previous run stopped; the state is kept in the database and a run writes back only what it changed, so a run
costs what the new posts cost (see `classifier.persist`).
"""
from __future__ import annotations

import logging
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta

import numpy as np
from sqlalchemy import func, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from classifier.base import Embedder
from classifier.categorise import LabelledText
from classifier.categorise.cache import CategoryModelCache
from classifier.categorise.evidence import Evidence
from classifier.detect.windows import window_index, window_origin, window_start
from classifier.embed.stored import StoredEmbedder
from classifier.exceptions import ClassifierError
from classifier.persist import (
    StateCache,
    StoredState,
    apply_reviews,
    load_state,
    mirror_state,
    reset_state,
    save_state,
)
from classifier.state import StreamPost, TrendState, new_state
from classifier.track import feed_windows
from models.analysis import CategoryAssignment
from models.content import Post
from models.db import session_scope
from models.ingest import insert_ignoring_duplicates
from monitor_config.durations import parse_duration
from monitor_config.schema import MonitorConfig

log = logging.getLogger(__name__)


@dataclass
class AnalysisReport:
    posts: int = 0
    embedded: int = 0
    categorised: int = 0
    windows: int = 0
    trends: int = 0
    emerging: list[int] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _stream_post(post: Post) -> StreamPost:
    return StreamPost(id=str(post.id), text=post.text, created_at=post.created_at, author=post.author_key,
                      platform=post.platform, source=post.source_name or post.platform)


def _check_state(state: TrendState, model: str, window: timedelta) -> None:
    if state.model != model or state.window != window:
        raise ClassifierError(
            f"the stored trends were built with model {state.model!r} and window {state.window}, the configuration "
            f"now asks for {model!r} and {window}; fix: run `leefwereld process --rebuild` to rebuild the trends"
        )


def _categorise(engine: Engine, embedder: Embedder, config: MonitorConfig, posts: list[Post],
                vectors: np.ndarray, verdicts: list[LabelledText], models: CategoryModelCache) -> int:
    """Assign categories with the model for these categories, verdicts and embedder (trained once, then cached)."""
    model = models.model(embedder, list(config.categories), verdicts, settings=config.classifier.categories,
                         evidence=Evidence.from_watchlists(config.watchlists))
    assigned = model.assign(vectors, [p.text for p in posts])
    rows = [{"post_id": post.id, "category": category, "probability": probability, "model": model.name}
            for post, chosen in zip(posts, assigned, strict=True) for category, probability in chosen.items()]
    with session_scope(engine) as session:
        for i in range(0, len(rows), 500):
            insert_ignoring_duplicates(session, CategoryAssignment, rows[i:i + 500])
    return len(rows)


BATCH_POSTS = 5000  # pending posts read, embedded and fed per step: a backlog never sits in memory at once


def _next_batch(session: Session, state: TrendState, *, now: datetime, last_id: int,
                size: int) -> tuple[list[Post], datetime]:
    """The oldest pending posts (at most `size`, created before `now`, id up to `last_id`) and the moment to feed
    them up to: `now` for the last batch, else the start of the window of the first post left out, so a backlog
    fed in batches feeds the same windows as one feed over all of it. Only when one window holds more than `size`
    posts is it cut inside the window, at the first post left out."""
    rows = list(session.scalars(select(Post).where(col(Post.processed_at).is_(None), col(Post.created_at) < now,
                                                   col(Post.id) <= last_id)
                                .order_by(col(Post.created_at), col(Post.id)).limit(size + 1)))
    if len(rows) <= size:
        return rows, now
    first, left_out = rows[0].created_at, rows[size].created_at
    origin = state.origin or window_origin(first, state.window)
    boundary = window_start(window_index(left_out, origin, state.window), origin, state.window)
    cut = boundary if boundary > first else left_out
    taken = [p for p in rows[:size] if p.created_at < cut]
    return (taken, cut) if taken else (rows[:size], left_out + timedelta(microseconds=1))


def analyse_pending(engine: Engine, config: MonitorConfig, embedder: Embedder, *, now: datetime,
                    verdicts: list[LabelledText] | None = None, rebuild: bool = False,
                    category_models: CategoryModelCache | None = None, states: StateCache | None = None,
                    batch_posts: int = BATCH_POSTS) -> AnalysisReport:
    """Embed, categorise and cluster every post created before `now` that no run has processed yet.

    The posts are read, fed and committed `batch_posts` at a time, oldest first, so memory does not grow with a
    backlog and a run that stops halfway keeps the batches it finished. `category_models` keeps the trained
    category model between runs (the worker keeps one for its lifetime, in memory and in the model folder);
    without it the model is trained for this run alone. `states` keeps the tracker's state in memory between
    runs of the same process, read again only when another process saved it since."""
    if batch_posts < 1:
        raise ClassifierError(f"batch_posts must be at least 1, got {batch_posts}; fix: pass a positive number")
    cached = StoredEmbedder(embedder, engine)
    window = parse_duration(config.classifier.window)
    with session_scope(engine) as session:
        if rebuild:
            session.execute(update(Post).values(processed_at=None))
        kept = None if rebuild else load_state(session, states)
        if kept is None:  # a state that starts from nothing starts without the memberships of an earlier one
            reset_state(session)
        last_id = session.execute(select(func.max(col(Post.id))).where(col(Post.processed_at).is_(None))).scalar() or 0
    stored = kept or StoredState(new_state(model=cached.name, dim=cached.dim, window=window))
    _check_state(stored.state, cached.name, window)
    if kept is not None:
        with session_scope(engine) as session:
            apply_reviews(session, stored.state)
    report = AnalysisReport()
    models = category_models or CategoryModelCache()
    if states is not None:
        states.drop()  # until this run has saved what it changes in the state
    while True:
        with session_scope(engine) as session:
            posts, until = _next_batch(session, stored.state, now=now, last_id=last_id, size=batch_posts)
            session.expunge_all()
        if not posts:
            break
        _feed_batch(engine, config, cached, stored, posts, until=until, verdicts=verdicts or [], models=models,
                    report=report, rebuilt=kept is None, now=now)
        if until == now:
            break
    if states is not None and stored.saved_at is not None:
        states.kept = stored
    report.embedded = cached.embedded  # posts and, on the first run, the categories' seed examples
    if report.posts:
        log.info("processed %d posts in %d windows: %d trends, %d newly emerging", report.posts, report.windows,
                 report.trends, len(report.emerging))
    return report


def _feed_batch(engine: Engine, config: MonitorConfig, cached: StoredEmbedder, stored: StoredState,
                posts: list[Post], *, until: datetime, verdicts: list[LabelledText], models: CategoryModelCache,
                report: AnalysisReport, rebuilt: bool, now: datetime) -> None:
    """One batch: embed, categorise, feed up to `until`, then mirror, save and mark the posts in one transaction."""
    vectors = cached.embed([p.text for p in posts])
    report.posts += len(posts)
    report.categorised += _categorise(engine, cached, config, posts, vectors, verdicts, models)
    fed = feed_windows(stored.state, [_stream_post(p) for p in posts], vectors, until=stored.until, now=until,
                       settings=config.classifier.trends)
    report.windows += fed.windows
    report.emerging += fed.emerging
    with session_scope(engine) as session:
        if rebuilt:  # a rebuilt state takes the reviewers' merges once its trends exist again (known ones skipped)
            apply_reviews(session, stored.state)
        report.trends = mirror_state(session, stored,
                                     baseline_span=parse_duration(config.classifier.trends.baseline_span),
                                     min_category_share=config.classifier.categories.min_trend_share,
                                     min_category_authors=config.classifier.categories.min_trend_authors)
        save_state(session, stored, until=until)
        ids = [p.id for p in posts]
        for i in range(0, len(ids), 500):
            session.execute(update(Post).where(col(Post.id).in_(ids[i:i + 500])).values(processed_at=now))
    for trend in stored.state.trends.values():  # their memberships are written: the next batch starts afresh
        trend.post_ids.clear()
