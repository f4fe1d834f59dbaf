"""How long a Zeeschuimer upload keeps the uploader (and everyone else) waiting, against a same-run baseline.

Serves the app with a real uvicorn on loopback, uploads a synthetic capture of ITEMS TikTok items and reports:
the upload's answer time, a /healthz answer time while the upload is being stored, and the time until the
status says done, each as a ratio to an idle /healthz answer measured in the same run.

    .venv/bin/python bench/upload_latency.py [ITEMS]
"""
from __future__ import annotations

import json
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from api.app import create_app  # noqa: E402
from crawlers.language import warm_up  # noqa: E402
from models.db import make_engine, upgrade_database  # noqa: E402
from monitor_config.settings import load_settings  # noqa: E402
from tests.live_server import serve  # noqa: E402

TOKEN = "upload-token-for-bench-0123456789"
CONFIG = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "config" / "small.yaml"


def capture(items: int) -> bytes:
    lines = (json.dumps({"source_platform": "tiktok.com", "data": {
        "id": str(7_500_000_000_000_000_000 + n), "desc": f"gelblaster challenge bij het plein nummer {n}",
        "createTime": 1763896400 + n, "author": {"uniqueId": f"verzonnen{n % 50}"},
        "stats": {"diggCount": n % 300}}}) for n in range(items))
    return "\n".join(lines).encode()


def timed(call: Callable[[], object]) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def main(items: int) -> None:
    home = Path(tempfile.mkdtemp(prefix="bench-upload-"))
    os.environ.setdefault("LEEFWERELD_PSEUDONYM_KEY", "bench-key-0123456789abcdef0123456789")
    engine = make_engine(f"sqlite:///{home / 'bench.db'}")
    upgrade_database(engine)
    settings = load_settings(config=CONFIG, home=home, upload_token=TOKEN, secret_key="s" * 40, cookie_secure=False)
    body = capture(items)
    warm_up()  # the language model loads once per process; not what is measured here
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with serve(create_app(settings, engine=engine)) as base, httpx.Client(base_url=base, timeout=600) as client:
        idle = min(timed(lambda: client.get("/healthz")) for _ in range(5))
        answer: dict[str, float] = {}
        key: list[str] = []

        def upload() -> None:
            start = time.perf_counter()
            response = client.post("/api/import-dataset/", content=body,
                                   headers={**auth, "X-Zeeschuimer-Platform": "tiktok.com"})
            answer["upload"] = time.perf_counter() - start
            key.append(response.json()["key"])

        start = time.perf_counter()
        thread = threading.Thread(target=upload)
        thread.start()
        time.sleep(0.5)
        with httpx.Client(base_url=base, timeout=600) as other:
            answer["healthz during upload"] = timed(lambda: other.get("/healthz"))
        thread.join()
        while not client.get("/api/check-query/", params={"key": key[0]}, headers=auth).json()["done"]:
            time.sleep(0.2)  # polls, as the extension does
        answer["until done"] = time.perf_counter() - start
    print(f"{items} items, {len(body) / 2**20:.1f} MB; idle /healthz {idle * 1000:.1f} ms")
    for name, seconds in answer.items():
        print(f"  {name}: {seconds:.2f} s = {seconds / idle:.0f} x idle /healthz")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3000)
