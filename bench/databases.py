"""Scratch databases for the benchmarks: a SQLite file or a PostgreSQL database, made empty, migrated, dropped."""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import Engine

from models.db import make_engine, upgrade_database


def _admin(url: str) -> tuple[Engine, str]:
    server, name = url.rsplit("/", 1)
    return make_engine(server + "/postgres", isolation_level="AUTOCOMMIT"), name


def drop_database(url: str) -> None:
    """Remove the database at `url` if it exists (a PostgreSQL database even while connected to)."""
    if url.startswith("postgresql"):
        admin, name = _admin(url)
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
    else:
        path = Path(url.split("///", 1)[1])
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def empty_database(url: str) -> None:
    """A new, empty database at `url` (an existing one is dropped first)."""
    drop_database(url)
    if url.startswith("postgresql"):
        admin, name = _admin(url)
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()


def migrated_database(url: str) -> Engine:
    """A new, empty, migrated database at `url` (an existing one is dropped first)."""
    empty_database(url)
    engine = make_engine(url)
    upgrade_database(engine)
    return engine
