"""Post links and ids are stored without the account, on both databases; SQLite files are the owner's only."""
from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session

from crawlers.importers import import_file
from models.content import Post
from models.db import make_engine, upgrade_database
from models.redaction.urls import deidentify_id, deidentify_url


@pytest.mark.parametrize(("url", "kept"), [
    ("https://www.tiktok.com/@lil_joey/video/7500000000000000101?lang=nl", "https://www.tiktok.com/video/7500000000000000101"),
    ("https://www.tiktok.com/@lil_joey", None),
    ("https://www.instagram.com/sanne.xo/p/C1a2B3/?igsh=abc", "https://www.instagram.com/p/C1a2B3/"),
    ("https://www.instagram.com/reel/C1a2B3/", "https://www.instagram.com/reel/C1a2B3/"),
    ("https://www.instagram.com/sanne.xo/", None),
    ("https://twitter.com/daan_010/status/1900000000000000001", "https://x.com/i/status/1900000000000000001"),
    ("https://x.com/daan_010", None),
    ("https://www.youtube.com/watch?v=dQw4w9WgXcQ&ab_channel=SanneVlogs", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://youtu.be/dQw4w9WgXcQ?si=x", "https://www.youtube.com/watch?v=dQw4w9WgXcQ"),
    ("https://www.youtube.com/@sannevlogt", None),
    ("https://www.youtube.com/channel/UCsXVk37bltHxD1rDPwtNM8Q", None),
    ("https://mastodon.nl/@kim/113000000000000001", "https://mastodon.nl/web/statuses/113000000000000001"),
    ("https://mastodon.nl/users/kim/statuses/113000000000000001", "https://mastodon.nl/web/statuses/113000000000000001"),
    ("https://social.example/@kim", None),
    ("at://did:plc:abcdefgh/app.bsky.feed.post/3kabc", None),
    ("https://bsky.app/profile/kim.bsky.social/post/3kabc", None),
    ("https://t.me/buurtkanaal/94", None),
    ("https://www.reddit.com/r/thenetherlands/comments/abc123/titel/", "https://www.reddit.com/comments/abc123"),
    ("https://www.reddit.com/user/daan_010/", None),
    ("https://forum.example.nl/members/daan.12/", None),
    ("https://forum.example.nl/topic/9?author=daan&page=2#post-4", "https://forum.example.nl/topic/9?page=2"),
    ("https://nieuws.example.nl/artikel/123", "https://nieuws.example.nl/artikel/123"),
    (None, None),
])
def test_links_keep_the_post_and_lose_the_account(url: str | None, kept: str | None) -> None:
    assert deidentify_url(url) == kept


@pytest.mark.parametrize(("platform", "external_id", "hashed"), [
    ("telegram", "buurtkanaal/94", True),
    ("web", "forum:https://forum.example.nl/@daan/1", True),
    ("bluesky", "at://did:plc:abc/app.bsky.feed.post/1", True),
    ("rss", "https://nieuws.example.nl/artikel/123", False),
    ("reddit", "t3_abc123", False),
    ("tiktok", "7500000000000000101", False),
])
def test_ids_that_name_the_account_are_hashed(platform: str, external_id: str, hashed: bool) -> None:
    stored = deidentify_id(platform, external_id)
    assert (stored != external_id) is hashed
    assert stored == deidentify_id(platform, external_id)  # stable: the same post stays one row


def test_imported_posts_are_stored_without_account_text_or_link(engine: Engine, key: bytes, tmp_path: Path) -> None:
    rows = [
        {"id": "v1", "platform": "tiktok", "url": "https://www.tiktok.com/@lil_joey/video/71",
         "text": "wie gaat mee? app Sanne de Vries 06-12345678 of snap: sanne.xo"},
        {"id": "chan/5", "platform": "telegram", "url": "https://t.me/chan/5", "text": "klusje, dm @werkgever_010"},
        {"id": "y1", "platform": "youtube", "url": "https://www.youtube.com/watch?v=y1&ab_channel=KimVlogs",
         "text": "nieuwe vlog"},
    ]
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps({**r, "created_at": "2026-10-05T15:30:00Z"}) + "\n" for r in rows))
    import_file(source, engine=engine, key=key)
    again = import_file(source, engine=engine, key=key)
    assert again.duplicates == 3  # de-identified ids are stable, so a re-import stores nothing twice
    with Session(engine) as session:
        posts = {p.platform: p for p in session.scalars(select(Post))}
    assert posts["tiktok"].url == "https://www.tiktok.com/video/71"
    assert posts["tiktok"].text == "wie gaat mee? app [naam] [telefoonnummer] of snap: [gebruiker]"
    assert posts["telegram"].url is None and "chan" not in posts["telegram"].external_id
    assert posts["telegram"].text == "klusje, dm @[gebruiker]"
    assert posts["youtube"].url == "https://www.youtube.com/watch?v=y1"


def test_sqlite_files_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    database = tmp_path / "data" / "leefwereld.db"
    engine = make_engine(f"sqlite:///{database}")
    upgrade_database(engine)
    with engine.begin() as connection:
        connection.exec_driver_sql("CREATE TABLE probe (x INTEGER)")
        connection.exec_driver_sql("INSERT INTO probe VALUES (1)")
        files = sorted(p.name for p in database.parent.iterdir())
        modes = {p.name: stat.S_IMODE(p.stat().st_mode) for p in database.parent.iterdir()}
    engine.dispose()
    assert files == ["leefwereld.db", "leefwereld.db-shm", "leefwereld.db-wal"]
    assert set(modes.values()) == {0o600}, modes


def test_an_existing_world_readable_database_is_tightened(tmp_path: Path) -> None:
    database = tmp_path / "old.db"
    database.touch()
    os.chmod(database, 0o644)
    make_engine(f"sqlite:///{database}").dispose()
    assert stat.S_IMODE(database.stat().st_mode) == 0o600
