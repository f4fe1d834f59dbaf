"""The shapes a row may have when it enters the product, as pydantic models: one bad value makes its row
unusable with a message naming the field and the fix, and never reaches the database.

The bounds are the databases' own: counts fit a 32-bit integer (PostgreSQL's INTEGER), moments lie between
1900 and 9000, text carries no NUL (PostgreSQL refuses it) and the short fields fit their columns.
"""
from __future__ import annotations

import json
import math
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, StringConstraints, ValidationError

from crawlers.normalise import InvalidPost

MAX_COUNT = 2**31 - 1
Row = TypeVar("Row", bound=BaseModel)
EARLIEST = datetime(1900, 1, 1, tzinfo=UTC)
LATEST = datetime(9000, 1, 1, tzinfo=UTC)
TIME_FIX = "ISO 8601 with a zone such as 2026-10-05T15:30:00Z, or Unix seconds"
# Moments before 1900 or after 9000 are typing errors (or milliseconds given as seconds), never a post.
MAX_EPOCH = (LATEST - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()
MIN_EPOCH = (EARLIEST - datetime(1970, 1, 1, tzinfo=UTC)).total_seconds()


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("contains a NUL character (\\x00); fix: remove it")
    return value


def scalar_text(value: Any) -> Any:
    """An id or a name may be written as a number, never as a list, an object or true/false."""
    if isinstance(value, (bool, dict, list)):
        raise ValueError(f"must be text, not {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        raise ValueError("must be text or a whole number, not a fraction")
    return value


def _blank_is_none(value: Any) -> Any:
    return None if value is None or (isinstance(value, str) and not value.strip()) else value


def _strict_text(value: Any) -> Any:
    if value is not None and not isinstance(value, str):
        raise ValueError(f"must be text, not {type(value).__name__}")
    return value


def to_count(value: Any) -> int | None:
    """A count such as likes: a whole number from 0 to 2147483647; '12', 12.0 and '' (none) are fine."""
    value = _blank_is_none(value)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"must be a whole number, not {type(value).__name__}")
    try:
        number = float(value) if not isinstance(value, int) else value
    except ValueError:
        raise ValueError(f"is {_short(value)}, not a number") from None
    if isinstance(number, float):
        if not math.isfinite(number) or number != int(number):
            raise ValueError(f"{value!r} is not a whole number")
        number = int(number)
    if not 0 <= number <= MAX_COUNT:
        raise ValueError(f"{_short(value)} is outside 0 to {MAX_COUNT}")
    return number


def to_moment(value: Any) -> datetime:
    """ISO 8601 with a zone (a trailing Z is fine) or Unix seconds, between the years 1900 and 9000."""
    if isinstance(value, bool) or value is None or (isinstance(value, str) and not value.strip()):
        raise ValueError("is missing")
    if isinstance(value, (int, float)) or (isinstance(value, str) and value.strip().lstrip("-").isdigit()):
        try:
            seconds = float(value)
        except (ValueError, OverflowError):
            raise ValueError(f"{_short(value)} is not a moment") from None
        if not (math.isfinite(seconds) and MIN_EPOCH <= seconds <= MAX_EPOCH):
            raise ValueError(f"{_short(value)} is not a moment between the years 1900 and 9000")
        return datetime.fromtimestamp(seconds, tz=UTC)
    if not isinstance(value, str):
        raise ValueError(f"must be a date, not {type(value).__name__}")
    text = value.strip()
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{_short(value)} is not a date") from None
    if parsed.tzinfo is None:
        raise ValueError(f"{_short(value)} has no time zone; fix: end it with Z (UTC) or an offset like +02:00")
    try:
        moment = parsed.astimezone(UTC)
    except (OverflowError, ValueError):
        raise ValueError(f"{_short(value)} is not a moment between the years 1900 and 9000") from None
    if not EARLIEST <= moment <= LATEST:
        raise ValueError(f"{_short(value)} is not a moment between the years 1900 and 9000")
    return moment


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _id_text(value: Any) -> Any:
    value = scalar_text(value)
    return _no_nul(value) if isinstance(value, str) else value


def optional_text(value: Any) -> Any:
    value = _blank_is_none(_strict_text(value))
    return _no_nul(value) if isinstance(value, str) else value


def optional_name(value: Any) -> Any:
    return optional_text(scalar_text(value) if value is not None else None)


def _language(value: Any) -> Any:
    value = optional_text(value)
    return value.strip().lower() if isinstance(value, str) else value


Count = Annotated[int | None, BeforeValidator(to_count)]
Moment = Annotated[datetime, BeforeValidator(to_moment)]
Platform = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32,
                                            pattern=r"^[^\x00-\x1f\x7f]+$"), BeforeValidator(_id_text)]
ExternalId = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200),
                       BeforeValidator(_id_text)]
OptionalName = Annotated[str | None, StringConstraints(max_length=500), BeforeValidator(optional_name)]
Url = Annotated[str | None, StringConstraints(strip_whitespace=True, max_length=2000), BeforeValidator(optional_text)]
Language = Annotated[str | None, StringConstraints(pattern=r"^[a-z]{2,3}([-_][a-z0-9]{2,4})?$"),
                     BeforeValidator(_language)]
PostText = Annotated[str, BeforeValidator(_strict_text)]

MOMENTS = ("createTime", "taken_at", "timestamp")
REQUIRED = "every row needs 'id', 'text', 'created_at' and 'platform'"
FIXES = {
    "id": "give each post the id it has on its platform (text or a whole number, at most 200 characters)",
    "text": "give the post's text as a string",
    "created_at": TIME_FIX,
    "timestamp": TIME_FIX,
    "platform": "name the platform in at most 32 characters, for example 'tiktok'",
    "url": "a link as text (http or https), or leave it out",
    "language": "an ISO 639 code such as 'nl' or 'en', or leave it out",
    "likes": "a whole number from 0 to 2147483647, or leave it empty",
    "author": "the author's handle as text, or leave it out",
    "body": "give the post's text as a string",
    "createTime": "the Unix timestamp the capture has; upload the file as Zeeschuimer exports it",
    "taken_at": "the Unix timestamp the capture has; upload the file as Zeeschuimer exports it",
}


class Counts(BaseModel):
    """The engagement counts every row shape may carry."""

    model_config = ConfigDict(extra="ignore")

    likes: Count = None
    shares: Count = None
    replies: Count = None
    views: Count = None


class PlainRow(Counts):
    """The product's own post shape for `leefwereld import`: {"id", "text", "created_at", "platform"} plus
    optional author, url, language and counts."""

    model_config = ConfigDict(extra="ignore")

    id: ExternalId
    text: PostText
    created_at: Moment
    platform: Platform
    author: OptionalName = None
    url: Url = None
    language: Language = None


def problem(exc: ValidationError) -> InvalidPost:
    """The first problem of a row as one readable line: field, what is wrong, and the fix."""
    parts = []
    for error in exc.errors()[:3]:
        loc = ".".join(str(p) for p in error["loc"]) or "(row)"
        message = error["msg"].removeprefix("Value error, ")
        if error["type"] == "missing":
            field = str(error["loc"][0]) if error["loc"] else ""
            parts.append(f"{loc} is missing; fix: {FIXES.get(field, REQUIRED) if field in MOMENTS else REQUIRED}")
            continue
        elif error["type"] not in ("value_error",):
            message = f"{message} (got {_short(error.get('input'))})"
        field = str(error["loc"][0]) if error["loc"] else ""
        fix = FIXES.get(field, FIXES["likes"] if field in ("shares", "replies", "views") else "")
        parts.append(f"{loc} {message}" + (f"; fix: {fix}" if fix and "; fix:" not in message else ""))
    return InvalidPost("; ".join(parts))


def validated(model: type[Row], data: dict[str, Any]) -> Row:
    """The row as `model`, or InvalidPost naming the field, the problem and the fix."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise problem(exc) from None


def load_json_line(line: str | bytes) -> Any:
    """One JSON value; very deep nesting or a broken line is InvalidPost, never a crash."""
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        raise InvalidPost(f"not valid JSON ({exc.msg.removesuffix(' at')} at column {exc.colno})") from None
    except UnicodeDecodeError:
        raise InvalidPost("not valid JSON (not UTF-8 text); fix: save the file as UTF-8") from None
    except RecursionError:
        raise InvalidPost("not usable JSON: nested too deeply") from None
    except ValueError as exc:  # a number of more than 4300 digits, for one
        raise InvalidPost(f"not usable JSON ({str(exc)[:80]})") from None


class FourCatRow(Counts):
    """A 4CAT export row in 4CAT's own column names (after picking unix_timestamp or timestamp, body or text)."""

    model_config = ConfigDict(extra="ignore")

    id: ExternalId
    body: PostText = ""
    timestamp: Moment
    platform: Platform
    author: OptionalName = None
    url: Url = None
