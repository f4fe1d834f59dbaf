"""The language switch in every page's header: remembered in the browser session and, for a logged-in user, as
their setting (so e-mails and the next log-in use it too)."""
from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse

from api.deps import CsrfProtected, OptionalUser
from api.flash import flash
from api.routes.login import safe_next
from monitor_config.vocabulary import LANGUAGES

router = APIRouter(include_in_schema=False)


@router.post("/taal", dependencies=[CsrfProtected])
def switch_language(request: Request, user: OptionalUser, lang: Annotated[str, Form()] = "nl",
                    next: Annotated[str, Form()] = "/") -> Any:  # noqa: A002 - the form field's name
    chosen = lang if lang in LANGUAGES else "nl"
    request.session["lang"] = chosen
    if user is not None and user.language != chosen:
        user.language = chosen
        request.state.db.add(user)
    flash(request, "ok", "flash.language")
    target = safe_next(next)
    if "lang=" in target:  # an address that asks for the other language would undo the switch
        path, _, query = target.partition("?")
        kept = "&".join(part for part in query.split("&") if not part.startswith("lang="))
        target = f"{path}?{kept}" if kept else path
    return RedirectResponse(target, status_code=303)
