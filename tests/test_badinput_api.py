"""Odd input to the API and the pages is a 4xx that names the field, never a 500 (issue #11)."""
from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.pages_support import bearer, make_site


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> tuple[TestClient, dict[str, str]]:
    made = make_site(engine, tmp_path)
    return TestClient(made.app, raise_server_exceptions=False), bearer(made.admin_token)


@pytest.mark.parametrize("path", ["/trends?platform=%00", "/api/v1/trends?platform=%00",
                                  "/api/check-query/?key=99999999999999999999", "/api/v1/digests/9999-W52",
                                  "/api/v1/digests/0001-W01"])
def test_odd_query_and_path_values_are_client_errors(site: tuple[TestClient, dict[str, str]], path: str) -> None:
    client, headers = site
    response = client.get(path, headers=headers)
    assert response.status_code < 500
    if path.startswith("/api/v1/digests"):
        assert response.status_code == 422 and "iso_week" in response.text and "9000" not in response.text


@pytest.mark.parametrize("body", [b'{"name": "a\\ud800b", "channel": "digest"}',
                                  b'{"name": "x", "channel": "email", "target": "\\udfff@example.org"}',
                                  b'{"name": "x", "channel": "digest", "filters": {"keywords": ["\\ud800"]}}'])
def test_a_lone_surrogate_in_a_json_body_is_a_422_naming_the_field(site: tuple[TestClient, dict[str, str]],
                                                                     body: bytes) -> None:
    client, headers = site
    response = client.post("/api/v1/subscriptions", content=body,
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 422
    (error,) = response.json()["detail"]
    assert error["loc"][0] == "body" and error["loc"][1] in ("name", "target", "filters")


def test_a_surrogate_pair_is_one_character_and_fine(site: tuple[TestClient, dict[str, str]]) -> None:
    client, headers = site
    body = b'{"name": "week \\ud83d\\ude00", "channel": "digest", "target": "naam@school.nl"}'
    response = client.post("/api/v1/subscriptions", content=body,
                           headers={**headers, "Content-Type": "application/json"})
    assert response.status_code == 201 and response.json()["name"] == "week \N{GRINNING FACE}"


@pytest.mark.parametrize("target", ["http://[::1/", "https://[zz]/hook", "https://example.org:99999/hook",
                                    f"https://{'a' * 70}.example/hook"])
def test_an_unreadable_webhook_url_is_a_422_naming_the_target(site: tuple[TestClient, dict[str, str]],
                                                             target: str) -> None:
    client, headers = site
    response = client.post("/api/v1/subscriptions", json={"name": "hook", "channel": "webhook", "target": target},
                           headers=headers)
    assert response.status_code == 422 and "target" in response.text
