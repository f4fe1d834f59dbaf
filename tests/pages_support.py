"""An app with an admin and a youth worker, their API tokens, and a fixed clock; and a database per backend
shared by a module whose tests only read."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from fastapi import FastAPI
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.app import create_app
from api.auth import create_api_token, create_user
from api.deps import get_clock
from monitor_config.settings import Settings

PASSWORD = "lange zin als wachtwoord"
NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # Monday morning after week 2026-W47
CONFIG = Path(__file__).with_name("fixtures") / "config" / "small.yaml"


@dataclass
class Site:
    app: FastAPI
    admin_token: str
    worker_token: str


def make_site(engine: Engine, home: Path, config: Path = CONFIG) -> Site:
    settings = Settings(home=home, secret_key="s" * 40, cookie_secure=False, config=config)
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
