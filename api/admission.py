"""Admission: at most `db_pool_size` requests are served at once; the others wait their turn without a thread.

Why: FastAPI runs each sync dependency and route in a pool of 40 threads. A request takes its database connection in
its first dependency and keeps it until the route has answered, passing through the thread pool several times.
Under a burst, threads of requests still waiting for a connection can fill the thread pool, while the requests that
hold the connections wait for a thread to go on: nothing moves until SQLAlchemy's pool timeout (30 s, then 500).
Waiting here, on the event loop, holds no thread and no connection; a request admitted always gets both. A request
that cannot get its turn within `db_wait_timeout` is answered 503 with Retry-After, and so is one that still finds
the connection pool empty (sqlalchemy.exc.TimeoutError).
"""
from __future__ import annotations

import asyncio
import logging
import math
import weakref

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.types import ASGIApp, Receive, Scope, Send

from api.errors import render_error, wants_page

log = logging.getLogger(__name__)
UNLIMITED_PREFIXES = ("/static/",)  # files from disk: no database, no thread
BUSY = "Het is even te druk; probeer het over een paar seconden opnieuw. / The server is busy; try again shortly."


def retry_after(wait_timeout: float) -> int:
    """Seconds a client should wait before trying again: a burst that filled the queue is mostly gone by then."""
    return max(1, math.ceil(wait_timeout / 3))


def busy_response(request: Request, wait_timeout: float) -> Response:
    headers = {"Retry-After": str(retry_after(wait_timeout))}
    if wants_page(request):
        response = render_error(request, 503)
        response.headers.update(headers)
        return response
    return JSONResponse({"detail": BUSY}, status_code=503, headers=headers)


class AdmissionMiddleware:
    def __init__(self, app: ASGIApp, *, limit: int, wait_timeout: float) -> None:
        self.app, self.limit, self.wait_timeout = app, limit, wait_timeout
        # one semaphore per event loop: tests may serve one app from several loops, one after the other
        self._turns: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = (
            weakref.WeakKeyDictionary())

    def _semaphore(self) -> asyncio.Semaphore:
        loop = asyncio.get_running_loop()
        turns = self._turns.get(loop)
        if turns is None:
            turns = self._turns[loop] = asyncio.Semaphore(self.limit)
        return turns

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED_PREFIXES):
            await self.app(scope, receive, send)
            return
        turns = self._semaphore()
        try:
            await asyncio.wait_for(turns.acquire(), self.wait_timeout)
        except TimeoutError:
            log.warning("busy: %s %s waited %.0f s for a database connection", scope["method"], scope["path"],
                        self.wait_timeout)
            await busy_response(Request(scope), self.wait_timeout)(scope, receive, send)
            return
        try:
            await self.app(scope, receive, send)
        finally:
            turns.release()


def install_admission(app: FastAPI, *, limit: int, wait_timeout: float) -> None:
    async def answer_pool_timeout(request: Request, _exc: Exception) -> Response:
        log.warning("busy: %s %s found no free database connection", request.method, request.url.path)
        return busy_response(request, wait_timeout)

    app.add_exception_handler(PoolTimeout, answer_pool_timeout)
    app.add_middleware(AdmissionMiddleware, limit=limit, wait_timeout=wait_timeout)
