"""The bundled synthetic demo corpus: reproducible, well-formed, and its planted trends are what it says they are.

The watchlist check here is a deliberately simple lower-case substring test, so the corpus and the shipped
default configuration are kept in agreement independently of the product's own matcher.
"""
from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from crawlers.demo import generate
from monitor_config import load_config
from monitor_config.schema import Watchlist

DEMO = Path(generate.__file__).resolve().parent
AMSTERDAM = ZoneInfo("Europe/Amsterdam")
START = date(2026, 9, 28)
EXPECTED_WEEKS = {"gelblaster-challenge": 3, "exposing-accounts": 5, "drill-beef": 6, "klusjes-recruitment": 7,
                  "drill-beef-koperhof": 7}
RISING = sorted(name for name in EXPECTED_WEEKS if name != "drill-beef-koperhof")  # a new event starts with a burst
PLATFORMS = {"tiktok", "instagram", "mastodon", "bluesky", "telegram", "youtube"}
REQUIRED = ("id", "text", "created_at", "platform", "author", "language", "likes", "shares", "replies", "views")


@pytest.fixture(scope="module")
def posts() -> list[dict]:
    lines = (DEMO / generate.POSTS_FILE).read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines]


@pytest.fixture(scope="module")
def by_id(posts: list[dict]) -> dict[str, dict]:
    return {p["id"]: p for p in posts}


@pytest.fixture(scope="module")
def truth() -> dict:
    return json.loads((DEMO / generate.TRUTH_FILE).read_text(encoding="utf-8"))


def local(post: dict) -> datetime:
    moment = datetime.strptime(post["created_at"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
    return moment.astimezone(AMSTERDAM)


def day_of(post: dict) -> int:
    return (local(post).date() - START).days


def week_of(post: dict) -> int:
    return day_of(post) // 7 + 1


def matches(text: str, watchlist: Watchlist) -> bool:
    low = text.lower()
    forms = [form.lower() for term in watchlist.terms for form in term.forms]
    tags = [f"#{tag}" for tag in watchlist.hashtags]
    return any(f in low for f in forms + tags) and not any(e.lower() in low for e in watchlist.exclude)


def test_generator_is_deterministic_and_the_committed_files_are_its_output(tmp_path: Path) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    generate.write(first), generate.write(second)
    for name in (generate.POSTS_FILE, generate.TRUTH_FILE):
        assert (first / name).read_bytes() == (second / name).read_bytes()
        assert (first / name).read_bytes() == (DEMO / name).read_bytes(), f"{name} is stale: rerun the generator"


def test_every_line_is_a_post_with_the_expected_fields(posts: list[dict]) -> None:
    for post in posts:
        assert set(REQUIRED) <= set(post) <= set(REQUIRED) | {"url"}
        assert post["text"].strip() and post["platform"] in PLATFORMS and post["language"] in {"nl", "en"}
        assert re.fullmatch(r"@[\w.]+", post["author"]), post
        assert all(isinstance(post[k], int) and post[k] >= 0 for k in ("likes", "shares", "replies"))
        assert post["views"] is None or (isinstance(post["views"], int) and post["views"] >= 0)
        assert "url" not in post or post["author"].lstrip("@") not in post["url"]
    assert {p["platform"] for p in posts} == PLATFORMS


def test_ids_are_unique(posts: list[dict]) -> None:
    assert len({p["id"] for p in posts}) == len(posts)
    assert len({(p["platform"], p["id"]) for p in posts}) == len(posts)


def test_counts_and_time_span(posts: list[dict]) -> None:
    assert 1900 <= len(posts) <= 2200
    assert all(p["created_at"].endswith("Z") for p in posts)
    assert all(0 <= day_of(p) < 56 for p in posts)
    assert sorted(Counter(week_of(p) for p in posts)) == list(range(1, 9))
    assert [p["created_at"] for p in posts] == sorted(p["created_at"] for p in posts)


def test_the_truth_file_labels_the_corpus_synthetic_and_points_at_real_posts(truth: dict, by_id: dict) -> None:
    assert truth["synthetic"] is True and "synthetic" in truth["description"].lower()
    assert truth["seed"] == generate.SEED and "generate.py" in truth["generated_by"]
    assert {t["name"] for t in truth["trends"]} == set(EXPECTED_WEEKS)
    listed = [i for t in truth["trends"] for i in t["post_ids"]] + truth["copypasta_ids"] + truth["spam_ids"]
    assert all(i in by_id for i in listed + truth["contact_detail_ids"])


def test_background_is_even_and_follows_a_daily_rhythm(posts: list[dict], truth: dict) -> None:
    special = {i for t in truth["trends"] for i in t["post_ids"]} | set(truth["spam_ids"])
    background = [p for p in posts if p["id"] not in special]
    weekly = Counter(week_of(p) for p in background)
    assert max(weekly.values()) <= 1.15 * min(weekly.values())
    hours = Counter(local(p).hour for p in background)
    assert sum(hours[h] for h in range(15, 23)) > 3 * sum(hours[h] for h in range(0, 7))


@pytest.mark.parametrize("name", RISING)
def test_each_trend_starts_small_in_its_week_and_grows(name: str, truth: dict, by_id: dict) -> None:
    trend = next(t for t in truth["trends"] if t["name"] == name)
    days = Counter(day_of(by_id[i]) for i in trend["post_ids"])
    first = min(days)
    assert (START + timedelta(days=first)).isoformat() == trend["starts"]
    assert first // 7 + 1 == EXPECTED_WEEKS[name] == trend["week"]
    opening = sum(days[first + d] for d in range(3))
    following = sum(days[first + d] for d in range(3, 10))
    assert opening <= 6 and following >= 2 * opening
    weeks = Counter(d // 7 + 1 for d in days.elements())
    assert weeks[EXPECTED_WEEKS[name]] < weeks[EXPECTED_WEEKS[name] + 1]


def test_a_second_drill_beef_starts_with_a_burst_while_the_first_is_at_its_height(truth: dict, by_id: dict) -> None:
    """The pair a tracker must keep apart: the same kind of talk (diss tracks, threats, "wie is er eigenlijk van")
    between other neighbourhoods, starting with a burst on its first day while the first beef is still growing."""
    trends = {t["name"]: t for t in truth["trends"]}
    second, first = trends["drill-beef-koperhof"], trends["drill-beef"]
    assert second["inside"] == "drill-beef" and second["category"] == first["category"]
    days = Counter(day_of(by_id[i]) for i in second["post_ids"])
    start = min(days)
    assert days[start] >= 6 and days[start] == max(days.values())
    first_days = Counter(day_of(by_id[i]) for i in first["post_ids"])
    assert 3 <= start - min(first_days) <= 14 and first_days[start] >= 5
    texts = [by_id[i]["text"].lower() for i in second["post_ids"]]
    assert all(any(n in t for n in ("koperhof", "kph", "distelweide", "dsw")) for t in texts)
    assert not any(n in by_id[i]["text"].lower() for i in first["post_ids"] for n in ("koperhof", "distelweide"))


def test_the_gelblaster_challenge_fades_again(truth: dict, by_id: dict) -> None:
    trend = next(t for t in truth["trends"] if t["name"] == "gelblaster-challenge")
    weeks = Counter(week_of(by_id[i]) for i in trend["post_ids"])
    peak = max(weeks.values())
    assert weeks[7] + weeks[8] < peak / 3


def test_trends_are_written_by_many_people_in_many_ways(truth: dict, by_id: dict) -> None:
    copies = set(truth["copypasta_ids"])
    for trend in truth["trends"]:
        ids = trend["post_ids"]
        assert len({by_id[i]["author"] for i in ids}) >= 0.8 * len(ids)
        own = [by_id[i]["text"] for i in ids if i not in copies]
        assert len(set(own)) == len(own), f"{trend['name']} repeats a text word for word"
        assert len({re.sub(r"\W+", " ", t.lower())[:25] for t in own}) >= 0.3 * len(own)


def test_every_planted_trend_post_matches_a_default_watchlist_of_its_category(truth: dict, by_id: dict) -> None:
    config = load_config()
    for trend in truth["trends"]:
        watchlists = [w for w in config.watchlists if w.category == trend["category"]]
        assert watchlists, f"no default watchlist for category {trend['category']}"
        texts = [by_id[i]["text"] for i in trend["post_ids"]]
        missed = [text for text in texts if not any(matches(text, w) for w in watchlists)]
        assert not missed, f"{trend['name']}: {missed[:3]}"


def test_trends_are_quiet_before_they_start(posts: list[dict], truth: dict) -> None:
    config = load_config()
    for trend in truth["trends"]:
        watchlists = [w for w in config.watchlists if w.category == trend["category"]]
        others = {i for t in truth["trends"] if t["name"] == trend.get("inside") for i in t["post_ids"]}
        before = [p for p in posts if local(p).date().isoformat() < trend["starts"] and p["id"] not in others]
        assert sum(any(matches(p["text"], w) for w in watchlists) for p in before) <= 2


def test_one_loud_spammer_is_not_a_trend(posts: list[dict], truth: dict) -> None:
    spam = [p for p in posts if p["author"] == truth["spam_author"]]
    assert len(spam) == 40 and {p["id"] for p in spam} == set(truth["spam_ids"])
    assert not set(truth["spam_ids"]) & {i for t in truth["trends"] for i in t["post_ids"]}
    assert max(day_of(p) for p in spam) - min(day_of(p) for p in spam) <= 4
    assert Counter(p["author"] for p in posts).most_common(2)[1][1] < 40
    config = load_config()
    assert not any(matches(p["text"], w) for p in spam for w in config.watchlists)


def test_copypasta_posts_have_near_duplicates_by_other_accounts(truth: dict, by_id: dict) -> None:
    copies = [by_id[i] for i in truth["copypasta_ids"]]
    assert len(copies) >= 20
    words = {p["id"]: set(re.findall(r"\w+", p["text"].lower())) for p in copies}
    for post in copies:
        assert any(len(words[post["id"]] & words[o["id"]]) / len(words[post["id"]] | words[o["id"]]) >= 0.6
                   for o in copies if o["id"] != post["id"] and o["author"] != post["author"])


def test_a_few_posts_hold_contact_details_to_redact(truth: dict, by_id: dict) -> None:
    texts = [by_id[i]["text"] for i in truth["contact_detail_ids"]]
    assert 5 <= len(texts) <= 10
    joined = "\n".join(texts)
    assert re.search(r"\b06-\d{8}\b", joined)
    assert re.search(r"[\w.]+@example\.com", joined)
    assert re.search(r"(^|\s)@[\w.]+", joined, re.MULTILINE)
    assert re.search(r"https://www\.(tiktok|instagram)\.com/@?[\w.]+", joined)


def test_some_posts_are_english_and_some_mixed(posts: list[dict]) -> None:
    english = sum(p["language"] == "en" for p in posts)
    assert 0.02 * len(posts) <= english <= 0.1 * len(posts)
    by_language = defaultdict(list)
    for post in posts:
        by_language[post["language"]].append(post["text"].lower())
    assert sum(bool(re.search(r"\b(lowkey|literally|vibes|killing me)\b", t)) for t in by_language["nl"]) >= 5
