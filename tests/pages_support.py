"""An app with an admin and a youth worker, their API tokens, and a fixed clock; and a database per backend
shared by a module whose tests only read."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.app import create_app
from api.auth import create_api_token, create_user
from api.deps import get_clock
from models.db import make_engine, upgrade_database
from monitor_config.settings import Settings
from tests.conftest import throwaway_postgres

PASSWORD = "lange zin als wachtwoord"
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=timezone.utc)  # Monday morning after week 2026-W47
CONFIG = Path(__file__).with_name("fixtures") / "config" / "small.yaml"


@dataclass
class Site:
    app: FastAPI
    admin_token: str
    worker_token: str


def make_site(engine: Engine, home: Path) -> Site:
    settings = Settings(home=home, secret_key="s" * 40, cookie_secure=False, config=CONFIG)  # type: ignore[arg-type]
    app = create_app(settings, engine=engine)
    app.dependency_overrides[get_clock] = lambda: (lambda: NOW)
    with Session(engine) as session:
        admin = create_user(session, username="ada", password=PASSWORD, role="admin", actor="test")
        worker = create_user(session, username="jan", password=PASSWORD, role="youth_worker", actor="test")
        _, admin_token = create_api_token(session, user=admin, actor="test")
        _, worker_token = create_api_token(session, user=worker, actor="test")
        session.commit()
    return Site(app, admin_token, worker_token)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "the form has no CSRF field"
    return match.group(1)


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
