"""Turn what a collector or an import found into a storable post; the author is pseudonymised right here.

This is the first moment a post exists inside the product, so the handle never travels further than this: the
text is redacted (contact details, handles, full names), the link keeps only the post's own address and an id
that names the account is hashed, before anything is stored.
"""
from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

import html_text

from crawlers.language import detect_language
from crawlers.matching import WatchlistMatcher
from models.ingest import PostIn
from models.privacy import content_hash, pseudonymise
from models.redaction import redact
from models.redaction.urls import deidentify_id, deidentify_url

P = ParamSpec("P")
R = TypeVar("R")
MAX_TEXT_LENGTH = 20_000
MAX_PLATFORM, MAX_ID, MAX_URL, MAX_LANGUAGE = 32, 200, 1000, 8  # the columns' sizes
MAX_COUNT = 2**31 - 1  # PostgreSQL INTEGER
EARLIEST, LATEST = datetime(1900, 1, 1, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


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


def item_mapper(mapper: Callable[P, R]) -> Callable[P, R]:
    """A source's item mapper whose surprises (a missing key, a list where text was expected) become InvalidPost
    naming the field, so the collector skips that item and keeps the rest of the page."""
    @functools.wraps(mapper)
    def mapped(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return mapper(*args, **kwargs)
        except InvalidPost:
            raise
        except KeyError as exc:
            raise InvalidPost(f"{exc.args[0] if exc.args else 'a field'} is missing from the item") from None
        except (TypeError, ValueError, AttributeError, IndexError, OverflowError, RecursionError) as exc:
            raise InvalidPost(f"the item has a field of an unexpected kind ({type(exc).__name__}: "
                              f"{str(exc)[:120]})") from None
    return mapped


def html_to_text(markup: str) -> str:
    return html_text.extract_text(markup, guess_layout=False).strip()


def _check(raw: RawPost) -> None:
    """The last gate before storage, for every collector: whatever passes fits the database's columns."""
    if not isinstance(raw.platform, str) or not raw.platform.strip():
        raise InvalidPost("platform is empty; fix: name the platform, for example 'tiktok'")
    if len(raw.platform.strip()) > MAX_PLATFORM or not raw.platform.isprintable():
        raise InvalidPost(f"platform {raw.platform[:40]!r} is not a platform name; fix: at most {MAX_PLATFORM} "
                          "printable characters, for example 'tiktok'")
    if not isinstance(raw.external_id, (str, int)) or not str(raw.external_id).strip():
        raise InvalidPost("id is empty; fix: give each post the id it has on its platform")
    if "\x00" in str(raw.external_id) or len(str(raw.external_id).strip()) > MAX_ID:
        raise InvalidPost(f"id is not usable (a NUL character or over {MAX_ID} characters); fix: the post's own id")
    if not isinstance(raw.text, str):
        raise InvalidPost(f"text must be text, not {type(raw.text).__name__}")
    if not isinstance(raw.created_at, datetime) or raw.created_at.tzinfo is None:
        raise InvalidPost("created_at has no time zone; fix: use ISO 8601 with 'Z' or an offset")
    if not EARLIEST <= raw.created_at <= LATEST:
        raise InvalidPost(f"created_at {raw.created_at.isoformat()} is not between the years 1900 and 9000; "
                          "fix: the moment the post was published")
    if raw.url is not None and (not isinstance(raw.url, str) or len(raw.url) > MAX_URL or "\x00" in raw.url):
        raise InvalidPost(f"url is not a link (text of at most {MAX_URL} characters); fix: the post's address")
    if raw.language is not None and (not isinstance(raw.language, str) or len(raw.language) > MAX_LANGUAGE):
        raise InvalidPost(f"language {raw.language!r:.40} is not a language code; fix: 'nl', 'en' or leave it out")
    for name in ("likes", "shares", "replies", "views"):
        value = getattr(raw, name)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or not 0 <= value <= MAX_COUNT):
            raise InvalidPost(f"{name} is {value!r:.40}; fix: a whole number from 0 to {MAX_COUNT}")


def clean_text(text: str) -> str:
    """Without NUL and other control characters (PostgreSQL refuses NUL; feeds and e-mails break on the rest);
    line breaks and tabs stay."""
    return CONTROL.sub("", text)


def normalise(raw: RawPost, *, key: bytes, matcher: WatchlistMatcher | None = None,
              now: datetime | None = None) -> PostIn:
    """Validate, convert HTML to text, detect the language, hash, pseudonymise and match watchlists."""
    _check(raw)
    try:
        text = clean_text(html_to_text(clean_text(raw.text)) if raw.is_html else raw.text).strip()
    except (ValueError, TypeError) as exc:  # lxml's ParserError is a ValueError
        raise InvalidPost(f"text is not readable HTML ({type(exc).__name__}); "
                          "fix: send the post's HTML or text") from None
    if not text:
        raise InvalidPost("text is empty; fix: a post needs text to be classified")
    author = clean_text(str(raw.author)) if raw.author else f"anonymous:{raw.external_id}"
    try:
        url = deidentify_url(raw.url)
    except ValueError as exc:
        raise InvalidPost(f"url {raw.url!r:.60} is not a link ({exc}); fix: the post's http(s) address") from None
    matched = sorted(set(raw.watchlists) | set(matcher.match(text[:MAX_TEXT_LENGTH]) if matcher else []))
    language = raw.language or detect_language(text[:MAX_TEXT_LENGTH])
    text = redact(text[:2 * MAX_TEXT_LENGTH])[:MAX_TEXT_LENGTH]  # redacted first: a cut must not leave half a number
    platform = raw.platform.strip().lower()
    return PostIn(
        platform=platform,
        external_id=deidentify_id(platform, str(raw.external_id).strip()),
        source_name=raw.source_name,
        url=url,
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
