"""Load held: 64 readers with a log-in cookie and 64 with a token, round after round, against `leefwereld serve` in a
process of its own, while a crawl (local replay server) and a processing run go on. No request may fail, and the
server's memory (RSS) stays within a bound once warmed up. Latencies are printed, not asserted."""
from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import psutil
import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session

from api.auth import create_api_token, create_user
from monitor_config.loader import DEFAULT_CONFIG
from tests.crawl_support import source, write_config
from tests.load_support import fill, readers, summary
from tests.pages_support import CONFIG, PASSWORD
from tests.sources_server import SourcesServer

pytestmark = pytest.mark.slow  # the processing run loads the USE-m3 embedding model

ROOT = Path(__file__).resolve().parent.parent
PATHS = ("/trends", "/api/v1/trends", "/")
WARM_ROUNDS = 2
MIN_ROUNDS = 6
RSS_GROWTH_BOUND = 64 * 2**20  # after warm-up; a leak of a few KB per request would pass it within these rounds


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def env(engine: Engine, tmp_path: Path, credentials: None) -> dict[str, str]:
    return {**os.environ, "LEEFWERELD_DATABASE_URL": engine.url.render_as_string(hide_password=False),
            "LEEFWERELD_HOME": str(tmp_path / "home"), "LEEFWERELD_CONFIG": str(CONFIG),
            "LEEFWERELD_SECRET_KEY": "s" * 40, "LEEFWERELD_COOKIE_SECURE": "0", "LEEFWERELD_LOG_LEVEL": "WARNING"}


@pytest.fixture
def server(env: dict[str, str], tmp_path: Path) -> Iterator[tuple[str, psutil.Process]]:
    """`leefwereld serve` as an operator starts it (default pool settings), in its own process."""
    port = free_port()
    log = (tmp_path / "serve.log").open("wb")
    process = subprocess.Popen([sys.executable, "-m", "api.cli", "serve", f"--port={port}"], env=env, cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    for _ in range(600):
        try:
            if httpx.get(f"{base}/healthz", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            pass
        assert process.poll() is None, (tmp_path / "serve.log").read_text()
        time.sleep(0.1)
    try:
        yield base, psutil.Process(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=60)
        log.close()
        assert "Traceback" not in (tmp_path / "serve.log").read_text(), (tmp_path / "serve.log").read_text()[-4000:]


def test_readers_with_cookies_and_tokens_during_a_crawl_and_processing(
        engine: Engine, env: dict[str, str], server: tuple[str, psutil.Process], tmp_path: Path,
        slice_file: Path) -> None:
    base, serving = server
    with Session(engine) as session:
        create_user(session, username="jan", password=PASSWORD, role="youth_worker", actor="test")
        token = create_api_token(session, user=create_user(session, username="piet", password=PASSWORD,
                                                           role="youth_worker", actor="test"), actor="test")[1]
        session.commit()
    fill(engine)
    imported = subprocess.run([sys.executable, "-m", "api.cli", "import", str(slice_file)], env=env, cwd=ROOT,
                              capture_output=True, text=True, check=False)
    assert imported.returncode == 0, imported.stderr

    async def both(rounds: int) -> dict[str, tuple[list[float], list[str]]]:
        cookie, bearer = await asyncio.gather(readers(base, token=None, count=64, rounds=rounds, paths=PATHS),
                                              readers(base, token=token, count=64, rounds=rounds, paths=PATHS))
        return {"cookie": cookie, "token": bearer}

    warm = asyncio.run(both(WARM_ROUNDS))
    assert warm["cookie"][1] == [] and warm["token"][1] == []
    rss_warm = serving.memory_info().rss

    with SourcesServer() as sources:
        news = source("rss", "nieuws", sources.url("slow", "rss")) | {"search_feeds": []}  # no language model
        crawl_config = write_config(tmp_path, [news,
                                               source("html", "kanaal", sources.url("slow", "telegram"))])
        crawl = subprocess.Popen([sys.executable, "-m", "api.cli", "--config", str(crawl_config), "crawl", "--once"],
                                 env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        process = subprocess.Popen([sys.executable, "-m", "api.cli", "--config", str(DEFAULT_CONFIG), "process",
                                    "--embedder", "use-m3"], env=env, cwd=ROOT, stdout=subprocess.DEVNULL,
                                   stderr=subprocess.PIPE, text=True)
        latencies: dict[str, list[float]] = {"cookie": [], "token": []}
        errors: list[str] = []
        rss: list[int] = []
        rounds = 0
        while rounds < MIN_ROUNDS or crawl.poll() is None or process.poll() is None:
            for kind, (took, failed) in asyncio.run(both(1)).items():
                latencies[kind] += took
                errors += [f"{kind} {error}" for error in failed]
            rss.append(serving.memory_info().rss)
            rounds += 1
        crawl_errors, process_errors = crawl.communicate()[1], process.communicate()[1]

    print(f"\n{rounds} rounds of 64 + 64 readers during a crawl and a processing run")
    for kind, took in latencies.items():
        print(summary(kind, took))
    print(f"server RSS: {rss_warm / 2**20:.0f} MB after warm-up, max {max(rss) / 2**20:.0f} MB, "
          f"last {rss[-1] / 2**20:.0f} MB")
    assert errors == []
    assert crawl.returncode == 0, crawl_errors[-2000:]
    assert process.returncode == 0, process_errors[-2000:]
    assert max(rss) - rss_warm < RSS_GROWTH_BOUND, [f"{r / 2**20:.0f} MB" for r in rss]
