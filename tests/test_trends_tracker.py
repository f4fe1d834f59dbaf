"""The trend tracker on real text (SIB-200 Dutch as steady background, Wikipedia stories as bursts)."""
from __future__ import annotations

import json
from collections import Counter
from datetime import timedelta

import pytest

from classifier.cli_contract import replay_posts
from classifier.detect.windows import window_start
from classifier.state import new_state
from classifier.summarise.summary import summarise
from classifier.track import track
from monitor_config.trends import TrendSettings
from tests.trends_helpers import DAY0, CountingEmbedder, background_posts, story_posts

pytestmark = pytest.mark.slow
DAY = timedelta(days=1)
MIGRANTS = "European migrant crisis"


def holder(trends: list[dict], ids: set[str]) -> dict:
    """The trend holding most of `ids`."""
    return max(trends, key=lambda t: len(ids & set(t["post_ids"])))


def test_burst_in_real_stories_is_flagged_in_its_window_and_background_is_not(use_m3):
    posts = background_posts(days=14, per_day=12) + story_posts(MIGRANTS, day=10)
    trends = summarise(replay_posts(posts, use_m3, DAY, TrendSettings()))
    burst = {p.id for p in posts if p.id.startswith("s")}
    best = holder(trends, burst)
    assert len(burst & set(best["post_ids"])) >= len(burst) // 2
    assert best["emerging_at"] == "2024-03-14T00:00:00Z"  # day 10
    assert best["why_flagged"]["crossed"] == ["min_authors", "burst_z", "min_growth"]
    background = [t for t in trends if t["post_ids"] and not burst & set(t["post_ids"])]
    assert background, "the steady background should form trends of its own"
    assert all(t["emerging_at"] is None for t in background)


@pytest.mark.parametrize("variant", ["one account", "copypasta"])
def test_one_account_or_copied_text_does_not_make_a_trend_emerge(use_m3, variant):
    story = story_posts(MIGRANTS, day=10, author="spammer" if variant == "one account" else None)
    if variant == "copypasta":
        story = [type(p)(id=p.id, text=story[0].text + f" https://t.co/x{i}", created_at=p.created_at,
                         author=p.author) for i, p in enumerate(story)]
    posts = background_posts(days=14, per_day=12) + story
    trends = summarise(replay_posts(posts, use_m3, DAY, TrendSettings()))
    ids = {p.id for p in story}
    assert not any(t["emerging_at"] and ids & set(t["post_ids"]) for t in trends)


def test_the_same_stream_gives_the_same_trends(use_m3):
    posts = background_posts(days=10, per_day=12) + story_posts(MIGRANTS, day=8)
    runs = [json.dumps(summarise(replay_posts(list(posts), use_m3, DAY, TrendSettings(seed=5)))) for _ in range(2)]
    assert runs[0] == runs[1]


def test_a_trend_keeps_its_id_as_it_grows_and_history_is_never_embedded_again(use_m3):
    embedder = CountingEmbedder(use_m3)
    settings = TrendSettings()
    state = new_state(model=embedder.name, dim=embedder.dim, window=DAY)
    posts = background_posts(days=14, per_day=12)
    sizes: dict[int, list[int]] = {}
    for day in range(14):
        batch = [p for p in posts if DAY0 + day * DAY <= p.created_at < DAY0 + (day + 1) * DAY]
        track(state, batch, DAY0 + (day + 1) * DAY, embedder=embedder, settings=settings)
        assert embedder.calls[-1] == len(batch)  # only the new batch is embedded
        for t in state.live_trends():
            sizes.setdefault(t.trend_id, []).append(t.size)
    assert sum(embedder.calls) == len(posts)
    grown = [tid for tid, s in sizes.items() if s[-1] > s[0]]
    assert grown, "some trend should have grown under its own id"
    shrunk = {tid for tid, s in sizes.items() if s != sorted(s)}
    assert shrunk <= {ln.parent for ln in state.lineage if ln.kind == "split"}  # only a recorded split shrinks one
    members = Counter(pid for t in state.live_trends() for pid in t.post_ids)
    assert max(members.values()) == 1  # each post sits in one trend at most


def test_windows_are_reported_per_trend(use_m3):
    posts = background_posts(days=14, per_day=12) + story_posts(MIGRANTS, day=10)
    state = replay_posts(posts, use_m3, DAY, TrendSettings())
    burst = {p.id for p in posts if p.id.startswith("s")}
    trend = max(state.live_trends(), key=lambda t: len(burst & set(t.post_ids)))
    assert state.origin is not None
    day10 = (window_start(10, state.origin, DAY) - state.origin) // DAY
    wc = trend.windows[day10]
    assert wc.posts >= len(burst) // 2 and {"tiktok", "instagram"} <= wc.platforms
    assert len(wc.authors) == wc.posts


def test_clustering_waits_for_the_streams_centre_and_then_loses_no_post(use_m3):
    """The space is centred on the stream's first posts: until there are `centre_posts` of them no trend is
    born, and the posts that waited are clustered as soon as the centre is known."""
    posts = background_posts(days=6, per_day=12) + story_posts(MIGRANTS, day=4)
    settings = TrendSettings(centre_posts=60)
    state = new_state(model=use_m3.name, dim=use_m3.dim, window=DAY)
    for day in range(7):
        batch = [p for p in posts if window_start(day, DAY0, DAY) <= p.created_at < window_start(day + 1, DAY0, DAY)]
        track(state, batch, window_start(day + 1, DAY0, DAY), embedder=use_m3, settings=settings)
        if state.seen_posts < 60:
            assert state.centre is None and not state.trends
    story = {p.id for p in posts if p.id.startswith("s")}
    clustered = {pid for t in state.trends.values() for pid in t.post_ids}
    assert state.centre is not None
    assert len(story & clustered) >= len(story) // 2
    assert {p.id for p in posts} == clustered | {p.id for p in state.buffer.posts}


def test_too_few_posts_for_the_centre_is_refused_with_the_fix():
    with pytest.raises(ValueError, match=r"centre_posts=5 is too few .* use 0 \(off\) or 20"):
        TrendSettings(centre_posts=5)


def test_a_state_keeps_the_space_it_was_built_in_when_the_setting_changes(use_m3):
    """Turning centring on or off for a kept state must not mix centred and raw vectors in one trend."""
    posts = background_posts(days=6, per_day=12) + story_posts(MIGRANTS, day=1)
    first = [p for p in posts if p.created_at < window_start(3, DAY0, DAY)]
    rest = [p for p in posts if p.created_at >= window_start(3, DAY0, DAY)]
    for built, later in ((TrendSettings(centre_posts=0), TrendSettings()), (TrendSettings(centre_posts=20),
                                                                              TrendSettings(centre_posts=0))):
        state = new_state(model=use_m3.name, dim=use_m3.dim, window=DAY)
        track(state, first, window_start(3, DAY0, DAY), embedder=use_m3, settings=built)
        centre = None if state.centre is None else state.centre.copy()
        assert state.trends
        track(state, rest, window_start(7, DAY0, DAY), embedder=use_m3, settings=later)
        assert (state.centre is None) == (centre is None)
        if centre is not None:
            assert state.centre is not None and (state.centre == centre).all()
