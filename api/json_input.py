"""A JSON body with a lone surrogate (`"\\ud800"`) is a 422 naming the field, before any route sees it.

JSON allows such escapes, Python decodes them, and they fail only later, when the text is encoded for the
database or a response: a server error. Pairs that form one character (`"\\ud83d\\ude00"`) are fine.
"""
from __future__ import annotations

import json
import re
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")
MAX_CHECKED = 10 * 1024 * 1024  # larger JSON bodies are uploads with their own checks


def lone_surrogate_at(value: Any, path: tuple[str | int, ...] = ()) -> tuple[str | int, ...] | None:
    """The path of the first key or string holding a lone surrogate, else None."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, path)]
    while stack:
        node, where = stack.pop()
        if isinstance(node, str):
            if not _encodable(node):
                return where
        elif isinstance(node, dict):
            for key, item in node.items():
                if not _encodable(key):
                    return (*where, key.encode("utf-8", "replace").decode())
                stack.append((item, (*where, key)))
        elif isinstance(node, list):
            stack.extend((item, (*where, index)) for index, item in enumerate(node))
    return None


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


class RejectLoneSurrogates:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        headers = dict(scope.get("headers") or []) if scope["type"] == "http" else {}
        if b"json" not in headers.get(b"content-type", b"") or scope.get("method") in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        declared = headers.get(b"content-length", b"")
        if declared.isdigit() and int(declared) > MAX_CHECKED:
            await self.app(scope, receive, send)
            return
        messages: list[Message] = []
        body = b""
        while True:
            message = await receive()
            messages.append(message)
            if message["type"] != "http.request":
                break
            body += message.get("body", b"")
            if not message.get("more_body", False):
                break
        where = _problem(body) if SURROGATE_ESCAPE.search(body) else None
        if where is not None:
            await _refuse(send, where)
            return

        async def replay() -> Message:
            return messages.pop(0) if messages else await receive()

        await self.app(scope, replay, send)


def _problem(body: bytes) -> tuple[str | int, ...] | None:
    try:
        value = json.loads(body)
    except (ValueError, RecursionError):
        return None  # the route answers 422 for JSON it cannot read
    return lone_surrogate_at(value)


async def _refuse(send: Send, where: tuple[str | int, ...]) -> None:
    field = ".".join(str(part) for part in where) or "(body)"
    detail = [{"type": "string_unicode", "loc": ["body", *where], "input": None,
               "msg": f"Ongeldig teken (een losse surrogaat, \\ud800-\\udfff) in {field}; verwijder het. / "
                      f"Invalid character (a lone surrogate) in {field}; remove it."}]
    payload = json.dumps({"detail": detail}).encode()
    await send({"type": "http.response.start", "status": 422,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode())]})
    await send({"type": "http.response.body", "body": payload})
