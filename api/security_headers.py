"""Security headers on every answer, and redirects that never carry the request's Host header.

- `Content-Security-Policy`: only this site's own resources; no scripts (the pages work without JavaScript),
  inline styles for the `<style>` blocks of the templates, no framing by any site (`frame-ancestors 'none'`),
  forms post only here. The API description at /docs and /redoc runs Swagger UI and ReDoc from this site's own
  files (fastapi-offline) and gets its own policy: their start-up script is inline, ReDoc uses a blob worker.
- `X-Content-Type-Options: nosniff`, `Referrer-Policy: no-referrer` (feed and unsubscribe links carry a token
  in the path: it must not leak to a site a page links to), `X-Frame-Options: DENY` for old browsers.
- `Cache-Control: no-store` unless a route set its own: pages and API answers carry post texts and must not
  stay in a browser's or a proxy's cache.
- A redirect that Starlette makes absolute from the Host header (`/trends/` -> `http://<Host>/trends`) is made
  relative, so a forged Host header cannot send a browser elsewhere or poison a cache.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

PAGE_POLICY = ("default-src 'self'; script-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
               "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
DOCS_POLICY = ("default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
               "img-src 'self' data:; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
               "form-action 'self'; frame-ancestors 'none'")
DOCS_PATHS = frozenset({"/docs", "/redoc"})
ALWAYS = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer", "X-Frame-Options": "DENY"}


def relative_location(location: str) -> str:
    """An absolute http(s) Location as a path on this site (the request's own host is the only one Starlette
    puts there); anything else unchanged."""
    parts = urlsplit(location)
    if parts.scheme in ("http", "https") and parts.netloc:
        path = parts.path or "/"
        if path.startswith("//"):
            path = "/" + path.lstrip("/")
        return path + (f"?{parts.query}" if parts.query else "")
    return location


class SecurityHeadersMiddleware:
    """Pure ASGI middleware (no BaseHTTPMiddleware: streaming answers stay streamed)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        policy = DOCS_POLICY if scope.get("path") in DOCS_PATHS else PAGE_POLICY

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in ALWAYS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", policy)
                headers.setdefault("Cache-Control", "no-store")
                if "location" in headers:
                    headers["Location"] = relative_location(headers["location"])
            await send(message)

        await self.app(scope, receive, send_with_headers)
