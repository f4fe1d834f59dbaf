"""Map items captured by the Zeeschuimer browser extension (TikTok, Instagram) to raw posts."""
from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from crawlers.normalise import InvalidPost, RawPost


def _count(value: Any) -> int | None:
    try:
        return int(value) if value is not None else None
    except (TypeError, ValueError):
        return None


def _epoch(value: Any, field: str) -> datetime:
    try:
        return datetime.fromtimestamp(int(value), tz=UTC)
    except (TypeError, ValueError, OverflowError):
        raise InvalidPost(f"{field} is {value!r}, not a Unix timestamp") from None


def map_tiktok(data: dict[str, Any]) -> RawPost:
    """TikTok web API item: `desc`, `createTime`, `stats`, hashtags in `textExtra` and `challenges`."""
    author = data.get("author")
    handle = author.get("uniqueId") or author.get("id") if isinstance(author, dict) else author
    text = data.get("desc") or ""
    tags = {t.get("hashtagName") for t in data.get("textExtra") or [] if t.get("hashtagName")}
    tags |= {c.get("title") for c in data.get("challenges") or [] if c.get("title")}
    missing = [f"#{t}" for t in sorted(tags) if f"#{t}".casefold() not in text.casefold()]
    stats = data.get("stats") or {}
    return RawPost(
        platform="tiktok",
        external_id=str(data.get("id") or ""),
        text=" ".join([text, *missing]).strip(),
        created_at=_epoch(data.get("createTime"), "createTime"),
        author=str(handle) if handle else None,
        url=f"https://www.tiktok.com/video/{data.get('id')}" if data.get("id") else None,
        likes=_count(stats.get("diggCount")),
        shares=_count(stats.get("shareCount")),
        replies=_count(stats.get("commentCount")),
        views=_count(stats.get("playCount")),
    )


def map_instagram(data: dict[str, Any]) -> RawPost:
    """Instagram item-list media: `caption.text`, `taken_at`, `code`, like and comment counts."""
    caption = data.get("caption") or {}
    user = data.get("user") or data.get("owner") or {}
    code = data.get("code")
    return RawPost(
        platform="instagram",
        external_id=str(data.get("id") or data.get("pk") or ""),
        text=(caption.get("text") if isinstance(caption, dict) else str(caption)) or "",
        created_at=_epoch(data.get("taken_at"), "taken_at"),
        author=str(user.get("username") or user.get("pk") or user.get("id") or "") or None,
        url=f"https://www.instagram.com/p/{code}/" if code else None,
        likes=_count(data.get("like_count")),
        replies=_count(data.get("comment_count")),
        views=_count(data.get("play_count") or data.get("view_count")),
    )


MAPPERS: dict[str, Callable[[dict[str, Any]], RawPost]] = {
    "tiktok.com": map_tiktok,
    "instagram.com": map_instagram,
}


def map_item(platform: str, item: dict[str, Any]) -> RawPost:
    """Map one Zeeschuimer line (the envelope with `data`, or the bare item) for a platform such as tiktok.com."""
    mapper = MAPPERS.get(platform)
    if mapper is None:
        raise InvalidPost(f"unknown platform {platform!r}; fix: one of {', '.join(MAPPERS)}")
    data = item.get("data", item)
    if not isinstance(data, dict):
        raise InvalidPost("data is not an object")
    return mapper(data)
