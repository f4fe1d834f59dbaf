"""Map items captured by the Zeeschuimer browser extension (TikTok, Instagram) to raw posts.

Each item is read through a pydantic model of the fields we use: a field of the wrong kind (a list for `desc`,
a count of 1e30) makes that item unusable with a message naming the field; fields we do not use are ignored.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict

from crawlers.normalise import InvalidPost, RawPost
from crawlers.rows import Count, Moment, optional_name, optional_text, scalar_text, validated

Text = Annotated[str | None, BeforeValidator(optional_text)]
Name = Annotated[str | None, BeforeValidator(optional_name)]
Id = Annotated[str | None, BeforeValidator(lambda v: optional_name(scalar_text(v)) if v is not None else None)]


class _Lenient(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TikTokAuthor(_Lenient):
    uniqueId: Name = None  # noqa: N815 - TikTok's field names
    id: Id = None


class TikTokStats(_Lenient):
    diggCount: Count = None  # noqa: N815
    shareCount: Count = None  # noqa: N815
    commentCount: Count = None  # noqa: N815
    playCount: Count = None  # noqa: N815


class TikTokTag(_Lenient):
    hashtagName: Text = None  # noqa: N815


class TikTokChallenge(_Lenient):
    title: Text = None


class TikTokItem(_Lenient):
    """TikTok web API item: `desc`, `createTime`, `stats`, hashtags in `textExtra` and `challenges`."""

    id: Id = None
    desc: Text = None
    createTime: Moment  # noqa: N815
    author: TikTokAuthor | Name = None
    stats: TikTokStats | None = None
    textExtra: list[TikTokTag] | None = None  # noqa: N815
    challenges: list[TikTokChallenge] | None = None


class InstagramUser(_Lenient):
    username: Name = None
    pk: Id = None
    id: Id = None


class InstagramCaption(_Lenient):
    text: Text = None


class InstagramItem(_Lenient):
    """Instagram item-list media: `caption.text`, `taken_at`, `code`, like and comment counts."""

    id: Id = None
    pk: Id = None
    code: Id = None
    taken_at: Moment
    caption: InstagramCaption | Text = None
    user: InstagramUser | None = None
    owner: InstagramUser | None = None
    like_count: Count = None
    comment_count: Count = None
    play_count: Count = None
    view_count: Count = None


def map_tiktok(data: dict[str, Any]) -> RawPost:
    item = validated(TikTokItem, data)
    author = item.author
    handle = (author.uniqueId or author.id) if isinstance(author, TikTokAuthor) else author
    text = item.desc or ""
    tags = {t.hashtagName for t in item.textExtra or [] if t.hashtagName}
    tags |= {c.title for c in item.challenges or [] if c.title}
    missing = [f"#{t}" for t in sorted(tags) if f"#{t}".casefold() not in text.casefold()]
    stats = item.stats or TikTokStats()
    return RawPost(
        platform="tiktok",
        external_id=item.id or "",
        text=" ".join([text, *missing]).strip(),
        created_at=item.createTime,
        author=handle or None,
        url=f"https://www.tiktok.com/video/{item.id}" if item.id else None,
        likes=stats.diggCount,
        shares=stats.shareCount,
        replies=stats.commentCount,
        views=stats.playCount,
    )


def map_instagram(data: dict[str, Any]) -> RawPost:
    item = validated(InstagramItem, data)
    caption = item.caption
    user = item.user or item.owner or InstagramUser()
    return RawPost(
        platform="instagram",
        external_id=item.id or item.pk or "",
        text=(caption.text if isinstance(caption, InstagramCaption) else caption) or "",
        created_at=item.taken_at,
        author=user.username or user.pk or user.id or None,
        url=f"https://www.instagram.com/p/{item.code}/" if item.code else None,
        likes=item.like_count,
        replies=item.comment_count,
        views=item.play_count if item.play_count is not None else item.view_count,
    )


MAPPERS: dict[str, Callable[[dict[str, Any]], RawPost]] = {
    "tiktok.com": map_tiktok,
    "instagram.com": map_instagram,
}


def map_item(platform: str, item: dict[str, Any]) -> RawPost:
    """Map one Zeeschuimer line (the envelope with `data`, or the bare item) for a platform such as tiktok.com."""
    mapper = MAPPERS.get(platform)
    if mapper is None:
        raise InvalidPost(f"unknown platform {platform!r:.60}; fix: one of {', '.join(MAPPERS)}")
    data = item.get("data", item)
    if not isinstance(data, dict):
        raise InvalidPost("data is not an object; fix: upload the capture as Zeeschuimer exports it")
    return mapper(data)
