"""Importing files: every format, broken rows reported by line, every good row lands, re-import is idempotent."""
from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col
from typer.testing import CliRunner

from api.cli import app
from crawlers.importers import import_file
from crawlers.matching import WatchlistMatcher
from models.content import Post, PostWatchlist
from monitor_config import MonitorConfig

IMPORTS = Path(__file__).with_name("fixtures") / "import"


def _posts(engine: Engine) -> dict[str, Post]:
    with Session(engine) as session:
        return {p.external_id: p for p in session.scalars(select(Post))}


def test_jsonl_lands_good_rows_and_reports_bad_ones(engine: Engine, key: bytes, small_config: MonitorConfig) -> None:
    report = import_file(IMPORTS / "posts.jsonl", engine=engine, key=key,
                         matcher=WatchlistMatcher(small_config.watchlists))
    assert (report.rows, report.stored, report.error_count) == (9, 4, 5)
    assert [(e.line, e.reason) for e in report.errors] == [
        (3, "not valid JSON (Invalid control character at column 33)"),
        (4, "text is empty; fix: a post needs text to be classified"),
        (5, "created_at '2026-10-05 16:00:00' has no time zone; fix: end it with Z (UTC) or an offset like +02:00"),
        (7, "a line must be a JSON object"),
        (8, "likes is 'veel', not a number; fix: a whole number from 0 to 2147483647, or leave it empty"),
    ]
    posts = _posts(engine)
    assert set(posts) == {"t1", "t2", "m1", "m3"}
    assert posts["t2"].created_at.isoformat() == "2026-10-05T14:00:00+00:00"
    assert (posts["t1"].likes, posts["t1"].views, posts["t1"].language) == (12, 340, "nl")
    # The same handle on the same platform is the same pseudonymous author, whatever its spelling.
    assert posts["m1"].author_key == posts["m3"].author_key != posts["t1"].author_key
    with Session(engine) as session:
        links = set(session.execute(select(col(Post.external_id), col(PostWatchlist.watchlist_name))
                                    .join(PostWatchlist)).all())
    assert links == {("t1", "gelblaster-challenge"), ("t2", "gelblaster-challenge"), ("m1", "exposen")}


def test_reimport_is_idempotent(engine: Engine, key: bytes) -> None:
    first = import_file(IMPORTS / "posts.jsonl", engine=engine, key=key)
    again = import_file(IMPORTS / "posts.jsonl", engine=engine, key=key)
    assert (first.stored, first.duplicates) == (4, 0)
    assert (again.stored, again.duplicates) == (0, 4)
    with Session(engine) as session:
        assert session.scalar(select(func.count()).select_from(Post)) == 4


def test_csv(engine: Engine, key: bytes) -> None:
    report = import_file(IMPORTS / "posts.csv", engine=engine, key=key)
    assert [(e.line, e.reason.split(";")[0]) for e in report.errors] == [
        (4, "created_at is missing"), (5, "more values than columns in the header")]
    posts = _posts(engine)
    assert set(posts) == {"c1", "c2", "c5"}
    assert posts["c1"].likes == 5 and posts["c2"].likes is None
    assert posts["c1"].text == "gelblaster op het schoolplein, echt gestoord"


def test_4cat_ndjson_with_zeeschuimer_captures(engine: Engine, key: bytes) -> None:
    report = import_file(IMPORTS / "capture.ndjson", engine=engine, key=key, fmt="4cat")
    assert [(e.line, e.reason.split(";")[0]) for e in report.errors] == [
        (3, "createTime is missing"), (4, "unknown platform 'facebook.com'")]
    posts = _posts(engine)
    tiktok, instagram, forum = posts["7400000000000000001"], posts["3800000000000000001_1"], posts["4cat-1"]
    assert tiktok.platform == "tiktok" and tiktok.text.endswith("#gelblaster #fyp")
    assert (tiktok.likes, tiktok.shares, tiktok.replies, tiktok.views) == (120, 4, 9, 3400)
    assert tiktok.created_at.isoformat() == "2025-10-05T15:00:00+00:00"
    assert instagram.platform == "instagram" and instagram.url == "https://www.instagram.com/p/DAbCdEf/"
    assert (instagram.likes, instagram.replies) == (55, 7)
    assert forum.platform == "forum" and forum.created_at.isoformat() == "2026-10-05T10:00:00+00:00"


def test_4cat_csv(engine: Engine, key: bytes) -> None:
    report = import_file(IMPORTS / "export.csv", engine=engine, key=key, fmt="4cat", platform="forum")
    assert [(e.line, e.reason.split(";")[0]) for e in report.errors] == [(4, "timestamp 'gisteren' is not a date")]
    posts = _posts(engine)
    assert set(posts) == {"f1", "f2"} and posts["f1"].platform == "forum"


def test_import_command_summarises_and_exits_3_on_skipped_rows(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", "k" * 40)
    config = str(Path(__file__).with_name("fixtures") / "config" / "small.yaml")
    result = CliRunner().invoke(app, ["--config", config, "import", str(IMPORTS / "posts.csv")])
    assert result.exit_code == 3, result.output
    assert "posts.csv:4: skipped: created_at is missing" in result.stderr
    assert result.stdout.strip() == "5 rows read: 3 stored, 0 already present, 2 skipped"
    again = CliRunner().invoke(app, ["--config", config, "import", str(IMPORTS / "posts.csv"), "--json"])
    assert json.loads(again.stdout)["duplicates"] == 3


def test_import_refuses_to_run_without_a_key_outside_demo_mode(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("LEEFWERELD_HOME", str(tmp_path))
    monkeypatch.delenv("LEEFWERELD_PSEUDONYM_KEY", raising=False)
    monkeypatch.setenv("LEEFWERELD_CONFIG", str(Path(__file__).with_name("fixtures") / "config" / "small.yaml"))
    result = CliRunner().invoke(app, ["import", str(IMPORTS / "posts.csv")])
    assert result.exit_code == 1
    assert "the environment variable LEEFWERELD_PSEUDONYM_KEY is not set" in result.stderr
    assert not (tmp_path / "leefwereld.db").exists()
