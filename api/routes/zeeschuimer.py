"""The upload endpoints the Zeeschuimer browser extension talks to, as it talks to 4CAT.

`POST /api/import-dataset/` with `X-Zeeschuimer-Platform` and an NDJSON body answers 200 with
`{"status", "key", "url"}` as soon as the body is on disk (the lines are stored in the background);
`GET /api/check-query/?key=` answers `{"done", "status", "rows", "url"}` to the uploader only. The key is random.
The extension reads 403 as "not logged in" and looks for "Unknown platform or source format" in a 404.
Authentication sits in one dependency (`require_uploader`): the web log-in (session cookie, which the
extension sends along) or an API token, and, for set-ups without accounts, the upload token.
The custom header guards against cross-site posts: a browser sends it only after a CORS preflight, which
this API does not grant.
"""
from __future__ import annotations

import hmac
import logging
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, HTTPException, Query, Request
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError

from api.deps import OptionalUser, SessionDep
from crawlers.matching import WatchlistMatcher
from crawlers.uploads import (
    UPLOAD_SOURCE,
    find_upload,
    is_known_platform,
    start_upload,
    store_upload,
    unfinished_upload_runs,
)
from models.crawling import fail_unfinished_runs
from models.db import session_scope

log = logging.getLogger(__name__)
UPLOAD_COOKIE = "leefwereld_upload"
MAX_UPLOAD_BYTES = 200 * 1024 * 1024


def too_large(limit: int) -> HTTPException:
    return HTTPException(413, f"Dit bestand is te groot om in één keer te uploaden (hoogstens {limit // 2**20} MB); "
                              "splits de verzameling op. / File too large.")

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


def _spool(request: Request) -> Path:
    """Where an upload is written while it arrives: the data folder (never a shared /tmp), readable by us only."""
    folder = Path(request.app.state.settings.home) / "uploads"
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


async def receive_to_file(request: Request, folder: Path, limit: int) -> Path:
    """Write the body to a private temporary file as it arrives; more than `limit` bytes is a 413 at once
    (a Content-Length over the limit is refused before reading anything)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise too_large(limit)
    handle = tempfile.NamedTemporaryFile(dir=folder, prefix="upload-", suffix=".ndjson", delete=False)  # noqa: SIM115
    path, size = Path(handle.name), 0
    try:
        with handle:
            async for chunk in request.stream():
                size += len(chunk)
                if size > limit:
                    raise too_large(limit)
                handle.write(chunk)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return path


def process_upload(path: Path, *, run_id: int, platform: str, engine: Engine, key: bytes,
                   matcher: WatchlistMatcher) -> None:
    """The background part of an upload: store its lines and finish its run, then remove the file."""
    try:
        store_upload(path, platform=platform, engine=engine, key=key, matcher=matcher, run_id=run_id)
    finally:
        path.unlink(missing_ok=True)


def upload_queue() -> ThreadPoolExecutor:
    """Where received uploads are stored, one at a time, beside the server's request handling (and never in a
    request: a `BackgroundTasks` task would hold the answer back behind the app's `http` middleware)."""
    return ThreadPoolExecutor(max_workers=1, thread_name_prefix="upload")


def wait_for_uploads(app: Any) -> None:
    """Block until every upload received so far is stored (for tests and benchmarks)."""
    app.state.upload_queue.submit(lambda: None).result()


def resume_uploads(settings: Any, engine: Engine, queue: ThreadPoolExecutor) -> list[Future[None]]:
    """At start-up: finish the uploads a stopped server left half done. A received file is stored again (what
    was stored already counts as known), a half-received one is removed, and a run without its file is marked
    failed, so no status stays "Bezig met verwerken" for ever."""
    folder = Path(settings.home) / "uploads"
    if not folder.is_dir():  # no upload was ever received here
        return []
    files = {int(p.name.split(".")[0][4:]): p for p in folder.glob("run-*.ndjson")
             if p.name.split(".")[0][4:].isdigit()}
    for partial in folder.glob("upload-*.ndjson"):
        partial.unlink(missing_ok=True)
    try:
        with session_scope(engine) as session:
            open_runs = unfinished_upload_runs(session)
            fail_unfinished_runs(session, [r for r in open_runs if r not in files],
                                 "the server stopped before this upload was stored; upload the file again")
    except SQLAlchemyError as exc:  # a database not set up yet: `leefwereld init` first, nothing to resume
        log.warning("unfinished uploads not checked: %s", type(exc).__name__)
        return []
    jobs: list[Future[None]] = []
    for run_id, path in files.items():
        if run_id not in open_runs:
            path.unlink(missing_ok=True)
            continue
        platform = path.name.split(".", 1)[1].removesuffix(".ndjson")
        if not is_known_platform(platform):
            path.unlink(missing_ok=True)
            continue
        jobs.append(queue.submit(process_upload, path, run_id=run_id, platform=platform, engine=engine,
                                 key=settings.pseudonym_key(), matcher=WatchlistMatcher(settings.watch.watchlists)))
    return jobs


@router.post("/import-dataset/")
async def import_dataset(request: Request, uploader: Uploader, limiter: Limiter,
                         platform: Annotated[str | None, Header(alias="X-Zeeschuimer-Platform")] = None) -> Any:
    """Receive a capture and answer at once with a status key; the lines are stored in the background."""
    if not platform or not is_known_platform(platform):
        raise HTTPException(404, f"Unknown platform or source format: {platform!r}")
    if not limiter.allow(uploader):
        raise HTTPException(429, "Te veel uploads achter elkaar; wacht een minuut en probeer het opnieuw.")
    path = await receive_to_file(request, _spool(request), request.app.state.upload_limit)
    settings, engine = request.app.state.settings, request.app.state.engine
    try:
        with session_scope(engine) as session:
            run_id, key = start_upload(session, uploader=uploader)
        # Named after its run from now on: a restart finds it and finishes the run (`resume_uploads`).
        path = path.rename(path.with_name(f"run-{run_id}.{platform}.ndjson"))
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    request.app.state.upload_queue.submit(process_upload, path, run_id=run_id, platform=platform, engine=engine,
                                          key=settings.pseudonym_key(),
                                          matcher=WatchlistMatcher(settings.watch.watchlists))
    return {"status": "queued", "key": key, "url": _status_url(request, key)}


@router.get("/check-query/", name="check_query")
def check_query(request: Request, uploader: Uploader, user: OptionalUser, session: SessionDep,
                key: Annotated[str, Query(max_length=200)]) -> Any:
    """The state of an upload, for the one who uploaded it (and admins); any other key is unknown (404)."""
    found = find_upload(session, key)
    if found is None or (found[0].uploader != uploader and not (user is not None and user.role == "admin")):
        raise HTTPException(404, "Deze upload is niet bekend.")
    run = found[1]
    done = run.finished_at is not None
    status = (f"Klaar: {run.items_stored} nieuwe berichten, {run.items_duplicate} al bekend, "
              f"{run.items_dropped} overgeslagen" if done else "Bezig met verwerken")
    if run.status == "failed":
        status = f"Mislukt: {run.errors[-1] if run.errors else 'onbekende fout'}. {status}"
    return {"key": key, "done": done, "status": status, "rows": run.items_stored + run.items_duplicate,
            "url": _status_url(request, key), "datasource": UPLOAD_SOURCE}
