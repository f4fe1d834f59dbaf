"""Single requests, one at a time: milliseconds per request of each page and the part spent in SQL.

    PYTHONPATH=. python -m bench.page_times --url postgresql+psycopg://postgres@127.0.0.1:5432/lw_scale_1m

Runs the app in process (FastAPI's TestClient) against a store built by bench/scale_store.py and times `--n`
requests of the trends list, trend pages, the digest of the last complete week and /api/v1/trends, with the
time spent in SQL statements (SQLAlchemy cursor events) beside it. Statements over 20 ms are printed.
"""
from __future__ import annotations

import argparse
import logging
import os
import sys
import tempfile
import time
from typing import Any

from sqlalchemy import event


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--n", type=int, default=5)
    args = parser.parse_args(argv)
    home = tempfile.mkdtemp()
    os.environ.update(LEEFWERELD_DEMO="1", LEEFWERELD_HOME=home, LEEFWERELD_LOG_LEVEL="WARNING",
                      LEEFWERELD_DATABASE_URL=args.url)
    logging.disable(logging.INFO)
    from fastapi.testclient import TestClient

    from api.app import create_app
    from bench.load_pages import bench_token, trend_ids
    from models.db import make_engine
    from monitor_config.settings import Settings

    engine = make_engine(args.url)
    sql = {"t": 0.0, "n": 0.0}

    @event.listens_for(engine, "before_cursor_execute")
    def _before(conn: Any, *_: Any) -> None:
        conn.info["t0"] = time.perf_counter()

    @event.listens_for(engine, "after_cursor_execute")
    def _after(conn: Any, cursor: Any, statement: str, *_: Any) -> None:
        spent = time.perf_counter() - conn.info["t0"]
        sql["t"] += spent
        sql["n"] += 1
        if spent > 0.02:
            print(f"   {spent * 1000:.0f} ms: {' '.join(statement.split())[:160]}")

    client = TestClient(create_app(Settings(), engine=engine),
                        headers={"Authorization": f"Bearer {bench_token(args.url)}"})
    ids = trend_ids(args.url, args.n)
    week = client.get("/digests", follow_redirects=False).headers["location"].split("?")[0]
    paths = {"trends list": lambda i: "/trends", "trend page": lambda i: f"/trends/{ids[i % len(ids)]}",
             "digest": lambda i: week, "api trends": lambda i: "/api/v1/trends"}
    for name, path in paths.items():
        client.get(path(0))
        sql.update(t=0.0, n=0.0)
        started = time.perf_counter()
        for i in range(args.n):
            assert client.get(path(i)).status_code == 200
        print(f"{name}: {1000 * (time.perf_counter() - started) / args.n:.0f} ms per request, SQL "
              f"{1000 * sql['t'] / args.n:.0f} ms in {sql['n'] / args.n:.0f} statements")
    print("command: PYTHONPATH=. python -m bench.page_times " + " ".join(argv if argv is not None else sys.argv[1:]))


if __name__ == "__main__":
    main()
