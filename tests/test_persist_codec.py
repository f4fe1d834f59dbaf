"""The trend tracker's state survives the database exactly, in an encoding that runs nothing it reads."""
from __future__ import annotations

import ast
import dataclasses
import json
import pickle
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from classifier.exceptions import ClassifierError, StateError
from classifier.persist import load_state
from classifier.persist.codec import decode_stream, decode_trend, encode_stream, encode_trend
from classifier.state import TrackedTrend, TrendState, new_state
from classifier.summarise.summary import summarise
from classifier.track import track_embedded
from models.analysis import ClassifierState, TrackedTrendRow
from models.analysis import Trend as TrendRow
from models.db import session_scope
from monitor_config.trends import TrendSettings
from tests.trends_helpers import DAY0, PickleTrap, background_posts, story_posts

DAY = timedelta(days=1)
ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def stream(use_m3):
    posts = sorted(background_posts(days=14, per_day=12) + story_posts("European migrant crisis", day=9),
                   key=lambda p: (p.created_at, p.id))
    return posts, use_m3.embed([p.text for p in posts])


@pytest.fixture(scope="module")
def replayed(stream, use_m3) -> TrendState:
    """Twelve days of Dutch background with a story bursting on day 9: flags, statuses, samples, a buffer."""
    return _replayed(stream, use_m3, range(12))


def _feed(state: TrendState, stream, days: range) -> None:
    posts, vecs = stream
    for day in days:
        sel = [i for i, p in enumerate(posts) if DAY0 + day * DAY <= p.created_at < DAY0 + (day + 1) * DAY]
        track_embedded(state, [posts[i] for i in sel], vecs[sel], DAY0 + (day + 1) * DAY, settings=TrendSettings())


def _replayed(stream, use_m3, days: range) -> TrendState:
    state = new_state(model=use_m3.name, dim=use_m3.dim, window=DAY)
    _feed(state, stream, days)
    return state


def _round_trip(state: TrendState) -> TrendState:
    copy, until = decode_stream(encode_stream(state, DAY0 + 20 * DAY))
    assert until == DAY0 + 20 * DAY
    copy.trends = {tid: decode_trend(encode_trend(trend), tid) for tid, trend in state.trends.items()}
    return copy


def _plain(value: object) -> object:
    """A comparable picture of a state: types, order of dicts and lists, dtypes and bytes of arrays."""
    if isinstance(value, np.ndarray):
        return ("array", value.dtype.str, value.shape, value.tobytes())
    if dataclasses.is_dataclass(value):
        return (type(value).__name__, {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)
                                       if f.name != "post_ids"})  # membership lives in TrendMembership
    if isinstance(value, dict):
        return (type(value).__name__, [(_plain(k), _plain(v)) for k, v in value.items()])
    if isinstance(value, list | tuple):
        return (type(value).__name__, [_plain(v) for v in value])
    if isinstance(value, datetime):
        return ("time", value.isoformat())
    return (type(value).__name__, value)


def _members(state: TrendState) -> set[tuple[str, int]]:
    return {(pid, t.trend_id) for t in state.trends.values() if t.alive for pid in t.post_ids}


def test_a_replayed_state_round_trips_exactly(replayed: TrendState) -> None:
    state = replayed
    trends = list(state.trends.values())
    assert state.recent and state.buffer.posts and state.sample_vecs is not None
    assert any(t.flagged for t in trends) and any(t.status_since for t in trends) and any(t.platforms for t in trends)
    assert _plain(_round_trip(state)) == _plain(state)


def _doc(data: bytes) -> dict:
    return json.loads(data[9:9 + int.from_bytes(data[5:9], "big")])["doc"]


def test_every_field_of_the_state_is_stored(replayed: TrendState) -> None:
    """A field added to the state must be added to the codec too, or a reload would silently drop it."""
    trend_keys = set(_doc(encode_trend(replayed.trends[1]))) - {"id"} | {"trend_id"}
    assert trend_keys == {f.name for f in dataclasses.fields(TrackedTrend)} - {"post_ids"}
    stream_keys = set(_doc(encode_stream(replayed, None))) - {"window_us", "until"} | {"window"}
    assert stream_keys == {f.name for f in dataclasses.fields(TrendState)} - {"trends"}


def test_processing_continues_from_a_reloaded_state_exactly(stream, use_m3) -> None:
    direct = _replayed(stream, use_m3, range(8))
    reloaded = _round_trip(direct)
    _feed(direct, stream, range(8, 14))
    _feed(reloaded, stream, range(8, 14))
    assert encode_stream(reloaded, None) == encode_stream(direct, None)
    assert [encode_trend(t) for t in reloaded.trends.values()] == [encode_trend(t) for t in direct.trends.values()]
    without_ids = [[{k: v for k, v in s.items() if k != "post_ids"} for s in summarise(x)] for x in (direct, reloaded)]
    assert without_ids[0] == without_ids[1]
    later = {p.id for p in stream[0] if p.created_at >= DAY0 + 8 * DAY}
    assert _members(reloaded) <= _members(direct)  # placed since the reload, in the same trends
    assert {(pid, tid) for pid, tid in _members(direct) if pid in later} <= _members(reloaded)


def _damaged(state: TrendState) -> dict[str, bytes]:
    good = encode_trend(state.trends[1])
    return {"truncated": good[:-7], "trailing bytes": good + b"\0", "renamed field": good.replace(b'"size"', b'"sise"'),
            "unknown dtype": good.replace(b'["<f8",', b'["|O8",'), "larger array": good.replace(b'[512]', b'[999]'),
            "not json": good[:9] + b"]" + good[10:], "empty": b""}


@pytest.mark.parametrize("damage", ["truncated", "trailing bytes", "renamed field", "unknown dtype", "larger array",
                                    "not json", "empty"])
def test_a_damaged_trend_row_says_how_to_fix_it(replayed: TrendState, damage: str) -> None:
    with pytest.raises(StateError, match=r"trend 1 cannot be read: .*fix: run `leefwereld process --rebuild`"):
        decode_trend(_damaged(replayed)[damage], 1)


def test_an_old_pickled_state_is_refused_and_never_run(engine: Engine, tmp_path: Path) -> None:
    planted = tmp_path / "pickle-ran"
    now = datetime(2026, 10, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        session.add(ClassifierState(name="trend-engine", data=pickle.dumps((1, PickleTrap(planted), now))))
    with session_scope(engine) as session, \
            pytest.raises(ClassifierError, match=r"older versions kept a pickle.*`leefwereld process --rebuild`"):
        load_state(session)
    assert not planted.exists()
    with pytest.raises(StateError):
        decode_trend(pickle.dumps(PickleTrap(planted)), 1)
    assert not planted.exists()


def test_a_tampered_trend_row_is_refused(engine: Engine) -> None:
    state = new_state(model="m", dim=4, window=DAY)
    state.next_id = 2
    now = datetime(2026, 10, 1, tzinfo=UTC)
    with session_scope(engine) as session:
        session.add(ClassifierState(name="trend-engine", data=encode_stream(state, now)))
        session.add(TrendRow(id=1, first_seen=now, last_seen=now))
        session.flush()
        session.add(TrackedTrendRow(trend_id=1, data=b'LWST\x01\0\0\0\x10{"kind":"trend"}'))
    with session_scope(engine) as session, pytest.raises(StateError, match=r"trend 1 cannot be read: it lacks 'doc'"):
        load_state(session)


def test_no_module_that_keeps_state_can_unpickle() -> None:
    unsafe = {"pickle", "cPickle", "_pickle", "dill", "cloudpickle", "shelve", "marshal", "joblib"}
    for path in [*ROOT.glob("classifier/**/*.py"), *ROOT.glob("models/**/*.py")]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not {n.split(".")[0] for n in names} & unsafe, f"{path} imports {names}"
            if isinstance(node, ast.keyword) and node.arg == "allow_pickle":
                assert isinstance(node.value, ast.Constant) and node.value.value is False, path
