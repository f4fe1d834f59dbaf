"""Log-in throttling that cannot be raced and that nobody can use to lock a user out; user name and password
rules at every door (the command line and the functions the admin pages use); on SQLite and PostgreSQL."""
from __future__ import annotations

import re
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine
from sqlmodel import Session, select

from api.app import create_app
from api.auth import InvalidUsernameError, WeakPasswordError, check_password_strength, check_username, create_user
from api.deps import get_clock
from models.serving import AuditLog
from models.types import utcnow
from monitor_config.settings import Settings
from tests.live_server import serve
from tests.pages_support import CONFIG, PASSWORD, csrf_of

ATTACKER, OFFICE, HOME = "198.51.100.66", "203.0.113.10", "192.0.2.44"


def make_app(engine: Engine, home: Path) -> FastAPI:
    settings = Settings(home=home, secret_key="s" * 40, cookie_secure=False, config=CONFIG)
    return create_app(settings, engine=engine)


@pytest.fixture
def app(engine: Engine, tmp_path: Path) -> FastAPI:
    application = make_app(engine, tmp_path)
    with Session(engine) as session:
        create_user(session, username="jan", password=PASSWORD, role="youth_worker", actor="test")
        create_user(session, username="ada", password=PASSWORD, role="admin", actor="test")
        session.commit()
    return application


def browser(app: FastAPI, address: str) -> TestClient:
    return TestClient(app, follow_redirects=False, client=(address, 40000))


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client.get("/login/").text)
    return client.post("/login/", data={"username": username, "password": password, "next": "/",
                                        "csrf_token": token})


def checked_failures(engine: Engine) -> int:
    with Session(engine) as session:
        return len(session.exec(select(AuditLog).where(AuditLog.action == "login_failed")).all())


def test_forty_parallel_wrong_passwords_check_only_five(app: FastAPI, engine: Engine) -> None:
    with serve(app) as base, httpx.Client(base_url=base, follow_redirects=False, timeout=60) as client:
        token = csrf_of(client.get("/login/").text)
        form = {"username": "jan", "password": "verkeerd wachtwoord", "next": "/", "csrf_token": token}
        with ThreadPoolExecutor(max_workers=40) as pool:
            statuses = list(pool.map(lambda _: client.post("/login/", data=form).status_code, range(40)))
    assert sorted(statuses) == [401] * 5 + [429] * 35
    assert checked_failures(engine) == 5


def test_a_guesser_elsewhere_cannot_lock_the_user_out(app: FastAPI) -> None:
    attacker = browser(app, ATTACKER)
    for _ in range(5):
        assert log_in(attacker, "jan", "verkeerd wachtwoord").status_code == 401
    refused = log_in(attacker, "jan", "verkeerd wachtwoord")
    assert refused.status_code == 429 and "Te veel mislukte pogingen" in refused.text
    assert 0 < int(refused.headers["retry-after"]) <= 15 * 60
    assert log_in(attacker, "jan").status_code == 429  # from there, even the right password waits
    assert log_in(browser(app, OFFICE), "jan").status_code == 303


def test_guessing_from_many_addresses_stops_at_ten_but_not_where_the_user_logged_in_before(app: FastAPI) -> None:
    assert log_in(browser(app, OFFICE), "jan").status_code == 303
    for n in range(10):
        assert log_in(browser(app, f"198.51.100.{n}"), "jan", "verkeerd wachtwoord").status_code == 401
    assert log_in(browser(app, "198.51.100.200"), "jan").status_code == 429  # a new address: wait
    assert log_in(browser(app, OFFICE), "jan").status_code == 303  # where jan logged in before: in


def test_an_address_trying_many_names_is_stopped_for_names_it_never_logged_in_with(app: FastAPI) -> None:
    shared = browser(app, OFFICE)
    assert log_in(shared, "ada").status_code == 303
    sprayer = browser(app, OFFICE)
    for n in range(30):
        assert log_in(sprayer, f"naam{n}", "verkeerd wachtwoord").status_code == 401
    assert log_in(sprayer, "jan").status_code == 429
    assert log_in(browser(app, OFFICE), "ada").status_code == 303
    assert log_in(browser(app, HOME), "jan").status_code == 303


def test_long_and_odd_user_names_are_throttled_too(app: FastAPI) -> None:
    attacker = browser(app, ATTACKER)
    for name in ("x" * 250, "\x00" * 3, "a\u202eb" * 40):
        for _ in range(5):
            assert log_in(attacker, name, "verkeerd wachtwoord").status_code == 401
        assert log_in(attacker, name, "verkeerd wachtwoord").status_code == 429


def test_the_counts_survive_a_restart_and_the_window_ends(app: FastAPI, engine: Engine, tmp_path: Path) -> None:
    attacker = browser(app, ATTACKER)
    for _ in range(5):
        log_in(attacker, "jan", "verkeerd wachtwoord")
    restarted = make_app(engine, tmp_path)  # another process on the same database
    assert log_in(browser(restarted, ATTACKER), "jan").status_code == 429
    restarted.dependency_overrides[get_clock] = lambda: lambda: utcnow() + timedelta(minutes=16)
    assert log_in(browser(restarted, ATTACKER), "jan").status_code == 303


def test_a_correct_password_gives_its_reservation_back(app: FastAPI, engine: Engine) -> None:
    for _ in range(6):  # more log-ins than the pair's limit
        assert log_in(browser(app, OFFICE), "jan").status_code == 303
    office = browser(app, OFFICE)
    for _ in range(4):
        assert log_in(office, "jan", "verkeerd wachtwoord").status_code == 401
    assert log_in(browser(app, OFFICE), "jan").status_code == 303  # four failures, then in: the pair starts again
    for _ in range(5):
        assert log_in(office, "jan", "verkeerd wachtwoord").status_code == 401
    assert log_in(office, "jan").status_code == 429


@pytest.mark.parametrize("password, rule", [
    (" " * 12, "vooral uit spaties"),
    ("a" + " " * 14 + "b", "vooral uit spaties"),
    ("jansen-jansen", "bevat de gebruikersnaam"),
    ("Jansen", "te kort"),
    ("Mijn naam is JANSEN echt", "bevat de gebruikersnaam"),
    ("abababababab", "herhaalt steeds dezelfde tekens"),
    ("Wachtwoord123", "veelgebruikte wachtwoorden"),
    ("x" * 257, "te lang"),
])
def test_weak_passwords_are_refused_naming_the_rule(password: str, rule: str) -> None:
    with pytest.raises(WeakPasswordError, match=rule) as raised:
        check_password_strength(password, username="jansen")
    assert str(raised.value).startswith("Wachtwoord ") and " / Password " in str(raised.value)


def test_good_passwords_pass() -> None:
    for password in ("twaalf teken", "lange zin als wachtwoord", "Fietsen 🚲 naar de Bijlmer"):
        check_password_strength(password, username="jansen")


@pytest.mark.parametrize("username, rule", [
    ("", "0 tekens"), ("x" * 65, "65 tekens"), ("jan\x00", "U+0000"), ("jan\nadmin", "U+000A"),
    ("ja\u200bn", "U+200B"), ("\u202eadmin", "U+202E"), (" jan", "spatie"), ("   ", "spatie"),
])
def test_odd_user_names_are_refused_naming_the_character(username: str, rule: str) -> None:
    with pytest.raises(InvalidUsernameError, match=re.escape(rule)) as raised:
        check_username(username)
    assert str(raised.value).startswith("Gebruikersnaam ") and " / User name " in str(raised.value)


def test_create_user_enforces_both_rules(engine: Engine) -> None:
    with Session(engine) as session:
        with pytest.raises(WeakPasswordError):
            create_user(session, username="jan", password=" " * 12, role="youth_worker", actor="admin")
        with pytest.raises(WeakPasswordError):
            create_user(session, username="fatima.elamrani", password="fatima.elamrani", role="admin", actor="admin")
        with pytest.raises(InvalidUsernameError):
            create_user(session, username="\x07bel", password=PASSWORD, role="admin", actor="admin")
        assert create_user(session, username="Fatima El Amrani", password=PASSWORD, role="admin", actor="admin").id
