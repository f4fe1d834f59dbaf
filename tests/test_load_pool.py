"""Bursts of readers with a log-in cookie or a token: one database connection per request, every request answered,
and a quick 503 with Retry-After (never a 30 s hang and a 500) when no connection is to be had."""
from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlalchemy.engine import Engine

from api.app import create_app
from api.deps import get_clock
from models.db import make_engine
from monitor_config.settings import Settings
from tests.live_server import serve
from tests.load_support import READER_PATHS, fill, readers, summary
from tests.pages_support import CONFIG, NOW, PASSWORD, bearer, csrf_of, make_site


def site_with(engine: Engine, home: Path, **settings: object) -> tuple[FastAPI, str]:
    """An app on `engine` with the given process settings, a youth worker's token and one trend."""
    site = make_site(engine, home)
    app = create_app(Settings(home=home, secret_key="s" * 40, cookie_secure=False, config=CONFIG,
                              **settings), engine=engine)  # type: ignore[arg-type]
    app.dependency_overrides[get_clock] = lambda: (lambda: NOW)
    fill(engine)
    return app, site.worker_token


def engine_like(engine: Engine, **pool: float) -> Engine:
    """A second engine on the same database with its own (small) pool, as `leefwereld serve` makes it."""
    return make_engine(engine.url.render_as_string(hide_password=False), **pool)


@pytest.fixture
def checkouts(engine: Engine) -> Iterator[list[int]]:
    """Connections checked out of the pool (one entry per checkout)."""
    taken: list[int] = []

    def on_checkout(*_args: object) -> None:
        taken.append(1)

    event.listen(engine, "checkout", on_checkout)
    yield taken
    event.remove(engine, "checkout", on_checkout)


def test_every_page_and_api_request_takes_one_connection(engine: Engine, tmp_path: Path,
                                                         checkouts: list[int]) -> None:
    app, token = site_with(engine, tmp_path)
    browser = TestClient(app, follow_redirects=False)
    form = {"username": "jan", "password": PASSWORD, "next": "/", "csrf_token": csrf_of(browser.get("/login/").text)}
    assert browser.post("/login/", data=form).status_code == 303
    program = TestClient(app)
    for path in READER_PATHS:
        for client, headers in ((browser, {}), (program, bearer(token))):
            checkouts.clear()
            assert client.get(path, headers=headers).status_code == 200, path
            assert len(checkouts) == 1, f"{path} took {len(checkouts)} connections"


@pytest.mark.slow  # 128 concurrent readers
def test_64_readers_with_cookies_and_tokens_beyond_a_small_pool_all_get_their_page(engine: Engine,
                                                                                  tmp_path: Path) -> None:
    """The pool holds 3 connections and the burst is 64 wide: before, requests waiting for a connection took every
    worker thread from those holding one, and 40 of 64 answered 500 after 30 s."""
    small = engine_like(engine, pool_size=3, max_overflow=0, pool_timeout=60)
    app, token = site_with(small, tmp_path, db_pool_size=3, db_wait_timeout=60)
    with serve(app) as base:
        for name, credential in (("cookie", None), ("token", token)):
            latencies, errors = asyncio.run(readers(base, token=credential, count=64, rounds=2))
            print(summary(name, latencies))
            assert errors == []
    small.dispose()


def held_clock(release: threading.Event, entered: threading.Event) -> Callable[[], Callable[[], datetime]]:
    """A clock dependency that keeps the first request waiting until `release`: a slow request holding its turn."""
    first = threading.Lock()

    def clock() -> datetime:
        if first.acquire(blocking=False):
            entered.set()
            release.wait(30)
        return NOW

    return lambda: clock


def test_a_request_that_cannot_get_a_turn_is_answered_503_with_retry_after(engine: Engine, tmp_path: Path) -> None:
    app, token = site_with(engine, tmp_path, db_pool_size=1, db_wait_timeout=0.5)
    release, entered = threading.Event(), threading.Event()
    app.dependency_overrides[get_clock] = held_clock(release, entered)
    with serve(app) as base, httpx.Client(base_url=base, timeout=60) as client:
        slow = threading.Thread(target=lambda: client.get("/api/v1/trends", headers=bearer(token)))
        slow.start()
        assert entered.wait(30)
        busy_api = client.get("/api/v1/trends", headers=bearer(token))
        busy_page = httpx.get(f"{base}/trends", headers={"accept": "text/html"}, timeout=60)
        release.set()
        slow.join()
        served = client.get("/api/v1/trends", headers=bearer(token))
        metrics = client.get("/metrics").text
    assert busy_api.status_code == 503 and int(busy_api.headers["retry-after"]) >= 1
    assert "te druk" in busy_api.json()["detail"]
    assert busy_page.status_code == 503 and "Even druk" in busy_page.text and busy_page.headers["retry-after"]
    assert served.status_code == 200  # the turn came back
    assert 'status="503"' in metrics


def test_an_empty_connection_pool_is_answered_503_not_500(engine: Engine, tmp_path: Path) -> None:
    """Connections held elsewhere in the process (e.g. a stuck job): the request gets 503 after the pool timeout."""
    tiny = engine_like(engine, pool_size=1, max_overflow=0, pool_timeout=0.5)
    app, token = site_with(tiny, tmp_path, db_pool_size=4, db_wait_timeout=0.5)
    held = tiny.connect()
    try:
        answer = TestClient(app).get("/api/v1/trends", headers=bearer(token))
    finally:
        held.close()
    assert answer.status_code == 503 and answer.headers["retry-after"]
    assert TestClient(app).get("/api/v1/trends", headers=bearer(token)).status_code == 200
    tiny.dispose()


def test_pool_settings_are_checked_with_the_fix_named() -> None:
    with pytest.raises(ValueError, match="LEEFWERELD_DB_POOL_SIZE=0; fix: use 1 to 40"):
        Settings(db_pool_size=0)
    with pytest.raises(ValueError, match="LEEFWERELD_DB_POOL_SIZE=41; fix"):
        Settings(db_pool_size=41)
    with pytest.raises(ValueError, match="LEEFWERELD_DB_WAIT_TIMEOUT=0.0; fix: use seconds above 0"):
        Settings(db_wait_timeout=0)
    options = Settings(db_pool_size=7, db_wait_timeout=3).pool_options
    assert options["pool_size"] == 7 and options["pool_timeout"] == 3
