"""`leefwereld crawl --once` and `leefwereld crawl --status --json`, as an operator types them."""
from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from api.cli import app
from tests.crawl_support import source, write_config
from tests.sources_server import SourcesServer


@pytest.fixture
def operator_env(engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, credentials: None) -> None:
    monkeypatch.setenv("LEEFWERELD_DATABASE_URL", engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path / "home"))


@pytest.mark.slow  # starts a crawler process
def test_crawl_once_then_status(operator_env: None, tmp_path: Path) -> None:
    runner = CliRunner()
    with SourcesServer() as server:
        news = source("rss", "nieuws", server.url("ok", "rss"))
        news["search_feeds"] = []  # the feed declares its language: no models to load in this test
        blocked = source("rss", "geblokkeerd", server.url("verboden", "rss"))
        blocked["search_feeds"] = []
        config = write_config(tmp_path, [news, blocked])
        once = runner.invoke(app, ["--config", str(config), "crawl", "--once", "--source", "nieuws", "--json"])
    assert once.exit_code == 0, once.output
    (run,) = json.loads(once.stdout)["runs"]
    assert (run["source"], run["status"], run["items"]["stored"]) == ("nieuws", "ok", 4)

    status = runner.invoke(app, ["--config", str(config), "crawl", "--status", "--json"])
    assert status.exit_code == 0, status.output
    report = json.loads(status.stdout)
    assert [r["source"] for r in report["runs"]] == ["nieuws"]
    assert report["sources"]["nieuws"]["cursors"]["guardian.rss"]["etag"] == '"guardian-1"'

    text = runner.invoke(app, ["--config", str(config), "crawl", "--status"])
    assert "nieuws: ok" in text.stdout and "4 new" in text.stdout


def test_crawl_refuses_what_it_cannot_do(operator_env: None, tmp_path: Path) -> None:
    runner = CliRunner()
    config = write_config(tmp_path, [source("reddit", "reddit", "http://127.0.0.1:9/") | {"enabled": False}])
    unknown = runner.invoke(app, ["--config", str(config), "crawl", "--once", "--source", "nope"])
    assert unknown.exit_code == 1 and "not in the configuration" in unknown.stderr
    disabled = runner.invoke(app, ["--config", str(config), "crawl", "--once", "--source", "reddit"])
    assert disabled.exit_code == 1 and "enabled: true" in disabled.stderr
    assert runner.invoke(app, ["--config", str(config), "crawl"]).exit_code == 2


@pytest.mark.slow  # starts a crawler process
def test_missing_credentials_are_a_clear_error(operator_env: None, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BLUESKY_APP_PASSWORD")
    config = write_config(tmp_path, [source("bluesky", "bluesky", "http://127.0.0.1:9/")])
    result = CliRunner().invoke(app, ["--config", str(config), "crawl", "--once", "--json"])
    assert result.exit_code == 3
    (run,) = json.loads(result.stdout)["runs"]
    assert run["status"] == "failed"
    assert run["errors"] == ["source 'bluesky': the environment variable BLUESKY_APP_PASSWORD is not set; fix: set it "
                             "to the credential (never put it in the YAML file)"]
