"""Readers for the load tests: a burst of page and API requests with a log-in cookie or a token, and a trend to
read."""
from __future__ import annotations

import asyncio
import statistics
from datetime import timedelta

import httpx
from sqlalchemy.engine import Engine
from sqlmodel import Session

from tests.pages_support import NOW, PASSWORD, bearer, csrf_of
from tests.trend_factory import make_trend, spread

READER_PATHS = ("/trends", "/api/v1/trends", "/", "/trends/1", "/api/v1/trends/1")  # trend 1: made by fill()


def fill(engine: Engine) -> None:
    with Session(engine) as session:
        trend = make_trend(session, label="gelblasters op het schoolplein", first_seen=NOW - timedelta(days=9),
                           last_seen=NOW - timedelta(days=1), posts=["gelblaster schieten bij school"] * 3,
                           daily=spread((NOW - timedelta(days=9)).date(), [1, 2, 3, 5, 8, 13]), status="emerging")
        session.commit()
        assert trend.id == 1


async def readers(base: str, *, token: str | None, count: int, rounds: int,
                  paths: tuple[str, ...] = READER_PATHS) -> tuple[list[float], list[str]]:
    """`count` readers at once, `rounds` times over; a reader with no token logs in first (the session cookie)."""
    latencies: list[float] = []
    errors: list[str] = []
    # keep-alive shorter than uvicorn's 5 s, so no request goes out on a connection the server is just closing
    limits = httpx.Limits(max_connections=count, keepalive_expiry=1)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits, follow_redirects=False) as client:
        headers = bearer(token) if token else {}
        if token is None:
            form = {"username": "jan", "password": PASSWORD, "next": "/",
                    "csrf_token": csrf_of((await client.get("/login/")).text)}
            assert (await client.post("/login/", data=form)).status_code == 303

        async def one(path: str) -> None:
            started = asyncio.get_running_loop().time()
            try:
                response = await client.get(path, headers=headers)
                if response.status_code != 200:
                    errors.append(f"{path}: {response.status_code}")
            except httpx.HTTPError as exc:
                errors.append(f"{path}: {type(exc).__name__}")
            latencies.append(asyncio.get_running_loop().time() - started)

        for _ in range(rounds):
            await asyncio.gather(*(one(paths[n % len(paths)]) for n in range(count)))
    return latencies, errors


def summary(name: str, latencies: list[float]) -> str:
    cuts = statistics.quantiles(latencies, n=100)
    return f"{name}: {len(latencies)} requests, p50 {cuts[49]:.2f} s, p99 {cuts[98]:.2f} s, max {max(latencies):.2f} s"
