"""No author identity is kept; shown text is redacted; logs carry no handle or secret."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest
from sqlalchemy import MetaData, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from crawlers.importers import import_file
from models.content import Post
from models.logs import RedactingFilter
from models.privacy import pseudonymise, redact

IMPORTS = Path(__file__).with_name("fixtures") / "import"
HANDLES = ["lil_joey", "sanne.xo", "kim@mastodon.nl", "daan_010", "noor.2009", "mila_fc", "tt_handle_one",
           "ig_handle_two", "Handle One", "Handle Two", "forum_user_9"]


def _every_value(engine: Engine) -> str:
    """Every cell of every table, as text."""
    metadata = MetaData()
    metadata.reflect(engine)
    cells: list[str] = []
    with engine.connect() as connection:
        for table in metadata.sorted_tables:
            for row in connection.execute(table.select()):
                cells.extend(str(value) for value in row)
    return "\n".join(cells)


def _import_everything(engine: Engine, key: bytes) -> None:
    import_file(IMPORTS / "posts.jsonl", engine=engine, key=key)
    import_file(IMPORTS / "posts.csv", engine=engine, key=key)
    import_file(IMPORTS / "capture.ndjson", engine=engine, key=key, fmt="4cat")


def test_no_handle_or_display_name_reaches_any_table(engine: Engine, key: bytes) -> None:
    _import_everything(engine, key)
    stored = _every_value(engine)
    assert "gelblaster" in stored  # the texts are there ...
    for handle in HANDLES:
        # ... the authors are not, nor the @mention inside a post text (redacted before it is stored)
        assert handle not in stored, handle


def test_no_handle_in_the_sqlite_file_bytes(tmp_path: Path, key: bytes) -> None:
    from models.db import make_engine, upgrade_database

    engine = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
    upgrade_database(engine)
    _import_everything(engine, key)
    engine.dispose()
    raw = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for handle in HANDLES:
        assert handle.encode() not in raw, handle


def test_mentions_and_numbers_are_masked_before_they_are_stored(engine: Engine, key: bytes) -> None:
    import_file(IMPORTS / "posts.jsonl", engine=engine, key=key)
    with Session(engine) as session:
        text = session.scalars(select(col(Post.text)).where(col(Post.external_id) == "t1")).one()
        stored = session.scalars(select(col(Post.text)).where(col(Post.external_id) == "m1")).one()
    assert text == "wie gaat mee gelblasteren bij de metro vanavond @[gebruiker]"
    assert stored == "Wie kent haar?? exposed account weer actief, app [telefoonnummer]"
    assert redact(stored) == stored  # shown as stored: redacting twice changes nothing


def test_pseudonyms_are_stable_keyed_and_per_platform() -> None:
    key = b"k" * 32
    assert pseudonymise("tiktok", "@Lil_Joey", key) == pseudonymise("TikTok", "lil_joey", key)
    assert pseudonymise("tiktok", "lil_joey", key) != pseudonymise("tiktok", "lil_joey", b"x" * 32)
    assert pseudonymise("tiktok", "lil_joey", key) != pseudonymise("instagram", "lil_joey", key)
    with pytest.raises(ValueError):
        pseudonymise("tiktok", "lil_joey", b"")


@pytest.mark.parametrize(("text", "shown"), [
    ("mail me: lisa.v@gmail.com", "mail me: [e-mail]"),
    ("bel 06-12345678 of 06 12 34 56 78", "bel [telefoonnummer] of [telefoonnummer]"),
    ("app +31 6 1234 5678", "app [telefoonnummer]"),
    ("check @lil_joey en @kim@mastodon.nl", "check @[gebruiker] en @[gebruiker]"),
    ("kijk https://www.tiktok.com/@lil_joey/video/1 lol", "kijk [profiel-link] lol"),
    ("insta.com/ nee: instagram.com/noor.2009", "insta.com/ nee: [profiel-link]"),
    ("snap snapchat.com/add/xx_y", "snap [profiel-link]"),
    ("https://mastodon.nl/@kim/1234", "[profiel-link]"),
    ("3-1 gewonnen om 20:15 op 12-10-2026, 1000000 views", "3-1 gewonnen om 20:15 op 12-10-2026, 1000000 views"),
])
def test_redaction(text: str, shown: str) -> None:
    assert redact(text) == shown


def test_log_lines_mask_handles_and_secrets(caplog: pytest.LogCaptureFixture, monkeypatch) -> None:
    monkeypatch.setenv("LEEFWERELD_PSEUDONYM_KEY", "supersecretkeyvalue1234567890abcd")
    logger = logging.getLogger("test.privacy")
    logger.addFilter(RedactingFilter(("LEEFWERELD_PSEUDONYM_KEY",)))
    with caplog.at_level(logging.INFO, logger="test.privacy"):
        logger.info("post by @lil_joey, token=abc123 key %s", "supersecretkeyvalue1234567890abcd")
    assert caplog.messages == ["post by @[gebruiker], token=*** key ***"]
