"""The migrations build exactly the schema the tables declare, on every backend."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import models.tables  # noqa: F401
from models.db import current_revision, upgrade_database


def test_migrated_schema_matches_the_tables(engine: Engine) -> None:
    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), SQLModel.metadata)
    assert differences == []


def test_upgrade_is_repeatable(engine: Engine) -> None:
    before = current_revision(engine)
    upgrade_database(engine)
    assert current_revision(engine) == before is not None
