"""Processing in two runs leaves the database as one run over everything does, and writes only what changed."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from classifier.analyse import analyse_pending
from classifier.cluster.lineage import fold_trend
from classifier.cluster.members import open_trend
from classifier.exceptions import StateError
from classifier.persist import StoredState, load_state, mirror_state, save_state
from classifier.persist.codec import MAGIC, decode_stream, decode_trend
from classifier.state import Lineage, StreamPost, TrackedTrend, TrendState, new_state
from crawlers.importers import import_file
from models.analysis import ClassifierState, TrackedTrendRow, TrendMembership, TrendSnapshot
from models.analysis import Trend as TrendRow
from models.content import Post
from models.db import session_scope
from monitor_config import load_config
from monitor_config.trends import TrendSettings

FIRST_RUN = datetime(2026, 10, 20, tzinfo=UTC)  # both at midnight: a window boundary
SECOND_RUN = datetime(2026, 10, 22, tzinfo=UTC)  # a trend splits; trend 1 rests
RELABELLED = ("label", "keywords", "hashtags")  # an untouched trend keeps its label, see classifier.persist.mirror


def _seen(engine: Engine) -> dict:
    """What a user (memberships, snapshots, trends) and the next run (the tracker's rows) would find."""
    with Session(engine) as session:
        members = dict(session.execute(select(col(Post.external_id), col(TrendMembership.trend_id))
                                       .join(TrendMembership, col(TrendMembership.post_id) == col(Post.id))).all())
        snapshots = sorted((s.trend_id, s.window, s.window_start, s.volume, s.authors, s.platforms, s.sources,
                            s.growth, s.burst_score, s.status) for s in session.scalars(select(TrendSnapshot)))
        trends = {t.id: {**t.model_dump(exclude={"summary"}), **t.summary} for t in session.scalars(select(TrendRow))}
        rows = {r.trend_id: (r.data, r.updated_at) for r in session.scalars(select(TrackedTrendRow))}
        stored = session.get(ClassifierState, "trend-engine")
        assert stored is not None
        stream = stored.data
    return {"members": members, "snapshots": snapshots, "trends": trends, "rows": rows, "stream": stream}


def test_two_runs_leave_what_one_run_leaves_and_rewrite_only_changed_trends(engine: Engine, key: bytes,
                                                                            slice_file: Path, use_m3) -> None:
    config = load_config()
    import_file(slice_file, engine=engine, key=key)
    analyse_pending(engine, config, use_m3, now=FIRST_RUN)
    first = _seen(engine)
    analyse_pending(engine, config, use_m3, now=SECOND_RUN)
    two_runs = _seen(engine)
    analyse_pending(engine, config, use_m3, now=SECOND_RUN, rebuild=True)  # one run over everything, same vectors
    one_run = _seen(engine)

    assert two_runs["members"] == one_run["members"] and len(one_run["members"]) > 100
    assert two_runs["snapshots"] == one_run["snapshots"]
    assert {k: v[0] for k, v in two_runs["rows"].items()} == {k: v[0] for k, v in one_run["rows"].items()}
    assert two_runs["stream"] == one_run["stream"]

    changed = {tid for tid, (data, _) in two_runs["rows"].items() if first["rows"].get(tid, (None,))[0] != data}
    untouched = set(first["trends"]) - changed
    assert changed and untouched, "the second run should change some trends and leave others alone"
    for tid, trend in two_runs["trends"].items():
        rewritten = first["trends"].get(tid, {}).get("updated_at") != trend["updated_at"]
        assert rewritten == (tid in changed), f"trend {tid}: row rewritten {rewritten}, state changed {tid in changed}"
        assert (two_runs["rows"][tid][1] != first["rows"].get(tid, (0, 0))[1]) == (tid in changed)
        same = [k for k in trend if k != "updated_at" and (k not in RELABELLED or tid in changed)]
        assert {k: trend[k] for k in same} == {k: one_run["trends"][tid][k] for k in same}, f"trend {tid}"
    assert all(two_runs["trends"][tid]["label"] == first["trends"][tid]["label"] for tid in untouched)

    for tid, (data, _) in one_run["rows"].items():
        assert data.startswith(MAGIC) and decode_trend(data, tid).trend_id == tid
    assert decode_stream(one_run["stream"])[1] == SECOND_RUN


def _merged_pair() -> tuple[TrendState, TrackedTrend, TrackedTrend]:
    """A state with two trends opened in one run, the older merged into the larger, newer one."""
    state, settings = new_state(model="m", dim=4, window=timedelta(days=1)), TrendSettings()
    state.origin = FIRST_RUN - timedelta(days=1)
    rng = np.random.default_rng(3)
    trends = []
    for n in (3, 5):
        posts = [StreamPost(id=str(100 * n + i), text=f"post {n} {i}", created_at=state.origin + timedelta(hours=i),
                            author=f"a{i}") for i in range(n)]
        vecs = rng.normal(size=(n, 4)).astype(np.float32)
        trends.append(open_trend(state, posts, vecs, [p.text for p in posts], FIRST_RUN, settings))
    older, newer = trends
    fold_trend(newer, older)  # the larger trend keeps its id, as merge_close decides
    state.lineage.append(Lineage(kind="merge", parent=newer.trend_id, child=older.trend_id, at=FIRST_RUN, posts=3))
    return state, older, newer


def _save_new(engine: Engine, state: TrendState) -> None:
    with session_scope(engine) as session:
        stored = StoredState(state)
        mirror_state(session, stored, baseline_span=timedelta(days=7), min_category_share=0.25)
        save_state(session, stored, until=FIRST_RUN)


def test_a_trend_merged_into_a_newer_one_is_written_and_an_unchanged_state_writes_nothing(engine: Engine) -> None:
    state, older, newer = _merged_pair()
    _save_new(engine, state)
    before = _seen(engine)["trends"]
    assert before[older.trend_id]["merged_into"] == newer.trend_id and before[newer.trend_id]["size"] == 8

    with session_scope(engine) as session:
        stored = load_state(session)
        assert stored is not None and stored.changed() == []
        mirror_state(session, stored, baseline_span=timedelta(days=7), min_category_share=0.25)
        assert save_state(session, stored, until=SECOND_RUN) == 0
    assert _seen(engine)["trends"] == before


def test_a_run_that_loaded_the_state_before_another_saved_it_keeps_nothing(engine: Engine) -> None:
    _save_new(engine, _merged_pair()[0])
    with session_scope(engine) as session:
        late = load_state(session)
    assert late is not None
    with session_scope(engine) as session:
        current = load_state(session)
        assert current is not None
        save_state(session, current, until=SECOND_RUN)
    late.state.next_id += 1
    with pytest.raises(StateError, match=r"another run saved .* fix: run it again"), session_scope(engine) as session:
        save_state(session, late, until=SECOND_RUN + timedelta(days=1))
    with Session(engine) as session:
        loaded = load_state(session)
        assert loaded is not None and loaded.until == SECOND_RUN
