"""/metrics counts every answer, the 500s of unhandled errors too (a database that lost a table), on SQLite and
PostgreSQL."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.engine import Engine

from tests.test_alerts_web import app_parts, bearer  # noqa: F401  (app_parts is a fixture)


def counted(metrics: str, route: str, status: int) -> float:
    pattern = rf'leefwereld_http_requests_total{{method="GET",route="{re.escape(route)}",status="{status}"}} (\S+)'
    match = re.search(pattern, metrics)
    return float(match.group(1)) if match else 0.0


def test_server_errors_are_counted(app_parts: tuple, engine: Engine) -> None:  # noqa: F811
    client, _, tokens = app_parts
    quiet = TestClient(client.app, raise_server_exceptions=False)  # answers as a real server does: a 500 page
    assert quiet.get("/api/v1/subscriptions", headers=bearer(tokens["cora"])).status_code == 200
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE alert_delivery"))
        connection.execute(text("DROP TABLE subscription"))
    for _ in range(3):
        assert quiet.get("/api/v1/subscriptions", headers=bearer(tokens["cora"])).status_code == 500
    metrics = quiet.get("/metrics").text
    assert counted(metrics, "/api/v1/subscriptions", 200) == 1
    assert counted(metrics, "/api/v1/subscriptions", 500) == 3
