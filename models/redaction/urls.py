"""Post links and ids without the account: what is stored is the post's own address, or nothing.

    https://www.tiktok.com/@name/video/123          -> https://www.tiktok.com/video/123
    https://www.instagram.com/name/p/CODE/?igsh=..  -> https://www.instagram.com/p/CODE/
    https://x.com/name/status/123                   -> https://x.com/i/status/123
    https://www.youtube.com/watch?v=ID&ab_channel=N -> https://www.youtube.com/watch?v=ID
    https://mastodon.nl/@kim/123                    -> https://mastodon.nl/web/statuses/123
    https://www.reddit.com/r/sub/comments/abc/slug/ -> https://www.reddit.com/comments/abc
    a profile, a Bluesky post (its link holds the DID), a Telegram channel post -> None

A link that still names an account after these rules (a /@user or /user/ path, an account in the query) is
not kept at all: the platform's post id stays in `external_id`, so nothing is lost that a permitted user needs.
"""
from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from models.redaction.contacts import EMAIL, PROFILE_URL

# Path segments after which a site names a person (forums, blogs, fediverse software).
ACCOUNT_SEGMENTS = frozenset({"user", "users", "u", "profile", "profiles", "member", "members", "author",
                              "authors", "gebruiker", "gebruikers", "lid", "leden", "people", "channel", "c",
                              "accounts", "account"})
ACCOUNT_PARAMS = frozenset({"user", "username", "u", "author", "profile", "member", "uid", "userid", "user_id",
                            "ab_channel", "channel", "handle", "account", "igsh", "igshid", "sender", "from"})
_DIGITS = re.compile(r"^\d+$")


def opaque_id(value: str) -> str:
    """A stable id for a post whose own id names its author (an ActivityPub or AT URI): the handle stays out."""
    return hashlib.sha256(value.encode()).hexdigest()[:40]


def _host(netloc: str) -> str:
    host = netloc.rsplit("@", 1)[-1].split(":")[0].casefold()
    return host.removeprefix("www.").removeprefix("m.").removeprefix("mobile.")


def _platform_link(host: str, parts: list[str], query: dict[str, str]) -> str | None | bool:
    """The account-free link for a known platform, None when there is none, False when the host is not known."""
    if host.endswith("tiktok.com"):
        for kind in ("video", "photo"):
            if kind in parts and parts.index(kind) + 1 < len(parts):
                return f"https://www.tiktok.com/{kind}/{parts[parts.index(kind) + 1]}"
        return None
    if host.endswith("instagram.com"):
        for kind in ("p", "reel", "reels", "tv"):
            if kind in parts and parts.index(kind) + 1 < len(parts):
                shortcode = parts[parts.index(kind) + 1]
                return f"https://www.instagram.com/{'reel' if kind == 'reels' else kind}/{shortcode}/"
        return None
    if host in ("x.com", "twitter.com", "mobile.twitter.com"):
        if "status" in parts and parts.index("status") + 1 < len(parts):
            return f"https://x.com/i/status/{parts[parts.index('status') + 1]}"
        return None
    if host == "youtu.be" and parts:
        return f"https://www.youtube.com/watch?v={parts[0]}"
    if host.endswith("youtube.com"):
        if parts[:1] == ["watch"] and query.get("v"):
            return f"https://www.youtube.com/watch?v={query['v']}"
        if parts[:1] in (["shorts"], ["live"], ["embed"]) and len(parts) > 1:
            return f"https://www.youtube.com/{parts[0]}/{parts[1]}"
        return None
    if host in ("bsky.app", "t.me", "telegram.me", "snapchat.com", "facebook.com", "fb.com", "onlyfans.com",
                "linktr.ee", "threads.net", "threads.com"):
        return None
    if host.endswith("reddit.com") or host == "redd.it":
        if "comments" in parts and parts.index("comments") + 1 < len(parts):
            return f"https://www.reddit.com/comments/{parts[parts.index('comments') + 1]}"
        if host == "redd.it" and parts:
            return f"https://www.reddit.com/comments/{parts[0]}"
        return None
    return False


def deidentify_url(url: str | None) -> str | None:
    """The post's link without the account in it, or None when no such link exists."""
    if not url or not url.strip():
        return None
    url = url.strip()
    split = urlsplit(url)
    if split.scheme not in ("http", "https") or not split.netloc:
        return None  # at://did:..., mailto:, relative links
    host = _host(split.netloc)
    parts = [p for p in split.path.split("/") if p]
    query = dict(parse_qsl(split.query, keep_blank_values=True))
    known = _platform_link(host, parts, query)
    if known is not False:
        return known if isinstance(known, str) else None
    # Fediverse software: /@user/123 and /users/user/statuses/123 have an account-free /web/statuses/123
    if parts and parts[0].startswith("@"):
        return f"https://{split.netloc}/web/statuses/{parts[1]}" if len(parts) > 1 and _DIGITS.match(parts[1]) else None
    if len(parts) >= 3 and parts[0] == "p" and _DIGITS.match(parts[2]):  # Pixelfed: /p/user/123
        return f"https://{split.netloc}/i/web/post/{parts[2]}"
    if len(parts) >= 4 and parts[0] == "users" and parts[2] == "statuses":
        return f"https://{split.netloc}/web/statuses/{parts[3]}"
    if any(p.startswith(("@", "~")) or p.casefold() in ACCOUNT_SEGMENTS for p in parts):
        return None
    kept = [(k, v) for k, v in parse_qsl(split.query, keep_blank_values=True) if k.casefold() not in ACCOUNT_PARAMS]
    cleaned = urlunsplit((split.scheme, split.netloc.rsplit("@", 1)[-1], split.path, urlencode(kept), ""))
    if PROFILE_URL.search(cleaned) or EMAIL.search(cleaned) or "@" in cleaned:
        return None
    return cleaned


def deidentify_id(platform: str, external_id: str) -> str:
    """A platform's post id as stored: hashed when it names the account (an @, an AT URI, a Telegram channel, a
    link with an account in it such as the HTML spider's "source:https://forum/@user/1")."""
    link = external_id[external_id.find("http"):] if "://" in external_id and "http" in external_id else ""
    named = ("@" in external_id or external_id.casefold().startswith(("at://", "did:"))
             or (platform.casefold() == "telegram" and "/" in external_id)
             or (bool(link) and deidentify_url(link) != link))
    return opaque_id(external_id) if named else external_id
