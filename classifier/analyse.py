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
from sqlalchemy import select, update
from sqlalchemy.engine import Engine
from sqlmodel import col

from classifier.base import Embedder
from classifier.categorise import LabelledText
from classifier.categorise.cache import CategoryModelCache
from classifier.categorise.evidence import Evidence
from classifier.embed.stored import StoredEmbedder
from classifier.exceptions import ClassifierError
from classifier.persist import StoredState, apply_reviews, load_state, mirror_state, reset_state, save_state
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


def analyse_pending(engine: Engine, config: MonitorConfig, embedder: Embedder, *, now: datetime,
                    verdicts: list[LabelledText] | None = None, rebuild: bool = False,
                    category_models: CategoryModelCache | None = None) -> AnalysisReport:
    """Embed, categorise and cluster every post created before `now` that no run has processed yet.

    `category_models` keeps the trained category model between runs (the worker keeps one for its lifetime, in
    memory and in the model folder); without it the model is trained for this run alone."""
    cached = StoredEmbedder(embedder, engine)
    window = parse_duration(config.classifier.window)
    with session_scope(engine) as session:
        if rebuild:
            session.execute(update(Post).values(processed_at=None))
        kept = None if rebuild else load_state(session)
        if kept is None:  # a state that starts from nothing starts without the memberships of an earlier one
            reset_state(session)
        posts = list(session.scalars(select(Post).where(col(Post.processed_at).is_(None), col(Post.created_at) < now)
                                     .order_by(col(Post.created_at), col(Post.id))))
    stored = kept or StoredState(new_state(model=cached.name, dim=cached.dim, window=window))
    _check_state(stored.state, cached.name, window)
    if kept is not None:
        with session_scope(engine) as session:
            apply_reviews(session, stored.state)
    report = AnalysisReport(posts=len(posts))
    if not posts:
        return report
    vectors = cached.embed([p.text for p in posts])
    models = category_models or CategoryModelCache()
    report.categorised = _categorise(engine, cached, config, posts, vectors, verdicts or [], models)
    report.embedded = cached.embedded  # posts and, on the first run, the categories' seed examples
    fed = feed_windows(stored.state, [_stream_post(p) for p in posts], vectors, until=stored.until, now=now,
                       settings=config.classifier.trends)
    report.windows, report.emerging = fed.windows, fed.emerging
    with session_scope(engine) as session:
        if kept is None:  # a rebuilt state takes the reviewers' merges once its trends exist again
            apply_reviews(session, stored.state)
        report.trends = mirror_state(session, stored,
                                     baseline_span=parse_duration(config.classifier.trends.baseline_span),
                                     min_category_share=config.classifier.categories.min_trend_share,
                                     min_category_authors=config.classifier.categories.min_trend_authors)
        save_state(session, stored, until=now)
        ids = [p.id for p in posts]
        for i in range(0, len(ids), 500):
            session.execute(update(Post).where(col(Post.id).in_(ids[i:i + 500])).values(processed_at=now))
    log.info("processed %d posts in %d windows: %d trends, %d newly emerging", report.posts, report.windows,
             report.trends, len(report.emerging))
    return report
