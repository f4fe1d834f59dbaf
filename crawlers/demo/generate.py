"""Write the synthetic demo corpus: about 2,000 invented Dutch teenage posts over eight weeks, with planted trends.

    python -m crawlers.demo.generate            # rewrites demo_posts.jsonl and planted_trends.json here

Standard library only and seeded: two runs give byte-identical files. Everything is invented for this project;
no post, handle, number or address belongs to a real person. README.md beside this file describes the result.
"""
from __future__ import annotations

import json
import random
import sys
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from crawlers.demo import background_phrases as bg
from crawlers.demo import trend_phrases as tp
from crawlers.demo.platforms import Identity, make_handle, make_identity
from crawlers.demo.texts import TAGS, fill, roughen

SEED = 20260928
STORY_ZONE = ZoneInfo("Europe/Amsterdam")  # where the synthetic story is set (not a product setting)
START = date(2026, 9, 28)  # Monday, day 0, 00:00 Europe/Amsterdam
DAYS = 56
HERE = Path(__file__).resolve().parent
POSTS_FILE, TRUTH_FILE = "demo_posts.jsonl", "planted_trends.json"


@dataclass(frozen=True)
class Plan:
    """A planted trend: its category, first day, and expected posts per day from that day on. `inside` names the
    planted trend that is still going when this one starts as a new event of the same kind elsewhere."""

    name: str
    category: str
    week: int
    first_day: int
    daily: tuple[int, ...]
    platforms: dict[str, int]
    inside: str | None = None
    phrases: str | None = None  # its phrasings in trend_phrases.TRENDS, when not under its name


PLANS = (
    Plan("gelblaster-challenge", "gelblasters", 3, 16,
         (1, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 10, 9, 9, 8, 7, 6, 5, 4, 4, 3, 3, 2, 2, 1, 1, 1, 0, 1, 0, 1),
         {"tiktok": 50, "instagram": 20, "youtube": 8, "mastodon": 8, "bluesky": 6, "telegram": 8}),
    Plan("exposing-accounts", "online-shaming", 5, 29,
         (1, 1, 3, 4, 5, 7, 8, 10, 11, 11, 10, 10, 9, 8, 8, 7, 7, 6, 6, 5, 5, 5, 4, 4, 4, 3, 3),
         {"instagram": 45, "tiktok": 30, "telegram": 8, "mastodon": 8, "bluesky": 9}),
    Plan("drill-beef", "drill-online-threats", 6, 36,
         (1, 2, 2, 3, 5, 6, 8, 9, 10, 9, 8, 8, 9, 7, 6, 6, 5, 5, 4, 4),
         {"youtube": 35, "tiktok": 35, "instagram": 15, "telegram": 10, "mastodon": 5}),
    Plan("klusjes-recruitment", "criminal-recruitment", 7, 43,
         (1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 4, 3, 4),
         {"telegram": 40, "instagram": 30, "tiktok": 20, "mastodon": 10}),
)
# Added after the others (and after the spam), so the posts above stay exactly as they were: a second drill beef,
# between Koperhof and Distelweide, starting ten days after the first with a burst (a new diss track) while the
# first beef is at its height.
NEW_EVENTS = (
    Plan("drill-beef-koperhof", "drill-online-threats", 7, 46, (10, 8, 6, 5, 4, 4, 3, 3, 2, 2),
         {"youtube": 35, "tiktok": 35, "instagram": 15, "telegram": 10, "mastodon": 5}, inside="drill-beef"),
)
# Added last, so every post above stays as it was: the recruitment wave spreads. From its third day on, the same kind
# of offers turn up in more Telegram groups and Snap stories and more young people say they were approached, until
# the trend has the voices of a trend (in its first ten days about 35; the plan above alone gave 21, below what the
# monitor counts as a new theme). Its posts belong to `klusjes-recruitment` in the truth file.
SPREADS = (
    Plan("klusjes-recruitment", "criminal-recruitment", 7, 46, (1, 2, 3, 4, 5, 6, 6, 6, 6, 6),
         {"telegram": 35, "instagram": 30, "tiktok": 25, "mastodon": 10}, phrases="klusjes-recruitment-spread"),
)
BACKGROUND_PLATFORMS = {"tiktok": 34, "instagram": 24, "mastodon": 12, "bluesky": 10, "youtube": 10, "telegram": 10}
HOLIDAY = range(19, 28)  # herfstvakantie regio noord: weekend rhythm
WEEKDAY_HOURS = (2, 1, .5, .3, .2, .3, 1, 3, 2, 1.5, 2, 1.5, 3, 2, 2, 4, 6, 6, 5, 6, 7, 8, 7, 4)
WEEKEND_HOURS = (4, 3, 2, 1, .5, .3, .3, .5, 1, 1.5, 3, 4, 5, 5, 5, 5, 5, 5, 5, 6, 7, 8, 8, 6)


def local_moment(rng: random.Random, day: int) -> datetime:
    today = START + timedelta(days=day)
    weekend = today.weekday() >= 5 or day in HOLIDAY
    hour = rng.choices(range(24), weights=WEEKEND_HOURS if weekend else WEEKDAY_HOURS)[0]
    naive = datetime(today.year, today.month, today.day, hour, rng.randrange(60), rng.randrange(60))
    return naive.replace(tzinfo=STORY_ZONE)


class Corpus:
    """Collects posts; every post gets a platform-shaped id, a handle, a UTC time and engagement counts."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.posts: list[dict] = []
        self.ids: set[str] = set()
        self.texts: set[str] = set()
        self.contact_ids: list[str] = []  # posts with a phone number, e-mail address, @mention or profile URL
        self.regulars = [make_handle(rng) for _ in range(650)]
        self.weights = [1 / (rank + 20) for rank in range(len(self.regulars))]

    def author(self, fresh: float) -> str:
        if self.rng.random() < fresh:
            return make_handle(self.rng)
        return self.rng.choices(self.regulars, weights=self.weights)[0]

    def add(self, text: str, day: int, platform: str, author: str, language: str = "nl", boost: float = 1.0,
            contact: bool = False) -> str:
        moment = local_moment(self.rng, day)
        ident: Identity = make_identity(self.rng, platform, moment, boost)
        while ident.id in self.ids:
            ident = make_identity(self.rng, platform, moment, boost)
        self.ids.add(ident.id)
        self.texts.add(text)
        post: dict[str, Any] = {"id": ident.id, "text": text,
                "created_at": moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "platform": platform, "author": author}
        if ident.url:
            post["url"] = ident.url
        post.update({"language": language, **ident.counts})
        self.posts.append(post)
        if contact:
            self.contact_ids.append(ident.id)
        return ident.id

    def unique_text(self, make, protect: tuple[str, ...] = ()) -> str:
        for _ in range(20):
            text = make()
            if text not in self.texts and (not protect or any(a in text.lower() for a in protect)):
                return text
        raise RuntimeError(f"could not make a new text, last try: {text!r}")


def pick(rng: random.Random, weights: dict[str, int]) -> str:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def schedule(rng: random.Random, plan: Plan) -> list[int]:
    """One day number per post: the plan's daily counts, jittered once they are large enough."""
    days = []
    for offset, expected in enumerate(plan.daily):
        count = expected + (rng.choice((-1, 0, 0, 1)) if expected >= 4 else 0)
        days += [plan.first_day + offset] * count
    return [d for d in days if d < DAYS]


def trend_text(corpus: Corpus, plan: Plan, day: int, platform: str) -> tuple[str, str]:
    """A new phrasing of the trend; `late` phrasings (fading, measures) become likelier as the trend ages."""
    rng, phrases = corpus.rng, tp.TRENDS[plan.phrases or plan.name]
    anchors = tuple(phrases["anchors"])
    progress = (day - plan.first_day) / len(plan.daily)
    pool = "en" if rng.random() < .06 else ("late" if rng.random() < progress ** 1.5 * .8 else "main")

    def make() -> str:
        text = roughen(fill(rng.choice(phrases[pool]), rng, tp.SLOTS), rng, anchors)
        if platform in ("tiktok", "instagram") and rng.random() < .15:
            text += " " + rng.choice(TAGS[:3])
        return text

    return corpus.unique_text(make, anchors), "en" if pool == "en" else "nl"


def add_trend(corpus: Corpus, plan: Plan, specials: bool = True) -> tuple[list[str], list[str]]:
    """Add a planted trend; return its post ids and the ids of its copypasta reposts. Without `specials`, no
    copypasta and no contact details (a trend's later spread: its first plan placed them)."""
    rng = corpus.rng
    days = schedule(rng, plan)
    later = list(range(len(days) // 4, len(days)))  # reposts and contact details once the trend is under way
    copies = tp.COPYPASTA_COUNTS.get(plan.name, 0) if specials else 0
    contacts = tp.CONTACT_POSTS.get(plan.name, ()) if specials else ()
    special = rng.sample(later, copies + len(contacts))
    copy_slots = special[:copies]
    contact_slots = dict(zip(special[len(copy_slots):], contacts, strict=False))
    ids, copy_ids = [], []
    for i, day in enumerate(days):
        platform = pick(rng, plan.platforms)
        if i in copy_slots:
            text = rng.choice(tp.COPYPASTA[plan.name])
            copy_ids.append(corpus.add(text, day, platform, corpus.author(.8), boost=2.0))
            ids.append(copy_ids[-1])
        elif i in contact_slots:
            text = fill(contact_slots[i], rng, tp.SLOTS)
            ids.append(corpus.add(text, day, platform, corpus.author(.7), boost=1.5, contact=True))
        else:
            text, language = trend_text(corpus, plan, day, platform)
            ids.append(corpus.add(text, day, platform, corpus.author(.7), language, boost=1.5))
    return ids, copy_ids


def background_text(corpus: Corpus, day: int) -> tuple[str, str]:
    """An ordinary post for this day; a few tries to avoid repeating an earlier text word for word."""
    rng = corpus.rng
    season = [t for first, last, t in bg.SEASONAL if first <= day <= last]
    for _ in range(6):
        roll, language = rng.random(), "nl"
        if season and roll < .07:
            source = rng.choice(season)
        elif roll < .10:
            source, language = rng.choice(bg.ENGLISH), "en"
        elif roll < .13:
            source = rng.choice(bg.MIXED)
        else:
            source = rng.choice(bg.TOPICS[pick(rng, bg.TOPIC_WEIGHTS)])
        text = roughen(fill(source, rng, bg.SLOTS), rng)
        if rng.random() < .12:
            text += " " + " ".join(rng.sample(TAGS, rng.randint(1, 2)))
        if text not in corpus.texts:
            break
    return text, language


def add_background(corpus: Corpus) -> list[str]:
    """Evenly spread ordinary talk, a chain letter sent around now and then (its ids are returned), and posts
    with contact details."""
    rng, chain_ids = corpus.rng, []
    chain_days = sorted(rng.sample(range(DAYS), 12))
    for day in range(DAYS):
        weekend = (START + timedelta(days=day)).weekday() >= 5
        for _ in range(rng.randint(26, 31) if weekend else rng.randint(24, 29)):
            text, language = background_text(corpus, day)
            corpus.add(text, day, pick(rng, BACKGROUND_PLATFORMS), corpus.author(.15), language)
        if day in chain_days:
            chain_ids.append(corpus.add(rng.choice(bg.CHAIN_LETTER), day, pick(rng, {"tiktok": 1, "instagram": 1}),
                                        corpus.author(.5)))
        for contact_day, template in bg.CONTACT_POSTS:
            if contact_day == day:
                corpus.add(fill(template, rng, bg.SLOTS), day, "instagram", corpus.author(0), contact=True)
    return chain_ids


def add_spam(corpus: Corpus) -> list[str]:
    rng = corpus.rng
    return [corpus.add(roughen(rng.choice(bg.SPAM), rng), rng.choice((22, 23, 23, 24, 24, 25)),
                       rng.choice(("tiktok", "instagram")), bg.SPAM_AUTHOR) for _ in range(40)]


def build(seed: int = SEED) -> tuple[list[dict], dict]:
    rng = random.Random(seed)
    corpus = Corpus(rng)
    chain_ids = add_background(corpus)
    trends: list[dict[str, Any]] = []
    copy_ids: list[str] = []
    for plan in PLANS:
        ids, copies = add_trend(corpus, plan)
        copy_ids += copies
        trends.append({"name": plan.name, "category": plan.category, "week": plan.week,
                       "starts": (START + timedelta(days=plan.first_day)).isoformat(), "post_ids": sorted(ids)})
    spam_ids = add_spam(corpus)
    for plan in NEW_EVENTS:
        ids, copies = add_trend(corpus, plan)
        copy_ids += copies
        trends.append({"name": plan.name, "category": plan.category, "week": plan.week,
                       "starts": (START + timedelta(days=plan.first_day)).isoformat(), "inside": plan.inside,
                       "post_ids": sorted(ids)})
    for plan in SPREADS:
        ids, _ = add_trend(corpus, plan, specials=False)
        same = next(t for t in trends if t["name"] == plan.name)
        same["post_ids"] = sorted(same["post_ids"] + ids)
    posts = sorted(corpus.posts, key=lambda p: (p["created_at"], p["id"]))
    truth = {
        "synthetic": True,
        "description": "Synthetic demo corpus written for Monitor Online Leefwereld: invented Dutch teenage posts, "
                       "no real people. Eight weeks from Monday 2026-09-28 00:00 Europe/Amsterdam; planted trends "
                       "start on the given local date; week 1 is the first week.",
        "generated_by": "python -m crawlers.demo.generate (crawlers/demo/generate.py)",
        "seed": seed,
        "start": "2026-09-28T00:00:00+02:00",
        "timezone": "Europe/Amsterdam",
        "weeks": DAYS // 7,
        "posts": len(posts),
        "trends": trends,
        "spam_author": bg.SPAM_AUTHOR,
        "spam_ids": sorted(spam_ids),
        "copypasta_ids": sorted(copy_ids + chain_ids),
        "contact_detail_ids": sorted(corpus.contact_ids),
    }
    return posts, truth


def write(out_dir: Path = HERE, seed: int = SEED) -> tuple[Path, Path]:
    posts, truth = build(seed)
    posts_path, truth_path = out_dir / POSTS_FILE, out_dir / TRUTH_FILE
    with posts_path.open("w", encoding="utf-8", newline="\n") as handle:
        for post in posts:
            handle.write(json.dumps(post, ensure_ascii=False) + "\n")
    truth_path.write_text(json.dumps(truth, ensure_ascii=False, indent=2) + "\n", encoding="utf-8", newline="\n")
    return posts_path, truth_path


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else HERE):
        print(path)
