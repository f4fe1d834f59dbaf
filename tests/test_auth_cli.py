"""`leefwereld user ...` as an operator meets it, and the demo admin."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from typer.testing import CliRunner, Result

from api.auth import ensure_demo_user, verify_password
from api.auth.security import hash_secret
from api.cli import app
from models.access import ApiToken
from models.serving import AuditLog, User

CONFIG = str(Path(__file__).with_name("fixtures") / "config" / "small.yaml")
PASSWORD = "lange zin als wachtwoord"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engine: Engine) -> Path:
    """The CLI on the test database of each backend."""
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.setenv("LEEFWERELD_CONFIG", CONFIG)
    monkeypatch.setenv("LEEFWERELD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    return tmp_path


def run(*args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, list(args), input=input)


@pytest.fixture
def db(engine: Engine) -> Iterator[Session]:
    with Session(engine) as session:
        yield session


def test_user_add_from_stdin_then_list_as_json(home: Path, db: Session) -> None:
    result = run("user", "add", "ada", "--role", "admin", "--email", "ada@example.org", "--password-stdin",
                 input=PASSWORD + "\n")
    assert result.exit_code == 0, result.output
    listed = json.loads(run("user", "list", "--json").stdout)
    assert [(u["username"], u["role"], u["email"]) for u in listed] == [("ada", "admin", "ada@example.org")]
    assert "password" not in json.dumps(listed)
    with db as session:
        user = session.exec(select(User)).one()
        assert user.password_hash.startswith("$argon2id$") and PASSWORD not in user.password_hash
        assert verify_password(PASSWORD, user.password_hash)
        audit = session.exec(select(AuditLog)).one()
        assert (audit.actor, audit.action, audit.target) == ("cli", "user_created", "ada")


def test_user_add_prompts_twice(home: Path, db: Session) -> None:
    result = run("user", "add", "jan", "--role", "youth_worker", input=f"{PASSWORD}\n{PASSWORD}\n")
    assert result.exit_code == 0, result.output
    assert result.output.count("Wachtwoord / password") == 1 and "Nogmaals / repeat" in result.output


def test_weak_password_is_refused_with_the_fix(home: Path, db: Session) -> None:
    result = run("user", "add", "jan", "--role", "youth_worker", "--password-stdin", input="kort\n")
    assert result.exit_code == 1
    assert "Wachtwoord te kort" in result.stderr and "at least 12" in result.stderr


def test_unknown_role_and_duplicate_user_are_refused(home: Path, db: Session) -> None:
    assert run("user", "add", "jan", "--role", "baas", "--password-stdin", input=PASSWORD).exit_code == 1
    assert run("user", "add", "jan", "--role", "reviewer", "--password-stdin", input=PASSWORD).exit_code == 0
    again = run("user", "add", "jan", "--role", "reviewer", "--password-stdin", input=PASSWORD)
    assert again.exit_code == 1 and "already exists" in again.stderr


def test_token_is_printed_once_stored_as_hash_and_revocable(home: Path, db: Session) -> None:
    run("user", "add", "jan", "--role", "reviewer", "--password-stdin", input=PASSWORD)
    result = run("user", "token", "jan", "--name", "script")
    assert result.exit_code == 0, result.output
    plain = result.stdout.strip()
    assert plain.startswith("lw_") and len(plain) > 40
    tokens = json.loads(run("user", "tokens", "jan", "--json").stdout)
    assert [(t["name"], t["revoked"]) for t in tokens] == [("script", False)]
    stored = db.exec(select(ApiToken)).one()
    assert stored.token_hash == hash_secret(plain) and stored.prefix == plain[:10]
    audit = db.exec(select(AuditLog).where(AuditLog.action == "token_created")).one()
    assert (audit.actor, audit.target) == ("cli", "jan") and plain not in str(audit.details)
    assert run("user", "revoke-token", str(tokens[0]["id"])).exit_code == 0
    assert json.loads(run("user", "tokens", "jan", "--json").stdout)[0]["revoked"] is True
    assert run("user", "token", "niemand").exit_code == 1


def test_demo_user_is_made_once_and_its_login_kept_private(home: Path, db: Session) -> None:
    with db as session:
        first = ensure_demo_user(session, home)
        session.commit()
        assert ensure_demo_user(session, home) == first
        session.commit()
        user = session.exec(select(User).where(User.username == first[0])).one()
        assert user.role == "admin" and verify_password(first[1], user.password_hash)
    assert (home / "demo-login.txt").stat().st_mode & 0o777 == 0o600
