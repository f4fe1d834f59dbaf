"""Turn what a collector or an import found into a storable post; the author is pseudonymised right here.

This is the first moment a post exists inside the product, so the handle never travels further than this: the
text is redacted (contact details, handles, full names), the link keeps only the post's own address and an id
that names the account is hashed, before anything is stored.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

import html_text

from crawlers.language import detect_language
from crawlers.matching import WatchlistMatcher
from models.ingest import PostIn
from models.privacy import content_hash, pseudonymise
from models.redaction import redact
from models.redaction.urls import deidentify_id, deidentify_url

MAX_TEXT_LENGTH = 20_000


class InvalidPost(ValueError):
    """A found post cannot be stored; the message names the field and the problem."""


@dataclass
class RawPost:
    """A post as a source gives it. `author` is the handle or id: it is dropped after pseudonymising."""

    platform: str
    external_id: str
    text: str
    created_at: datetime
    author: str | None = None
    url: str | None = None
    language: str | None = None
    is_html: bool = False
    likes: int | None = None
    shares: int | None = None
    replies: int | None = None
    views: int | None = None
    source_name: str | None = None
    watchlists: list[str] = field(default_factory=list)


def html_to_text(markup: str) -> str:
    return html_text.extract_text(markup, guess_layout=False).strip()


def _check(raw: RawPost) -> None:
    if not raw.platform or not raw.platform.strip():
        raise InvalidPost("platform is empty; fix: name the platform, for example 'tiktok'")
    if not raw.external_id or not str(raw.external_id).strip():
        raise InvalidPost("id is empty; fix: give each post the id it has on its platform")
    if raw.created_at.tzinfo is None:
        raise InvalidPost("created_at has no time zone; fix: use ISO 8601 with 'Z' or an offset")
    for name in ("likes", "shares", "replies", "views"):
        value = getattr(raw, name)
        if value is not None and value < 0:
            raise InvalidPost(f"{name} is negative ({value}); fix: a count of zero or more")


def normalise(raw: RawPost, *, key: bytes, matcher: WatchlistMatcher | None = None,
              now: datetime | None = None) -> PostIn:
    """Validate, convert HTML to text, detect the language, hash, pseudonymise and match watchlists."""
    _check(raw)
    text = html_to_text(raw.text) if raw.is_html else raw.text.strip()
    if not text:
        raise InvalidPost("text is empty; fix: a post needs text to be classified")
    author = raw.author if raw.author else f"anonymous:{raw.external_id}"
    matched = sorted(set(raw.watchlists) | set(matcher.match(text[:MAX_TEXT_LENGTH]) if matcher else []))
    language = raw.language or detect_language(text[:MAX_TEXT_LENGTH])
    text = redact(text[:2 * MAX_TEXT_LENGTH])[:MAX_TEXT_LENGTH]  # redacted first: a cut must not leave half a number
    platform = raw.platform.strip().lower()
    return PostIn(
        platform=platform,
        external_id=deidentify_id(platform, str(raw.external_id).strip()),
        source_name=raw.source_name,
        url=deidentify_url(raw.url),
        text=text,
        language=language,
        created_at=raw.created_at.astimezone(UTC),
        collected_at=now or datetime.now(UTC),
        likes=raw.likes,
        shares=raw.shares,
        replies=raw.replies,
        views=raw.views,
        author_key=pseudonymise(raw.platform, author, key),
        content_hash=content_hash(text),
        watchlists=matched,
    )
