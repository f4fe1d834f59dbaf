"""The Zeeschuimer upload, spoken as the real extension speaks it to 4CAT (synthetic captures)."""
from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from api.app import create_app
from api.auth.users import create_api_token, create_user
from api.routes.zeeschuimer import UploadLimiter, get_limiter, wait_for_uploads
from models.db import session_scope
from tests.crawl_support import UPLOAD_TOKEN, links, runs, stored, upload_settings

if TYPE_CHECKING:
    from httpx2 import Response  # what starlette's TestClient returns

CAPTURES = Path(__file__).with_name("fixtures") / "zeeschuimer"


@pytest.fixture
def client(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, key: bytes) -> TestClient:
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", key.decode())
    settings = upload_settings(tmp_path)
    return TestClient(create_app(settings, engine=engine))


def upload(client: TestClient, name: str, platform: str, **headers: str) -> Response:
    response = client.post("/api/import-dataset/", content=(CAPTURES / name).read_bytes(),
                           headers={"X-Zeeschuimer-Platform": platform, "Content-Type": "application/x-ndjson",
                                    **headers})
    wait_for_uploads(client.app)  # stored beside the request handling, one upload at a time
    return response


def test_upload_and_poll_like_the_extension(client: TestClient, engine: Engine) -> None:
    client.cookies.set("leefwereld_upload", UPLOAD_TOKEN)
    response = upload(client, "tiktok.ndjson", "tiktok.com")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"status", "key", "url"}
    poll = client.get("/api/check-query/", params={"key": body["key"]})
    assert poll.status_code == 200
    state = poll.json()
    assert state["done"] is True and state["rows"] == 2 and "1 overgeslagen" in state["status"]
    assert state["url"].endswith(f"/api/check-query/?key={body['key']}")

    posts = {p.external_id: p for p in stored(engine, "tiktok")}
    assert set(posts) == {"7500000000000000101", "7500000000000000102"}
    assert posts["7500000000000000101"].likes == 210 and posts["7500000000000000101"].views == 5400
    assert ("7500000000000000101", "gelblaster-challenge") in links(engine)
    assert all("verzonnen" not in (p.author_key + (p.url or "")) for p in posts.values())
    (run,) = runs(engine)
    assert (run.source_name, run.trigger, run.items_stored, run.items_dropped) == ("zeeschuimer", "upload", 2, 1)
    assert "createTime" in run.errors[0]

    again = upload(client, "tiktok.ndjson", "tiktok.com")
    assert client.get("/api/check-query/", params={"key": again.json()["key"]}).json()["rows"] == 2
    assert len(stored(engine, "tiktok")) == 2  # the same capture twice is stored once


def test_instagram_with_bearer_token(client: TestClient, engine: Engine) -> None:
    response = upload(client, "instagram.ndjson", "instagram.com", Authorization=f"Bearer {UPLOAD_TOKEN}")
    assert response.status_code == 200
    (post,) = stored(engine, "instagram")
    assert (post.text, post.likes, post.replies) == ("exposed pagina deel 4, stuur je tips in", 77, 14)
    assert post.url == "https://www.instagram.com/p/DXyZaBc/"


def test_a_logged_in_user_needs_no_upload_token(client: TestClient, engine: Engine) -> None:
    with session_scope(engine) as session:
        user = create_user(session, username="jongerenwerker", password="een-lang-wachtwoord", role="youth_worker",
                           actor="test")
        _, api_token = create_api_token(session, user=user, actor="test")
    response = upload(client, "instagram.ndjson", "instagram.com", Authorization=f"Bearer {api_token}")
    assert response.status_code == 200 and len(stored(engine, "instagram")) == 1


def test_refusals_the_extension_understands(client: TestClient) -> None:
    assert upload(client, "tiktok.ndjson", "tiktok.com").status_code == 403  # not logged in
    assert upload(client, "tiktok.ndjson", "tiktok.com", Authorization="Bearer wrong").status_code == 403
    client.cookies.set("leefwereld_upload", UPLOAD_TOKEN)
    unknown = upload(client, "tiktok.ndjson", "myspace.com")
    assert unknown.status_code == 404 and "Unknown platform or source format" in unknown.text
    missing = client.post("/api/import-dataset/", content=b"{}")
    assert missing.status_code == 404 and "Unknown platform or source format" in missing.text
    assert client.get("/api/check-query/", params={"key": "999"}).status_code == 404


def test_too_fast_uploads_get_429(client: TestClient) -> None:
    now = [0.0]
    limiter = UploadLimiter(limit=2, window=60, clock=lambda: now[0])
    client.app.dependency_overrides[get_limiter] = lambda: limiter  # type: ignore[attr-defined]
    client.cookies.set("leefwereld_upload", UPLOAD_TOKEN)
    assert [upload(client, "instagram.ndjson", "instagram.com").status_code for _ in range(3)] == [200, 200, 429]
    now[0] = 61.0
    assert upload(client, "instagram.ndjson", "instagram.com").status_code == 200
