"""The app served by a real uvicorn on 127.0.0.1 in a thread, for tests of races and of what uvicorn logs."""
from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from fastapi import FastAPI


@contextmanager
def serve(app: FastAPI, *, log_level: str = "warning") -> Iterator[str]:
    """Serve `app` until the block ends; yields its base URL. uvicorn leaves logging alone (`log_config=None`),
    as `leefwereld serve` does, so its records go through the product's own handler and filter. The access log
    is on, as in `leefwereld serve` (its lines are INFO: `log_level="info"` shows them); switching it off would
    stop the logger from propagating for the rest of the process."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    config = uvicorn.Config(app, log_level=log_level, lifespan="off", log_config=None)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(400):
        if server.started:
            break
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
        sock.close()
