"""Every route of the application against every role, from the rules in tests/access_rules.py: a caller below
the least role is refused (anonymous 401, or 403 where the route answers so before asking who it is; a role
403, or 404 where not knowing is the answer), everyone at or above it is let through (no 401 or 403, no
server error). A route without a rule fails here, so a new route cannot go out unchecked."""
from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.alerts.subscriptions import SubscriptionRequest, create_subscription
from api.app import create_app
from api.auth import create_api_token, create_user
from monitor_config.settings import Settings
from tests.access_rules import ANONYMOUS, LADDER, RULES, Rule
from tests.pages_support import CONFIG, NOW, PASSWORD, csrf_of
from tests.trend_factory import at, make_trend, spread

ROLES = LADDER[1:]
REFUSED_ANONYMOUS, REFUSED_ROLE = {401, 403}, {403, 404}


def application_routes(app: FastAPI) -> list[tuple[str, str]]:
    """(method, path template) of every route, also those of included routers."""
    try:
        from fastapi.routing import iter_route_contexts
    except ImportError:  # FastAPI before included routers became contexts
        routes: list = list(app.routes)
    else:
        routes = list(iter_route_contexts(app.routes))
    return sorted({(method, route.path) for route in routes for method in (route.methods or ()) if method != "HEAD"})


def _route_list() -> list[tuple[str, str]]:
    settings = Settings(home=Path("var"), secret_key="r" * 40, config=CONFIG)
    return application_routes(create_app(settings, engine=create_engine("sqlite://")))


ROUTES = _route_list()


def test_every_rule_names_a_route_that_exists() -> None:
    assert sorted(set(RULES) - set(ROUTES)) == []


@dataclass
class Callers:
    clients: dict[str, TestClient]  # per role: API token; anonymous: a browser session with a CSRF token
    browsers: dict[str, TestClient]  # per role: logged in through the form
    samples: dict[str, dict[str, str]]  # per role: path parameter -> value


@pytest.fixture(scope="module")
def callers(shared_engine: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callers]:
    home = tmp_path_factory.mktemp("routes")
    settings = Settings(home=home, secret_key="r" * 40, cookie_secure=False, config=CONFIG)
    app = create_app(settings, engine=shared_engine)
    samples: dict[str, dict[str, str]] = {}
    clients: dict[str, TestClient] = {}
    with Session(shared_engine) as session:
        trend = make_trend(session, label="Gelblaster bij de metro", status="emerging",
                           first_seen=at(date(2026, 11, 16)), emerging_at=at(date(2026, 11, 18)),
                           daily=spread(date(2026, 11, 16), [1, 3, 9]))
        for role in ROLES:
            user = create_user(session, username=f"{role}-1", password=PASSWORD, role=role, actor="test",
                               email=f"{role}@example.nl")
            token = create_api_token(session, user=user, actor="test")[1]
            spare = create_api_token(session, user=user, name="spare", actor="test")[0]
            digest = create_subscription(session, owner=user, config=settings.watch, actor="test", now=NOW,
                                         request=SubscriptionRequest(name="maandag", channel="digest"))
            clients[role] = TestClient(app, follow_redirects=False, headers={"Authorization": f"Bearer {token}",
                                                                              "Accept": "application/json"})
            samples[role] = {"trend_id": str(trend.id), "token_id": str(spare.id),
                             "subscription_id": str(digest.id)}
        feed = create_subscription(session, owner=user, config=settings.watch, actor="test", now=NOW,
                                   request=SubscriptionRequest(name="feed", channel="feed"))
        session.commit()
        for values in samples.values():
            values |= {"iso_week": "2026-W47", "token": feed.token, "name": settings.watch.watchlists[0].name}
        samples[ANONYMOUS] = samples["admin"]
    clients[ANONYMOUS] = anonymous = TestClient(app, follow_redirects=False, headers={"Accept": "application/json"})
    browsers = {}
    for role in ROLES:
        browsers[role] = browser = TestClient(app, follow_redirects=False, headers={"Accept": "application/json"})
        csrf = csrf_of(browser.get("/login/").text)
        assert browser.post("/login/", data={"username": f"{role}-1", "password": PASSWORD,
                                             "csrf_token": csrf}).status_code == 303
        browser.headers["X-CSRF-Token"] = csrf_of(browser.get("/", headers={"Accept": "text/html"}).text)
    browsers[ANONYMOUS] = anonymous
    yield Callers(clients, browsers, samples)


def call(client: TestClient, method: str, path: str, values: dict[str, str]) -> int:
    url = re.sub(r"\{(\w+)\}", lambda m: values[m.group(1)], path)
    body: dict[str, Any] = {"json": {}} if method in ("POST", "PUT", "PATCH") and path.startswith("/api/v1/") else {}
    return client.request(method, url, **body).status_code


@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_each_role_gets_what_the_rule_says(method: str, path: str, callers: Callers) -> None:
    rule: Rule | None = RULES.get((method, path))
    assert rule is not None, (f"no access rule for {method} {path}: add one to tests/access_rules.py "
                              "(the least role that may use it)")
    missing = set(re.findall(r"\{(\w+)\}", path)) - set(callers.samples[ANONYMOUS])
    assert not missing, f"no sample value for {sorted(missing)}: add one in the `callers` fixture"
    for role in LADDER:
        client = (callers.browsers if rule.browser else callers.clients)[role]
        if role == ANONYMOUS:  # a log-out by an earlier call may have ended the session and its CSRF token
            client.headers["X-CSRF-Token"] = csrf_of(client.get("/login/").text)
        status = call(client, method, path, callers.samples[role])
        if rule.allows(role):
            assert status not in (401, 403) and status < 500, f"{role} may {method} {path} but got {status}"
        else:
            refused = REFUSED_ANONYMOUS if role == ANONYMOUS else REFUSED_ROLE
            assert status in refused, f"{role} may not {method} {path} but got {status}"
