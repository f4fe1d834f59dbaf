"""Messages shown once after an action ("Abonnement opgeslagen"), kept in the signed session until the next page.

A message is stored as a catalogue key with its values, so it is shown in the language of the page that shows it.
"""
from __future__ import annotations

from typing import Any, Literal

from fastapi import Request

Kind = Literal["ok", "error"]
FLASH_KEY = "flash"


def flash(request: Request, kind: Kind, key: str, **values: str | int) -> None:
    messages = list(request.session.get(FLASH_KEY, []))
    messages.append({"kind": kind, "key": key, "values": values})
    request.session[FLASH_KEY] = messages[-5:]


def take_flashes(request: Request) -> list[dict[str, Any]]:
    """The waiting messages, removed from the session."""
    if "session" not in request.scope:
        return []
    return list(request.session.pop(FLASH_KEY, []))
