"""The upload endpoints the Zeeschuimer browser extension talks to, as it talks to 4CAT.

`POST /api/import-dataset/` with `X-Zeeschuimer-Platform` and an NDJSON body answers 200 with
`{"status", "key", "url"}`; `GET /api/check-query/?key=` answers `{"done", "status", "rows", "url"}`.
The extension reads 403 as "not logged in" and looks for "Unknown platform or source format" in a 404.
Authentication sits in one dependency (`require_uploader`): the web log-in (session cookie, which the
extension sends along) or an API token, and, for set-ups without accounts, the upload token.
The custom header guards against cross-site posts: a browser sends it only after a CORS preflight, which
this API does not grant.
"""
from __future__ import annotations

import hmac
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Request

from api.deps import OptionalUser, SessionDep
from crawlers.matching import WatchlistMatcher
from crawlers.uploads import UPLOAD_SOURCE, is_known_platform, store_upload
from models.content import CrawlRun

UPLOAD_COOKIE = "leefwereld_upload"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024

router = APIRouter(prefix="/api", tags=["zeeschuimer"])


class UploadLimiter:
    """At most `limit` uploads per `window` seconds per uploader; the clock is passed in."""

    def __init__(self, limit: int = 10, window: float = 60.0, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def allow(self, who: str) -> bool:
        now = self.clock()
        with self._lock:
            recent = self._seen.setdefault(who, deque())
            while recent and now - recent[0] >= self.window:
                recent.popleft()
            if len(recent) >= self.limit:
                return False
            recent.append(now)
            return True


def require_uploader(request: Request, user: OptionalUser) -> str:
    """Who uploads: a logged-in user (any role), else the holder of the upload token (cookie or Bearer).

    Answers 403, never the app's usual 401: 403 is what the extension understands as "log in first"."""
    if user is not None:
        return f"user:{user.id}"
    expected = request.app.state.settings.upload_token
    given = request.cookies.get(UPLOAD_COOKIE) or ""
    header = request.headers.get("Authorization", "")
    if header.lower().startswith("bearer "):
        given = header[7:].strip()
    if not expected or not given or not hmac.compare_digest(given.encode(), expected.encode()):
        raise HTTPException(403, "Niet ingelogd: log in bij de monitor en probeer het opnieuw.")
    return "upload-token"


def get_limiter(request: Request) -> UploadLimiter:
    return request.app.state.upload_limiter


Uploader = Annotated[str, Depends(require_uploader)]
Limiter = Annotated[UploadLimiter, Depends(get_limiter)]


def _status_url(request: Request, key: str) -> str:
    """Absolute, from `alerts.public_url` (never the request's Host header)."""
    base = str(request.app.state.settings.watch.alerts.public_url).rstrip("/")
    return f"{base}{request.app.url_path_for('check_query')}?key={key}"


@router.post("/import-dataset/")
async def import_dataset(request: Request, uploader: Uploader, limiter: Limiter,
                         platform: Annotated[str | None, Header(alias="X-Zeeschuimer-Platform")] = None) -> Any:
    if not platform or not is_known_platform(platform):
        raise HTTPException(404, f"Unknown platform or source format: {platform!r}")
    if not limiter.allow(uploader):
        raise HTTPException(429, "Te veel uploads achter elkaar; wacht een minuut en probeer het opnieuw.")
    body = await request.body()
    if len(body) > MAX_UPLOAD_BYTES:
        raise HTTPException(413, "Dit bestand is te groot om in één keer te uploaden.")
    settings, engine = request.app.state.settings, request.app.state.engine
    matcher = WatchlistMatcher(settings.watch.watchlists)
    from starlette.concurrency import run_in_threadpool

    result = await run_in_threadpool(store_upload, body, platform=platform, engine=engine,
                                     key=settings.pseudonym_key(), matcher=matcher)
    key = str(result.run_id)
    return {"status": "queued", "key": key, "url": _status_url(request, key)}


@router.get("/check-query/", name="check_query")
def check_query(request: Request, key: str, uploader: Uploader, session: SessionDep) -> Any:
    run = session.get(CrawlRun, int(key)) if key.isdigit() else None
    if run is None or run.source_name != UPLOAD_SOURCE:
        raise HTTPException(404, "Deze upload is niet bekend.")
    done = run.finished_at is not None
    status = (f"Klaar: {run.items_stored} nieuwe berichten, {run.items_duplicate} al bekend, "
              f"{run.items_dropped} overgeslagen" if done else "Bezig met verwerken")
    if done and run.status == "failed" and run.items_stored + run.items_duplicate == 0:
        status = "Mislukt: de upload is niet verwerkt; stuur hem opnieuw"
    return {"key": key, "done": done, "status": status, "rows": run.items_stored + run.items_duplicate,
            "url": _status_url(request, key), "datasource": UPLOAD_SOURCE}
