"""Log-in, sessions, CSRF, bearer tokens and roles through the real app on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.app import create_app
from api.auth import create_api_token, create_user, revoke_api_token
from api.deps import CurrentUser, get_clock
from models.serving import AuditLog
from models.types import utcnow
from monitor_config.settings import Settings

if TYPE_CHECKING:
    from httpx2 import Response  # what starlette's TestClient returns

PASSWORD = "lange zin als wachtwoord"


def add_page(app: FastAPI) -> None:
    def page(user: CurrentUser) -> dict[str, str]:
        return {"user": user.username}

    app.add_api_route("/pagina", page, methods=["GET"])


@pytest.fixture
def client(engine: Engine, tmp_path: Path) -> TestClient:
    settings = Settings(home=tmp_path, secret_key="s" * 40, cookie_secure=False,
                        config=Path(__file__).with_name("fixtures") / "config" / "small.yaml")
    app = create_app(settings, engine=engine)
    add_page(app)
    with Session(engine) as session:
        create_user(session, username="ada", password=PASSWORD, role="admin", actor="test")
        create_user(session, username="jan", password=PASSWORD, role="youth_worker", actor="test")
        session.commit()
    return TestClient(app, follow_redirects=False)


def csrf_of(page_html: str) -> str:
    match = re.search(r'name="csrf_token" value="([^"]+)"', page_html)
    assert match, "the form has no CSRF field"
    return match.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD, next_: str = "/") -> Response:
    token = csrf_of(client.get("/login/").text)
    return client.post("/login/", data={"username": username, "password": password, "next": next_,
                                        "csrf_token": token})


def audit_actions(engine: Engine) -> list[tuple[str, str, str | None]]:
    with Session(engine) as session:
        return [(a.actor, a.action, a.target) for a in session.exec(select(AuditLog).order_by(col(AuditLog.id)))]


def test_login_page_is_dutch_and_labelled(client: TestClient) -> None:
    for path in ("/login", "/login/"):
        page = client.get(path)
        assert page.status_code == 200 and 'lang="nl"' in page.text
        assert '<label for="username">Gebruikersnaam</label>' in page.text
        assert '<label for="password">Wachtwoord</label>' in page.text


def test_right_password_logs_in_and_the_session_gives_access(client: TestClient, engine: Engine) -> None:
    assert client.get("/api/v1/users/me").status_code == 401
    response = log_in(client, "ada", next_="/pagina")
    assert response.status_code == 303 and response.headers["location"] == "/pagina"
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie
    assert client.get("/pagina").json() == {"user": "ada"}
    assert client.get("/api/v1/users/me").json()["username"] == "ada"
    assert ("ada", "login", "ada") in audit_actions(engine)


def test_wrong_password_is_refused_in_dutch_and_audited(client: TestClient, engine: Engine) -> None:
    for name in ("ada", "niemand"):
        response = log_in(client, name, password="verkeerd wachtwoord")
        assert response.status_code == 401
        assert "Onbekende gebruikersnaam of wachtwoord" in response.text
    assert client.get("/api/v1/users/me").status_code == 401
    failed = [row for row in audit_actions(engine) if row[1] == "login_failed"]
    assert failed == [("anonymous", "login_failed", "ada"), ("anonymous", "login_failed", "niemand")]
    assert all(PASSWORD not in str(row) and "verkeerd" not in str(row) for row in audit_actions(engine))


def test_repeated_failures_are_throttled(client: TestClient) -> None:
    for _ in range(5):
        assert log_in(client, "jan", password="verkeerd wachtwoord").status_code == 401
    response = log_in(client, "jan")  # even the right password waits now
    assert response.status_code == 429 and "Te veel mislukte pogingen" in response.text
    assert int(response.headers["retry-after"]) > 0
    client.app.dependency_overrides[get_clock] = lambda: lambda: utcnow() + timedelta(minutes=16)  # type: ignore[attr-defined]
    assert log_in(client, "jan").status_code == 303


def test_logout_ends_the_session_even_for_a_copied_cookie(client: TestClient) -> None:
    log_in(client, "ada")
    copied = dict(client.cookies)
    page = client.get("/login/", params={"next": "/x"})
    assert page.status_code == 303  # logged in already
    token = csrf_of(TestClient(client.app).get("/login/").text)  # a token of another session is no good
    assert client.post("/logout", data={"csrf_token": token}).status_code == 403
    response = client.post("/logout", data={"csrf_token": session_csrf(client)})
    assert response.status_code == 303 and response.headers["location"] == "/login/"
    assert client.get("/pagina", headers={"accept": "text/html"}).status_code == 303
    replay = TestClient(client.app, cookies=copied)
    assert replay.get("/api/v1/users/me").status_code == 401


def session_csrf(client: TestClient) -> str:
    """The CSRF token of the log-out form that every page of a logged-in user carries."""
    return csrf_of(client.get("/").text)


def test_a_form_post_without_csrf_token_is_refused(client: TestClient) -> None:
    client.get("/login/")
    response = client.post("/login/", data={"username": "ada", "password": PASSWORD})
    assert response.status_code == 403
    response = client.post("/login/", data={"username": "ada", "password": PASSWORD, "csrf_token": "vals"})
    assert response.status_code == 403
    log_in(client, "ada")
    assert client.post("/logout").status_code == 403
    assert client.get("/api/v1/users/me").status_code == 200  # still logged in


def test_pages_redirect_to_the_login_page_and_api_calls_get_401(client: TestClient) -> None:
    page = client.get("/pagina?week=2026-W47", headers={"accept": "text/html,application/xhtml+xml"})
    assert page.status_code == 303
    assert page.headers["location"] == "/login/?next=%2Fpagina%3Fweek%3D2026-W47"
    api = client.get("/api/v1/users", headers={"accept": "text/html"})
    assert api.status_code == 401 and api.headers["www-authenticate"] == "Bearer"


def test_next_never_leaves_the_site(client: TestClient) -> None:
    response = log_in(client, "ada", next_="//evil.example/")
    assert response.headers["location"] == "/"


def test_bearer_token_works_until_revoked(client: TestClient, engine: Engine) -> None:
    with Session(engine) as session:
        from api.auth import get_user

        token, plain = create_api_token(session, user=get_user(session, "jan"), name="script", actor="test")
        session.commit()
        token_id = token.id
        assert token_id is not None
    headers = {"Authorization": f"Bearer {plain}"}
    assert client.get("/api/v1/users/me", headers=headers).json()["username"] == "jan"
    assert client.get("/api/v1/users/me", headers={"Authorization": "Bearer lw_fout"}).status_code == 401
    with Session(engine) as session:
        revoke_api_token(session, token_id=token_id, actor="test", now=utcnow())
        session.commit()
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401
    assert ("test", "token_created", "jan") in audit_actions(engine)
    assert all(plain not in str(row) for row in audit_actions(engine))


def test_roles_youth_worker_gets_403_on_the_admin_route(client: TestClient) -> None:
    log_in(client, "jan")
    assert client.get("/api/v1/users").status_code == 403
    client.post("/logout", headers={"X-CSRF-Token": session_csrf(client)})
    log_in(client, "ada")
    users = client.get("/api/v1/users").json()
    assert [u["username"] for u in users] == ["ada", "jan"]
    assert all("password_hash" not in u for u in users)


def test_a_session_expires_after_its_lifetime(client: TestClient) -> None:
    log_in(client, "jan")
    assert client.get("/api/v1/users/me").status_code == 200
    client.app.dependency_overrides[get_clock] = lambda: lambda: utcnow() + timedelta(hours=13)  # type: ignore[attr-defined]
    assert client.get("/api/v1/users/me").status_code == 401
