"""Merges and splits on real text record which trend became which."""
from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest

from classifier.cluster.calibrate import add_to_sample, measure
from classifier.cluster.dedup import dedup_key
from classifier.cluster.lineage import merge_close, split_apart
from classifier.cluster.members import open_trend
from classifier.state import new_state
from monitor_config.trends import TrendSettings
from tests.trends_helpers import DAY0, background_posts, story_posts

pytestmark = pytest.mark.slow
NOW = DAY0 + timedelta(days=20)


def _state(use_m3, settings):
    state = new_state(model=use_m3.name, dim=use_m3.dim, window=timedelta(days=1))
    state.origin = DAY0
    calib = background_posts(days=14, per_day=12)
    add_to_sample(state, [p.id for p in calib], use_m3.embed([p.text for p in calib]), settings)
    return state


def _open(state, posts, use_m3, settings, now=NOW):
    return open_trend(state, posts, use_m3.embed([p.text for p in posts]), [dedup_key(p.text) for p in posts], now,
                      settings)


def test_two_halves_of_one_story_merge_and_the_larger_keeps_its_id(use_m3):
    settings = TrendSettings()
    state = _state(use_m3, settings)
    story = story_posts("European migrant crisis", day=15)
    big, small = _open(state, story[:22], use_m3, settings), _open(state, story[22:], use_m3, settings)
    out = merge_close(state, {small.trend_id}, measure(state, settings), NOW, settings)
    assert [(ln.kind, ln.parent, ln.child) for ln in out] == [("merge", big.trend_id, small.trend_id)]
    assert state.lineage == out
    assert not small.alive and big.size == len(story)
    assert set(big.post_ids) == {p.id for p in story}


def test_two_stories_in_one_trend_split_and_the_split_is_recorded(use_m3):
    settings = TrendSettings()
    state = _state(use_m3, settings)
    syria = story_posts("Syrian civil war", day=15, prefix="sy")
    sports = [p for p in _sib_topic("sports")]
    mixed = _open(state, syria + sports, use_m3, settings, now=NOW - timedelta(days=3))
    out = split_apart(state, {mixed.trend_id}, measure(state, settings), NOW, settings, {})
    assert len(out) == 1 and out[0].kind == "split" and out[0].parent == mixed.trend_id
    child = state.trends[out[0].child]
    groups = [{p.id for p in syria}, {p.id for p in sports}]
    parts = [set(mixed.post_ids), set(child.post_ids)]
    assert parts[0].isdisjoint(parts[1]) and parts[0] | parts[1] == groups[0] | groups[1]
    for part in parts:  # each side is (almost) one story
        assert max(len(part & g) for g in groups) >= 0.9 * len(part)
    assert mixed.size + child.size == len(syria) + len(sports)
    assert np.allclose(mixed.vec_sum + child.vec_sum,
                       use_m3.embed([p.text for p in syria + sports]).astype(np.float64).sum(axis=0), atol=1e-3)


def _sib_topic(label):
    from classifier.state import StreamPost
    from tests.trends_helpers import read_tsv

    return [StreamPost(id=f"sp{r['index_id']}", text=r["text_en"], created_at=DAY0 + timedelta(days=14, hours=i % 20),
                 author=f"sp{i}") for i, r in enumerate(read_tsv("sib200_nl_slice.tsv")) if r["label"] == label]
