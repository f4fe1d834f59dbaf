"""The command line enforces the same user name and password rules, and revokes a user's token by id."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from typer.testing import CliRunner, Result

from api.auth import create_api_token, find_user_by_token, get_user
from api.cli import app
from models.types import utcnow
from tests.conftest import FIXTURES
from tests.pages_support import PASSWORD

CONFIG = str(FIXTURES / "config" / "small.yaml")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine) -> Path:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.setenv("LEEFWERELD_CONFIG", CONFIG)
    monkeypatch.setenv("LEEFWERELD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return tmp_path


def run(*args: str, input: str | None = None) -> Result:  # noqa: A002
    return CliRunner().invoke(app, list(args), input=input)


@pytest.mark.parametrize(("name", "password", "message"), [
    ("jan\x07", PASSWORD, "Gebruikersnaam bevat het onzichtbare of stuurteken U+0007"),
    ("x" * 65, PASSWORD, "Gebruikersnaam heeft 65 tekens"),
    ("jan", " " * 12, "Wachtwoord bestaat vooral uit spaties"),
    ("fatima.elamrani", "fatima.elamrani", "Wachtwoord bevat de gebruikersnaam"),
])
def test_user_add_refuses_odd_names_and_weak_passwords(home: Path, name: str, password: str, message: str) -> None:
    result = run("user", "add", name, "--role", "admin", "--password-stdin", input=password + "\n")
    assert result.exit_code == 1 and message in result.stderr and " / " in result.stderr
    assert "no users yet" in run("user", "list").stdout


def test_user_token_revoke_takes_only_that_users_token(home: Path, engine: Engine) -> None:
    assert run("user", "add", "jan", "--role", "youth_worker", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    assert run("user", "add", "ada", "--role", "admin", "--password-stdin", input=PASSWORD + "\n").exit_code == 0
    with Session(engine) as session:
        token, plain = create_api_token(session, user=get_user(session, "jan"), actor="test")
        session.commit()
        token_id = token.id
    wrong = run("user", "token", "ada", "--revoke", str(token_id))
    assert wrong.exit_code == 1 and f"Onbekende token {token_id}" in wrong.stderr
    done = run("user", "token", "jan", "--revoke", str(token_id))
    assert done.exit_code == 0 and f"token {token_id} of jan revoked" in done.stdout
    with Session(engine) as session:
        assert find_user_by_token(session, plain, now=utcnow()) is None
