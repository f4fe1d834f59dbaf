"""A backlog larger than one batch: processing reads it batch by batch and ends where one pass would."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from classifier.analyse import analyse_pending
from classifier.categorise.cache import CategoryModelCache
from classifier.persist import StateCache
from crawlers.importers import import_file
from models.analysis import Trend, TrendMembership
from models.content import Post
from models.db import make_engine, upgrade_database
from monitor_config import load_config
from tests.categorise_helpers import TrigramEmbedder

pytestmark = pytest.mark.slow  # processes several batches of a backlog on both databases

NOW = datetime(2026, 10, 27, tzinfo=UTC)


def _trends(engine: Engine) -> set[frozenset[str]]:
    """The trends as sets of the posts' own ids, so two databases compare by content, not row ids."""
    with Session(engine) as session:
        rows = session.execute(select(col(TrendMembership.trend_id), col(Post.external_id))
                               .join(Post, col(Post.id) == col(TrendMembership.post_id))).all()
    members: dict[int, set[str]] = {}
    for trend_id, external_id in rows:
        members.setdefault(trend_id, set()).add(external_id)
    return {frozenset(m) for m in members.values()}


def test_a_backlog_larger_than_a_batch_is_processed_completely_and_as_in_one_pass(
        engine: Engine, key: bytes, slice_file: Path, tmp_path: Path) -> None:
    config, embedder, models = load_config(), TrigramEmbedder(), CategoryModelCache()
    import_file(slice_file, engine=engine, key=key)
    batched = analyse_pending(engine, config, embedder, now=NOW, category_models=models, batch_posts=60)

    whole = make_engine(f"sqlite:///{tmp_path / 'whole.db'}")
    upgrade_database(whole)
    import_file(slice_file, engine=whole, key=key)
    once = analyse_pending(whole, config, embedder, now=NOW, category_models=models)

    with Session(engine) as session:
        stored = session.scalar(select(func.count()).select_from(Post))
        pending = session.execute(select(func.count()).select_from(Post)
                                  .where(col(Post.processed_at).is_(None))).scalar()
        trends = session.scalar(select(func.count()).select_from(Trend))
    assert stored is not None and stored > 60 * 5, "the backlog must span several batches"
    assert pending == 0 and batched.posts == once.posts == stored
    assert batched.windows >= once.windows and trends == once.trends > 0
    assert _trends(engine) == _trends(whole)
    whole.dispose()


def test_a_second_run_after_a_batched_backlog_finds_nothing_pending(engine: Engine, key: bytes,
                                                                    slice_file: Path) -> None:
    config, embedder, models = load_config(), TrigramEmbedder(), CategoryModelCache()
    import_file(slice_file, engine=engine, key=key)
    analyse_pending(engine, config, embedder, now=NOW, category_models=models, batch_posts=100)
    again = analyse_pending(engine, config, embedder, now=NOW, category_models=models, batch_posts=100)
    assert again.posts == 0


def test_a_worker_that_keeps_the_state_between_runs_ends_as_one_that_reads_it_each_time(
        engine: Engine, key: bytes, slice_file: Path, tmp_path: Path) -> None:
    config, embedder, models = load_config(), TrigramEmbedder(), CategoryModelCache()
    moments = [datetime(2026, 10, day, tzinfo=UTC) for day in (14, 19, 27)]
    reference = make_engine(f"sqlite:///{tmp_path / 'reference.db'}")
    upgrade_database(reference)
    for target in (engine, reference):
        import_file(slice_file, engine=target, key=key)
    kept = StateCache()
    for i, moment in enumerate(moments):
        if i == 1:  # another process (a rebuild, a purge, a second worker) saves the state in between
            analyse_pending(engine, config, embedder, now=moment - timedelta(days=2), category_models=models)
            analyse_pending(reference, config, embedder, now=moment - timedelta(days=2), category_models=models)
        analyse_pending(engine, config, embedder, now=moment, category_models=models, states=kept)
        analyse_pending(reference, config, embedder, now=moment, category_models=models)
    assert kept.kept is not None
    assert _trends(engine) == _trends(reference) and len(_trends(engine)) > 0
    reference.dispose()
