"""The migrations build exactly the schema the tables declare, on every backend."""
from __future__ import annotations

import pickle
from datetime import UTC, datetime
from pathlib import Path

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, select, update
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, col

import models.tables  # noqa: F401
from models.analysis import ClassifierState
from models.content import Post
from models.db import alembic_config, current_revision, session_scope, upgrade_database
from models.ingest import PostIn, store_posts
from tests.trends_helpers import PickleTrap


def head(engine: Engine) -> str | None:
    return ScriptDirectory.from_config(alembic_config(engine)).get_current_head()


def test_migrated_schema_matches_the_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrade_is_repeatable(engine: Engine) -> None:
    before = current_revision(engine)
    upgrade_database(engine)
    assert current_revision(engine) == before is not None


def test_upgrading_from_a_pickled_state_drops_it_unread_and_rebuilds_next_run(empty_engine: Engine,
                                                                              tmp_path: Path) -> None:
    now = datetime(2026, 10, 1, tzinfo=UTC)
    planted = tmp_path / "pickle-ran"
    upgrade_database(empty_engine, "0003")
    with session_scope(empty_engine) as session:
        store_posts(session, [PostIn(platform="tiktok", external_id="1", text="gelblaster", created_at=now,
                                     collected_at=now, author_key="a", content_hash="h")])
        session.execute(update(Post).values(processed_at=now))
        session.add(ClassifierState(name="trend-engine", data=pickle.dumps((1, PickleTrap(planted), now))))

    upgrade_database(empty_engine)
    with Session(empty_engine) as session:
        assert session.get(ClassifierState, "trend-engine") is None
        assert session.scalars(select(col(Post.processed_at))).all() == [None]
    assert "trend_state" in inspect(empty_engine).get_table_names() and not planted.exists()

    command.downgrade(alembic_config(empty_engine), "0003")
    assert "trend_state" not in inspect(empty_engine).get_table_names()
    upgrade_database(empty_engine)
    assert current_revision(empty_engine) == head(empty_engine)


def test_job_claims_replace_the_pickled_job_store_and_the_way_back_works(empty_engine: Engine) -> None:
    upgrade_database(empty_engine, "0004")
    assert "apscheduler_jobs" in inspect(empty_engine).get_table_names()
    upgrade_database(empty_engine, "0005")
    tables = inspect(empty_engine).get_table_names()
    assert "job_claim" in tables and "apscheduler_jobs" not in tables
    command.downgrade(alembic_config(empty_engine), "0004")
    tables = inspect(empty_engine).get_table_names()
    assert "apscheduler_jobs" in tables and "job_claim" not in tables
