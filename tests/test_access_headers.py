"""Security headers on every answer, absolute links only from `alerts.public_url`, and no token in any log line
(the product's own and uvicorn's access log, served for real on 127.0.0.1)."""
from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.alerts.subscriptions import SubscriptionRequest, create_subscription
from api.auth import get_user
from models.logs import configure_logging
from monitor_config import MonitorConfig
from tests.live_server import serve
from tests.pages_support import CONFIG, NOW, bearer, make_site

EVIL = "evil.example"
PUBLIC = "https://monitor.example.nl"


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> tuple[TestClient, dict[str, str]]:
    config = tmp_path / "config.yaml"
    config.write_text(CONFIG.read_text() + f"alerts:\n  public_url: {PUBLIC}\n")
    built = make_site(engine, tmp_path, config=config)
    return TestClient(built.app, follow_redirects=False), {"ada": built.admin_token, "jan": built.worker_token}


@pytest.mark.parametrize("path", ["/login/", "/trends", "/api/v1/trends", "/api/v1/users/me", "/trends/999",
                                  "/healthz", "/bestaat-niet", "/digests/2026-W47"])
def test_every_answer_has_the_security_headers(site: tuple, path: str) -> None:
    client, tokens = site
    response = client.get(path, headers=bearer(tokens["jan"]))
    policy = response.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in policy and "script-src 'none'" in policy and "default-src 'self'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    assert response.headers["cache-control"] == "no-store"


def test_api_docs_run_from_this_site_only_and_still_no_framing(site: tuple) -> None:
    client, tokens = site
    for path in ("/docs", "/redoc"):
        response = client.get(path, headers=bearer(tokens["jan"]))
        policy = response.headers["content-security-policy"]
        assert response.status_code == 200 and "script-src 'self' 'unsafe-inline'" in policy
        assert "http" not in policy  # no CDN: works on a machine without internet
        assert "frame-ancestors 'none'" in policy


def test_links_in_digests_come_from_the_public_url_never_the_host_header(site: tuple) -> None:
    client, tokens = site
    for fmt in ("md", "html"):
        response = client.get("/api/v1/digests/2026-W47", params={"format": fmt},
                              headers=bearer(tokens["jan"]) | {"Host": EVIL})
        assert response.status_code == 200 and EVIL not in response.text


def test_the_upload_status_link_comes_from_the_public_url(site: tuple, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", "k" * 40)  # what `serve` refuses to start without
    client, tokens = site
    evil = bearer(tokens["jan"]) | {"Host": EVIL}
    upload = {"X-Zeeschuimer-Platform": "tiktok.com", "Content-Type": "application/x-ndjson"}
    queued = client.post("/api/import-dataset/", content=b'{"not": "a post"}\n', headers=evil | upload)
    key = queued.json()["key"]
    assert queued.status_code == 200 and queued.json()["url"] == f"{PUBLIC}/api/check-query/?key={key}"
    answer = client.get("/api/check-query/", params={"key": key}, headers=evil)
    assert answer.status_code == 200 and answer.json()["url"] == f"{PUBLIC}/api/check-query/?key={key}"


def test_a_redirect_never_names_the_host_header(site: tuple) -> None:
    client, tokens = site
    response = client.get("/api/v1/trends/", headers=bearer(tokens["jan"]) | {"Host": EVIL})
    assert response.status_code in (301, 307, 308) and EVIL not in response.headers["location"]
    assert response.headers["location"].startswith("/api/v1/trends")


@pytest.fixture
def product_logging() -> Iterator[None]:
    """The product's logging (what `leefwereld serve` sets up) for one test; the test runner's is put back."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging("INFO")
    yield
    root.handlers[:], root.level = handlers, level


def test_tokens_in_paths_and_headers_never_reach_the_log(site: tuple, engine: Engine, small_config: MonitorConfig,
                                                           product_logging: None,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    client, tokens = site
    with Session(engine) as session:
        owner = get_user(session, "ada")
        feed = create_subscription(session, owner=owner, config=small_config, actor="test", now=NOW,
                                   request=SubscriptionRequest(name="feed", channel="feed"))
        session.commit()
        token = feed.token
    with serve(client.app, log_level="info") as base:
        assert httpx.get(f"{base}/feeds/{token}.atom").status_code == 200
        assert httpx.get(f"{base}/afmelden/{token}").status_code == 200
        assert httpx.get(f"{base}/feeds/{token}").status_code == 404
        me = httpx.get(f"{base}/api/v1/users/me?token={tokens['jan']}", headers=bearer(tokens["jan"]))
        assert me.status_code == 200
    logging.getLogger("leefwereld.test").warning("Authorization: Bearer %s, feed /feeds/%s.atom", tokens["ada"], token)
    logged = capsys.readouterr().err
    assert '"GET /feeds/***.atom HTTP/1.1" 200' in logged and '"GET /afmelden/*** HTTP/1.1" 200' in logged, logged
    assert ", feed /feeds/***.atom" in logged
    for secret in (token, tokens["jan"], tokens["ada"]):
        assert secret not in logged
