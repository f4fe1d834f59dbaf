"""The command line as an operator meets it: exit codes, JSON output, refusing unsafe starts."""
from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from api.app import create_app
from api.auth.users import ensure_demo_user
from api.cli import app
from models.analysis import ClassifierState
from models.content import Post
from models.db import make_engine, session_scope, upgrade_database
from monitor_config.settings import load_settings

CONFIG = str(Path(__file__).with_name("fixtures") / "config" / "small.yaml")
COMMANDS = ["config", "init", "import", "crawl", "process", "cluster", "categorise", "redact", "replay", "trends",
            "digest", "serve", "worker", "demo", "purge"]


def head_revision() -> str | None:
    from alembic.script import ScriptDirectory

    from models.db import MIGRATIONS

    return ScriptDirectory(str(MIGRATIONS)).get_current_head()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.setenv("LEEFWERELD_CONFIG", CONFIG)
    monkeypatch.delenv("LEEFWERELD_PSEUDONYM_KEY", raising=False)
    monkeypatch.delenv("LEEFWERELD_DEMO", raising=False)
    return tmp_path


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str) -> None:
    result = CliRunner().invoke(app, [command, "--help"])
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_init_creates_the_database_and_reports_json(home: Path) -> None:
    result = CliRunner().invoke(app, ["init", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["revision"], report["sources"], report["watchlists"]) == (head_revision(), 2, 2)
    assert (home / "leefwereld.db").exists()


def test_serve_refuses_to_start_without_its_keys_outside_demo_mode(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEEFWERELD_SECRET_KEY", raising=False)
    result = CliRunner().invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "no pseudonymisation key" in result.stderr
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", "k" * 40)
    result = CliRunner().invoke(app, ["serve", "--port", "0"])
    assert result.exit_code == 1
    assert "no session key: LEEFWERELD_SECRET_KEY is not set" in result.stderr


def test_demo_mode_creates_and_keeps_a_local_key(home: Path) -> None:
    settings = load_settings(demo=True)
    first = settings.pseudonym_key()
    assert load_settings(demo=True).pseudonym_key() == first
    assert (home / "demo-pseudonym.key").stat().st_mode & 0o777 == 0o600


def test_a_short_key_is_refused(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", "short")
    result = CliRunner().invoke(app, ["import", CONFIG])
    assert result.exit_code == 1 and "at least 32 random characters" in result.stderr


def test_purge_command(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", "k" * 40)
    imports = Path(__file__).with_name("fixtures") / "import"
    CliRunner().invoke(app, ["import", str(imports / "posts.jsonl")])
    result = CliRunner().invoke(app, ["purge", "--now", "2026-11-20T00:00:00", "--json"])
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert (report["cutoff"], report["posts_deleted"]) == ("2026-10-21T00:00:00+00:00", 4)


def test_purge_refuses_while_the_kept_trend_state_is_unreadable(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", "k" * 40)
    CliRunner().invoke(app, ["import", str(Path(__file__).with_name("fixtures") / "import" / "posts.jsonl")])
    engine = make_engine(load_settings().resolved_database_url)
    with session_scope(engine) as session:
        session.add(ClassifierState(name="trend-engine", data=b"\x80\x05 an old pickle"))
        posts = session.scalar(select(func.count()).select_from(Post))
    result = CliRunner().invoke(app, ["purge", "--now", "2026-11-20T00:00:00"])
    assert result.exit_code != 0 and "fix: run `leefwereld process --rebuild`" in result.stderr
    with session_scope(engine) as session:
        assert session.scalar(select(func.count()).select_from(Post)) == posts  # nothing purged, nothing half-done


@pytest.fixture
def demo_site(home: Path) -> tuple[TestClient, Callable[[], None]]:
    """The demo app with its demo admin, and a function that logs the client in through the form."""
    settings = load_settings(demo=True)
    engine = make_engine(settings.resolved_database_url)
    upgrade_database(engine)
    with session_scope(engine) as session:
        username, password = ensure_demo_user(session, settings.home)
    client = TestClient(create_app(settings, engine=engine))

    def log_in() -> None:
        found = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login/").text)
        assert found, "the login form has no CSRF field"
        csrf = found.group(1)
        client.post("/login/", data={"username": username, "password": password, "next": "/", "csrf_token": csrf})

    return client, log_in


def test_health_is_public_and_the_overview_needs_the_demo_log_in(
        demo_site: tuple[TestClient, Callable[[], None]]) -> None:
    client, log_in = demo_site
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/", headers={"accept": "text/html"}, follow_redirects=False).headers["location"] \
        == "/login/?next=%2F"
    log_in()
    page = client.get("/")
    assert page.status_code == 200 and "Nog geen berichten." in page.text and 'lang="nl"' in page.text


@pytest.mark.slow  # loads the whole demo corpus
def test_demo_loads_the_synthetic_corpus_without_keeping_a_handle(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("LEEFWERELD_CONFIG")
    result = CliRunner().invoke(app, ["demo", "--json", "--no-process"])
    assert result.exit_code == 0, result.output
    corpus = [json.loads(line) for line in (Path(__file__).parent.parent / "crawlers" / "demo" / "demo_posts.jsonl")
              .read_text(encoding="utf-8").splitlines()]
    assert json.loads(result.stdout)["stored"] == len(corpus)
    again = CliRunner().invoke(app, ["demo", "--json", "--no-process"])
    assert json.loads(again.stdout)["duplicates"] == len(corpus)
    database = (home / "leefwereld.db").read_bytes() + b"".join(p.read_bytes() for p in home.glob("leefwereld.db-*"))
    texts = " ".join(post["text"] for post in corpus)
    authors = {post["author"].lstrip("@") for post in corpus}
    never_mentioned = {handle for handle in authors if handle not in texts}
    assert len(never_mentioned) > 900
    for handle in never_mentioned:
        assert handle.encode() not in database, handle


def test_the_api_description_needs_a_log_in(demo_site: tuple[TestClient, Callable[[], None]]) -> None:
    client, log_in = demo_site
    assert client.get("/openapi.json").status_code == 401
    assert client.get("/docs", headers={"accept": "text/html"}, follow_redirects=False).status_code == 303
    log_in()
    assert "/api/v1/trends" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
