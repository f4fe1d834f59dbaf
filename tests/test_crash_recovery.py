"""A process killed (SIGKILL, no chance to clean up) in the middle of an import, a crawl or a processing run, then
started again as an operator would: nothing lost, nothing doubled, no run left `running`, no job waiting out a
lease."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from models.analysis import Trend, TrendMembership
from models.content import CrawlRun, Post
from models.jobs import JobClaim
from monitor_config.loader import DEFAULT_CONFIG
from monitor_config.settings import Settings
from pipeline import build_pipeline
from pipeline.claims import claim
from pipeline.worker import Worker
from tests.conftest import DEMO, FIXTURES
from tests.crawl_support import count_posts, runs, source, write_config
from tests.pages_support import make_site
from tests.sources_server import SourcesServer

pytestmark = pytest.mark.slow  # kills and restarts real processes

ROOT = Path(__file__).resolve().parent.parent
CONFIG = FIXTURES / "config" / "small.yaml"
LIVE_TRENDS = select(func.count()).select_from(Trend).where(col(Trend.merged_into).is_(None))


@pytest.fixture
def cli_env(engine: Engine, tmp_path: Path, credentials: None) -> dict[str, str]:
    """The environment of `leefwereld` commands on the test's database (credentials: the pseudonym key)."""
    return {**os.environ, "LEEFWERELD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "LEEFWERELD_HOME": str(tmp_path / "home"), "LEEFWERELD_CONFIG": str(CONFIG)}


def leefwereld(env: dict[str, str], *args: str, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "api.cli", *args], env=env, cwd=ROOT, capture_output=True,
                          text=True, timeout=timeout, check=False)


def kill_when(env: dict[str, str], args: list[str], ready: Callable[[], bool], timeout: float = 300) -> None:
    """Start `leefwereld *args` and SIGKILL it (and any crawler child: the whole process group) once `ready()`."""
    process = subprocess.Popen([sys.executable, "-m", "api.cli", *args], env=env, cwd=ROOT, start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    try:
        while not ready():
            if process.poll() is not None:
                said = process.stderr.read()[-2000:] if process.stderr else ""
                pytest.fail(f"`leefwereld {' '.join(args)}` ended (code {process.returncode}) before it could be "
                            f"killed mid-work; make its input bigger: {said}")
            assert time.monotonic() < deadline, "the command never reached the point to kill it at"
            time.sleep(0.05)
    finally:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()  # reaped: the killed process is gone, not a zombie


def scalar(engine: Engine, query: object) -> int:
    with Session(engine) as session:
        return int(session.scalar(query) or 0)  # type: ignore[call-overload]


@pytest.fixture
def many_posts(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """The demo corpus: 2036 posts, imported in batches of 500."""
    path = DEMO / "demo_posts.jsonl"
    yield path, sum(1 for line in path.read_text(encoding="utf-8").splitlines() if line.strip())


def test_an_import_killed_halfway_and_run_again_stores_every_post_once(engine: Engine, cli_env: dict[str, str],
                                                                     many_posts: tuple[Path, int]) -> None:
    path, rows = many_posts
    kill_when(cli_env, ["import", str(path)], lambda: count_posts(engine) > 0)
    kept = count_posts(engine)
    assert 0 < kept < rows, "the kill came after the import, not in the middle"

    again = leefwereld(cli_env, "import", str(path), "--json")
    assert again.returncode == 0, again.stderr
    report = json.loads(again.stdout)
    assert report["duplicates"] == kept and report["stored"] == rows - kept
    assert count_posts(engine) == rows
    distinct = scalar(engine, select(func.count(func.distinct(col(Post.external_id)))))
    assert distinct == rows


def test_a_crawl_killed_mid_run_is_closed_and_the_next_crawl_stores_each_post_once(
        engine: Engine, cli_env: dict[str, str], tmp_path: Path) -> None:
    with SourcesServer() as server:
        slow = source("html", "kanaal", server.url("slow", "telegram"))  # 0.3 s a page: time to kill it mid-run
        config = write_config(tmp_path, [slow], batch_size=2)
        env = {**cli_env, "LEEFWERELD_CONFIG": str(config)}

        def crawling() -> bool:
            return any(hit.path.startswith("/slow/") and "/s/" in hit.path for hit in server.hits("/slow/"))

        kill_when(env, ["crawl", "--once", "--source", "kanaal"], crawling)
        (killed,) = runs(engine)
        assert killed.status == "running" and killed.finished_at is None  # as the kill left it
        after_kill = count_posts(engine)

        again = leefwereld(env, "crawl", "--once", "--source", "kanaal", "--json")
        assert again.returncode == 0, again.stderr
        status = leefwereld(env, "crawl", "--status", "--json")

    first, second = runs(engine)
    assert first.status == "failed" and first.finished_at is not None
    assert any("interrupted" in error for error in first.errors)
    assert second.status == "ok"
    assert count_posts(engine) == after_kill + second.items_stored  # nothing doubled
    assert second.items_stored + second.items_duplicate == second.items_seen - second.items_dropped
    assert scalar(engine, select(func.count()).select_from(CrawlRun).where(col(CrawlRun.status) == "running")) == 0
    assert [r["status"] for r in json.loads(status.stdout)["runs"]] == ["ok", "failed"]


@pytest.mark.slow  # loads the USE-m3 embedding model (numpy, shipped in its package) in each run
def test_processing_killed_mid_run_runs_again_at_once_and_ends_as_a_clean_run(
        engine: Engine, cli_env: dict[str, str], slice_file: Path) -> None:
    cli_env = {**cli_env, "LEEFWERELD_CONFIG": str(DEFAULT_CONFIG)}  # its categories have seed examples to learn from
    assert leefwereld(cli_env, "import", str(slice_file)).returncode == 0
    posts = count_posts(engine)

    def claimed() -> bool:
        with Session(engine) as session:
            claim = session.get(JobClaim, "process")
            return claim is not None and claim.status == "running"

    started: list[float] = []

    def mid_run() -> bool:  # the claim taken, a second into embedding and clustering, and not yet finished
        if not started and claimed():
            started.append(time.monotonic())
        return bool(started) and time.monotonic() - started[0] > 1 and claimed()

    kill_when(cli_env, ["process", "--embedder", "use-m3"], mid_run)
    assert claimed()  # the killed run still holds the job, with a lease of minutes

    again = leefwereld(cli_env, "process", "--embedder", "use-m3", "--json")
    assert again.returncode == 0, f"the job waited out the dead run's lease: {again.stderr[-1500:]}"
    with Session(engine) as session:
        claim = session.get(JobClaim, "process")
        assert claim is not None and claim.status == "ok"
    trends = scalar(engine, LIVE_TRENDS)
    members = scalar(engine, select(func.count()).select_from(TrendMembership))
    doubled = scalar(engine, select(func.count()).select_from(
        select(col(TrendMembership.post_id)).group_by(col(TrendMembership.post_id))
        .having(func.count() > 1).subquery()))
    assert count_posts(engine) == posts and trends > 0 and doubled == 0

    rebuilt = leefwereld(cli_env, "process", "--embedder", "use-m3", "--rebuild", "--json")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert scalar(engine, LIVE_TRENDS) == trends
    assert scalar(engine, select(func.count()).select_from(TrendMembership)) == members


KILLED_HOLDER = """
import os, signal, sys
from datetime import UTC, datetime
from models.crawling import start_runs
from models.db import make_engine, session_scope
from pipeline.claims import claim, worker_name
engine, now = make_engine(sys.argv[1]), datetime.now(UTC)
assert claim(engine, "purge", now, worker_name(), now)
with session_scope(engine) as session:
    start_runs(session, source_names=["nieuws"], trigger="schedule")
    start_runs(session, source_names=["zeeschuimer"], trigger="upload")  # an upload the server was storing
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_worker_starting_after_a_kill_frees_the_dead_claim_and_closes_the_run(engine: Engine,
                                                                                tmp_path: Path) -> None:
    """The killed process held the purge job (a lease of minutes still to go) and had a crawl run and an upload
    open."""
    killed = subprocess.run([sys.executable, "-c", KILLED_HOLDER, engine.url.render_as_string(hide_password=False)],
                            cwd=ROOT, capture_output=True, text=True, check=False)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    now = datetime.now(UTC)
    with Session(engine) as session:
        held = session.get(JobClaim, "purge")
        assert held is not None and held.status == "running" and held.lease_until and held.lease_until > now

    worker = Worker(build_pipeline(Settings(home=tmp_path, config=CONFIG), engine, clock=lambda: now), [])
    worker.start()
    worker.stop()

    with Session(engine) as session:
        freed = session.get(JobClaim, "purge")
        assert freed is not None and freed.status == "interrupted"
    crawl, upload = runs(engine)
    assert crawl.status == "failed" and crawl.finished_at is not None and "interrupted" in crawl.errors[-1]
    assert upload.finished_at is None  # an upload is the web server's to recover: it may still have the file
    (tmp_path / "uploads").mkdir()  # the server had received uploads (but not this one's file)
    make_site(engine, tmp_path)  # the web server starts: the upload's file is gone, so the run failed
    upload = runs(engine)[1]
    assert upload.status == "failed" and upload.finished_at is not None  # not "Bezig met verwerken" forever
    assert "upload the file again" in upload.errors[-1]
    assert claim(engine, "purge", now + timedelta(seconds=1), "the next worker", now)  # at once, no lease to wait
