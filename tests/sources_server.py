"""A local HTTP server replaying recorded source responses, with a path prefix per odd behaviour.

URLs look like /<mode>[-<any>]/<kind>/<the source's own path>. Modes: ok; 429 (first hit answers 429 with
Retry-After: 1); 503 (first hit answers 503 with Retry-After as an HTTP date); slow; trunc (announces more
bytes than it sends); bad (a body cut in half, with a matching length); verboden (disallowed by robots.txt).
Requests to the host name 'localhost' get Reddit's 2024 robots.txt, which disallows everything.
"""
from __future__ import annotations

import json
import re
import threading
import time
from dataclasses import dataclass, field
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

SOURCES = Path(__file__).with_name("fixtures") / "sources"
ROBOTS = b"User-agent: *\nDisallow: /verboden/\n"
FEED_ETAG, FEED_MODIFIED = '"guardian-1"', "Wed, 31 Jan 2018 10:00:00 GMT"
ACCESS_JWT = "test-access-jwt"
BLUESKY_LOGIN = ("monitor.example.social", "app-pass-word-1234")
REDDIT_TOKEN = "test-reddit-token"
MASTODON_TAG = "fgiztsshwiaqqiztpmmjbtvmescsculuvmgjgopwoeidbcrixp"

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Hit:
    method: str
    host: str
    path: str
    query: str
    headers: dict[str, str]
    at: float


def _json(data: object, status: int = 200, /, **headers: str) -> Reply:
    return status, {"Content-Type": "application/json; charset=utf-8", **headers}, json.dumps(data).encode()


def _file(path: str, content_type: str, status: int = 200, /, **headers: str) -> Reply:
    return status, {"Content-Type": content_type, **headers}, (SOURCES / path).read_bytes()


def _telegram_pages() -> list[tuple[int, bytes]]:
    pages = []
    for number in (1, 2, 3):
        body = (SOURCES / f"telegram/buurtkanaal-page-{number}.html").read_bytes()
        ids = [int(i) for i in re.findall(rb'data-post="buurtkanaal/(\d+)"', body)]
        pages.append((min(ids), body))
    return pages


@dataclass
class Replay:
    hits: list[Hit] = field(default_factory=list)
    first_seen: set[str] = field(default_factory=set)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.mastodon = [json.loads((SOURCES / f"mastodon/tag-timeline-page-{n}.json").read_text())
                         for n in (1, 2, 3, 4)]
        self.telegram = _telegram_pages()

    def answer(self, method: str, kind: str, path: str, query: dict[str, str], headers: dict[str, str],
               body: bytes, base: str) -> Reply:
        handler = getattr(self, f"_{kind}", None)
        return handler(method, path, query, headers, body, base) if handler else (404, {}, b"no such kind")

    def _mastodon(self, method: str, path: str, q: dict[str, str], h: dict[str, str], body: bytes, base: str) -> Reply:
        if not path.startswith("api/v1/timelines/tag/"):
            return 404, {}, b""
        if path.rsplit("/", 1)[-1] != MASTODON_TAG:
            return _json([])
        statuses = [s for page in self.mastodon for s in page]
        if "max_id" in q:
            statuses = [s for s in statuses if int(s["id"]) < int(q["max_id"])]
        if "since_id" in q:
            statuses = [s for s in statuses if int(s["id"]) > int(q["since_id"])]
        page = statuses[: min(int(q.get("limit", 20)), 10)]  # the recording paged by 10
        headers = {}
        if page:
            timeline = f"http://localhost:3000/api/v1/timelines/tag/{MASTODON_TAG}?limit=10"
            headers["Link"] = (f'<{timeline}&max_id={page[-1]["id"]}>; rel="next", '
                               f'<{timeline}&min_id={page[0]["id"]}>; rel="prev"')
        return _json(page, **headers)

    def _bluesky(self, method: str, path: str, q: dict[str, str], h: dict[str, str], body: bytes, base: str) -> Reply:
        if path == "xrpc/com.atproto.server.createSession" and method == "POST":
            login = json.loads(body or b"{}")
            if (login.get("identifier"), login.get("password")) != BLUESKY_LOGIN:
                return _json({"error": "AuthenticationRequired", "message": "Invalid identifier or password"}, 401)
            return _json({"accessJwt": ACCESS_JWT, "refreshJwt": "r", "handle": BLUESKY_LOGIN[0],
                          "did": "did:plc:monitor"})
        if path == "xrpc/app.bsky.feed.searchPosts":
            if h.get("authorization") != f"Bearer {ACCESS_JWT}":
                return _json({"error": "Forbidden", "message": "Request forbidden by administrative rules."}, 403)
            page = 2 if q.get("cursor") == "15" else 1
            return _file(f"bluesky/searchPosts-page-{page}.json", "application/json; charset=utf-8")
        return 404, {}, b""

    def _reddit(self, method: str, path: str, q: dict[str, str], h: dict[str, str], body: bytes, base: str) -> Reply:
        if path == "api/v1/access_token" and method == "POST":
            return _json({"access_token": REDDIT_TOKEN, "token_type": "bearer", "expires_in": 86400, "scope": "*"})
        if h.get("authorization") != f"Bearer {REDDIT_TOKEN}":
            return _json({"message": "Unauthorized", "error": 401}, 401)
        first = json.loads((SOURCES / "reddit/r-popular-new-page-1.json").read_text())
        page = 2 if q.get("after") == first["data"]["after"] or path.endswith("/search") else 1
        return _file(f"reddit/r-popular-new-page-{page}.json", "application/json; charset=UTF-8",
                     **{"x-ratelimit-remaining": "997.0", "x-ratelimit-reset": "15", "x-ratelimit-used": "3"})

    def _rss(self, method: str, path: str, q: dict[str, str], h: dict[str, str], body: bytes, base: str) -> Reply:
        if path == "guardian.rss":
            if h.get("if-none-match") == FEED_ETAG:
                return 304, {"ETag": FEED_ETAG}, b""
            return _file("rss/guardian.rss", "application/rss+xml", ETag=FEED_ETAG, **{"Last-Modified": FEED_MODIFIED})
        if path == "search":
            return _file("rss/heise.atom", "application/atom+xml")
        return 404, {}, b""

    def _youtube(self, method: str, path: str, q: dict[str, str], h: dict[str, str], body: bytes, base: str) -> Reply:
        if path == "feeds/videos.xml" and q.get("channel_id") == "UCsXVk37bltHxD1rDPwtNM8Q":
            return _file("youtube/videos-xml-channel.xml", "text/xml; charset=UTF-8",
                         **{"cache-control": "public, max-age=900"})
        return _file("youtube/videos-xml-channel-404.html", "text/html; charset=UTF-8", 404)

    def _telegram(self, method: str, path: str, q: dict[str, str], h: dict[str, str], body: bytes, base: str) -> Reply:
        if path != "s/buurtkanaal":
            return 404, {}, b""
        before = int(q.get("before", 10**9))
        pages = [p for p in self.telegram if p[0] < before]
        empty = (b'<main class="tgme_main"><section class="tgme_channel_history">'
                 b'<div class="tme_no_messages_found">No posts found</div></section></main>')
        lowest, body = pages[0] if pages else (0, empty)
        more = (f'<a href="{base}s/buurtkanaal?before={lowest}" class="tme_messages_more js-messages_more" '
                f'data-before="{lowest}"></a>')
        if pages and lowest > self.telegram[-1][0]:
            body = body.replace(b'<section class="tgme_channel_history js-message_history">',
                                b'<section class="tgme_channel_history js-message_history">' + more.encode())
        return 200, {"Content-Type": "text/html; charset=utf-8"}, body

    _html = _telegram


class Handler(BaseHTTPRequestHandler):
    replay: Replay

    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:
        self.handle_any("GET")

    def do_POST(self) -> None:
        self.handle_any("POST")

    def handle_any(self, method: str) -> None:
        parts = urlsplit(self.path)
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        headers = {k.lower(): v for k, v in self.headers.items()}
        host = headers.get("host", "")
        with self.replay.lock:
            self.replay.hits.append(Hit(method, host, parts.path, parts.query, headers, time.monotonic()))
        if parts.path == "/robots.txt":
            recorded = SOURCES / "robots/www.reddit.com.robots.2024-06.txt"
            robots = recorded.read_bytes() if host.startswith("localhost") else ROBOTS
            return self.send(200, {"Content-Type": "text/plain"}, robots)
        mode, _, rest = parts.path.lstrip("/").partition("/")
        behaviour = mode.split("-")[0]  # 'slow-2' behaves as 'slow' under a prefix of its own
        kind, _, path = rest.partition("/")
        query = {k: v[0] for k, v in parse_qs(parts.query).items()}
        status, reply_headers, reply = self.replay.answer(method, kind, path, query, headers, body, f"/{mode}/{kind}/")
        key = f"{method} {parts.path}?{parts.query}"
        with self.replay.lock:
            first = key not in self.replay.first_seen
            self.replay.first_seen.add(key)
        if method == "GET" and behaviour == "429" and first:
            return self.send(429, {"Retry-After": "1", "Content-Type": "text/html"},
                             (SOURCES / "reddit/429-oauth-with-retry-after.html").read_bytes())
        if method == "GET" and behaviour == "503" and first:
            return self.send(503, {"Retry-After": formatdate(time.time() + 2, usegmt=True)}, b"busy")
        if behaviour == "slow":
            time.sleep(0.3)
        if method == "GET" and behaviour == "bad" and status == 200:
            reply = reply[: len(reply) // 2]
        if method == "GET" and behaviour == "trunc" and status == 200:
            return self.send(status, reply_headers, reply[: len(reply) // 2], length=len(reply))
        return self.send(status, reply_headers, reply)

    def send(self, status: int, headers: dict[str, str], body: bytes, length: int | None = None) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body) if length is None else length))
        self.end_headers()
        self.wfile.write(body)
        if length is not None:
            self.close_connection = True


class SourcesServer:
    def __init__(self) -> None:
        self.replay = Replay()
        handler = type("BoundHandler", (Handler,), {"replay": self.replay})
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def url(self, mode: str, kind: str, host: str = "127.0.0.1") -> str:
        return f"http://{host}:{self.port}/{mode}/{kind}/"

    def hits(self, prefix: str) -> list[Hit]:
        with self.replay.lock:
            return [h for h in self.replay.hits if h.path.startswith(prefix)]

    def __enter__(self) -> SourcesServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
