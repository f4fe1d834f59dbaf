"""Invented handles, platform-shaped post ids and plausible engagement counts for the synthetic demo corpus.

Ids look like each platform's own (TikTok and Mastodon ids carry the time, Bluesky uses a TID, YouTube comment
ids start with "Ug"), so an importer meets realistic values. A `url` is only given where the platform's real URL
would not contain the author's handle (Instagram posts, YouTube comments): the handle must stay in `author`.
"""
from __future__ import annotations

import random
import string
from dataclasses import dataclass
from datetime import datetime

SYLLABLES = ("ka", "zi", "mo", "ra", "ne", "lu", "fi", "jo", "sa", "te", "ri", "no", "da", "vy", "ky", "xa", "lo",
             "mi", "be", "ny", "za", "qu", "el", "ar", "on", "is", "yo", "di", "su", "ta", "ke", "mu", "ro", "vi")
HANDLE_SHAPES = ("lil_{a}{b}", "{a}{b}.{n}", "its{a}{b}_", "{a}{b}_{c}{d}", "xo.{a}{b}{c}", "{a}{b}{c}{y}",
                 "{a}{b}.x{n}", "real_{a}{b}{c}", "{a}{b}{c}_020", "{a}_{b}{c}.{y}", "not{a}{b}{c}", "{a}{b}{c}{d}x")
BASE64URL = string.ascii_letters + string.digits + "-_"
TID_ALPHABET = "234567abcdefghijklmnopqrstuvwxyz"
VIEWS = {"tiktok": (7.4, 1.4), "instagram": (6.4, 1.2), "youtube": (5.8, 1.3), "telegram": (6.0, 0.8)}


@dataclass(frozen=True)
class Identity:
    id: str
    url: str | None
    counts: dict[str, int | None]


def make_handle(rng: random.Random) -> str:
    parts = {k: rng.choice(SYLLABLES) for k in "abcd"}
    shape = rng.choice(HANDLE_SHAPES)
    return "@" + shape.format(**parts, n=rng.choice(("020", "1", "22", "09", "11", "x")),
                              y=rng.choice(("09", "10", "11", "12", "2010", "2011")))


def _tid(micros: int, clock: int) -> str:
    value, out = (micros << 10) | clock, []
    for _ in range(13):
        out.append(TID_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(out))


def _post_id(rng: random.Random, platform: str, moment: datetime) -> tuple[str, str | None]:
    seconds = int(moment.timestamp())
    if platform == "tiktok":
        return str((seconds << 32) | rng.getrandbits(32)), None
    if platform == "mastodon":
        return str((seconds * 1000 + rng.randrange(1000)) << 16 | rng.getrandbits(16)), None
    if platform == "bluesky":
        return _tid(seconds * 1_000_000 + rng.randrange(1_000_000), rng.getrandbits(10)), None
    if platform == "instagram":
        code = "".join(rng.choice(BASE64URL) for _ in range(11))
        return code, f"https://www.instagram.com/p/{code}/"
    if platform == "youtube":
        video = "".join(rng.choice(BASE64URL) for _ in range(11))
        comment = "Ug" + rng.choice("wxyz") + "".join(rng.choice(string.ascii_letters + string.digits)
                                                     for _ in range(20)) + "4AaABAg"
        return comment, f"https://www.youtube.com/watch?v={video}&lc={comment}"
    if platform == "telegram":
        return str(rng.randrange(100_000, 999_999)), None
    raise ValueError(f"unknown platform {platform!r}")


def _counts(rng: random.Random, platform: str, boost: float) -> dict[str, int | None]:
    views: int | None
    if platform in VIEWS:
        mu, sigma = VIEWS[platform]
        views = int(rng.lognormvariate(mu, sigma) * boost)
        likes = int(views * rng.uniform(0.01, 0.12))
    else:  # Mastodon and Bluesky do not report views
        views, likes = None, int(rng.lognormvariate(1.0, 1.1) * boost)
    return {"likes": likes, "shares": int(likes * rng.uniform(0, 0.15)),
            "replies": int(likes * rng.uniform(0, 0.2)), "views": views}


def make_identity(rng: random.Random, platform: str, moment: datetime, boost: float = 1.0) -> Identity:
    post_id, url = _post_id(rng, platform, moment)
    return Identity(post_id, url, _counts(rng, platform, boost))
