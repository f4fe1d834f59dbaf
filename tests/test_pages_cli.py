"""`leefwereld digest` and `leefwereld trends` against a real database file."""
from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest
from sqlmodel import Session
from typer.testing import CliRunner

from api.cli import app
from models.db import make_engine, upgrade_database
from tests.trend_factory import at, make_trend, spread

CONFIG = str(Path(__file__).with_name("fixtures") / "config" / "small.yaml")


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.setenv("LEEFWERELD_CONFIG", CONFIG)
    engine = make_engine(f"sqlite:///{tmp_path / 'leefwereld.db'}")
    upgrade_database(engine)
    with Session(engine) as session:
        make_trend(session, label="Gelblaster bij de metro", status="emerging", first_seen=at(date(2026, 11, 17)),
                   emerging_at=at(date(2026, 11, 18)), posts=["kom naar de metro *nu* <b>!</b>"],
                   daily=spread(date(2026, 11, 17), [2, 6, 9]))
        session.commit()
    engine.dispose()
    return tmp_path


def test_digest_prints_markdown_and_exits_0(home: Path) -> None:
    result = CliRunner().invoke(app, ["digest", "--week", "2026-W47", "--format", "md",
                                      "--base-url", "https://monitor.example"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("# Weekoverzicht 2026-W47")
    assert "## Opkomend" in result.stdout and "(https://monitor.example/trends/1)" in result.stdout
    assert r"\*nu\* &lt;b&gt;!&lt;/b&gt;" in result.stdout


def test_digest_in_english_and_as_json_or_html(home: Path) -> None:
    english = CliRunner().invoke(app, ["digest", "--week", "2026-W47", "--format", "md", "--lang", "en"])
    assert english.exit_code == 0 and english.stdout.startswith("# Weekly digest 2026-W47")
    data = json.loads(CliRunner().invoke(app, ["digest", "--week", "2026-W47", "--format", "json"]).stdout)
    assert data["sections"][0]["categories"][0]["items"][0]["volume"] == 17
    html = CliRunner().invoke(app, ["digest", "--week", "2026-W47", "--format", "html"]).stdout
    assert html.startswith("<!doctype html>") and "&lt;b&gt;" in html


def test_a_bad_week_exits_1_and_names_the_fix(home: Path) -> None:
    result = CliRunner().invoke(app, ["digest", "--week", "2026-W99", "--format", "md"])
    assert result.exit_code == 1
    assert ("week '2026-W99' does not exist in 2026; fix: give an ISO week as YYYY-Www, for example 2026-W47"
            in result.stderr)
    assert CliRunner().invoke(app, ["digest", "--format", "pdf"]).exit_code == 2


def test_trends_lists_emerging_first_as_text_and_json(home: Path) -> None:
    text = CliRunner().invoke(app, ["trends"])
    assert text.exit_code == 0 and "Gelblaster bij de metro" in text.stdout and "Opkomend" in text.stdout
    data = json.loads(CliRunner().invoke(app, ["trends", "--status", "emerging", "--json"]).stdout)
    assert data["total"] == 1 and data["items"][0]["category_title"] == "Gelblasters en nepwapens"
    assert CliRunner().invoke(app, ["trends", "--status", "viral"]).exit_code == 2
