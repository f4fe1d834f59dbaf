"""Figures that agree everywhere, for every trend at every moment: a property-based test.

Hypothesis drives random sequences of imports (slices of the demo corpus, in time order), processing runs (with
the trigram test embedder, no model file), reviewers' verdicts and merges, and purges, on SQLite and PostgreSQL.
After every step, what a reader sees must add up: on every trend, distinct authors <= posts and the posts per
platform add up to the posts (a merged-away trend shows none); in the weekly digest, a trend's figures are of
that week only and agree in the same way.
"""
from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, select

from api.auth.users import create_user
from api.digest import build_digest
from api.digest.weeks import week_of
from api.review.actions import merge_trends, record_verdict
from classifier.analyse import analyse_pending
from classifier.persist import forget_purged
from crawlers.importers import import_file
from models.analysis import Trend
from models.db import make_engine, session_scope, upgrade_database
from models.purge import purge_posts
from models.serving import User
from monitor_config import load_config
from tests.categorise_helpers import TrigramEmbedder
from tests.conftest import DEMO, TEST_KEY, throwaway_postgres

pytestmark = pytest.mark.slow  # hypothesis drives many processing runs on both databases

ROWS = sorted((json.loads(line) for line in (DEMO / "demo_posts.jsonl").read_text(encoding="utf-8").splitlines()),
              key=lambda r: r["created_at"])
START = datetime.fromisoformat(ROWS[0]["created_at"].replace("Z", "+00:00"))
CONFIG = load_config()

steps = st.lists(st.one_of(
    st.tuples(st.just("import"), st.integers(2, 9)),  # import the next N days of posts, then process them
    st.tuples(st.just("merge"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("review"), st.integers(0, 50), st.sampled_from(["confirm", "dismiss", "watch"])),
    st.tuples(st.just("purge"), st.integers(3, 20)),  # keep this many days
), min_size=2, max_size=7)


@contextmanager
def fresh_database(backend: str, template: str | None) -> Iterator[Engine]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as folder:
            engine = make_engine(f"sqlite:///{Path(folder) / 'figures.db'}")
            upgrade_database(engine)
            yield engine
            engine.dispose()
        return
    with throwaway_postgres("leefwereld_fig", template) as engine:
        yield engine


def check_figures(engine: Engine, now: datetime) -> None:
    with Session(engine) as session:
        for trend in session.exec(select(Trend)):
            platforms = (trend.summary or {}).get("platforms") or {}
            shown = f"trend {trend.id} '{trend.label}': {trend.size} posts, {trend.authors} authors, {platforms}"
            assert 0 <= trend.authors <= trend.size, shown
            assert sum(platforms.values()) == trend.size, shown
            if trend.merged_into is not None:
                assert trend.size == 0, shown
        digest = build_digest(session, week=week_of(now - timedelta(seconds=1), CONFIG.zone), config=CONFIG, now=now)
        for section in digest.sections:
            for category in section.categories:
                for item in category.items:
                    assert item.authors <= item.volume, item
                    assert not item.platforms or sum(item.platforms.values()) == item.volume, item
                    assert all(digest.start <= post.created_at < digest.end for post in item.examples), item


@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_figures_agree_after_any_imports_runs_reviews_merges_and_purges(backend: str,
                                                                        request: pytest.FixtureRequest) -> None:
    template = request.getfixturevalue("postgres_template") if backend == "postgresql" else None

    @settings(max_examples=3, deadline=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
    @given(steps)
    def run(plan: list[tuple]) -> None:
        embedder = TrigramEmbedder()
        with fresh_database(backend, template) as engine, tempfile.TemporaryDirectory() as folder:
            with session_scope(engine) as session:
                reviewer = create_user(session, username="rita", password="een-lang-wachtwoord", role="reviewer",
                                       actor="test")
                reviewer_id = reviewer.id
            clock, taken = START, 0
            for step in plan:
                if step[0] == "import":
                    clock += timedelta(days=step[1])
                    chunk = [r for r in ROWS[taken:] if r["created_at"] < clock.isoformat().replace("+00:00", "Z")]
                    taken += len(chunk)
                    path = Path(folder) / f"chunk{taken}.jsonl"
                    path.write_text("\n".join(json.dumps(r) for r in chunk), encoding="utf-8")
                    if chunk:
                        import_file(path, engine=engine, key=TEST_KEY)
                    analyse_pending(engine, CONFIG, embedder, now=clock)
                else:
                    with session_scope(engine) as session:
                        live = list(session.exec(select(Trend.id).where(col(Trend.merged_into).is_(None))
                                                 .order_by(col(Trend.id))))
                        user = session.get(User, reviewer_id)
                        assert user is not None
                        if step[0] == "merge" and len(live) >= 2:
                            source, target = live[step[1] % len(live)], live[step[2] % len(live)]
                            if source != target:
                                merge_trends(session, source_id=source, target_id=target, reviewer=user,
                                             now=clock)
                        elif step[0] == "review" and live:
                            record_verdict(session, trend_id=live[step[1] % len(live)], reviewer=user,
                                           verdict=step[2], note=None, now=clock)
                        elif step[0] == "purge":
                            report = purge_posts(session, now=clock, retention_days=step[1])
                            forget_purged(session, report.cutoff)
                check_figures(engine, clock)

    run()
